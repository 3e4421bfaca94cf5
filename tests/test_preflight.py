"""`klastroviny preflight PDF [--layout NAME] [--json]`: what a print shop checks, on PDFs built
to fail one check each (pdf_fixtures.py), on our own print master (which passes), on a screen
edition (links, RGB) and on damaged files (exit 2, a clean message). Image resolution and font
embedding are compared with poppler's pdfimages and pdffonts.
"""

from __future__ import annotations

import json
import re

import pdf_fixtures as fx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from klastroviny.cli import cli
from klastroviny.press.preflight import UnreadablePdf, preflight

A5_BOOKLET = ("--layout", "a5-booklet")
ALL_CHECKS = {
    "page count",
    "trim size",
    "TrimBox",
    "bleed",
    "fonts",
    "image resolution",
    "links",
    "output intent",
    "PDF/X",
    "colour",
}


def run(*args):
    return CliRunner().invoke(cli, ["preflight", *(str(a) for a in args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """name -> path of each fixture PDF, made on first use."""
    folder = tmp_path_factory.mktemp("preflight")
    made = {}

    def get(name: str):
        if name not in made:
            path = folder / f"{name}.pdf"
            path.write_bytes(getattr(fx, f"{name}_pdf")())
            made[name] = path
        return made[name]

    return get


def problems(path, layout: bool = True) -> set[tuple[str, str]]:
    """(check, status) of every finding that is not ok, from the JSON report."""
    result = run(path, *(A5_BOOKLET if layout else ()), "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == (0 if data["printable"] else 1), result.output
    assert ALL_CHECKS <= {f["check"] for f in data["findings"]}
    return {(f["check"], f["status"]) for f in data["findings"] if f["status"] != "ok"}


# --- a clean file passes; each broken one fails exactly its check ------------------------------


def test_a_clean_pdf_passes_every_check(pdfs):
    result = run(pdfs("clean"), *A5_BOOKLET)
    assert result.exit_code == 0, result.output
    assert "ERROR" not in result.stdout and "WARNING" not in result.stdout
    assert result.stdout.rstrip().endswith("PRINTABLE")
    assert problems(pdfs("clean")) == set()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("unembedded_font", {("fonts", "error")}),
        ("low_resolution", {("image resolution", "error")}),
        ("rgb_image", {("colour", "error")}),
        ("rgb_in_form", {("colour", "error")}),
        ("a4", {("trim size", "error")}),
        ("six_pages", {("page count", "error")}),
        ("no_bleed", {("bleed", "error")}),
        ("no_trimbox", {("TrimBox", "error"), ("bleed", "error"), ("trim size", "error")}),
        ("unfinished", {("output intent", "error"), ("PDF/X", "error")}),
        ("old_header_pdfx4", {("PDF version", "error")}),
    ],
)
def test_a_pdf_built_to_fail_one_check_fails_that_check_only(pdfs, name, expected):
    path = pdfs(name)
    assert problems(path) == expected
    result = run(path, *A5_BOOKLET)
    assert result.exit_code == 1, result.output
    assert result.stdout.rstrip().endswith("NOT PRINTABLE: fix the errors above")
    for check, _ in expected:
        assert f"ERROR   {check}:" in result.stdout


def test_a_non_embedded_font_is_named_and_pdffonts_agrees(pdfs):
    path = pdfs("unembedded_font")
    report = preflight(path)
    (finding,) = [f for f in report.findings if f.check == "fonts"]
    assert "Helvetica" in finding.message and finding.pages == [1, 2, 3, 4]
    assert report.fonts == [{"name": "Helvetica", "type": "Type1", "embedded": False}]
    assert {row["emb"] for row in fx.pdffonts(path)} == {"no"}


def test_a_72_ppi_image_is_an_error_and_its_page_is_named(pdfs):
    report = preflight(pdfs("low_resolution"))
    (image,) = report.images
    assert (image.page, image.width_px, image.height_px, image.ppi) == (1, 72, 72, 72.0)
    (finding,) = [f for f in report.findings if f.check == "image resolution"]
    assert finding.status == "error" and finding.pages == [1] and "72 ppi" in finding.message


def test_an_image_under_300_ppi_is_a_warning_that_does_not_block(pdfs):
    path = pdfs("medium_resolution")
    assert problems(path) == {("image resolution", "warning")}
    result = run(path, *A5_BOOKLET)
    assert result.exit_code == 0, result.output
    assert "WARNING image resolution: 1 image(s) under 300 ppi: page 1: 200 ppi" in result.stdout


def test_rgb_inside_a_form_xobject_is_found_on_the_page_that_draws_it(pdfs):
    report = preflight(pdfs("rgb_in_form"))
    (finding,) = [f for f in report.findings if f.check == "colour"]
    assert finding.status == "error" and finding.pages == [2]


def test_an_rgb_image_in_a_cmyk_job(pdfs):
    report = preflight(pdfs("rgb_image"))
    assert [i.colour_space for i in report.images] == ["DeviceRGB"]
    assert [f.pages for f in report.findings if f.check == "colour"] == [[1]]
    # the file does have a CMYK output intent: the RGB image is what makes it unprintable
    assert ("output intent", "ok") in {(f.check, f.status) for f in report.findings}


def test_trim_and_page_count_are_checked_against_the_layout_only_when_given(pdfs):
    assert problems(pdfs("a4"), layout=False) == set()
    assert problems(pdfs("six_pages"), layout=False) == {("page count", "warning")}
    result = run(pdfs("a4"), *A5_BOOKLET)
    assert "trim 210×297 mm, expected 148×210 mm" in result.stdout
    result = run(pdfs("six_pages"), *A5_BOOKLET)
    assert "6 pages; this layout binds multiples of 4" in result.stdout


def test_a4_layout(pdfs):
    """The same A4 file passes against the a4 layout (A4 trim, its own binding multiple)."""
    result = run(pdfs("a4"), "--layout", "a4")
    assert result.exit_code == 0, result.output


# --- files that cannot be read: exit 2, one clean line --------------------------------------------


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("truncated", None, "truncated"),
        ("not-a-pdf", b"Dear printer,\nplease find the bulletin attached.\n", "not a PDF"),
        ("empty", b"", "not a PDF"),
        ("broken", b"%PDF-1.7\nthis is no PDF body\n%%EOF\n", "not a readable PDF"),
    ],
)
def test_an_unreadable_file_exits_2_with_a_clean_message(tmp_path, name, content, says):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(fx.truncated_pdf() if content is None else content)
    for args in ((), ("--json",), A5_BOOKLET):
        result = run(path, *args)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert says in lines[0] and str(path) in lines[0]
        assert "Traceback" not in result.stderr
    with pytest.raises(UnreadablePdf):
        preflight(path)


def test_a_missing_file_exits_2(tmp_path):
    result = run(tmp_path / "nowhere.pdf")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


# --- JSON ---------------------------------------------------------------------------------------


def test_json_report_of_our_print_master(sample_print):
    result = run(sample_print.master, *A5_BOOKLET, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["printable"] is True
    assert data["pages"] == 24 and data["pdf_version"] == "1.6"
    assert {f["check"] for f in data["findings"]} == ALL_CHECKS
    assert all(f["status"] == "ok" for f in data["findings"])
    assert data["fonts"] and all(font["embedded"] for font in data["fonts"])


def test_json_report_of_a_failing_file(pdfs):
    result = run(pdfs("low_resolution"), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["printable"] is False
    assert data["images"] == [
        {
            "page": 1,
            "name": data["images"][0]["name"],
            "width_px": 72,
            "height_px": 72,
            "ppi": 72.0,
            "colour_space": "DeviceGray",
            "entry": "",  # any PDF: preflight knows no entries
            "file": "",
        }
    ]


# --- agreement with poppler's pdfimages ----------------------------------------------------------


def pdfimages_ppi(path) -> list[tuple[int, int, int, float]]:
    """(page, width, height, the lower of x-ppi and y-ppi) of each image placement."""
    return sorted(
        (
            int(r["page"]),
            int(r["width"]),
            int(r["height"]),
            min(float(r["x-ppi"]), float(r["y-ppi"])),
        )
        for r in fx.pdfimages_list(path)
        if r["type"] == "image"
    )


def our_ppi(path) -> list[tuple[int, int, int, float]]:
    return sorted((i.page, i.width_px, i.height_px, i.ppi) for i in preflight(path).images)


def assert_same_resolutions(path) -> None:
    ours, theirs = our_ppi(path), pdfimages_ppi(path)
    assert len(ours) == len(theirs) > 0, (ours, theirs)
    for mine, poppler in zip(ours, theirs, strict=True):
        assert mine[:3] == poppler[:3], (mine, poppler)
        assert abs(mine[3] - poppler[3]) <= 1, (mine, poppler)


def test_image_resolution_agrees_with_pdfimages(pdfs):
    """72, 200, 300 ppi and an image of 150 × 300 ppi (we report the lower)."""
    path = pdfs("resolutions")
    assert sorted(i.ppi for i in preflight(path).images) == [72.0, 150.0, 200.0, 300.0]
    assert_same_resolutions(path)


def test_image_resolution_agrees_with_pdfimages_in_our_master_and_proof(small_print):
    """The logo of the small issue, in the master and inside the proof's Form XObjects."""
    assert_same_resolutions(small_print.master)
    assert_same_resolutions(small_print.booklet)


# --- a screen edition is not a print file -------------------------------------------------------


def test_links_and_rgb_in_a_screen_edition_are_reported(small_build):
    _, pdfs_by_lang = small_build
    path = pdfs_by_lang["cs"].path
    link_pages = [
        number
        for number, page in enumerate(PdfReader(path).pages, start=1)
        if any(a.get_object().get("/Subtype") == "/Link" for a in page.get("/Annots") or ())
    ]
    assert link_pages, "the screen edition should have links (website, e-mail)"
    report = preflight(path, (148, 210), 4)
    findings = {f.check: f for f in report.findings if f.status != "ok"}
    assert findings["links"].status == "error" and findings["links"].pages == link_pages
    assert findings["colour"].status == "error"
    assert {"output intent", "PDF/X", "bleed"} <= set(findings)
    result = run(path, *A5_BOOKLET)
    assert result.exit_code == 1
    assert "ERROR   links: link annotations in a print file" in result.stdout


# --- build --print runs the preflight and names the entry and the file ---------------------------


def coarse_logo_png() -> bytes:
    """A 60 × 20 px RGB logo: about 30 ppi in the a5-booklet's logo box."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 20), (200, 30, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def coarse_logo_issue(build):
    from builders import entry_yaml

    return build(
        entries={"plastr": entry_yaml(logo="logos/plastr.png")},
        files={"logos/plastr.png": coarse_logo_png()},
    )


COARSE = re.compile(r"page 4 \(plastr, logos/plastr\.png\): (\d+) ppi")


def test_build_print_fails_at_preflight_at_the_entry_files_logo_line(coarse_logo_issue, tmp_path):
    from conftest import run_build

    from klastroviny.press.preflight import PreflightFailed

    out = tmp_path / "out"
    with pytest.raises(PreflightFailed) as raised:
        run_build(coarse_logo_issue, lang="cs", out_dir=out, print_master=True, no_cache=True)
    failed = raised.value
    assert failed.category == "preflight" and "issue-cs-print.pdf fails preflight" in failed.message
    (problem,) = failed.report.errors
    entry_file = coarse_logo_issue / "entries" / "plastr.yaml"
    logo_line = entry_file.read_text().splitlines().index("logo: logos/plastr.png") + 1
    assert (problem.location.file, problem.location.line) == (entry_file, logo_line)
    assert problem.field == "logo"
    found = COARSE.search(problem.message)
    assert found and int(found[1]) < 150, problem.message
    assert "ask the cluster for an SVG, or for the logo at" in problem.message
    # the whole report is there for whoever wants it (the package writes it out)
    assert failed.preflight.images[0].where == "page 4 (plastr, logos/plastr.png)"
    assert not out.exists() or not list(out.glob("*.pdf")), "nothing is written"


def test_build_print_on_the_command_line_exits_1_with_file_line_and_fix(
    coarse_logo_issue, tmp_path, monkeypatch
):
    monkeypatch.chdir(coarse_logo_issue.parent)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = CliRunner().invoke(
        cli, ["build", "issue", "--print", "--out-dir", str(tmp_path / "out"), "--no-cache"]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert re.search(r"issue/entries/plastr\.yaml:\d+:\d+: error: logo: ", result.stderr)
    assert COARSE.search(result.stderr), result.stderr
    assert "fails preflight" in result.stderr


def test_findings_name_the_entry_and_its_logo_when_the_pages_are_known(small_print):
    """Our own master with the sources of its pages: the image listing names them."""
    from klastroviny.press.preflight import PageSource

    sources = {4: PageSource("clutex", "logos/clutex.png", small_print.master)}
    report = preflight(small_print.master, (148, 210), 4, sources)
    (image,) = report.images
    assert (image.entry, image.file) == ("clutex", "logos/clutex.png")
    assert "  page 4 (clutex, logos/clutex.png): /" in report.as_text()
    assert report.as_dict()["images"][0]["entry"] == "clutex"
