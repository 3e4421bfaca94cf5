"""`klastroviny check ISSUE_DIR [--strict]`, run in-process with click's CliRunner."""

from __future__ import annotations

import re

import pytest
from builders import PROJECT_ROOT, contact_yaml, entry_yaml, make_issue
from click.testing import CliRunner

from klastroviny.cli import cli

SAMPLE_ISSUE = PROJECT_ROOT / "issues" / "2022-09-prague"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """run(*args) -> click Result, with the working directory at tmp_path (paths print short)."""
    monkeypatch.chdir(tmp_path)

    def run(*args):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return run


def test_a_valid_issue_passes(tmp_path, run):
    make_issue(tmp_path)
    result = run("check", "issue")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == "issue: OK, 1 entry, editions cs, en, layout a5-booklet\n"


def test_a_broken_issue_fails_with_file_line_col(tmp_path, run):
    make_issue(tmp_path, entries={"clutex": entry_yaml(city="no", founded="010")})
    result = run("check", "issue")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("issue/entries/clutex.yaml:3:7: error: city: expected text")
    assert lines[1].startswith("issue/entries/clutex.yaml:12:10: error: founded: '010'")
    assert lines[-1] == "2 errors, 0 warnings"
    assert "OK" not in result.stdout
    assert "Traceback" not in result.output


def test_errors_are_printed_before_warnings_then_a_count(tmp_path, run):
    entries = {
        "a": entry_yaml(name="A", description="{cs: Klastr.}"),
        "b": entry_yaml(name="B", website="ftp://b.example"),
        "c": entry_yaml(name="C", contacts=contact_yaml(consent="false")),
    }
    make_issue(tmp_path, entries=entries)
    result = run("check", "issue")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines[:2]] == ["error", "warning"]
    assert lines[2] == "1 error, 1 warning"
    assert lines[3] == "note: 1 contact left out of print, no consent (c: Jana Nováková)"


def test_a_contact_without_consent_does_not_fail_strict(tmp_path, run):
    make_issue(tmp_path, entries={"clutex": entry_yaml(contacts=contact_yaml(consent="false"))})
    result = run("check", "--strict", "issue")
    assert result.exit_code == 0, result.output
    assert "note: 1 contact left out of print" in result.stderr


def test_a_warning_passes_without_strict(tmp_path, run):
    make_issue(tmp_path, entries={"clutex": entry_yaml(description="{cs: Klastr.}")})
    result = run("check", "issue")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "issue/entries/clutex.yaml:6:14: warning: description: no 'en' text; "
        "the en edition prints the cs text",
        "0 errors, 1 warning",
    ]
    assert "OK" in result.stdout


def test_strict_fails_on_a_warning(tmp_path, run):
    make_issue(tmp_path, entries={"clutex": entry_yaml(description="{cs: Klastr.}")})
    result = run("check", "--strict", "issue")
    assert result.exit_code == 1
    assert "issue/entries/clutex.yaml:6:14: warning: description:" in result.stderr
    assert "OK" not in result.stdout


def test_strict_passes_a_clean_issue(tmp_path, run):
    make_issue(tmp_path)
    assert run("check", "--strict", "issue").exit_code == 0


@pytest.mark.parametrize("folder", ["nope", "issue/issue.yaml"])
def test_a_folder_that_does_not_exist_is_a_clean_error(tmp_path, run, folder):
    make_issue(tmp_path)
    result = run("check", folder)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{folder}: error: no such issue folder",
        "1 error, 0 warnings",
    ]
    assert "Traceback" not in result.output


def test_a_folder_without_issue_yaml(tmp_path, run):
    (tmp_path / "empty").mkdir()
    result = run("check", "empty")
    assert result.exit_code == 1
    assert result.stderr.startswith("empty/issue.yaml: error: the issue folder has no issue.yaml\n")


def test_a_windows_1250_file_is_a_clean_error(tmp_path, run):
    text = entry_yaml(name="CLUTEX", description="Klastr.", city="Plzeň")
    make_issue(tmp_path, entries={"clutex": text.encode("cp1250")})
    result = run("check", "issue")
    assert result.exit_code == 1
    assert result.stderr.startswith("issue/entries/clutex.yaml:3:11: error: the file is not UTF-8")


def test_check_help(run):
    result = run("check", "--help")
    assert result.exit_code == 0
    assert "--strict" in result.stdout


def test_the_sample_issue_passes_strict_check(monkeypatch):
    """The integration test: the shipped sample issue must be clean, warnings included."""
    monkeypatch.chdir(PROJECT_ROOT)
    result = CliRunner().invoke(cli, ["check", "--strict", str(SAMPLE_ISSUE)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "OK" in result.stdout


# --- check --fit: the page budgets, before a build -------------------------------------------
LONG = " ".join(["Klastr sdružuje firmy a výzkumné organizace regionu."] * 86)  # 602 words


def overflowing_issue(tmp_path):
    """Three entries in one unit of profiles: alfa too long in Czech, zeta in English."""
    long_cs = f'\n  cs: "{LONG}"\n  en: A cluster of technical textiles.'
    long_en = f'\n  cs: Klastr technických textilií.\n  en: "{LONG}"'
    entries = {
        "alfa": entry_yaml(name='"Alfa klastr"', description=long_cs),
        "clutex": entry_yaml(),
        "zeta": entry_yaml(name='"Zeta klastr"', description=long_en),
    }
    return make_issue(tmp_path, entries=entries)


def test_check_fit_reports_every_overflowing_profile_at_its_text(tmp_path, run):
    overflowing_issue(tmp_path)
    result = run("check", "--fit", "issue")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    for line, where, lang in zip(
        lines, ["alfa.yaml:7:3", "zeta.yaml:8:3"], ["cs", "en"], strict=False
    ):
        assert line.startswith(f"issue/entries/{where}: error: the {lang} profile overflows ")
        assert re.search(rf"shorten description\.{lang} to about \d+ words \(now 602\)$", line)
    assert lines[2] == "2 errors, 0 warnings"
    assert "OK" not in result.stdout


def test_check_without_fit_typesets_nothing(tmp_path, run):
    overflowing_issue(tmp_path)
    result = run("check", "issue")
    assert result.exit_code == 0, result.output
    assert result.stdout == "issue: OK, 3 entries, editions cs, en, layout a5-booklet\n"
    assert not (tmp_path / "build").exists()  # no render cache: nothing was typeset


def test_the_build_after_check_fit_reuses_its_profiles(tmp_path, run):
    from klastroviny.build import build_issue
    from klastroviny.options import BuildOptions

    root = make_issue(tmp_path)
    result = run("check", "--fit", "issue")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("layout a5-booklet; every profile fits its page budget\n")
    built = build_issue(root, BuildOptions(lang="cs", jobs=1))
    assert built.units_reused == 2  # the front matter laid out for its length, the profiles
