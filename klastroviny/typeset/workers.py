"""Who typesets: worker processes forked from a fork server that has WeasyPrint loaded — a pool
for the profiles (and QR codes, font subsets), and one more worker for the front and back
matter, whose units follow one another. With one job, everything runs in this process through
an executor of the same interface.

Typesetter.unit is the one place that decides what is typeset again: a unit found in the
render cache by its sources is reused without rendering its HTML; one found by its HTML is
reused without typesetting it; anything else goes to a worker. Every unit comes back as a
concurrent.futures Future.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from klastroviny.caching import remove_temp_files
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.typeset.render_cache import RenderCache
from klastroviny.typeset.units import UnitJob, UnitResult, typeset_pages, typeset_unit

# The worker of the front and back matter is replaced after this many units. WeasyPrint's
# memory creeps up with every document (a few MB per chunk of an index), so that one worker
# typesetting every index of a long bulletin would grow with it; a fresh one is forked from
# the fork server in milliseconds. (Not done with max_tasks_per_child: in Python 3.11 a pool
# that replaces its workers can hang, gh-115634.)
UNITS_PER_WORKER = 8
# The profiles' workers yield to the worker of the front and back matter: its units follow
# one another (each starts where the last ended), so it is the longest path of a build; given
# a core of its own whenever it has work, it is done before the profiles are.
PROFILES_NICENESS = 10
_PRELOADED = ["weasyprint", "klastroviny.pdf.extract", "klastroviny.typeset.workers"]


class SerialExecutor(Executor):
    """An executor that runs each call at once, in this process: the serial path has the
    interface of the parallel one."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # the caller sees it from future.result(), as from a pool
            future.set_exception(error)
        return future


class Typesetter:
    """Typesets units through the render cache (see the module's docstring). `unit` for a
    profile returns at once; the caller of a unit of the front or back matter waits for it.
    The two kinds run side by side, and this process never holds WeasyPrint's memory."""

    def __init__(self, workers: int, render_cache: RenderCache):
        self.workers = workers
        self.cache = render_cache
        self._pool: Executor | None = None  # the profiles, QR codes, font subsets
        self._matter: Executor | None = None  # the front and back matter
        self._matter_units = 0
        self.closed = False
        self._failed: BaseException | None = None  # by work prepared elsewhere (see fail)

    def __enter__(self) -> Typesetter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.closed = True
        executors = [executor for executor in (self._pool, self._matter) if executor]
        interrupted = kind is not None and issubclass(kind, KeyboardInterrupt)
        if interrupted:  # SIGINT or SIGTERM: stop now, not after the units under way
            killed = _stop_at_once(executors)
            if self.cache.folder is not None:
                remove_temp_files(self.cache.folder.parent, killed)
        for executor in executors:
            # Waiting lets each pool's thread see its workers gone before this process exits
            # (else 3.11 may print an error from its wake-up pipe); cancelling futures of a
            # pool that is breaking fails in 3.11.
            executor.shutdown(wait=True, cancel_futures=not interrupted)

    def unit(
        self, name: str, source: str, render: Callable[[], UnitJob], matter: bool = False
    ) -> Future[UnitResult]:
        """The unit `name`, whose HTML `render()` makes from sources whose digest is `source`
        ("" if unknown): reused from the cache if it can be, else typeset by a worker
        (`matter`: the worker of the front and back matter, else the pool)."""
        if self.closed:  # the build stopped: start nothing more
            raise KlastrovinyError("cancelled", "the build stopped")
        if matter and self._failed is not None:
            raise self._failed
        cached = self.cache.by_source(source, name) if source else None
        if cached is None:
            job = render()
            cached = self.cache.get(job)
        if cached is not None:
            self.cache.count(reused=1)
            return _done(cached)
        self.cache.count(typeset=1)
        executor = self._matter_worker() if matter else self._workers()
        return executor.submit(typeset_into_cache, job, self.cache.folder)

    def results(self, futures: list[Future[UnitResult]], issue_root: Path) -> list[UnitResult]:
        """The units, waited for; a unit that referred to files outside the sandbox is an
        error of the issue, reported once for all."""
        results = [future.result() for future in futures]
        refused = sorted({url for result in results for url in result.refused})
        if refused:
            report = Report()
            for url in refused:
                report.error(
                    Location(issue_root),
                    "",
                    f"refused to load '{url}': only files inside the "
                    "issue folder, the layout and assets/ may be used",
                )
            raise KlastrovinyError("sandbox", "the bulletin refers to files it may not use", report)
        return results

    def map(self, function, arguments: list[tuple]) -> list:
        """function(*args) for each, in the pool's workers if it has been started."""
        if self._pool is None or self.workers <= 1 or len(arguments) < 2:
            return [function(*args) for args in arguments]
        # Not Executor.map: interrupted, it cancels its futures, and a pool whose workers are
        # then killed fails on cancelled futures in 3.11 (with a traceback).
        futures = [self._pool.submit(function, *args) for args in arguments]
        return [future.result() for future in futures]

    def prepare(self, function, arguments: list[tuple]) -> None:
        """function(*args) for each in the workers, not waited for: work that units will
        find done (or do themselves), given to workers that would otherwise wait."""
        if self.workers > 1:
            for args in arguments:
                self._workers().submit(function, *args)

    def fail(self, error: BaseException | None) -> None:
        """Work for these units, prepared in another thread, failed: the next unit of the front
        or back matter raises `error`."""
        self._failed = self._failed or error

    def _workers(self) -> Executor:
        if self._pool is None:
            self._pool = self._executor(self.workers, PROFILES_NICENESS)
        return self._pool

    def _executor(self, workers: int, niceness: int = 0) -> Executor:
        return SerialExecutor() if self.workers <= 1 else _executor(workers, niceness)

    def _matter_worker(self) -> Executor:
        """The worker of the front and back matter, replaced every UNITS_PER_WORKER units."""
        if self._matter is None or self._matter_units % UNITS_PER_WORKER == 0:
            if self._matter is not None:
                self._matter.shutdown()
            self._matter = self._executor(1)
        self._matter_units += 1
        return self._matter


class WarmWorker:
    """One worker kept between builds (the preview's): its parsed stylesheets and fonts stay
    loaded, so that typesetting one changed profile costs only its layout. Replaced every
    `units` units, since WeasyPrint's memory creeps up with every document."""

    def __init__(self, units: int = 40):
        self.units = units
        self._executor: Executor | None = None
        self._done = 0

    def typeset(self, job: UnitJob) -> tuple[bytes, int]:
        """The unit's PDF and page count (typeset_pages, in the worker)."""
        if self._executor is None or self._done >= self.units:
            self.close()
            self._executor, self._done = _executor(1), 0
        self._done += 1
        try:
            return self._executor.submit(typeset_pages, job).result()
        except KeyboardInterrupt:
            _stop_at_once([self._executor])
            self._executor = None
            raise
        except BrokenProcessPool:  # killed (by a build's interrupt, or out of memory)
            self._executor = None
            stopped = f"the preview's worker stopped ({job.name})"
            raise KlastrovinyError("typeset", stopped) from None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def _done(result: UnitResult) -> Future[UnitResult]:
    future: Future[UnitResult] = Future()
    future.set_result(result)
    return future


def start_workers_early() -> None:
    """Start the fork server now (it imports WeasyPrint, about a second), while this process
    reads the issue; workers are then forked from it ready to typeset."""
    from multiprocessing import forkserver

    _fork_server()
    # The server starts with SIGINT ignored (it keeps that through exec): Ctrl-C, sent to the
    # whole process group, would otherwise break off its import of WeasyPrint with a
    # traceback (it ignores SIGINT itself only after its imports). Its workers inherit it
    # too and leave stopping to this process. A Ctrl-C in these milliseconds is lost.
    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()  # signal handlers can be set in the main thread only
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def _executor(workers: int, niceness: int = 0) -> Executor:
    """Worker processes forked from a server that has WeasyPrint loaded, not from this
    process: they do not carry its memory (the model), nor it theirs."""
    return ProcessPoolExecutor(
        workers, mp_context=_fork_server(), initializer=os.nice, initargs=(niceness,)
    )


def _stop_at_once(executors: list[Executor]) -> set[int]:
    """Kill the workers and the fork server now: an interrupted build must not wait for the
    units under way (seconds for a chunk of an index). All of the server's children, also one
    a pool has not registered yet, and the server itself, which may still hold a request to
    fork: a worker that started up after this process has gone would look for the pool's
    semaphores, which this process removes as it exits, and print a traceback. (Python
    3.14's terminate_workers reaches only the workers a pool has registered.) Returns the
    workers' process ids."""
    from multiprocessing import forkserver

    pids = {pid for executor in executors for pid in getattr(executor, "_processes", None) or {}}
    server = forkserver._forkserver._forkserver_pid
    if server is not None:
        _kill(server, signal.SIGSTOP)  # forks no more
        pids |= _children(server)
    for pid in pids:
        _kill(pid, signal.SIGKILL)
    if server is not None:
        _kill(server, signal.SIGKILL)
        forkserver._forkserver._stop()  # reaps it; a later build starts a new one
    return pids


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _children(parent: int) -> set[int]:
    """Processes whose parent is `parent`, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
            if int(ppid) == parent and state != "Z":
                found.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return found


def _fork_server() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOADED)
    return context


# --- in the worker ----------------------------------------------------------------------------
def typeset_into_cache(job: UnitJob, cache_folder: Path | None) -> UnitResult:
    """typeset_unit, with the fragment written to the render cache where it was typeset: only
    the page count and anchors travel back, and the build process never holds the fragments
    of all profiles at once."""
    result = typeset_unit(job)
    RenderCache(cache_folder).put(job, result)
    return result
