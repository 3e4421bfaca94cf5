"""Imposition: 2-up printer spreads for saddle stitching, for a dummy printed on an office
duplex printer (flip on the short edge), folded and stapled.

Sheet k (0-based) of an n-page booklet carries, in 1-based pages:
front n−2k | 2k+1, back 2k+2 | n−2k−1. Each page is wrapped once as a Form XObject, whose
BBox (the page's TrimBox) clips it to its trim; pypdf's merge_transformed_page would be far
slower.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    RectangleObject,
)

from klastroviny.errors import KlastrovinyError


def spread_order(page_count: int) -> list[tuple[int, int]]:
    """(left, right) 1-based page numbers of each sheet side, in printing order."""
    if page_count % 4:
        raise KlastrovinyError(
            "imposition",
            f"{page_count} pages cannot be saddle-stitched; the count must be a multiple of 4",
        )
    sides = []
    for k in range(page_count // 4):
        sides.append((page_count - 2 * k, 2 * k + 1))
        sides.append((2 * k + 2, page_count - 2 * k - 1))
    return sides


def impose_booklet(pdf: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    forms = [_as_form(writer, page) for page in reader.pages]
    trim = RectangleObject(reader.pages[0].trimbox)
    width, height = float(trim.width), float(trim.height)
    for left, right in spread_order(len(forms)):
        sheet = writer.add_blank_page(width * 2, height)
        content = DecodedStreamObject()
        content.set_data(
            f"q 1 0 0 1 0 0 cm /P{left} Do Q q 1 0 0 1 {width:.4f} 0 cm /P{right} Do Q".encode()
        )
        sheet[NameObject("/Contents")] = writer._add_object(content)
        sheet[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/XObject"): DictionaryObject(
                    {
                        NameObject(f"/P{left}"): forms[left - 1],
                        NameObject(f"/P{right}"): forms[right - 1],
                    }
                )
            }
        )
    writer.add_metadata(
        {
            "/Producer": "klastroviny (pypdf)",
            **{
                key: value
                for key, value in (reader.metadata or {}).items()
                if key in ("/Title", "/Author", "/CreationDate", "/ModDate")
            },
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _as_form(writer: PdfWriter, page):
    """The page as a Form XObject whose origin is its trim's lower-left corner."""
    trim = RectangleObject(page.trimbox)
    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): trim,
            NameObject("/Matrix"): _matrix(trim),
            NameObject("/Resources"): page["/Resources"].clone(writer)
            if "/Resources" in page
            else DictionaryObject(),
        }
    )
    return writer._add_object(form.flate_encode())


def _matrix(trim) -> ArrayObject:
    """Move the trim's lower-left corner to the origin of the half sheet."""
    return ArrayObject(
        [
            FloatObject(1),
            FloatObject(0),
            FloatObject(0),
            FloatObject(1),
            FloatObject(-float(trim.left)),
            FloatObject(-float(trim.bottom)),
        ]
    )
