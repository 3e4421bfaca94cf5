"""Stage 6, post-process (pypdf: PDF in, PDF out): notes pages inserted before the back cover
so that a saddle-stitched booklet has a page count the binder can bind."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter


def notes_pages_needed(page_count: int, multiple: int) -> int:
    return (-page_count) % multiple


def insert_before_last(main_pdf: bytes, extra_pdf: bytes | None) -> bytes:
    """The main document with the extra pages placed before its last page (the back cover)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(main_pdf)))
    if extra_pdf:
        back_index = len(writer.pages) - 1
        for offset, page in enumerate(PdfReader(io.BytesIO(extra_pdf)).pages):
            writer.insert_page(page, back_index + offset)
    writer.add_metadata({"/Producer": "klastroviny (WeasyPrint, pypdf)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
