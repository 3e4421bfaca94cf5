"""The text lines of a built bulletin's pages as pdfium reads them, in drawing order (a second
column after the first): for the checks of typesetting that CSS cannot ask WeasyPrint for
(bulletin/checks.py)."""

from __future__ import annotations

from collections.abc import Iterable


def page_lines(bulletin: bytes, pages: Iterable[int]) -> dict[int, list[str]]:
    """The lines of each of these pages (printed numbers: the cover is 1), top to bottom."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(bulletin)
    try:
        found = {}
        for number in pages:
            page = document[number - 1]
            textpage = page.get_textpage()
            found[number] = textpage.get_text_range().splitlines()
            textpage.close()
            page.close()
        return found
    finally:
        document.close()
