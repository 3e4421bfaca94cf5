"""Imposition: 2-up printer spreads for a saddle-stitched dummy (imposition.py, build --booklet).

The page order is read back from the imposed sheets (text of each half sheet), not only
counted; the halves are clipped to the trim, so a background that bleeds does not show across
the fold.
"""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
from pdf_fixtures import A5, numbered_pages_pdf, qpdf_check
from pypdf import PdfReader

from klastroviny.errors import KlastrovinyError
from klastroviny.press.imposition import impose_booklet, spread_order

PT_PER_MM = 72 / 25.4


# --- the order --------------------------------------------------------------------------------


def test_spread_order_of_4_pages():
    assert spread_order(4) == [(4, 1), (2, 3)]


def test_spread_order_of_8_pages():
    assert spread_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_spread_order_of_12_pages():
    assert spread_order(12) == [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]


@pytest.mark.parametrize("n", [4, 8, 12, 16, 40])
def test_spread_order_rule_and_every_page_once(n):
    sides = spread_order(n)
    for k in range(n // 4):
        assert sides[2 * k] == (n - 2 * k, 2 * k + 1)  # sheet k, front
        assert sides[2 * k + 1] == (2 * k + 2, n - 2 * k - 1)  # sheet k, back
    assert sorted(p for side in sides for p in side) == list(range(1, n + 1))
    # folded, each pair of facing pages on a side sums to n + 1
    assert {left + right for left, right in sides} == {n + 1}


@pytest.mark.parametrize("n", [6, 2, 10])
def test_a_count_that_is_not_a_multiple_of_4_is_refused(n):
    with pytest.raises(KlastrovinyError, match="multiple of 4"):
        spread_order(n)


# --- an imposed synthetic booklet --------------------------------------------------------------


@pytest.fixture(scope="module")
def imposed():
    """8 numbered A5 pages with bleed (odd: red background, even: blue, both bleeding), and
    their imposition."""
    source = numbered_pages_pdf(8)
    return source, impose_booklet(source)


def half_texts(pdf: bytes) -> list[tuple[str, str]]:
    """The text of the left and the right half of each sheet side."""
    document = pdfium.PdfDocument(pdf)
    try:
        sides = []
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            text = page.get_textpage()
            left = text.get_text_bounded(0, 0, width / 2, height)
            right = text.get_text_bounded(width / 2, 0, width, height)
            sides.append((re.sub(r"\s+", " ", left).strip(), re.sub(r"\s+", " ", right).strip()))
            text.close()
            page.close()
        return sides
    finally:
        document.close()


def test_the_sheet_sides_carry_the_pages_in_printer_spread_order(imposed):
    _, booklet = imposed
    assert half_texts(booklet) == [("8", "1"), ("2", "7"), ("6", "3"), ("4", "5")]


def test_the_sheet_is_twice_the_trim_width(imposed):
    source, booklet = imposed
    trim = PdfReader(io.BytesIO(source)).pages[0].trimbox
    assert (round(float(trim.width) / PT_PER_MM), round(float(trim.height) / PT_PER_MM)) == A5
    for sheet in PdfReader(io.BytesIO(booklet)).pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert width == pytest.approx(2 * float(trim.width), abs=0.01)
        assert height == pytest.approx(float(trim.height), abs=0.01)
        # 296 × 210 mm: A4 landscape (297 × 210 mm) but for the millimetre A5 is narrower
        assert (width, height) == pytest.approx((841.89, 595.28), abs=1.1 * PT_PER_MM)


def test_each_half_is_clipped_to_its_trim(imposed):
    """Each side has a blue (even) page on the left and a red (odd) page on the right, both
    with backgrounds that bleed 3 mm. Unclipped, the right page's bleed would cover the last
    3 mm of the left half."""
    _, booklet = imposed
    document = pdfium.PdfDocument(booklet)
    try:
        dpi = 100
        per_mm = dpi / 25.4
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=dpi / 72).to_pil().convert("RGB")
            page.close()
            width, height = image.size
            seam = width / 2
            for y in (round(2 * per_mm), height // 2, height - 1 - round(2 * per_mm)):
                for offset in (0.5, 1.5, 2.5):
                    r, g, b = image.getpixel((round(seam - offset * per_mm) - 1, y))
                    assert b > 100 and r < 100, ("left half", index, offset, (r, g, b))
                    r, g, b = image.getpixel((round(seam + offset * per_mm), y))
                    assert r > 200 and b < 100, ("right half", index, offset, (r, g, b))
            # the outer edges of the sheet are the trim of each page: coloured to the edge
            assert image.getpixel((0, height // 2))[2] > 100
            assert image.getpixel((width - 1, height // 2))[0] > 200
    finally:
        document.close()


def test_a_count_that_is_not_a_multiple_of_4_cannot_be_imposed():
    with pytest.raises(KlastrovinyError, match="multiple of 4"):
        impose_booklet(numbered_pages_pdf(6))


# --- the sample issue's imposed proof ------------------------------------------------------------


def test_the_sample_proof_is_in_printer_spread_order(sample_print):
    """Each half of each sheet side shows the folio of the page spread_order puts there (the
    folio is in the bottom margin; the covers have none)."""
    master_pages = sample_print.pages
    sides = spread_order(master_pages)
    reader = PdfReader(sample_print.booklet)
    assert len(reader.pages) == master_pages // 2 == len(sides)
    qpdf_check(sample_print.booklet)
    document = pdfium.PdfDocument(sample_print.booklet)
    try:
        for index, (left, right) in enumerate(sides):
            page = document[index]
            width, height = page.get_size()
            assert width == pytest.approx(2 * 148 * PT_PER_MM, abs=0.05)
            assert height == pytest.approx(210 * PT_PER_MM, abs=0.05)
            text = page.get_textpage()
            strip = 16 * PT_PER_MM  # the bottom margin, where the folios are
            for number, (x0, x1) in ((left, (0, width / 2)), (right, (width / 2, width))):
                folio = text.get_text_bounded(x0, 0, x1, strip).split()
                if number in (1, master_pages):  # front and back cover
                    assert folio == [], (index, number, folio)
                else:
                    assert folio == [str(number)], (index, number, folio)
            text.close()
            page.close()
    finally:
        document.close()
