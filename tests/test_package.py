"""`klastroviny package ISSUE_DIR`: the hand-off folder for the print shop and its zip.

One package of the one-entry issue (Czech only) is made per module; the failure cases use an
invalid issue or a build that fails, and check that no half package is left behind.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from builders import entry_yaml, issue_yaml, make_issue, rendered
from click.testing import CliRunner
from conftest import isolated_build_env
from pdf_fixtures import qpdf_check
from pypdf import PdfReader

from klastroviny.cli import cli
from klastroviny.errors import KlastrovinyError
from klastroviny.options import BuildOptions
from klastroviny.press.package import make_package

FILES = [
    "JOB-TICKET.txt",
    "SHA256SUMS",
    "issue-cs-print-booklet.pdf",
    "issue-cs-print-preflight.json",
    "issue-cs-print-preflight.txt",
    "issue-cs-print.pdf",
]


def package(issue_dir: Path, out: Path, **options):
    """make_package, Czech only, bypassing the render cache (see conftest.py)."""
    with isolated_build_env():
        return make_package(
            issue_dir, BuildOptions(lang="cs", out_dir=out, no_cache=True, **options)
        )


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    issue_dir = make_issue(tmp_path_factory.mktemp("package-src"))
    out = tmp_path_factory.mktemp("package") / "build" / "issue"
    made = package(issue_dir, out)
    return issue_dir, out, made


def test_the_print_folder_holds_master_proof_reports_ticket_and_checksums(packaged):
    _, out, made = packaged
    assert made.folder == out / "print"
    assert made.archive == out / "issue-print.zip"
    assert sorted(p.name for p in made.folder.iterdir()) == FILES
    assert list(made.files) == FILES
    # nothing else beside print/ and the zip: no staging folder left behind
    assert sorted(p.name for p in out.iterdir()) == ["issue-print.zip", "print"]


def test_the_master_and_the_proof_are_sound(packaged):
    _, _, made = packaged
    master, proof = made.folder / "issue-cs-print.pdf", made.folder / "issue-cs-print-booklet.pdf"
    qpdf_check(master)
    qpdf_check(proof)
    assert len(PdfReader(master).pages) == 8
    assert len(PdfReader(proof).pages) == 4
    assert PdfReader(master).metadata["/GTS_PDFXVersion"] == "PDF/X-4"


def test_the_preflight_reports_say_printable(packaged):
    _, _, made = packaged
    data = json.loads((made.folder / "issue-cs-print-preflight.json").read_text(encoding="utf-8"))
    assert data["printable"] is True and data["pages"] == 8
    # the file as delivered, not the staging folder it was checked in
    assert data["file"] == "issue-cs-print.pdf"
    text = (made.folder / "issue-cs-print-preflight.txt").read_text(encoding="utf-8")
    assert text.startswith("Preflight of issue-cs-print.pdf\n")
    assert text.rstrip().endswith("PRINTABLE") and "ERROR" not in text


def test_the_job_ticket(packaged):
    """In Czech, then in English; without a print: section, what it would say is NOT GIVEN."""
    _, _, made = packaged
    ticket = (made.folder / "JOB-TICKET.txt").read_text(encoding="utf-8")
    czech, english = ticket.split("=" * 78)
    assert czech.startswith("ZAKÁZKOVÝ LIST — KLASTROVINY\n")
    for expected in (
        "Vydavatel:         Národní klastrová asociace",
        "Kontaktní osoba:   NEUVEDENO",
        "Datum vydání:      26. září 2022",
        "Čistý formát:      A5 na výšku, 148 × 210 mm",
        "Vazba:             V1, šitá drátem (2 skoby)",
        "Náklad:            české vydání NEUVEDENO",
        "Termín dodání:     NEUVEDENO",
        "  issue-cs-print.pdf: 8 stran, české vydání\n",
    ):
        assert expected in czech, expected
    assert english.startswith("\n\nJOB TICKET — KLASTROVINY\n")
    for expected in (
        "Publisher:         Národní klastrová asociace",
        "Date of issue:     26 September 2022",
        "Trim size:         A5 portrait, 148 × 210 mm",
        "Bleed:             3 mm on every side",
        "Crop marks:        none",
        "Binding:           saddle stitch, 2 staples",
        "Colours:           CMYK 4/4, output intent FOGRA39",
        "PDF standard:      PDF/X-4",
        "Paper:             NOT GIVEN (suggestion: cover 250 g/m² gloss coated; text 115 g/m² "
        "matt coated)\n",
        "Quantity:          Czech edition NOT GIVEN",
        "  issue-cs-print.pdf: 8 pages, Czech edition\n",
        "*-booklet.pdf is an imposed proof only",
    ):
        assert expected in english, expected
    assert "\u00a0" not in ticket  # plain text: no no-break spaces


def test_package_warns_about_what_the_ticket_lacks(packaged):
    issue_dir, _, made = packaged
    assert rendered(made.report, issue_dir) == [
        "issue.yaml: warning: print.contact: no contact person with a phone or e-mail for the "
        "printer's questions: add print: contact: {name: …, phone: …, email: …}",
        "issue.yaml: warning: print.deadline: no delivery deadline; the printer cannot schedule "
        "the job: add print: deadline: YYYY-MM-DD",
        "issue.yaml: warning: print.quantity: no quantity for the cs edition; the printer cannot "
        "quote without it: add print: quantity: {cs: 300}",
    ]


PRINT = """
  quantity: {cs: 1500}
  paper:
    cover: {weight: 250, finish: gloss}
    text: {weight: 115, finish: matt}
  finishing: bigování obálky
  proof: contract
  deliver_to: "Příkladová 12, 110 00 Praha 1"
  deadline: 2022-09-20
  contact: {name: Petra Vzorová, phone: "+420 222 555 140", email: petra@nca.example}"""


def fake_package(tmp_path, monkeypatch, issue: str, pages: int = 8, **options):
    """A package of a stand-in master (the build and preflight faked: fast)."""
    from klastroviny.press.preflight import PreflightReport

    monkeypatch.setattr(
        "klastroviny.press.package.build_issue",
        lambda issue_dir, options: fake_build(issue_dir, options, pages),
    )
    monkeypatch.setattr(
        "klastroviny.press.package.preflight",
        lambda path, *_: PreflightReport(str(path), "1.6", pages),
    )
    return package(make_issue(tmp_path, issue=issue), tmp_path / "out", **options)


def test_the_job_ticket_says_what_the_print_section_says(tmp_path, monkeypatch):
    made = fake_package(tmp_path, monkeypatch, issue_yaml(print=PRINT), pages=24)
    ticket = (made.folder / "JOB-TICKET.txt").read_text(encoding="utf-8")
    czech, english = ticket.split("=" * 78)
    for expected in (
        "Kontaktní osoba:   Petra Vzorová, +420 222 555 140, petra@nca.example\n",
        "Papír:             obálka 250 g/m² křídový lesklý; blok 115 g/m² křídový matný\n",
        "Dokončovací práce: bigování obálky\n",
        "Nátisk:            certifikovaný nátisk (ISO 12647-7)\n",
        "Náklad:            české vydání 1500 výtisků\n",
        "Dodací adresa:     Příkladová 12, 110 00 Praha 1\n",
        "Termín dodání:     20. září 2022\n",
        # 24 pages on two papers: the 4 cover pages and 20 of text
        "  issue-cs-print.pdf: 24 stran (obálka 4 + blok 20), české vydání, 1500 výtisků\n",
    ):
        assert expected in czech, expected
    for expected in (
        "Contact person:    Petra Vzorová, +420 222 555 140, petra@nca.example\n",
        "Paper:             cover 250 g/m² gloss coated; text 115 g/m² matt coated\n",
        "Finishing:         bigování obálky\n",
        "Proof:             contract proof (ISO 12647-7)\n",
        "Quantity:          Czech edition 1500 copies\n",
        "Delivery deadline: 20 September 2022\n",
        "  issue-cs-print.pdf: 24 pages (cover 4 + text 20), Czech edition, 1500 copies\n",
    ):
        assert expected in english, expected
    assert made.report.problems == []  # nothing the printer needs is missing


def test_one_paper_is_a_self_cover_and_a_heavy_cover_wants_scoring(tmp_path, monkeypatch):
    issue = issue_yaml(
        languages="[cs]",
        print="\n  quantity: 300\n  paper: {text: {weight: 200, finish: silk}}"
        "\n  deadline: 2022-09-20\n  contact: {name: Petra Vzorová, email: petra@nca.example}",
    )
    made = fake_package(tmp_path, monkeypatch, issue)
    ticket = (made.folder / "JOB-TICKET.txt").read_text(encoding="utf-8")
    assert "Paper:             200 g/m² silk coated, self-cover\n" in ticket
    assert "  issue-cs-print.pdf: 8 pages, Czech edition, 300 copies\n" in ticket
    assert rendered(made.report, made.folder.parent.parent / "issue") == [
        "issue.yaml:9:3: warning: print.finishing: a 200 g/m² cover with a colour flood cracks "
        "at the fold unless it is scored: add print: finishing: scoring of the cover"
    ]


def test_the_checksums_verify(packaged):
    _, _, made = packaged
    sums = (made.folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in sums:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert sorted(listed) == [name for name in FILES if name != "SHA256SUMS"]
    for name, digest in listed.items():
        assert hashlib.sha256((made.folder / name).read_bytes()).hexdigest() == digest, name
    if shutil.which("sha256sum"):
        done = subprocess.run(
            ["sha256sum", "--check", "--strict", "SHA256SUMS"],
            cwd=made.folder,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_zip_holds_the_same_files(packaged):
    _, _, made = packaged
    with zipfile.ZipFile(made.archive) as zipped:
        assert zipped.testzip() is None
        assert sorted(zipped.namelist()) == [f"print/{name}" for name in FILES]
        for name in FILES:
            assert zipped.read(f"print/{name}") == (made.folder / name).read_bytes(), name
            assert zipped.getinfo(f"print/{name}").date_time == (2022, 9, 26, 0, 0, 0)


def test_a_failed_rebuild_leaves_the_previous_package_untouched(packaged, monkeypatch):
    issue_dir, out, made = packaged
    before = {p.name: p.read_bytes() for p in made.folder.iterdir()}
    archive = made.archive.read_bytes()

    def fail(*args, **kwargs):
        raise KlastrovinyError("print", "Ghostscript failed (simulated)")

    monkeypatch.setattr("klastroviny.press.package.build_issue", fail)
    with pytest.raises(KlastrovinyError, match="simulated"):
        package(issue_dir, out)
    assert {p.name: p.read_bytes() for p in made.folder.iterdir()} == before
    assert made.archive.read_bytes() == archive
    assert sorted(p.name for p in out.iterdir()) == ["issue-print.zip", "print"]


def fake_build(issue_dir, options, pages: int = 8):
    """A stand-in for build_issue: writes a master into the staging folder, in a second."""
    from klastroviny.build import BuildResult, EditionOutput

    master = options.out_dir / "issue-cs-print.pdf"
    master.write_bytes(b"%PDF-1.6 (a stand-in master)\n%%EOF\n")
    return BuildResult(outputs=[EditionOutput("cs", master, pages)])


def test_the_job_ticket_names_the_pdfx_flavour_and_the_printers_profile(tmp_path, monkeypatch):
    from klastroviny.press.preflight import PreflightReport

    asked = []
    monkeypatch.setattr(
        "klastroviny.press.package.build_issue",
        lambda issue_dir, options: asked.append(options) or fake_build(issue_dir, options),
    )
    monkeypatch.setattr(
        "klastroviny.press.package.preflight", lambda path, *_: PreflightReport(str(path), "1.3", 8)
    )
    icc = tmp_path / "PSOcoated_v3.icc"
    icc.write_bytes(b"a profile")
    made = package(make_issue(tmp_path), tmp_path / "out", pdfx="x-1a", icc=icc, marks=True)
    ticket = (made.folder / "JOB-TICKET.txt").read_text(encoding="utf-8")
    assert "PDF standard:      PDF/X-1a:2001\n" in ticket
    assert "Colours:           CMYK 4/4, output intent PSOcoated_v3.icc\n" in ticket
    assert "Barevnost:         CMYK 4/4, výstupní profil PSOcoated_v3.icc\n" in ticket
    assert "Crop marks:        yes, outside the bleed\n" in ticket
    # the package's build is the print master and the proof, with the options given
    (options,) = asked
    assert options.print_master and options.booklet and options.marks
    assert (options.pdfx, options.icc, options.lang, options.no_cache) == ("x-1a", icc, "cs", True)


def test_a_package_whose_preflight_fails_is_not_made_but_its_report_stays(tmp_path, monkeypatch):
    """The build has written the master into the staging folder when preflight refuses it:
    no print/ folder, no zip, no staging folder is left; the master's preflight report is, in
    the output folder, and the error names it. A later package that passes removes it."""
    from klastroviny.press.preflight import PreflightReport

    def failing(path, trim, multiple):
        report = PreflightReport(str(path), "1.6", 8)
        report.add("fonts", "error", "font X is not embedded", [3])
        return report

    monkeypatch.setattr("klastroviny.press.package.build_issue", fake_build)
    monkeypatch.setattr("klastroviny.press.package.preflight", failing)
    issue_dir, out = make_issue(tmp_path), tmp_path / "out"
    with pytest.raises(KlastrovinyError, match="fails preflight") as raised:
        package(issue_dir, out)
    reports = ["issue-cs-print-preflight.json", "issue-cs-print-preflight.txt"]
    assert sorted(p.name for p in out.iterdir()) == reports
    text = (out / "issue-cs-print-preflight.txt").read_text(encoding="utf-8")
    assert "ERROR   fonts: font X is not embedded (pages 3)" in text
    assert str(out / "issue-cs-print-preflight.txt") in raised.value.message
    assert raised.value.message.endswith("\n  issue-cs-print.pdf: font X is not embedded")

    monkeypatch.setattr(
        "klastroviny.press.package.preflight", lambda path, *_: PreflightReport(str(path), "1.6", 8)
    )
    package(issue_dir, out)
    assert sorted(p.name for p in out.iterdir()) == ["issue-print.zip", "print"]


def test_a_master_the_build_refuses_leaves_its_preflight_report(tmp_path, monkeypatch):
    """build --print runs preflight itself and fails before writing the master: the package
    keeps the report it carries, in the output folder."""
    from klastroviny.errors import Report
    from klastroviny.press.preflight import PreflightFailed, PreflightReport

    def refused(issue_dir, options):
        checked = PreflightReport("issue-cs-print.pdf", "1.6", 8)
        checked.add("image resolution", "error", "1 image(s) under 150 ppi", [5])
        raise PreflightFailed("issue-cs-print.pdf fails preflight", checked, Report())

    monkeypatch.setattr("klastroviny.press.package.build_issue", refused)
    out = tmp_path / "out"
    with pytest.raises(KlastrovinyError) as raised:
        package(make_issue(tmp_path), out)
    assert sorted(p.name for p in out.iterdir()) == [
        "issue-cs-print-preflight.json",
        "issue-cs-print-preflight.txt",
    ]
    assert raised.value.message == (
        f"issue-cs-print.pdf fails preflight; its preflight report: {out}/"
        "issue-cs-print-preflight.txt"
    )
    data = json.loads((out / "issue-cs-print-preflight.json").read_text(encoding="utf-8"))
    assert data["printable"] is False and data["findings"][0]["pages"] == [5]


def test_an_invalid_issue_leaves_no_print_folder_and_no_zip(tmp_path):
    issue_dir = make_issue(tmp_path, entries={"clutex": entry_yaml(city="no")})
    out = tmp_path / "out"
    with pytest.raises(KlastrovinyError) as raised:
        package(issue_dir, out)
    assert raised.value.report is not None and raised.value.report.errors
    assert not (out / "print").exists()
    assert not out.exists() or list(out.iterdir()) == []


def test_the_cli_reports_an_invalid_issue_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_issue(tmp_path, entries={"clutex": entry_yaml(city="no")})
    result = CliRunner().invoke(cli, ["package", "issue"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "error: the issue has errors; nothing was packaged" in result.stderr
    assert not (tmp_path / "build").exists()
