"""A PDF's pages for the preview: a digest of what each page draws, its image rendered when a
browser asks for it, and the entry file behind each profile page."""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from klastroviny.content.model import Entry
from klastroviny.pdf.pages import entry_pages

SCALE = 110 / 72  # 110 dpi: a spread at a readable size on a laptop screen, sharp when zoomed
KEPT_IMAGES = 200  # rendered pages kept for browsers that ask again (about 100 kB each)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as printed
    digest: str  # of what the page draws: its URL changes only when its drawing does
    source: str | None  # the entry file that made it, relative to the issue folder


@dataclass(frozen=True)
class Drawn:
    """Where a page's drawing is: a PDF (the edition's, or a profile's unit) and its index."""

    pdf: bytes
    index: int


def page_digests(pdf: bytes) -> list[str]:
    """A digest of each page's drawing: its content stream and every resource it uses, its
    images, forms, shadings, patterns and graphics states, with their streams decoded. Of a
    font, only its name: the bulletin shares one subset of each font among all pages, so that
    a glyph added on one page would change every page's digest; glyph ids stay the same in
    the subset, and the content stream names each glyph. (pikepdf: qpdf reads a page in well
    under a millisecond.)"""
    import pikepdf

    digests, known = [], {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            sha = hashlib.sha256(repr([float(v) for v in page.mediabox]).encode())
            for stream in _contents(page.obj.get("/Contents")):
                sha.update(stream.read_bytes())
            sha.update(_object_digest(page.obj.get("/Resources"), known).encode())
            digests.append(sha.hexdigest()[:12])
    return digests


def _contents(contents) -> list:
    import pikepdf

    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def _object_digest(item, known: dict, key: str = "") -> str:
    """A digest of an object and what it refers to; an indirect object once (`known`)."""
    import pikepdf

    if isinstance(item, pikepdf.Object) and item.is_indirect:
        ref = item.objgen
        if ref not in known:
            known[ref] = "…"  # a cycle (a page's /Parent, say) stops here
            known[ref] = _direct_digest(item, known, key)
        return known[ref]
    return _direct_digest(item, known, key)


def _direct_digest(item, known: dict, key: str) -> str:
    import pikepdf

    sha = hashlib.sha256()
    if key == "/Font" and isinstance(item, pikepdf.Dictionary):  # names only, see above
        for name, font in sorted(item.items()):
            sha.update(f"{name}={font.get('/BaseFont')}".encode())
    elif isinstance(item, pikepdf.Stream):
        sha.update(item.read_bytes())
        sha.update(_direct_digest(item.stream_dict, known, key).encode())
    elif isinstance(item, pikepdf.Dictionary):
        for name, value in sorted(item.items()):
            if name not in ("/Parent", "/Length"):
                sha.update(f"{name}:{_object_digest(value, known, name)}".encode())
    elif isinstance(item, pikepdf.Array):
        for value in item:
            sha.update(_object_digest(value, known, key).encode())
    else:
        sha.update(repr(item).encode())
    return sha.hexdigest()


class Renderer:
    """Page images, rendered by pdfium when first asked for and kept for the next browser.
    pdfium is not thread-safe: one page at a time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._open: OrderedDict[int, tuple[bytes, object]] = OrderedDict()  # PDFs opened

    def image(self, key: str, drawn: Drawn) -> bytes:
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
                return self._images[key]
            png = self._render(drawn)
            self._images[key] = png
            while len(self._images) > KEPT_IMAGES:
                self._images.popitem(last=False)
            return png

    def _render(self, drawn: Drawn) -> bytes:
        import pypdfium2 as pdfium

        key = id(drawn.pdf)
        if key not in self._open or self._open[key][0] is not drawn.pdf:
            self._open[key] = (drawn.pdf, pdfium.PdfDocument(drawn.pdf))
            while len(self._open) > 4:  # the editions' PDFs and the last profiles'
                self._open.popitem(last=False)[1][1].close()
        self._open.move_to_end(key)
        page = self._open[key][1][drawn.index]
        bitmap = page.render(scale=SCALE)
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PNG", compress_level=1)
        bitmap.close()
        page.close()
        return buffer.getvalue()


def page_sources(
    pdf: bytes, entries: tuple[Entry, ...], profile_pages: int, root: Path
) -> dict[int, str]:
    """The entry file of each profile page (by index), relative to the issue folder: a
    profile's pages are its layout's budget from its first page."""
    found = entry_pages(pdf, [entry.id for entry in entries])
    sources = {}
    for entry in entries:
        first = found[entry.id][0]
        for index in range(first, first + profile_pages):
            sources[index] = relative(entry.source, root)
    return sources


def relative(path: Path, root: Path) -> str:
    """A path as the editor's editor shows it: relative to the issue folder where it is in it."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
