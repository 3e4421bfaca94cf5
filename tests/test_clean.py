"""Where an issue's caches live (beside its outputs, whatever the working folder) and
`klastroviny clean`, which removes the outputs and caches and nothing else."""

from __future__ import annotations

from builders import make_issue
from click.testing import CliRunner
from conftest import run_build

from klastroviny.cli import cli


def test_the_caches_follow_the_output_folder_and_clean_removes_only_ours(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = make_issue(tmp_path)
    out = tmp_path / "elsewhere"
    run_build(root, lang="cs", out_dir=out, booklet=True)
    assert (out / ".cache" / "units").is_dir() and (out / ".cache" / "entries").is_dir()
    assert not (tmp_path / "build").exists()  # nothing in the working folder
    (out / "notes.txt").write_text("the editor's own file", encoding="utf-8")

    result = CliRunner().invoke(cli, ["clean", str(root), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert "removed elsewhere/issue-cs.pdf" in result.output
    assert "removed elsewhere/issue-cs-booklet.pdf" in result.output
    assert sorted(path.name for path in out.iterdir()) == ["notes.txt"]

    again = CliRunner().invoke(cli, ["clean", str(root), "--out-dir", str(out)])
    assert again.exit_code == 0 and "nothing to remove" in again.output


def test_clean_of_the_default_output_folder_removes_the_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = make_issue(tmp_path)
    run_build(root, lang="cs")
    assert (tmp_path / "build" / "issue" / ".cache").is_dir()
    result = CliRunner().invoke(cli, ["clean", str(root)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "build" / "issue").exists()


def test_clean_refuses_a_folder_that_is_not_an_issue(tmp_path):
    result = CliRunner().invoke(cli, ["clean", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not an issue folder" in result.output
    assert "Traceback" not in result.output


def test_clean_removes_the_exported_contacts_and_workbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = make_issue(tmp_path)
    for command in (["contacts", str(root), "--format", "vcf"], ["export", str(root)]):
        assert CliRunner().invoke(cli, command).exit_code == 0
    folder = tmp_path / "build" / "issue"
    assert sorted(p.name for p in folder.iterdir()) == ["issue-contacts.vcf", "issue-workbook.xlsx"]
    result = CliRunner().invoke(cli, ["clean", str(root)])
    assert result.exit_code == 0, result.output
    assert not folder.exists()
