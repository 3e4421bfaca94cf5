"""Stopping a run cleanly: Ctrl-C (SIGINT) and SIGTERM both unwind the program like an exception,
so that the atomic writer removes its temp file and the earlier output stays whole.

Exit codes follow the shell's convention, 128 + the signal number: 130 for SIGINT, 143 for
SIGTERM. Installed by the console script (klastroviny.__main__) only, never on import, so
that a program that uses klastroviny as a library keeps its own signal handling.

A library may swallow the exception (WeasyPrint catches BaseException while it draws an SVG and
goes on without the image). So the signal is also remembered, and the writer calls
`raise_if_stopped()` before it replaces any output: a run that was asked to stop never writes a
result, even one that a swallowed interrupt left incomplete.
"""

from __future__ import annotations

import os
import signal
import sys


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread; a KeyboardInterrupt so that every clean-up written
    for Ctrl-C runs for it too."""

    exit_code = 128 + signal.SIGTERM  # 143


INTERRUPTED_EXIT_CODE = 128 + signal.SIGINT  # 130

_stopped_by: int | None = None  # the first signal received, once the handlers are installed
_installed = False  # by stop_cleanly_on_signals (the console script), never on import


def exit_code(interrupt: KeyboardInterrupt) -> int:
    return getattr(interrupt, "exit_code", INTERRUPTED_EXIT_CODE)


def stopped(interrupt: KeyboardInterrupt):
    """End the program after an interrupt: one line on stderr, 130 or 143."""
    why = "stopped by SIGTERM" if isinstance(interrupt, Terminated) else "interrupted"
    sys.stderr.write(f"{why}; earlier outputs are left as they were, whole\n")
    sys.stderr.flush()
    raise SystemExit(exit_code(interrupt)) from None


def _interrupt(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def stop_cleanly_on_signals() -> None:
    """SIGINT raises KeyboardInterrupt, SIGTERM raises Terminated, every time one arrives."""

    def on_signal(signum, frame):
        global _stopped_by
        if _stopped_by is None:
            _stopped_by = signum
        raise _interrupt(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sys.unraisablehook = _signal_again_if_swallowed
    global _installed
    _installed = True


def ignore_signals_once_done() -> None:
    """The command's work is done and written: a signal while the program shuts down (its
    workers' threads joined) changes nothing, so it is not turned into a traceback."""
    if _installed:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _signal_again_if_swallowed(unraisable) -> None:
    """An interrupt raised where Python cannot raise it (a weakref callback or __del__, e.g.
    in the import machinery) would be printed as 'Exception ignored' and dropped: send the
    signal again instead, so that it stops the program where it can unwind. Sent from a thread
    a moment later: sent from here, its handler would run inside this hook, and the interrupt
    be printed as 'Exception ignored in sys.unraisablehook'."""
    import threading

    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _stopped_by is not None:
        if callable(signal.getsignal(_stopped_by)):  # still ours, not ignored or default
            again = threading.Timer(0.005, os.kill, (os.getpid(), _stopped_by))
            again.daemon = True
            again.start()
        return
    sys.__unraisablehook__(unraisable)


def raise_if_stopped() -> None:
    """Raise the interrupt again if a signal arrived, even if something swallowed it."""
    if _stopped_by is not None:
        raise _interrupt(_stopped_by)
