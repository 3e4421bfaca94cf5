"""Assembly (pypdf): the typeset units become one bulletin — pages in order, the front matter
padded so that profiles start on a left page, notes pages before the back cover, links
between units resolved, named destinations, the outline, metadata, identical objects (font
programs, logos) stored once."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    NameObject,
    NullObject,
    TextStringObject,
)

from klastroviny.embedding import share_fonts
from klastroviny.errors import KlastrovinyError
from klastroviny.render import UNIT_LINK
from klastroviny.units import UnitResult


@dataclass(frozen=True)
class Bookmark:
    title: str
    anchor: str


def assemble(
    front: UnitResult,
    profiles: list[UnitResult],
    back: UnitResult,
    notes: UnitResult | None,
    bookmarks: list[Bookmark],
    metadata: dict[str, str],
    lang: str,
    font_cache: Path | None = None,
) -> bytes:
    writer = PdfWriter()
    anchors: dict[str, int] = {}
    _append(writer, front, anchors)
    if len(writer.pages) % 2 == 0:  # profiles start on a left (even) page
        _add_blank_page(writer)
    for unit in profiles:
        _append(writer, unit, anchors)
    _append(writer, back, anchors)
    if notes is not None:  # before the back cover, which stays the last page
        reader = PdfReader(io.BytesIO(notes.pdf))
        last = len(writer.pages) - 1
        for offset, page in enumerate(reader.pages):
            writer.insert_page(page, last + offset)
        for anchor, index in anchors.items():
            if index >= last:
                anchors[anchor] = index + len(reader.pages)
    _resolve_links(writer, anchors)
    for anchor, index in sorted(anchors.items(), key=lambda item: (item[1], item[0])):
        writer.add_named_destination(title=anchor, page_number=index)
    for bookmark in bookmarks:
        if bookmark.anchor in anchors:
            writer.add_outline_item(title=bookmark.title, page_number=anchors[bookmark.anchor])
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    share_fonts(writer, font_cache)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    digest = hashlib.sha256(b"".join(u.pdf for u in (front, *profiles, back))).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return compact(out.getvalue())


def compact(pdf: bytes) -> bytes:
    """Objects packed into compressed object streams (qpdf): pypdf writes each object plainly,
    which makes an assembled bulletin about 1.5× the size of WeasyPrint's own output."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        raise KlastrovinyError(
            "assemble",
            "qpdf is not installed; it packs the assembled PDF "
            "(Debian package qpdf, installed by `make`)",
        )
    with tempfile.TemporaryDirectory(prefix="klastroviny-qpdf-") as tmp:
        source, target = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        source.write_bytes(pdf)
        done = subprocess.run(
            [qpdf, "--object-streams=generate", "--deterministic-id", str(source), str(target)],
            capture_output=True,
            text=True,
        )
        if done.returncode not in (0, 3) or not target.is_file():  # 3: warnings only
            raise KlastrovinyError(
                "assemble", f"qpdf could not pack the bulletin: {done.stderr.strip()[-300:]}"
            )
        return target.read_bytes()


def _add_blank_page(writer: PdfWriter) -> None:
    """A blank page with the same boxes (trim, bleed) as the first."""
    model = writer.pages[0]
    blank = writer.add_blank_page(model.mediabox.width, model.mediabox.height)
    blank.mediabox = model.mediabox
    for box in ("/TrimBox", "/BleedBox"):
        if box in model:
            blank[NameObject(box)] = model[box]


def _append(writer: PdfWriter, unit: UnitResult, anchors: dict[str, int]) -> None:
    start = len(writer.pages)
    reader = PdfReader(io.BytesIO(unit.pdf))
    writer.append(reader, import_outline=False)
    for anchor, (page, _) in unit.anchors.items():
        anchors.setdefault(anchor, start + page)


def _resolve_links(writer: PdfWriter, anchors: dict[str, int]) -> None:
    """Links written as klastroviny:<anchor> by a unit become links to the anchor's page."""
    for page in writer.pages:
        for annotation in page.get("/Annots") or ():
            annotation = annotation.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(UNIT_LINK):
                continue
            target = anchors.get(uri.removeprefix(UNIT_LINK))
            del annotation["/A"]
            if target is not None:
                annotation[NameObject("/Dest")] = ArrayObject(
                    [
                        writer.pages[target].indirect_reference,
                        NameObject("/XYZ"),
                        NullObject(),
                        NullObject(),
                        NullObject(),
                    ]
                )


__all__ = ["Bookmark", "assemble"]
