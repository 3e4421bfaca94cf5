"""What the printed page shows, from pixels (pypdfium2): the circles to mark in the contact index
are drawn, and the QR code on a profile is a square of the right size that decodes to the
contact's vCard. Positions come from the layout's geometry (page margins, CSS of bulletin.css)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import segno
from segno import consts
from segno import encoder as qr_encoder

DPI = 100
MM = DPI / 25.4  # pixels per millimetre at DPI
PT_PER_MM = 72 / 25.4
DARK = 160  # grey level below which a pixel counts as ink


def render_page(path, index: int, dpi: int = DPI, crop_mm=None):
    """Page `index` as a greyscale PIL image; crop_mm = (left, top, right, bottom) in mm from
    the page's top left, or None for the whole page."""
    document = pdfium.PdfDocument(path)
    try:
        page = document[index]
        crop = (0, 0, 0, 0)
        if crop_mm:
            width, height = page.get_size()
            left, top, right, bottom = (v * PT_PER_MM for v in crop_mm)
            crop = (left, height - bottom, width - right, top)
        image = page.render(scale=dpi / 72, crop=crop).to_pil().convert("L")
        page.close()
        return image
    finally:
        document.close()


def left_edge_mm(pdf, index: int) -> float:
    """The left margin of page `index` (0-based): the first page is a right-hand page, whose
    inner margin is on the left."""
    margins = pdf.layout.margins
    return margins.inner if index % 2 == 0 else margins.outer


# --- circles in the contact index -------------------------------------------------------------


def ink_runs(image, x0: int, x1: int) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (left, top, right, bottom) of the vertical runs of rows that have ink
    between columns x0 and x1."""
    pixels = image.load()
    runs, top, left, right = [], None, None, None
    for y in range(image.height + 1):
        xs = [x for x in range(x0, x1) if y < image.height and pixels[x, y] < DARK]
        if xs:
            if top is None:
                top, left, right = y, xs[0], xs[-1]
            left, right = min(left, xs[0]), max(right, xs[-1])
        elif top is not None:
            runs.append((left, top, right, y - 1))
            top = None
    return runs


def is_ring(image, box) -> bool:
    """A circle drawn as a ring: about 4 mm across, as wide as high, light in the middle and
    inked on all four sides, with little ink inside."""
    left, top, right, bottom = box
    width, height = right - left + 1, bottom - top + 1
    if not (3.4 * MM <= width <= 5 * MM and abs(width - height) <= 2):
        return False
    pixels = image.load()
    cx, cy = (left + right) // 2, (top + bottom) // 2
    middle = [pixels[x, y] for x in range(cx - 2, cx + 3) for y in range(cy - 2, cy + 3)]
    if min(middle) < 200:
        return False

    def inked(points):
        return any(pixels[x, y] < DARK for x, y in points)

    sides = [
        [(x, cy + d) for x in range(left, left + 3) for d in (-1, 0, 1)],
        [(x, cy + d) for x in range(right - 2, right + 1) for d in (-1, 0, 1)],
        [(cx + d, y) for y in range(top, top + 3) for d in (-1, 0, 1)],
        [(cx + d, y) for y in range(bottom - 2, bottom + 1) for d in (-1, 0, 1)],
    ]
    ink = sum(pixels[x, y] < DARK for x in range(left, right + 1) for y in range(top, bottom + 1))
    return all(inked(side) for side in sides) and ink / (width * height) < 0.45


def test_every_row_of_the_contact_index_has_a_circle_to_mark(sample_pdfs):
    pdf = sample_pdfs["cs"]
    rows_per_page: dict[int, int] = {}
    for row in pdf.contact_index_rows:
        rows_per_page[row.pdf_page] = rows_per_page.get(row.pdf_page, 0) + 1
    assert sum(rows_per_page.values()) >= 30
    for index, rows in sorted(rows_per_page.items()):
        image = render_page(pdf.path, index)
        # the row's left padding (9 mm): the circle sits there, the text starts after it
        left = left_edge_mm(pdf, index)
        x0, x1 = round((left + 0.5) * MM), round((left + 8.5) * MM)
        runs = ink_runs(image, x0, x1)
        rings = [box for box in runs if is_ring(image, box)]
        assert len(rings) == rows, (index + 1, rows, runs)
        # rows at least 9 mm apart, so that a hand-drawn ring does not touch the next one
        tops = [box[1] for box in rings]
        assert all(b - a >= 9 * MM for a, b in zip(tops, tops[1:], strict=False)), tops


# --- the QR code ------------------------------------------------------------------------------


def square_of_ink(image, window) -> tuple[int, int, int, int]:
    """The QR code in a window (left, top, right, bottom, pixels): the columns that have ink
    give its width; it starts at the first inked row and is as high as it is wide."""
    x0, y0, x1, y1 = window
    pixels = image.load()
    cols = [x for x in range(x0, x1) if any(pixels[x, y] < DARK for y in range(y0, y1))]
    rows = [y for y in range(y0, y1) if any(pixels[x, y] < DARK for x in range(x0, x1))]
    assert cols and rows, "no ink where the QR code should be"
    left, right, top = cols[0], cols[-1], rows[0]
    return left, top, right, top + (right - left)


def sample_modules(image, box, size: int) -> list[list[int]]:
    """The module grid (1 = dark) sampled at the centres of size×size cells of box."""
    left, top, right, bottom = box
    step_x, step_y = (right - left + 1) / size, (bottom - top + 1) / size
    pixels = image.load()
    grid = []
    for i in range(size):
        row = []
        for j in range(size):
            x, y = int(left + (j + 0.5) * step_x), int(top + (i + 0.5) * step_y)
            patch = [pixels[x + dx, y + dy] for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
            row.append(1 if sum(patch) / 9 < 128 else 0)
        grid.append(row)
    return grid


def decode_qr(grid: list[list[int]], with_eci: bool = False):
    """Decode a QR Code module grid (byte mode, ECI allowed) without error correction: read
    the format, unmask, collect the codewords in placement order, de-interleave the data
    blocks, read the segments. Uses segno's tables (ISO/IEC 18004). With `with_eci`: (the ECI
    designator or None, the text)."""
    size = len(grid)
    version = (size - 17) // 4
    assert version * 4 + 17 == size, f"{size} modules is not a QR Code size"
    # format information, first copy: column 8 rows 0–5, 7, 8 = bits 0–7; row 8 columns 7,
    # 5…0 = bits 8–14
    bits = [grid[r][8] for r in (0, 1, 2, 3, 4, 5, 7, 8)]
    bits += [grid[8][c] for c in (7, 5, 4, 3, 2, 1, 0)]
    value = sum(bit << i for i, bit in enumerate(bits))
    distance, index = min(
        (bin(value ^ info).count("1"), i) for i, info in enumerate(consts.FORMAT_INFO)
    )
    assert distance <= 3, "unreadable format information"
    error, mask = index // 8, index % 8
    # the data region: what is left after the function patterns
    region = qr_encoder.make_matrix(size, size)
    qr_encoder.add_finder_patterns(region, size, size)
    qr_encoder.add_alignment_patterns(region, size, size)
    masked = qr_encoder.get_data_mask_functions(False)[mask]
    stream = []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(size):
            for z in range(2):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = size - 1 - vertical if upwards else vertical
                if region[i][j] == 0x2:
                    stream.append(grid[i][j] ^ int(masked(i, j)))
    codewords = [int("".join(map(str, stream[k : k + 8])), 2) for k in range(0, len(stream) - 7, 8)]
    sizes = [ec.num_data for ec in consts.ECC[version][error] for _ in range(ec.num_blocks)]
    blocks: list[list[int]] = [[] for _ in sizes]
    position = 0
    for k in range(max(sizes)):
        for b, block_size in enumerate(sizes):
            if k < block_size:
                blocks[b].append(codewords[position])
                position += 1
    data = "".join(f"{byte:08b}" for block in blocks for byte in block)
    cursor = 0

    def read(n: int) -> int:
        nonlocal cursor
        value = int(data[cursor : cursor + n] or "0", 2)
        cursor += n
        return value

    out = bytearray()
    eci = None
    while cursor + 4 <= len(data):
        mode = read(4)
        if mode == 0:
            break
        if mode == consts.MODE_ECI:
            eci = read(8)
        elif mode == consts.MODE_BYTE:
            count = read(8 if version <= 9 else 16)
            out += bytes(read(8) for _ in range(count))
        else:
            raise AssertionError(f"unexpected QR mode {mode}")
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError:
        text = out.decode("iso-8859-1")
    return (eci, text) if with_eci else text


def test_decode_qr_reads_what_segno_writes():
    text = "BEGIN:VCARD\r\nFN:Ing. Markéta Horáková\r\nEND:VCARD\r\n"
    code = segno.make(text, error="m", micro=False)
    grid = [list(row) for row in code.matrix]
    assert decode_qr(grid) == text


def find_qr(pdf, index: int):
    """Locate the QR code of the profile on page `index` at DPI: (box in pixels, image)."""
    layout = pdf.layout
    image = render_page(pdf.path, index)
    left = left_edge_mm(pdf, index)
    right_edge = left + layout.width_mm - layout.margins.inner - layout.margins.outer
    content_bottom = layout.height_mm - layout.margins.bottom
    # bottom right of the content area, in the contact block: the last contact's code
    window_mm = (right_edge - 20, content_bottom - layout.contact_zone_mm - 6, right_edge + 1)
    window = (
        round(window_mm[0] * MM),
        round(window_mm[1] * MM),
        round(window_mm[2] * MM),
        round(content_bottom * MM),
    )
    return square_of_ink(image, window), image, right_edge, content_bottom


@pytest.mark.parametrize("entry_id", ["clutex", "opticky-klastr"])
def test_the_last_qr_code_is_an_18_mm_square_at_the_bottom_right_that_decodes(
    sample_pdfs, entry_id
):
    pdf = sample_pdfs["cs"]
    entry = next(e for e in pdf.entries if e.id == entry_id)
    index = pdf.page_of(f"entry-{entry_id}")
    box, image, right_edge, content_bottom = find_qr(pdf, index)
    left, top, right, bottom = box
    side_mm = (right - left + 1) / MM
    assert 17.5 <= side_mm <= 18.5, side_mm
    assert abs(right / MM - right_edge) <= 1  # flush with the right edge of the text area
    assert content_bottom - 35 <= top / MM and bottom / MM <= content_bottom
    pixels = image.load()
    ink = sum(pixels[x, y] < DARK for x in range(left, right + 1) for y in range(top, bottom + 1))
    assert 0.3 <= ink / ((right - left + 1) * (bottom - top + 1)) <= 0.65
    # a light gap below the square, before its caption
    gap = [pixels[x, bottom + 2] for x in range(left, right + 1)]
    assert min(gap) > DARK
    # decode: render just the code at 600 dpi and read its modules
    margin = 1.0
    crop = (left / MM - margin, top / MM - margin, right / MM + margin, bottom / MM + 0.6)
    sharp = render_page(pdf.path, index, dpi=600, crop_mm=crop)
    fine = square_of_ink(sharp, (0, 0, sharp.width, sharp.height))
    size = modules_across(sharp, fine)
    eci, text = decode_qr(sample_modules(sharp, fine, size), with_eci=True)
    assert eci == 26  # UTF-8 declared: scanners read Czech names as Czech
    contact = entry.profile_contacts[-1]
    assert text.startswith("BEGIN:VCARD")
    assert contact.email in text
    assert contact.phone in text.replace(" ", "")
    assert contact.name.split()[-1] in text
    assert "ORG:" in text  # the cluster, which the website may make room for


def modules_across(image, box) -> int:
    """Modules per side, from the top-left finder pattern: its top edge is 7 modules of ink."""
    left, top, right, _ = box
    pixels = image.load()
    y = top + 2
    x = left
    while x <= right and pixels[x, y] < 128:
        x += 1
    module = (x - left) / 7
    size = round((right - left + 1) / module)
    return min(range(21, 178, 4), key=lambda n: abs(n - size))


# --- a code for every contact -------------------------------------------------------------------
SCAN_DPI = 300


def codes_on_profile(pdf, index: int) -> list:
    """The QR codes in the contact block of profile page `index`, left to right, read by
    zxing-cpp from the page rendered at SCAN_DPI: [(barcode, width in mm), …]."""
    import zxingcpp

    layout = pdf.layout
    bottom = layout.height_mm - layout.margins.bottom
    crop = (0, bottom - layout.contact_zone_mm - 2, layout.width_mm, bottom)
    image = render_page(pdf.path, index, dpi=SCAN_DPI, crop_mm=crop)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    found.sort(key=lambda code: code.position.top_left.x)
    px_per_mm = SCAN_DPI / 25.4
    return [
        (code, (code.position.top_right.x - code.position.top_left.x) / px_per_mm)
        for code in found
    ]


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_every_contact_on_a_profile_can_be_saved_from_its_own_code(sample_pdfs, lang):
    import vobject

    pdf = sample_pdfs[lang]
    two = 0
    for entry in pdf.entries:
        index = pdf.page_of(f"entry-{entry.id}")
        codes = codes_on_profile(pdf, index)
        people = entry.profile_contacts
        assert len(codes) == len(people), (entry.id, [c.text for c, _ in codes])
        two += len(people) == 2
        for (code, width_mm), person in zip(codes, people, strict=True):
            card = vobject.readOne(code.text)
            assert card.fn.value == person.full_name
            assert card.n.value.family == person.name.split()[-1]
            assert card.tel.value == person.phone and card.email.value == person.email
            fallback = pdf.issue.fallback(lang)
            org = (entry.name.get(lang, fallback), entry.display_short_name(lang, fallback))
            assert card.org.value[0] in org
            # big enough to scan: a module at least 0.33 mm (finder edges, 4 × version + 17)
            modules = 4 * int(code.extra["Version"]) + 17
            assert width_mm / (modules - 1) >= 0.33, (entry.id, width_mm, modules)
    assert two >= 3  # the sample has clusters with two people at the foot of the page


# --- lines of the profiles (issue 15) ---------------------------------------------------------

import re  # noqa: E402


def profile_lines(pdf, foreword: bool = False) -> dict[str, list[str]]:
    """Entry id → the text lines of its profile page, as pdfium reads them (and "foreword" →
    the foreword's)."""
    anchors = {entry.id: f"entry-{entry.id}" for entry in pdf.entries}
    if foreword:
        anchors["foreword"] = "foreword"
    document = pdfium.PdfDocument(pdf.path)
    try:
        found = {}
        for name, anchor in anchors.items():
            textpage = document[pdf.page_of(anchor)].get_textpage()
            found[name] = textpage.get_text_range().splitlines()
            textpage.close()
        return found
    finally:
        document.close()


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_email_and_web_addresses_print_whole_on_one_line_with_their_own_hyphens(
    sample_pdfs, lang
):
    from klastroviny.render.html import web_address

    pdf = sample_pdfs[lang]
    lines = profile_lines(pdf)
    hyphenated = 0
    for entry in pdf.entries:
        page = lines[entry.id]
        addresses = [c.email for c in entry.profile_contacts] + [web_address(entry.website)]
        for address in addresses:
            assert any(address in line for line in page), (entry.id, address, page[-8:])
            hyphenated += "-" in address
        for line in page:
            assert "\u200b" not in line  # <wbr> adds nothing to copy and paste
            if "@" in line:
                assert not line.rstrip().endswith(("-", "\u2010", "@")), (entry.id, line)
    assert hyphenated >= 3  # michal.sebesta@energeticky-klastr.example, czech-aerospace.cz…


def separator_gaps(path, index: int) -> list[float]:
    """The gaps (pt) before and after each '·' of the facts line on page `index`, between
    the characters' advance boxes (pdfium's loose boxes)."""
    document = pdfium.PdfDocument(path)
    try:
        textpage = document[index].get_textpage()
        text = textpage.get_text_range()
        facts = next(line for line in text.splitlines() if "·" in line)
        start = text.index(facts)
        gaps = []
        for offset, char in enumerate(facts):
            if char != "·":
                continue
            at = start + offset
            before, after = at - 1, at + 1
            while text[before] in " \u00a0":
                before -= 1
            while text[after] in " \u00a0":
                after += 1
            dot = textpage.get_charbox(at, loose=True)
            gaps.append(dot[0] - textpage.get_charbox(before, loose=True)[2])
            gaps.append(textpage.get_charbox(after, loose=True)[0] - dot[2])
        textpage.close()
        return gaps
    finally:
        document.close()


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_the_gaps_around_the_separators_of_the_facts_line_are_equal(sample_pdfs, lang):
    pdf = sample_pdfs[lang]
    gaps = []
    for entry in pdf.entries:
        found = separator_gaps(pdf.path, pdf.page_of(f"entry-{entry.id}"))
        assert found, entry.id
        gaps += found
    assert max(gaps) - min(gaps) <= 0.2, sorted(gaps)
    assert 3 <= min(gaps) <= 7  # a clear gap, about two spaces


WORD_PART = re.compile(r"\w+")


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_hyphenation_keeps_names_whole_and_leaves_no_fragment_alone(sample_pdfs, lang):
    """WeasyPrint hyphenates with hyphenate-limit-chars 6 3 3; the render keeps proper names
    and each paragraph's last word whole (the foreword's too); the build warns about three
    hyphens in a row."""
    from klastroviny.bulletin.checks import hyphen_ladders

    pdf = sample_pdfs[lang]
    breaks = 0
    for entry_id, lines in profile_lines(pdf, foreword=True).items():
        assert hyphen_ladders(lines) == [], entry_id
        for line, following in zip(lines, lines[1:], strict=False):
            if not line.endswith("\u2010"):
                continue
            breaks += 1
            head = WORD_PART.findall(line)[-1]
            tail = WORD_PART.findall(following)[0]
            assert len(head) >= 3 and len(tail) >= 3, (entry_id, line, following)
            assert not head[0].isupper(), (entry_id, line)  # a name, or a sentence's first word
            assert len(following.split()) > 1, (entry_id, line, following)  # not alone
    assert breaks >= 10  # hyphenation is on
