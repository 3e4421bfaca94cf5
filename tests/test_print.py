"""`klastroviny build --print`: the print master, read back the way a print shop reads it.

Boxes and bleed, PDF/X identification and output intent, colour (no RGB left, text in 100 % K),
fonts (pdffonts), structure (qpdf --check), pixels in the bleed and crop marks (pypdfium2),
the X-1a variant, reproducibility and the binding rule. The sample issue's master is built once
per session (conftest.py: sample_print); variants use the one-entry issue (small_print).
"""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_ISSUE_DIR, run_build
from pdf_fixtures import pdffonts, qpdf_check
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, IndirectObject, RectangleObject

from klastroviny.cli import cli
from klastroviny.content.issue_file import load_issue
from klastroviny.errors import KlastrovinyError
from klastroviny.press.master import DEFAULT_ICC
from klastroviny.render.layouts import ecosystem_colours

PT_PER_MM = 72 / 25.4
A5_MM = (148, 210)
BLEED_MM = 3


def run_cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def mm(value) -> float:
    return float(value) / PT_PER_MM


# --- a variant or two of the small issue, built once per module --------------------------------


@pytest.fixture(scope="module")
def x1a_print(tmp_path_factory, small_print_issue_dir):
    """The small issue as PDF/X-1a with a printer's profile (a renamed copy of ours)."""
    out = tmp_path_factory.mktemp("x1a")
    icc = shutil.copy(DEFAULT_ICC, out / "printer-coated.icc")
    result = run_build(
        small_print_issue_dir,
        lang="cs",
        out_dir=out,
        print_master=True,
        pdfx="x-1a",
        icc=Path(icc),
        no_cache=True,
    )
    return result.outputs[0].path


@pytest.fixture(scope="module")
def marks_print(tmp_path_factory, small_print_issue_dir):
    """The small issue with crop marks."""
    out = tmp_path_factory.mktemp("marks")
    result = run_build(
        small_print_issue_dir, lang="cs", out_dir=out, print_master=True, marks=True, no_cache=True
    )
    return result.outputs[0].path


# --- boxes ------------------------------------------------------------------------------------


def test_every_page_has_a_trimbox_and_a_bleedbox_with_3_mm_bleed(sample_print):
    reader = PdfReader(sample_print.master)
    assert len(reader.pages) == sample_print.pages == 24
    for number, page in enumerate(reader.pages, start=1):
        # in the page dictionary itself, not inherited or defaulted by the reader
        assert "/TrimBox" in page and "/BleedBox" in page, number
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert (round(mm(trim.width), 1), round(mm(trim.height), 1)) == A5_MM, number
        sides = (
            trim.left - bleed.left,
            trim.bottom - bleed.bottom,
            bleed.right - trim.right,
            bleed.top - trim.top,
        )
        assert [round(mm(side), 2) for side in sides] == [BLEED_MM] * 4, number
        # the BleedBox lies within the MediaBox (Ghostscript rounds the MediaBox to 0.01 pt)
        assert float(media.left) <= float(bleed.left) + 0.01
        assert float(media.bottom) <= float(bleed.bottom) + 0.01
        assert float(media.right) >= float(bleed.right) - 0.01
        assert float(media.top) >= float(bleed.top) - 0.01


# --- our preflight and the real tools ---------------------------------------------------------


def test_our_preflight_passes_the_print_master(sample_print, small_print):
    for master in (sample_print.master, small_print.master):
        result = run_cli("preflight", master, "--layout", "a5-booklet")
        assert result.exit_code == 0, result.output
        assert result.stdout.rstrip().endswith("PRINTABLE")
        assert "ERROR" not in result.stdout and "WARNING" not in result.stdout


@pytest.mark.parametrize(
    "which", ["sample master", "sample booklet", "small master", "small booklet"]
)
def test_qpdf_check_passes_on_every_file_we_write(sample_print, small_print, which):
    build = sample_print if which.startswith("sample") else small_print
    qpdf_check(build.master if which.endswith("master") else build.booklet)


def test_qpdf_check_passes_on_the_variants(x1a_print, marks_print):
    qpdf_check(x1a_print)
    qpdf_check(marks_print)


def test_pdffonts_shows_every_font_embedded(sample_print, small_print, x1a_print):
    for path in (sample_print.master, small_print.master, x1a_print):
        fonts = pdffonts(path)
        assert fonts, path
        assert [f["name"] for f in fonts if f["emb"] != "yes"] == [], path


# --- colour -------------------------------------------------------------------------------------

RGB_NAMES = {"/DeviceRGB", "/CalRGB"}


def rgb_space(space) -> bool:
    """Whether a colour space is RGB (device or ICC-based, also as the base of Indexed or the
    alternate of a spot colour)."""
    space = resolve(space)
    if space is None:
        return False
    if not isinstance(space, ArrayObject):
        return str(space) in RGB_NAMES
    family = str(space[0])
    if family == "/ICCBased":
        return int(resolve(space[1]).get("/N", 0)) == 3
    if family == "/Indexed":
        return rgb_space(space[1])
    if family in ("/Separation", "/DeviceN"):
        return rgb_space(space[2])
    return family in RGB_NAMES


@cache
def page_operations(path: Path) -> list[list[tuple[list, bytes]]]:
    """Each page's content-stream operations (pypdf's parser, independent of preflight.py)."""
    reader = PdfReader(path)
    return [
        list(ContentStream(page.get_contents(), reader).operations)
        if page.get_contents() is not None
        else []
        for page in reader.pages
    ]


def rgb_uses(path: Path) -> list[str]:
    """Everything RGB in the file: rg/RG operators and RGB colour spaces (cs/CS, images,
    shadings, colour-space resources), in page content and inside Form XObjects."""
    reader = PdfReader(path)
    found = []

    def scan(where, operations, resources, depth=0):
        resources = resolve(resources) or {}
        for operands, operator in operations:
            if operator in (b"rg", b"RG"):
                found.append(f"{where}: {operator.decode()} {operands}")
            if operator == b"INLINE IMAGE":
                settings = operands.get("settings", {})
                space = settings.get("/CS", settings.get("/ColorSpace"))
                if str(space) in ("/RGB", "/DeviceRGB") or rgb_space(space):
                    found.append(f"{where}: inline RGB image")
        for name, space in (resolve(resources.get("/ColorSpace")) or {}).items():
            if rgb_space(space):
                found.append(f"{where}: colour space {name}")
        for name, shading in (resolve(resources.get("/Shading")) or {}).items():
            if rgb_space(resolve(shading).get("/ColorSpace")):
                found.append(f"{where}: shading {name}")
        for name, xobject in (resolve(resources.get("/XObject")) or {}).items():
            xobject = resolve(xobject)
            if xobject.get("/Subtype") == "/Image":
                if rgb_space(xobject.get("/ColorSpace")):
                    found.append(f"{where}: image {name} in {xobject.get('/ColorSpace')}")
            elif xobject.get("/Subtype") == "/Form" and depth < 10:
                operations = ContentStream(xobject, reader).operations
                inner = xobject.get("/Resources") or resources
                scan(f"{where} form {name}", operations, inner, depth + 1)

    for number, (page, operations) in enumerate(
        zip(reader.pages, page_operations(path), strict=True), start=1
    ):
        scan(f"page {number}", operations, page.get("/Resources"))
    return found


def test_nothing_rgb_is_left_in_the_print_master(sample_print, small_print):
    for path in (sample_print.master, small_print.master):
        assert rgb_uses(path) == [], path
        raw = Path(path).read_bytes()
        assert b"/DeviceRGB" not in raw and b"/CalRGB" not in raw


def test_the_rgb_scan_sees_rgb_images_and_rgb_inside_forms(tmp_path):
    """The scan above finds what it looks for (so that its empty answer means something)."""
    from pdf_fixtures import rgb_image_pdf, rgb_in_form_pdf

    for name, make, expected in (
        ("image", rgb_image_pdf, "page 1: image"),
        ("form", rgb_in_form_pdf, "page 2 form /RedBox: rg"),
    ):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(make())
        assert any(use.startswith(expected) for use in rgb_uses(path)), rgb_uses(path)


def test_the_rgb_logo_became_a_cmyk_image(small_print):
    """The screen edition's logo is an RGB PNG; in the print master it is a DeviceCMYK image."""
    reader = PdfReader(small_print.master)
    spaces = []
    for page in reader.pages:
        for xobject in (resolve(page["/Resources"].get("/XObject")) or {}).values():
            xobject = resolve(xobject)
            if xobject.get("/Subtype") == "/Image":
                spaces.append(str(resolve(xobject.get("/ColorSpace"))))
    assert spaces == ["/DeviceCMYK"]


def text_fill_colours(path: Path) -> dict[tuple, int]:
    """(operator, values) of the fill colour in force at each text-showing operator -> count.
    The fill colour is part of the graphics state that q and Q save and restore."""
    shows = {b"Tj", b"TJ", b"'", b'"'}
    setters = {b"k", b"g", b"rg", b"sc", b"scn"}
    counts: dict[tuple, int] = {}
    for operations in page_operations(path):
        colour, stack = ("g", (0.0,)), []  # the initial fill colour: DeviceGray black
        for operands, operator in operations:
            if operator == b"q":
                stack.append(colour)
            elif operator == b"Q" and stack:
                colour = stack.pop()
            elif operator in setters:
                colour = (operator.decode(), tuple(round(float(v), 3) for v in operands))
            elif operator == b"cs":
                colour = (str(operands[0]), ())
            elif operator in shows:
                counts[colour] = counts.get(colour, 0) + 1
    return counts


def test_text_black_is_100_percent_k_not_four_colour_black(sample_print):
    counts = text_fill_colours(sample_print.master)
    # the body text is set in 0 0 0 1 k: more text than in any other colour
    body = max(counts, key=counts.get)
    assert body == ("k", (0.0, 0.0, 0.0, 1.0)), counts
    for (operator, values), count in counts.items():
        assert operator in ("k", "g"), f"text in {operator} {values} ({count}×)"
        if operator == "k":
            c, m, y, k = values
            assert not (k >= 0.6 and c + m + y > 0), f"four-colour black text {values}"


def test_layout_colours_are_the_cmyk_values_of_the_palette(sample_print):
    """The brand colour (cover) and the ecosystem colours (edge bars) are set as the palette's
    CMYK, not converted from RGB (Ghostscript keeps them to within 1/256)."""
    used = set()
    for operations in page_operations(sample_print.master):
        for operands, operator in operations:
            if operator == b"k":
                used.add(tuple(float(v) for v in operands))
    palette = {"brand": tuple(v / 100 for v in ecosystem_colours()["brand"]["cmyk"])}
    for name, colour in ecosystem_colours()["ecosystems"].items():
        palette[name] = tuple(v / 100 for v in colour["cmyk"])
    matched = {
        name
        for name, cmyk in palette.items()
        if any(all(abs(a - b) <= 1 / 256 for a, b in zip(cmyk, u, strict=True)) for u in used)
    }
    assert "brand" in matched
    # the sample's 15 clusters span most ecosystems; each bar colour printed is a palette one
    assert len(matched) >= 8, matched


# --- PDF/X ------------------------------------------------------------------------------------


def xmp_pdfx_version(reader: PdfReader) -> set[str]:
    metadata = resolve(reader.trailer["/Root"]["/Metadata"]).get_data()
    tree = ET.fromstring(metadata.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    return {element.text for element in tree.iter() if element.tag.endswith("}GTS_PDFXVersion")}


def output_intent(reader: PdfReader):
    (intent,) = [resolve(i) for i in resolve(reader.trailer["/Root"]["/OutputIntents"])]
    return intent


def test_pdfx4_output_intent_and_identification(sample_print):
    reader = PdfReader(sample_print.master)
    intent = output_intent(reader)
    assert intent["/S"] == "/GTS_PDFX"
    profile = resolve(intent["/DestOutputProfile"])
    assert profile["/N"] == 4
    data = profile.get_data()
    assert data == DEFAULT_ICC.read_bytes()
    assert data[36:40] == b"acsp" and data[16:20] == b"CMYK"  # an ICC profile, CMYK data
    assert intent["/OutputConditionIdentifier"] == "FOGRA39"
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-4"
    assert reader.metadata["/Trapped"] == "/False"
    assert reader.metadata["/Title"] == "KLASTROVINY 12 – Klastry České republiky"  # as on screen
    assert xmp_pdfx_version(reader) == {"PDF/X-4"}


def test_pdf_16_no_annotations_no_actions(sample_print):
    data = Path(sample_print.master).read_bytes()
    assert data.startswith(b"%PDF-1.6\n")
    reader = PdfReader(sample_print.master)
    assert all("/Annots" not in page for page in reader.pages)
    root = reader.trailer["/Root"]
    assert not {"/OpenAction", "/AA", "/Names", "/AcroForm"} & set(root)
    assert b"/JavaScript" not in data and b"/JS " not in data


def test_no_dead_objects_are_left_in_the_file(sample_print, small_print, marks_print):
    """pypdf writes every object it holds: the link annotations taken off the pages, the XMP
    packet Ghostscript wrote and the page contents that crop marks replace must not stay in
    the file as unreferenced objects."""
    for path in (sample_print.master, small_print.master, marks_print):
        data = Path(path).read_bytes()
        assert b"/Link" not in data and b"/URI" not in data, path
        assert data.count(b"<?xpacket begin") == 1, path
        assert b"GPL Ghostscript" not in data, path
    # marks add a few hundred bytes a page, not a second copy of every page's content
    plain, marked = Path(small_print.master).stat().st_size, Path(marks_print).stat().st_size
    assert marked < plain * 1.03, (plain, marked)


def test_x1a_variant(x1a_print):
    data = Path(x1a_print).read_bytes()
    assert data.startswith(b"%PDF-1.3\n")
    reader = PdfReader(x1a_print)
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2001"
    assert reader.metadata["/GTS_PDFXConformance"] == "PDF/X-1a:2001"
    assert xmp_pdfx_version(reader) == {"PDF/X-1a:2001"}
    intent = output_intent(reader)
    assert resolve(intent["/DestOutputProfile"])["/N"] == 4
    # the printer's profile is named by its file
    assert intent["/OutputConditionIdentifier"] == "printer-coated"
    # no transparency: no soft masks, no transparency groups, no constant alpha below 1
    for page in reader.pages:
        assert "/Group" not in page
        resources = resolve(page["/Resources"])
        for state in (resolve(resources.get("/ExtGState")) or {}).values():
            state = resolve(state)
            assert state.get("/SMask", "/None") == "/None"
            assert float(state.get("/CA", 1)) == 1 and float(state.get("/ca", 1)) == 1
        for xobject in (resolve(resources.get("/XObject")) or {}).values():
            assert "/SMask" not in resolve(xobject) and "/Group" not in resolve(xobject)
    assert rgb_uses(x1a_print) == []
    result = run_cli("preflight", x1a_print, "--layout", "a5-booklet")
    assert result.exit_code == 0, result.output


# --- pixels: what bleeds off the trim really reaches into the bleed -----------------------------

DPI = 100
PX_PER_MM = DPI / 25.4


def render(path, index: int, dpi: int = DPI, crop=(0, 0, 0, 0)):
    """The page as an RGB PIL image; crop = points cut off (left, bottom, right, top)."""
    document = pdfium.PdfDocument(path)
    try:
        page = document[index]
        image = page.render(scale=dpi / 72, crop=crop).to_pil().convert("RGB")
        page.close()
        return image
    finally:
        document.close()


def coloured(pixel) -> bool:
    return min(pixel) < 230


def white(pixel) -> bool:
    return min(pixel) > 250


def test_cover_background_fills_the_bleed(sample_print):
    image = render(sample_print.master, 0)
    width, height = image.size
    edge = round(1 * PX_PER_MM)  # 1 mm from the media edge, i.e. 2 mm outside the trim
    for x, y in (
        (edge, height // 2),
        (width - 1 - edge, height // 2),
        (width // 2, edge),
        (width // 2, height - 1 - edge),
        (edge, edge),
        (width - 1 - edge, height - 1 - edge),
    ):
        assert coloured(image.getpixel((x, y))), (x, y, image.getpixel((x, y)))


def test_edge_bars_bleed_off_the_outer_edge_of_each_profile_page(sample_print):
    issue, _ = load_issue(SAMPLE_ISSUE_DIR)
    first = 4  # cover, foreword, contents, then the profiles, one page each
    edge = round(1 * PX_PER_MM)
    for number in range(first, first + len(issue.entries)):
        image = render(sample_print.master, number - 1)
        width, height = image.size
        outer, inner = (edge, width - 1 - edge) if number % 2 == 0 else (width - 1 - edge, edge)
        for y in (edge, height // 2, height - 1 - edge):  # top, middle, bottom of the bleed
            assert coloured(image.getpixel((outer, y))), (number, y, image.getpixel((outer, y)))
            assert white(image.getpixel((inner, y))), (number, y, image.getpixel((inner, y)))


# --- crop marks -------------------------------------------------------------------------------

MARKS_DPI = 254  # 10 px per mm: the trim of both files falls on whole pixels


def test_marks_lie_outside_the_bleed_on_a_larger_mediabox(small_print, marks_print):
    plain, marked = PdfReader(small_print.master), PdfReader(marks_print)
    for before, page in zip(plain.pages, marked.pages, strict=True):
        assert list(page.trimbox) == list(before.trimbox)
        assert list(page.bleedbox) == list(before.bleedbox)
        media, bleed = page.mediabox, page.bleedbox
        # at least 6 mm of room outside the bleed on every side (marks from 3 mm past the trim)
        for outside in (
            bleed.left - media.left,
            bleed.bottom - media.bottom,
            media.right - bleed.right,
            media.top - bleed.top,
        ):
            assert mm(outside) >= 6


def test_crop_marks_are_dark_on_the_trim_lines_from_3_mm_outside_the_trim(marks_print):
    reader = PdfReader(marks_print)
    index = 1  # page 2: no bleeding element at its corners
    page = reader.pages[index]
    media, trim = page.mediabox, page.trimbox
    image = render(marks_print, index, dpi=MARKS_DPI).convert("L")
    scale = MARKS_DPI / 72

    def ink(x_pt, y_pt, across: str) -> int:
        """Ink across a mark at (x, y) in PDF points: the sum of 255 − grey over ±2 px. A 0.25 pt
        hairline is under one pixel wide here, so anti-aliasing spreads it over two."""
        px = round((x_pt - float(media.left)) * scale)
        py = round((float(media.top) - y_pt) * scale)
        if across == "x":
            return sum(255 - image.getpixel((px + d, py)) for d in range(-2, 3))
        return sum(255 - image.getpixel((px, py + d)) for d in range(-2, 3))

    line = 0.25 * scale * 255  # the ink of a solid 0.25 pt line
    for x, dx in ((float(trim.left), -1), (float(trim.right), 1)):
        for y, dy in ((float(trim.bottom), -1), (float(trim.top), 1)):
            for distance in (4, 6, 8):  # mm outside the trim: the mark
                d = distance * PT_PER_MM
                assert ink(x, y + dy * d, "x") > 0.7 * line, ("vertical", x, y, distance)
                assert ink(x + dx * d, y, "y") > 0.7 * line, ("horizontal", x, y, distance)
            for distance in (0.5, 1.5, 2.5, 3.2):  # within the bleed and just outside: no mark
                d = distance * PT_PER_MM
                assert ink(x, y + dy * d, "x") < 10, ("vertical", x, y, distance)
                assert ink(x + dx * d, y, "y") < 10, ("horizontal", x, y, distance)


@pytest.mark.parametrize("index", [0, 3])  # the cover and the profile page
def test_marks_change_nothing_within_the_bleed(small_print, marks_print, index):
    """The page without marks, given the larger MediaBox of the page with marks (so that both
    render on the same pixel grid), differs from it only outside the bleed."""
    marked_page = PdfReader(marks_print).pages[index]
    media, bleed = marked_page.mediabox, marked_page.bleedbox
    writer = PdfWriter(clone_from=small_print.master)
    writer.pages[index].mediabox = RectangleObject(media)
    writer.pages[index].cropbox = RectangleObject(media)
    plain = io.BytesIO()
    writer.write(plain)
    difference = ImageChops.difference(
        render(plain.getvalue(), index, dpi=MARKS_DPI).convert("L"),
        render(marks_print, index, dpi=MARKS_DPI).convert("L"),
    )
    changed = difference.point(lambda v: 255 if v > 8 else 0)
    assert changed.getbbox() is not None  # the marks
    scale = MARKS_DPI / 72
    inside = Image.new("L", changed.size, 0)
    inside.paste(
        255,
        (
            round(float(bleed.left - media.left) * scale),
            round(float(media.top - bleed.top) * scale),
            round(float(bleed.right - media.left) * scale),
            round(float(media.top - bleed.bottom) * scale),
        ),
    )
    assert ImageChops.multiply(changed, inside).getbbox() is None


def test_marks_are_100_percent_k_strokes(marks_print):
    for operations in page_operations(Path(marks_print)):
        strokes = [tuple(float(v) for v in o) for o, op in operations if op == b"K"]
        assert (0.0, 0.0, 0.0, 1.0) in strokes


# --- reproducibility and binding ----------------------------------------------------------------


def test_two_builds_of_the_print_master_are_byte_identical(
    tmp_path, small_print_issue_dir, small_print
):
    """The second build typesets from scratch (no render cache) and runs Ghostscript again."""
    again = run_build(
        small_print_issue_dir,
        lang="cs",
        out_dir=tmp_path,
        print_master=True,
        booklet=True,
        no_cache=True,
    )
    master, booklet = (o.path for o in again.outputs)
    assert master.read_bytes() == Path(small_print.master).read_bytes()
    assert booklet.read_bytes() == Path(small_print.booklet).read_bytes()


def test_a_page_count_the_binder_cannot_bind_fails_the_build(tmp_path, monkeypatch, build):
    """Without notes pages the one-entry issue has 7 pages, which cannot be saddle-stitched."""
    monkeypatch.setattr("klastroviny.compose.notes_pages_needed", lambda pages, multiple: 0)
    issue_dir = build()
    out = tmp_path / "out"
    with pytest.raises(KlastrovinyError) as raised:
        run_build(issue_dir, lang="cs", out_dir=out, print_master=True, no_cache=True)
    assert "multiples of 4" in raised.value.message
    assert re.search(r"\b7 pages\b", raised.value.message)
    assert not out.exists() or not any(out.iterdir())


def test_print_options_without_print_are_a_usage_error(build):
    issue_dir = build()
    for flags in (["--marks"], ["--pdfx", "x-1a"]):
        result = run_cli("build", issue_dir, *flags)
        assert result.exit_code == 2, result.output
        assert "add --print" in result.stderr


# --- prepress on its own ---------------------------------------------------------------------


def test_the_master_depends_neither_on_where_the_profile_lies_nor_on_the_clock(
    tmp_path, monkeypatch
):
    """The file ID and XMP document ID come from the source and the settings (the profile by
    its content): the same profile in another folder (another checkout) gives the same bytes.
    Ghostscript stamps its output with the time (or SOURCE_DATE_EPOCH); none of that is left."""
    from pdf_fixtures import html_pdf, pages_html

    from klastroviny.press.master import PrintSettings, make_print_master

    source = html_pdf(pages_html(4))
    masters = []
    for folder, epoch in (("a", "1000000000"), ("b", "1000000000"), ("a", "1600000000")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        (tmp_path / folder).mkdir(exist_ok=True)
        icc = Path(shutil.copy(DEFAULT_ICC, tmp_path / folder / "profile.icc"))
        masters.append(
            make_print_master(source, PrintSettings(icc=icc), {"Title": "T"}, "2022-09-26")
        )
    assert masters[0] == masters[1], "the profile's folder changed the master"
    assert masters[0] == masters[2], "the clock (SOURCE_DATE_EPOCH) changed the master"


def test_a_missing_profile_or_ghostscript_is_a_clear_error(tmp_path, monkeypatch):
    from klastroviny.press.master import PrintSettings, convert_to_cmyk

    with pytest.raises(KlastrovinyError, match="no ICC profile at"):
        convert_to_cmyk(b"%PDF-1.7", PrintSettings(icc=tmp_path / "missing.icc"))
    monkeypatch.setattr("klastroviny.press.master.shutil.which", lambda name: None)
    with pytest.raises(KlastrovinyError, match="Ghostscript"):
        convert_to_cmyk(b"%PDF-1.7", PrintSettings())
