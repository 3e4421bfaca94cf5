"""A unit: a run of the bulletin's parts typeset as one WeasyPrint document. A UnitJob is all a
worker needs (the HTML, the stylesheets, the first page number), a UnitResult what comes back
(the page count, the anchors, the warnings, the fragment or its file in the render cache).

Typesetting a unit is a pure function of its job: bytes in, bytes out, whatever process runs
it. Each unit knows its first page number and side from the page plan, so it is laid out on
its own.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from klastroviny.caching import unit_key
from klastroviny.errors import KlastrovinyError
from klastroviny.pdf.fragments import Fragment
from klastroviny.render import qrcodes
from klastroviny.render.layouts import Layout
from klastroviny.resources import ASSETS_DIR
from klastroviny.typeset.sandbox import PX_PER_MM, SandboxFetcher, _listening

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
        return unit_key(self)


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


def typeset_html(name: str, html: str, sheets, layout: Layout, issue_root: Path):
    """A document of its own, typeset in this process (a proof's letter, a visitor's extract):
    (its PDF, its page count, anchor → index of the page it is on)."""
    document, pdf, _, refused = typeset_document(UnitJob(name, html, sheets, layout, issue_root, 1))
    if refused:
        raise KlastrovinyError("layout", f"{name}: the layout asked for {', '.join(refused)}")
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    return pdf, len(document.pages), anchors


def typeset_pages(job: UnitJob) -> tuple[bytes, int]:
    """A unit's PDF as WeasyPrint writes it, and its page count: the preview shows a changed
    profile from it before the bulletin is assembled again."""
    document, pdf, _, refused = typeset_document(job)
    if refused:
        raise KlastrovinyError("layout", f"{job.name}: the layout asked for {', '.join(refused)}")
    return pdf, len(document.pages)
