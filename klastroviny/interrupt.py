"""Stopping a run cleanly: Ctrl-C (SIGINT) and SIGTERM both unwind the program like an exception,
so that the atomic writer removes its temp file and the earlier output stays whole.

Exit codes follow the shell's convention, 128 + the signal number: 130 for SIGINT, 143 for
SIGTERM. Installed by the console script (cli.main) only, never on import, so that a program that
uses klastroviny as a library keeps its own signal handling.
"""

from __future__ import annotations

import signal


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread; a KeyboardInterrupt so that every clean-up written
    for Ctrl-C runs for it too."""

    exit_code = 128 + signal.SIGTERM  # 143


INTERRUPTED_EXIT_CODE = 128 + signal.SIGINT  # 130


def exit_code(interrupt: KeyboardInterrupt) -> int:
    return getattr(interrupt, "exit_code", INTERRUPTED_EXIT_CODE)


def stop_cleanly_on_signals() -> None:
    """SIGINT raises KeyboardInterrupt, SIGTERM raises Terminated. Further signals are ignored
    while the first one unwinds, so that a second Ctrl-C cannot cut the clean-up short."""

    def on_signal(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if signum == signal.SIGTERM:
            raise Terminated()
        raise KeyboardInterrupt()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
