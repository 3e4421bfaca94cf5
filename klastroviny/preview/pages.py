"""A PDF's pages as images for the preview, each under a digest of what the page draws, and the
entry file behind each profile page."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from klastroviny.content.model import Entry
from klastroviny.pdf.pages import entry_pages

SCALE = 110 / 72  # 110 dpi: a spread at a readable size on a laptop screen, sharp when zoomed


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as printed
    digest: str  # of what the page draws: its URL changes only when its content does
    source: str | None  # the entry file that made it, relative to the issue folder


def page_digests(pdf: bytes) -> list[str]:
    """A digest of each page's drawing: its content stream, the streams of the images and
    forms it places, and its size. The fonts are left out: the bulletin shares one subset of
    each font among all pages, so that a glyph added on one page would change every digest,
    and glyph ids are kept in the subset, so that the content stream names each glyph."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [_digest(page) for page in reader.pages]


def _digest(page) -> str:
    sha = hashlib.sha256(repr([float(v) for v in page.mediabox]).encode())
    contents = page.get_contents()
    sha.update(contents.get_data() if contents is not None else b"")
    _xobjects(page.get("/Resources"), sha, set())
    return sha.hexdigest()[:12]


def _xobjects(resources, sha, seen: set) -> None:
    resources = resources.get_object() if resources is not None else None
    if not resources or "/XObject" not in resources:
        return
    for name, ref in sorted(resources["/XObject"].get_object().items()):
        key = getattr(ref, "idnum", None)
        if key in seen and key is not None:
            continue
        seen.add(key)
        xobject = ref.get_object()
        sha.update(name.encode())
        sha.update(xobject.get_data())
        if xobject.get("/Subtype") == "/Form":
            _xobjects(xobject.get("/Resources"), sha, seen)


def render_pages(pdf: bytes, indexes: list[int]) -> dict[int, bytes]:
    """PNG images of the pages at these indexes (0-based), rendered by pdfium."""
    import pypdfium2 as pdfium

    images = {}
    document = pdfium.PdfDocument(pdf)
    try:
        for index in indexes:
            page = document[index]
            bitmap = page.render(scale=SCALE)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG", optimize=False, compress_level=1)
            images[index] = buffer.getvalue()
            bitmap.close()
            page.close()
    finally:
        document.close()
    return images


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
