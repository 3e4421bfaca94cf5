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


@pytest.fixture(scope="module")
def ligature_print(tmp_path_factory, monkeypatch_module):
    """A one-entry issue whose text has the ligatures Inter and Charis form (fi, ff, ffi) and
    whose logo is an RGB SVG: (the print edition as WeasyPrint made it, its print master)."""
    from builders import entry_yaml, make_issue

    import klastroviny.press.master as master

    out = tmp_path_factory.mktemp("ligatures")
    description = (
        "{cs: Sdružuje firmy a nabízí offer pro efficient profil; first office.,"
        " en: Firms offer an efficient profile to the first office.}"
    )
    issue_dir = make_issue(
        out / "src",
        entries={
            "plastr": entry_yaml(
                name="{cs: Plastikářský klastr fiktivní, en: Plastics Cluster}",
                description=description,
                logo="logos/plastr.svg",
            )
        },
        files={"logos/plastr.svg": (SAMPLE_ISSUE_DIR / "logos" / "plastr.svg").read_bytes()},
    )
    received = []
    make = master.make_print_master

    def keep(pdf, *args):
        received.append(pdf)
        return make(pdf, *args)

    monkeypatch_module.setattr(master, "make_print_master", keep)
    result = run_build(
        issue_dir, lang="cs", out_dir=out / "build", print_master=True, no_cache=True
    )
    edition = out / "edition.pdf"
    edition.write_bytes(received[0])
    return edition, result.outputs[0].path


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def pdftotext(path) -> str:
    from pdf_fixtures import run_tool

    return run_tool("pdftotext", "-layout", str(path), "-")


# --- fonts, text and boxes as WeasyPrint wrote them ---------------------------------------------


def test_the_master_extracts_the_same_text_as_the_edition_ligatures_included(ligature_print):
    edition, master = ligature_print
    text = pdftotext(master)
    assert text == pdftotext(edition)
    for word in ("firmy", "offer", "efficient", "profil", "first office", "fiktivní"):
        assert word in text, word
    assert not re.search("[\u3400-\u9fff]", text), "ligatures mapped to CJK characters"


def test_the_master_keeps_the_font_names_and_their_text_mapping(ligature_print, sample_print):
    edition, master = ligature_print
    fonts, before = pdffonts(master), pdffonts(edition)
    assert [(f["name"], f["type"], f["uni"]) for f in fonts] == [
        (f["name"], f["type"], f["uni"]) for f in before
    ]
    for path in (master, sample_print.master):
        names = [f["name"] for f in pdffonts(path)]
        assert all(re.fullmatch(r"[A-Z]{6}\+(Inter|Charis-SIL)(-[A-Za-z-]+)?", n) for n in names), (
            names
        )
        assert all(f["uni"] == "yes" for f in pdffonts(path)), path


def test_the_sample_master_has_no_cjk_ligatures(sample_print):
    text = pdftotext(sample_print.master)
    assert "firmy" in text and "firem" in text
    assert not re.search("[\u3400-\u9fff]", text)


def test_trimbox_and_bleedbox_are_exact_to_a_hundredth_of_a_millimetre(ligature_print):
    edition, master = ligature_print
    for before, page in zip(PdfReader(edition).pages, PdfReader(master).pages, strict=True):
        for box in ("/TrimBox", "/BleedBox", "/MediaBox"):
            assert [float(v) for v in page[box]] == [float(v) for v in before[box]], box
        trim, bleed = page.trimbox, page.bleedbox
        assert abs(mm(trim.width) - A5_MM[0]) < 0.01 and abs(mm(trim.height) - A5_MM[1]) < 0.01
        for side in (
            trim.left - bleed.left,
            trim.bottom - bleed.bottom,
            bleed.right - trim.right,
            bleed.top - trim.top,
        ):
            assert abs(mm(side) - BLEED_MM) < 0.01, mm(side)


def test_the_svg_logo_colours_are_converted_and_nothing_rgb_is_left(ligature_print):
    edition, master = ligature_print
    assert rgb_uses(edition), "the fixture's logo should be RGB before the master"
    assert rgb_uses(master) == []
    assert b"/DeviceRGB" not in Path(master).read_bytes()


def test_the_master_of_the_same_edition_is_byte_identical(ligature_print):
    from klastroviny.press.master import PrintSettings, make_print_master

    edition, master = ligature_print
    source = Path(edition).read_bytes()
    again = [
        make_print_master(source, PrintSettings(marks=True), {"Title": "T"}, "2022-09-26")
        for _ in range(2)
    ]
    assert again[0] == again[1]


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


def test_rgb_operators_become_cmyk_and_strings_stay_as_they_are():
    """rg/RG are rewritten with LittleCMS's values; what looks like them inside a string, a
    comment or an inline image is not; greys and black go to the K plate alone."""
    from pypdf import PdfWriter

    from klastroviny.press.cmyk import CmykConversion

    convert = CmykConversion(PdfWriter(), DEFAULT_ICC.read_bytes())
    assert convert.cmyk((0, 0, 0)) == (0, 0, 0, 1)
    assert convert.cmyk((0.5, 0.5, 0.5)) == (0, 0, 0, 0.5)
    c, m, y, k = convert.cmyk((0.839216, 0.156863, 0.156863))  # a red: magenta and yellow
    assert m > 0.8 and y > 0.7 and c < 0.1, (c, m, y, k)
    content = (
        b"q 0.839216 0.156863 0.156863 rg 1 0 0 RG (a (1 0 0 rg) \\) ) Tj <0102> Tj\n"
        b"% 1 0 0 rg\nBI /W 1 /H 1 /CS /RGB ID \x001 0 0 rg EI Q 0 0 0 RG"
    )
    converted = convert._operators(content, "page 1")
    red = " ".join(f"{v:.4g}" for v in (c, m, y, k))
    assert converted.startswith(f"q {red} k ".encode())
    assert b"(a (1 0 0 rg) \\) ) Tj <0102> Tj\n% 1 0 0 rg\n" in converted
    assert b"ID \x001 0 0 rg EI" in converted
    assert converted.endswith(b"Q 0 0 0 1 K")
    with pytest.raises(KlastrovinyError, match="page 3: a colour set in /DeviceRGB"):
        convert._operators(b"/DeviceRGB cs 1 0 0 sc", "page 3")


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
                name = operator.decode()
                if operator in (b"sc", b"scn") and colour[0] in ("k", "/DeviceCMYK"):
                    name = "k"  # a colour in DeviceCMYK set as WeasyPrint sets it: cs, then scn
                colour = (name, tuple(round(float(v), 3) for v in operands))
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
        if operator == "k":  # a dark neutral in four colours; a logo's dark blue is no black
            c, m, y, k = values
            neutral = max(c, m, y) - min(c, m, y) < 0.4
            assert not (k >= 0.6 and c + m + y > 0 and neutral), f"four-colour black text {values}"


def test_layout_colours_are_the_cmyk_values_of_the_palette(sample_print):
    """The brand colour (cover) and the ecosystem colours (edge bars) are set as the palette's
    CMYK, not converted from RGB (within 1/256)."""
    used = set()
    for operations in page_operations(sample_print.master):
        space = None
        for operands, operator in operations:
            if operator == b"cs":
                space = str(operands[0])
            if operator == b"k" or (operator in (b"sc", b"scn") and space == "/DeviceCMYK"):
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


def test_marks_are_strokes_in_registration_colour(marks_print):
    """The marks (the last operations of each page) are stroked in a Separation /All colour
    space at full tint, which prints on every plate; its alternate is full C, M, Y and K."""
    reader = PdfReader(marks_print)
    for page, operations in zip(reader.pages, page_operations(Path(marks_print)), strict=True):
        start = max(i for i, (_, op) in enumerate(operations) if op == b"CS")
        (name,), _ = operations[start]
        marks = operations[start:]
        assert marks[1] == ([1], b"SCN")
        assert [op for _, op in marks].count(b"S") == 8  # two strokes at each corner
        assert not {b"K", b"RG", b"G", b"CS", b"SC"} & {op for _, op in marks[1:]}
        space = resolve(resolve(page["/Resources"]["/ColorSpace"])[name])
        assert [str(v) for v in space[:3]] == ["/Separation", "/All", "/DeviceCMYK"]
        tint = resolve(space[3])
        assert [float(v) for v in tint["/C1"]] == [1, 1, 1, 1]
        assert [float(v) for v in tint["/C0"]] == [0, 0, 0, 0]


def test_the_marks_print_on_all_four_plates(marks_print, tmp_path):
    """Ghostscript's separations of page 2: ink at a mark on the Cyan, Magenta, Yellow and
    Black plates; none there on the page without marks' area (its corner)."""
    from pdf_fixtures import run_tool

    dpi = 100
    run_tool(
        "gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep", f"-r{dpi}",
        "-dFirstPage=2", "-dLastPage=2", f"-sOutputFile={tmp_path / 'page.tif'}",
        str(marks_print),
    )  # fmt: skip
    page = PdfReader(marks_print).pages[1]
    media, trim = page.mediabox, page.trimbox
    scale = dpi / 72
    x = round((float(trim.left) - float(media.left)) * scale)  # the left trim line
    y = round((float(media.top) - float(trim.top) - 6 * PT_PER_MM) * scale)  # 6 mm above
    for plate in ("Cyan", "Magenta", "Yellow", "Black"):
        separation = Image.open(tmp_path / f"page({plate}).tif").convert("L")
        # tiffsep writes each plate as a negative: 0 is full ink
        across = [separation.getpixel((x + d, y)) for d in range(-2, 3)]
        assert min(across) < 128, (plate, across)
        assert separation.getpixel((2, 2)) == 255, plate


# --- reproducibility and binding ----------------------------------------------------------------


def test_two_builds_of_the_print_master_are_byte_identical(
    tmp_path, small_print_issue_dir, small_print
):
    """The second build typesets from scratch (no render cache) and converts again."""
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
    """Ghostscript is needed for X-1a only (it flattens transparency)."""
    from klastroviny.press.master import PrintSettings, flatten, make_print_master

    with pytest.raises(KlastrovinyError, match="no ICC profile at"):
        make_print_master(
            b"%PDF-1.7", PrintSettings(icc=tmp_path / "missing.icc"), {}, "2022-09-26"
        )
    monkeypatch.setattr("klastroviny.press.master.shutil.which", lambda name: None)
    with pytest.raises(KlastrovinyError, match="Ghostscript .* PDF/X-1a"):
        flatten(b"%PDF-1.7", PrintSettings(pdfx="x-1a"))
