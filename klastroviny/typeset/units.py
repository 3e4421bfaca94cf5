"""Rendering units: the chunks of the front matter, each profile and the chunks of the back
matter are typeset as separate WeasyPrint documents (the profiles in worker processes) and
kept in a render cache.

Each unit knows its first page number and side from the page plan, so it can be laid out on
its own; the cache key covers everything that affects a unit's pages.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import multiprocessing
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from klastroviny.caching import code_digest, file_digest, fonts_digest, store
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.pdf.fragments import Fragment
from klastroviny.render import qrcodes
from klastroviny.render.layouts import Layout
from klastroviny.resources import ASSETS_DIR
from klastroviny.typeset.sandbox import PX_PER_MM, SandboxFetcher, _listening

_SOURCES = re.compile(r'\bsrc="issue:([^"]+)"')  # files of the issue a unit shows
ROW = "row-"  # ids of the rows of a long list: where a chunk of it may resume


@dataclass(frozen=True)
class UnitJob:
    """What a worker needs to typeset one unit."""

    name: str  # "front:<rows>", "profiles:<ids>", "ecosystem-index:<n>", "imprint", …
    html: str
    stylesheets: tuple[tuple[str, str], ...]  # (file, css text), in cascade order
    layout: Layout
    issue_root: Path
    first_page: int  # the unit's first page number in the bulletin (sets folio and side)
    source: str = ""  # digest of what `html` is rendered from, if known (see source_digest)
    open_end: bool = False  # a chunk of a longer list: its last page is left to the next
    layout_only: bool = False  # only its pages and anchors are wanted: no PDF is written
    qr_cache: Path | None = None  # encoded QR codes (see qrcodes.py); does not change the pages

    def unit_css(self) -> str:
        side = "left" if self.first_page % 2 == 0 else "right"
        return (
            f"@page :first {{ counter-reset: page {self.first_page}; }}\n"
            f"html {{ break-before: {side}; }}\n"
            "[data-bookmark] { bookmark-level: none; }\n"
        )

    def cache_key(self) -> str:
        digest = hashlib.sha256()
        for part in (
            code_digest(),
            self.name,
            repr(self.open_end),
            repr(self.layout_only),
            self.html,
            self.unit_css(),
            fonts_digest(),
            *(text for _, text in self.stylesheets),
        ):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        for source in sorted(set(_SOURCES.findall(self.html))):
            digest.update(file_digest(self.issue_root / source).encode())
        return digest.hexdigest()


@dataclass
class UnitResult:
    name: str
    fragment: Fragment | None  # None once it is in the cache: read again when assembling
    pages: int
    anchors: dict[str, tuple[int, float]]  # anchor → (page index in the unit, y in mm)
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    resume: str = ""  # with open_end: the first row (ROW id) on the page left to the next chunk
    cached: Path | None = None  # the fragment's file in the render cache

    def load(self) -> Fragment:
        """The unit's fragment. Only one at a time is held while assembling, so that memory
        does not grow with the number of units."""
        if self.fragment is not None:
            return self.fragment
        try:
            return Fragment.from_bytes(self.cached.read_bytes())
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            raise KlastrovinyError(
                "cache", f"the render cache changed during the build ({self.cached}); build again"
            ) from None


class RenderCache:
    """Typeset units on disk under build/.cache/units/ (a unit's fragment as <key>.unit, its
    page count and anchors as <key>.json), keyed by UnitJob.cache_key()."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.typeset = 0  # units typeset (not found in the cache) in this build
        self.reused = 0
        self._counting = threading.Lock()  # the profiles are handed over from a thread

    def count(self, typeset: int = 0, reused: int = 0) -> None:
        with self._counting:
            self.typeset += typeset
            self.reused += reused

    def by_source(self, source: str, name: str) -> UnitResult | None:
        """The unit rendered before from the same sources, without rendering its HTML."""
        if self.folder is None:
            return None
        try:
            key = self._source_path(source).read_text(encoding="ascii")
        except OSError:
            return None
        return self._load(key, name)

    def get(self, job: UnitJob) -> UnitResult | None:
        if self.folder is None:
            return None
        key = job.cache_key()
        result = self._load(key, job.name)
        if result is not None and job.source:  # new sources, same HTML: remember them
            self._write([(self._source_path(job.source), key.encode())])
        return result

    def _load(self, key: str, name: str) -> UnitResult | None:
        pdf_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            anchors = {anchor: (page, y) for anchor, (page, y) in meta["anchors"].items()}
            warnings, resume, pages = meta["warnings"], meta["resume"], meta["pages"]
            if pdf_path.stat().st_size != meta["size"]:
                return None
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return None  # missing or damaged: typeset it again
        return UnitResult(name, None, pages, anchors, warnings, [], resume, pdf_path)

    def put(self, job: UnitJob, result: UnitResult) -> None:
        if self.folder is None or result.refused or result.cached is not None:
            return
        key = job.cache_key()
        pdf_path, meta_path = self._paths(key)
        blob = result.fragment.to_bytes()
        meta = {
            "pages": result.pages,
            "anchors": result.anchors,
            "warnings": result.warnings,
            "resume": result.resume,
            "size": len(blob),
        }
        files = [(pdf_path, blob), (meta_path, json.dumps(meta).encode())]
        if job.source:
            files.append((self._source_path(job.source), key.encode()))
        if self._write(files):
            result.fragment, result.cached = None, pdf_path  # read again when assembling

    def _source_path(self, source: str) -> Path:
        return self.folder / "sources" / source[:2] / source

    def _write(self, files: list[tuple[Path, bytes]]) -> bool:
        return all(store(path, data) for path, data in files)

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".unit"), base.with_suffix(".json")


class Typesetter:
    """Typesets units through the render cache, in worker processes: `start` hands the
    profiles to a pool and returns at once; `now` typesets one unit of the front or back
    matter in a worker of its own and waits for it. The two run side by side, and this process
    never holds WeasyPrint's memory (see UNITS_PER_WORKER). With one job, everything is
    typeset in this process."""

    def __init__(self, workers: int, render_cache: RenderCache):
        self.workers = workers
        self.cache = render_cache
        self._pool: ProcessPoolExecutor | None = None  # the profiles, QR codes, font subsets
        self._matter: ProcessPoolExecutor | None = None  # the front and back matter
        self._matter_units = 0
        self.closed = False
        self._failed: BaseException | None = None  # by work prepared elsewhere (see fail)

    def __enter__(self) -> Typesetter:
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True
        for executor in (self._pool, self._matter):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)

    def map(self, function, arguments: list[tuple]) -> list:
        """function(*args) for each, in the workers if they have been started."""
        if self._pool is None or len(arguments) < 2:
            return [function(*args) for args in arguments]
        return list(self._pool.map(function, *zip(*arguments, strict=True)))

    def prepare(self, function, arguments: list[tuple]) -> None:
        """function(*args) for each in the workers, not waited for: work that units will
        find done (or do themselves), given to workers that would otherwise wait."""
        if self.workers > 1:
            for args in arguments:
                self._workers().submit(function, *args)

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = _executor(self.workers, PROFILES_NICENESS)
        return self._pool

    def fail(self, error: BaseException | None) -> None:
        """Work for these units, prepared in another thread, failed: `now` raises `error`."""
        self._failed = self._failed or error

    def now(self, job: UnitJob) -> UnitResult:
        """One unit, waited for. Its worker is replaced every UNITS_PER_WORKER units."""
        if self._failed is not None:
            raise self._failed
        if self.workers > 1 and self._matter_units % UNITS_PER_WORKER == 0:
            if self._matter is not None:
                self._matter.shutdown()
            self._matter = _executor(1)
        self._matter_units += 1
        return self.start([job], executor=self._matter)()[0]

    def start(
        self,
        jobs: list[UnitJob],
        progress: Callable[[int], None] | None = None,
        sizes: list[int] | None = None,
        executor: ProcessPoolExecutor | None = None,
    ) -> Callable[[], list[UnitResult]]:
        """Begin typesetting `jobs` (in `executor`, else the pool); the returned function
        waits for their results, in order. Cached units are reused; with one worker the rest
        are typeset here. `progress` is told how many items (`sizes`: per job, else 1) are
        done so far."""
        sizes = sizes or [1] * len(jobs)
        results: dict[int, UnitResult] = {}
        missing = []
        for index, job in enumerate(jobs):
            cached = self.cache.get(job)
            if cached is not None:
                results[index] = cached
            else:
                missing.append(index)
        self.cache.count(typeset=len(missing), reused=len(results))
        done = [sum(sizes[index] for index in results)]

        def one_done(index: int) -> None:
            done[0] += sizes[index]
            if progress:
                progress(done[0])

        if progress:
            progress(done[0])
        futures = {}
        if self.workers <= 1:
            for index in missing:
                results[index] = typeset_unit(jobs[index])
                one_done(index)
        else:
            for index in missing:
                future = (executor or self._workers()).submit(
                    _typeset_into, jobs[index], self.cache.folder
                )
                future.add_done_callback(lambda _, index=index: one_done(index))
                futures[index] = future

        def collect() -> list[UnitResult]:
            for index, future in futures.items():
                results[index] = future.result()
            _refuse_outside_files(results.values(), jobs)
            for index in missing:
                self.cache.put(jobs[index], results[index])
            return [results[index] for index in range(len(jobs))]

        return collect


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
_PRELOADED = ["weasyprint", "klastroviny.pdf.extract", "klastroviny.typeset.units"]


def start_workers_early() -> None:
    """Start the fork server now (it imports WeasyPrint, about a second), while this process
    reads the issue; workers are then forked from it ready to typeset."""
    from multiprocessing import forkserver

    _fork_server()
    forkserver.ensure_running()


def _executor(workers: int, niceness: int = 0) -> ProcessPoolExecutor:
    """Worker processes forked from a server that has WeasyPrint loaded, not from this
    process: they do not carry its memory (the model), nor it theirs."""
    return ProcessPoolExecutor(
        workers, mp_context=_fork_server(), initializer=os.nice, initargs=(niceness,)
    )


def _fork_server() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOADED)
    return context


def _refuse_outside_files(results, jobs: list[UnitJob]) -> None:
    refused = sorted({url for result in results for url in result.refused})
    if refused:
        report = Report()
        root = jobs[0].issue_root
        for url in refused:
            report.error(
                Location(root),
                "",
                f"refused to load '{url}': only files inside the "
                "issue folder, the layout and assets/ may be used",
            )
        raise KlastrovinyError("sandbox", "the bulletin refers to files it may not use", report)


# --- in the worker ----------------------------------------------------------------------------
def _typeset_into(job: UnitJob, cache_folder: Path | None) -> UnitResult:
    """typeset_unit, with the fragment written to the render cache here in the worker: only
    the page count and anchors travel back, and the build process never holds the fragments
    of all profiles at once."""
    result = typeset_unit(job)
    RenderCache(cache_folder).put(job, result)
    return result


def typeset_unit(job: UnitJob) -> UnitResult:
    """Typeset one unit with WeasyPrint (in a worker process, or in-process)."""
    from klastroviny.pdf.extract import make_fragment

    document, pdf, warnings, refused = typeset_document(job)
    pages = len(document.pages)
    keep = pages - 1 if job.open_end and pages > 1 else pages
    anchors = {}
    for number, page in enumerate(document.pages[:keep]):
        for anchor, (_, y, *_) in page.anchors.items():
            if not anchor.startswith(ROW):
                anchors.setdefault(anchor, (number, round(y / PX_PER_MM, 3)))
    resume = ""
    if keep < pages:
        rows = [(y, name) for name, (_, y, *_) in document.pages[keep].anchors.items()]
        resume = min((row for row in rows if row[1].startswith(ROW)), default=(0, ""))[1]
    fragment = make_fragment(pdf, keep) if pdf and not refused else Fragment([], [])
    return UnitResult(job.name, fragment, keep, anchors, warnings, refused, resume)


def typeset_document(job: UnitJob):
    """WeasyPrint's document and PDF (None if only the layout is wanted), its warnings and
    the URLs the sandbox refused."""
    from weasyprint import HTML

    fetcher = SandboxFetcher((job.issue_root, *job.layout.search_path, ASSETS_DIR))
    warnings: list[str] = []

    def on_warning(record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            warnings.append(f"WeasyPrint: {record.getMessage()}")

    stylesheets, font_config = _stylesheets(job.stylesheets, job.unit_css(), fetcher)
    with _listening("weasyprint", logging.WARNING, on_warning):
        document = HTML(
            string=qrcodes.expand(job.html, job.qr_cache),
            base_url=job.issue_root.as_uri() + "/",
            url_fetcher=fetcher,
        ).render(stylesheets=stylesheets, font_config=font_config)
        pdf = None if job.layout_only else document.write_pdf()
    return document, pdf, warnings, sorted(set(fetcher.refused))


_PARSED: dict[str, tuple] = {}  # per worker process: parsed layout stylesheets and fonts
atexit.register(_PARSED.clear)  # free WeasyPrint's font configuration before shutdown


def _stylesheets(sheets, unit_css: str, fetcher):
    """Parsed CSS, reused across the units a worker typesets (parsing costs more than layout)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    key = hashlib.sha256("\0".join(text for _, text in sheets).encode()).hexdigest()
    if key not in _PARSED:
        font_config = FontConfiguration()
        parsed = [
            CSS(
                string=text,
                base_url=Path(path).as_uri(),
                url_fetcher=fetcher,
                font_config=font_config,
            )
            for path, text in sheets
        ]
        _PARSED.clear()
        _PARSED[key] = (parsed, font_config)
    parsed, font_config = _PARSED[key]
    extra = CSS(string=unit_css, font_config=font_config)
    return [*parsed, extra], font_config


def source_digest(*parts: str, files: tuple[Path, ...] = ()) -> str:
    """A digest of the sources a unit's HTML is rendered from: texts (the entry, the page
    plan, …) and files (logos, the layout's files). A unit found by it skips rendering."""
    digest = hashlib.sha256()
    for part in (code_digest(), fonts_digest(), *parts):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    for path in files:
        digest.update(f"{path}\0{file_digest(path)}\0".encode())
    return digest.hexdigest()
