"""What an import into an issue that already has entries must not lose or miss: a language
or a part the table has no column for, a renamed contact, comments, an edit by hand; and the
cells whose value a spreadsheet hides (errors, formulas)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from builders import PROJECT_ROOT, make_issue
from builders import invoke as run
from workbooks import OdsError, messy_clusters, messy_contacts, write_csv, write_ods, write_xlsx

from klastroviny.content.vocabulary import split_titles
from klastroviny.workbook import tables

SAMPLE = PROJECT_ROOT / "issues" / "2022-09-prague"


pytestmark = pytest.mark.usefixtures("in_tmp_path")


@pytest.fixture
def imported(tmp_path) -> Path:
    """An issue made by importing the messy workbook: cesti-klastri and plastr."""
    issue = make_issue(tmp_path, entries={})
    book = write_xlsx(
        tmp_path / "first.xlsx", {"clusters": messy_clusters(), "contacts": messy_contacts()}
    )
    assert run("import", issue, book).exit_code == 0
    return issue


def entry(issue: Path, ident: str) -> dict:
    return yaml.safe_load((issue / "entries" / f"{ident}.yaml").read_text(encoding="utf-8"))


def import_rows(issue: Path, rows, *options, name="clusters.csv"):
    return run("import", issue, write_csv(issue.parent / name, rows), *options)


def import_sheets(issue: Path, clusters, contacts, *options):
    book = write_xlsx(issue.parent / "next.xlsx", {"clusters": clusters, "contacts": contacts})
    return run("import", issue, book, *options)


# --- what the table has no column for stays ----------------------------------------------------
def test_a_language_without_a_column_keeps_its_text(imported):
    result = import_rows(imported, [["id", "name_cs"], ["cesti-klastri", "Čeští klastři, spolek"]])
    assert result.exit_code == 0, result.output
    assert "cesti-klastri: name.cs changed" in result.output
    cesti = entry(imported, "cesti-klastri")
    assert cesti["name"] == {"cs": "Čeští klastři, spolek", "en": "Czech Clusters"}
    assert cesti["description"]["en"] == "First.\n\nSecond.\n"  # no column: not touched


def test_an_empty_cell_of_a_language_column_removes_only_that_language(imported):
    result = import_rows(imported, [["id", "name_en"], ["cesti-klastri", ""]])
    assert result.exit_code == 0, result.output
    assert entry(imported, "cesti-klastri")["name"] == {"cs": "Čeští klastři, z. s."}


def test_a_label_level_alone_keeps_the_label_date(imported):
    result = import_rows(imported, [["id", "label_level"], ["cesti-klastri", "Gold"]])
    assert result.exit_code == 0, result.output
    label = entry(imported, "cesti-klastri")["label"]
    assert label == {"level": "gold", "valid_until": dt.date(2027, 12, 14)}


def test_a_row_without_an_id_updates_the_entry_of_its_name(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    name = entry(issue, "clutex")["name"]["cs"]
    result = import_rows(issue, [["name_cs", "city"], [name, "Liberec 2"]], "--force")
    assert result.exit_code == 0, result.output
    assert entry(issue, "clutex")["city"] == "Liberec 2"
    assert len(list((issue / "entries").glob("*.yaml"))) == 15  # no second CLUTEX


# --- contacts ----------------------------------------------------------------------------------
def test_a_renamed_contact_is_matched_by_e_mail_and_keeps_what_the_table_does_not_say(imported):
    contacts = [
        ["cluster_id", "name", "email"],
        ["cesti-klastri", "Ing. Petr Dvořák, Ph.D.", "petr@example.com"],
        ["cesti-klastri", "Jana Nováková", "jana@example.com"],
        ["plastr", "Eva Malá", "eva@example.com"],
        ["plastr", "Karel Zlý", ""],
    ]
    result = import_sheets(imported, [["id"], ["cesti-klastri"], ["plastr"]], contacts)
    assert result.exit_code == 0, result.output
    assert "cesti-klastri: contacts[1] renamed: Jana Nová → Jana Nováková" in result.output
    jana = entry(imported, "cesti-klastri")["contacts"][1]
    assert jana["name"] == "Jana Nováková"
    assert jana["phone"] == "+420 601 555 222"
    assert jana["consent"] == {"given": dt.date(2023, 8, 14), "how": "e-mail"}


def test_titles_typed_into_the_name_in_the_file_survive_export_and_import(imported, tmp_path):
    path = imported / "entries" / "plastr.yaml"
    text = path.read_text(encoding="utf-8").replace("name: Eva Malá", "name: Ing. Eva Malá")
    path.write_text(text, encoding="utf-8")
    assert run("export", imported, "-o", tmp_path / "out.xlsx").exit_code == 0
    result = run("import", imported, tmp_path / "out.xlsx", "--force")
    assert result.exit_code == 0, result.output
    assert "changed 0 entry files" in result.output
    assert path.read_text(encoding="utf-8") == text


def test_reordered_contacts_are_reported_and_take_their_comments_along(imported):
    path = imported / "entries" / "plastr.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - name: Karel Zlý", "  # zástupce\n  - name: Karel Zlý")
    path.write_text(text, encoding="utf-8")
    contacts = messy_contacts()
    contacts[3], contacts[4] = contacts[4], contacts[3]
    result = import_sheets(imported, messy_clusters(), contacts, "--force")
    assert result.exit_code == 0, result.output
    assert "plastr: contacts reordered" in result.output
    written = path.read_text(encoding="utf-8")
    assert written.index("# zástupce") < written.index("name: Karel Zlý") < written.index("Eva")


# --- files as people write them ----------------------------------------------------------------
def test_yes_in_a_file_is_not_a_change_of_consent(imported):
    path = imported / "entries" / "plastr.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("consent: true", "consent: yes"), "utf-8"
    )
    clusters = messy_clusters()
    clusters[2][5] = "Otrokovice"
    result = import_sheets(imported, clusters, messy_contacts(), "--force")
    assert result.exit_code == 0, result.output
    assert "plastr: city changed" in result.output
    assert "consent changed" not in result.output


def test_a_markdown_list_in_a_text_does_not_change_how_lists_are_indented(imported):
    clusters = messy_clusters()
    clusters[2][12] = "Plasty:\n\n- lisování\n- vstřikování"  # ruamel's guess: lists at 0
    assert import_sheets(imported, clusters, messy_contacts()).exit_code == 0
    clusters[2][5] = "Otrokovice"
    assert import_sheets(imported, clusters, messy_contacts()).exit_code == 0
    written = (imported / "entries" / "plastr.yaml").read_text(encoding="utf-8")
    assert "\n  - name: Eva Malá" in written and "\n    - lisování" in written


def test_runs_of_blank_lines_in_a_file_are_not_a_change(imported):
    path = imported / "entries" / "cesti-klastri.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    První odstavec.\n\n    Druhý" in text
    path.write_text(text.replace("odstavec.\n\n", "odstavec.\n\n\n\n", 1), "utf-8")
    result = import_sheets(imported, messy_clusters(), messy_contacts(), "--force")
    assert "changed 0 entry files" in result.output


@pytest.mark.parametrize(
    ("typed", "split"),
    [
        ("Ing. Petr Dvořák, Ph.D.", ("Ing.", "Petr Dvořák", "Ph.D.")),
        ("prof. Ing. Karel Starý, CSc., MBA", ("prof. Ing.", "Karel Starý", "CSc., MBA")),
        ("Mgr. art. Jana Nová", ("Mgr. art.", "Jana Nová", None)),
        ("Eva Malá Ph.D.", (None, "Eva Malá", "Ph.D.")),
        ("Dvořák, Petr", (None, "Dvořák, Petr", None)),  # a comma that sets off no title
        ("Petr Dvořák, ředitel", (None, "Petr Dvořák, ředitel", None)),
    ],
)
def test_titles_are_split_only_where_they_are_titles(typed, split):
    assert split_titles(typed) == split


# --- lists -------------------------------------------------------------------------------------
def test_an_item_with_a_semicolon_stays_one_item(imported, tmp_path):
    rows = [["id", "offer_cs", "keywords"], ["plastr", "Lisování; vstřikování\nRecyklace", "a; b"]]
    assert import_rows(imported, rows).exit_code == 0
    plastr = entry(imported, "plastr")
    assert plastr["offer"]["cs"] == ["Lisování; vstřikování", "Recyklace"]  # one item a line
    assert plastr["keywords"] == ["a", "b"]  # one line: ; separates
    rows = [["id", "offer_cs"], ["plastr", "Lisování; vstřikování\n"]]
    assert import_rows(imported, rows).exit_code == 0
    assert entry(imported, "plastr")["offer"]["cs"] == ["Lisování; vstřikování"]
    assert run("export", imported, "-o", tmp_path / "csv").exit_code == 0
    again = run("import", imported, tmp_path / "csv")
    assert "changed 0 entry files" in again.output, again.output


def test_an_ecosystem_name_with_a_comma_is_one_ecosystem(imported):
    rows = [
        ["id", "ecosystems"],
        ["plastr", "mobilita, doprava a automobilový průmysl; digitální technologie, textil"],
    ]
    result = import_rows(imported, rows)
    assert result.exit_code == 0, result.output
    assert entry(imported, "plastr")["ecosystems"] == [
        "mobility-transport-automotive",
        "digital",
        "textiles",
    ]


# --- the guard against overwriting an edit -----------------------------------------------------
def test_an_export_does_not_disarm_the_guard_for_a_file_edited_since_the_import(imported, tmp_path):
    path = imported / "entries" / "plastr.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Zlín", "Otrokovice"), "utf-8")
    assert run("export", imported, "-o", tmp_path / "out.xlsx").exit_code == 0
    result = import_sheets(imported, messy_clusters(), messy_contacts())  # the office's old table
    assert result.exit_code == 1
    assert "plastr.yaml: error: edited since the last import or export" in result.output


def test_dry_run_tells_which_files_the_import_would_refuse(imported):
    path = imported / "entries" / "plastr.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# upraveno\n", "utf-8")
    clusters = messy_clusters()
    clusters[2][5] = "Otrokovice"
    result = import_sheets(imported, clusters, messy_contacts(), "--dry-run")
    assert result.exit_code == 0
    assert (
        "plastr: city changed (edited by hand: the import refuses it without --force)"
        in result.output
    )


def test_an_import_that_would_break_another_entry_writes_nothing(imported):
    before = (imported / "entries").iterdir()
    before = sorted(p.name for p in before)
    clusters = messy_clusters()
    clusters[2][0] = "plastr-2"  # a new row with plastr's name
    contacts = [messy_contacts()[0]] + [["plastr-2", "Eva Malá", "", "", "", "", "", "ano"]]
    result = import_sheets(imported, [clusters[0], clusters[2]], contacts)
    assert result.exit_code == 1, result.output
    assert "is also the name of" in result.output
    assert sorted(p.name for p in (imported / "entries").iterdir()) == before


# --- cells that hide their value ---------------------------------------------------------------
def test_an_error_cell_of_an_xlsx_is_reported_at_its_cell(empty_book_issue):
    issue, tmp_path = empty_book_issue
    clusters = messy_clusters()
    clusters[1][6] = "=1/0"
    book = write_xlsx(tmp_path / "b.xlsx", {"clusters": clusters, "contacts": messy_contacts()})
    _save_as_error(book, "G2", "#DIV/0!")
    result = run("import", issue, book)
    assert result.exit_code == 1
    assert "b.xlsx:clusters!G2: error: the cell holds the error #DIV/0!" in result.output


def test_an_error_cell_of_an_ods_is_reported_at_its_cell(empty_book_issue):
    issue, tmp_path = empty_book_issue
    clusters = messy_clusters()
    clusters[2][7] = OdsError("#N/A", "of:=NA()")
    book = write_ods(tmp_path / "b.ods", {"clusters": clusters, "contacts": messy_contacts()})
    result = run("import", issue, book)
    assert result.exit_code == 1
    assert "b.ods:clusters!H3: error: the cell holds the error #N/A" in result.output


@pytest.fixture
def empty_book_issue(tmp_path):
    return make_issue(tmp_path, entries={}), tmp_path


def _save_as_error(book: Path, ref: str, shown: str) -> None:
    import re
    import zipfile

    with zipfile.ZipFile(book) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet], count = re.subn(
        rf'<c r="{ref}"[^>]*>(<f>[^<]*</f>)<v\s*/?>(</v>)?'.encode(),
        rf'<c r="{ref}" t="e">\1<v>{shown}</v>'.encode(),
        members[sheet],
    )
    assert count == 1
    with zipfile.ZipFile(book, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# --- what is reported, once ----------------------------------------------------------------------
def test_a_bad_date_is_reported_once_with_its_field(imported):
    result = import_rows(imported, [["id", "label_valid_until"], ["plastr", "32. 13. 2024"]])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "is not a date" in line]
    assert lines == [
        "clusters.csv:2: error: label: '32. 13. 2024' is not a date; write it as 2024-12-14 "
        "or 14. 12. 2024"
    ]


def test_a_header_error_does_not_hide_the_rows_errors(imported):
    result = import_rows(imported, [["id", "region", "founder"], ["plastr", "Jihomravský", "x"]])
    assert result.exit_code == 1
    assert "unknown column 'founder'" in result.output
    assert "region: 'Jihomravský' is not a region of CZ" in result.output


def test_odd_tables_are_refused_with_a_message(imported, tmp_path):
    wide = [["id"] + [f"x{i}" for i in range(tables.MAX_COLUMNS + 1)], ["plastr"]]
    result = import_rows(imported, wide)
    assert result.exit_code == 1 and "columns; at most 200 are read" in result.output
    result = import_rows(imported, [["id", "city"]])
    assert result.exit_code == 1 and "headers but no rows" in result.output
    both = write_xlsx(tmp_path / "both.xlsx", {"clusters": [["id"]], "Klastry": [["id"]]})
    result = run("import", imported, both)
    assert result.exit_code == 1 and "are both the clusters sheet" in result.output
    folder = tmp_path / "upper"
    folder.mkdir()
    write_csv(folder / "CLUSTERS.CSV", [["id", "city"], ["plastr", "Otrokovice"]])
    result = run("import", imported, folder)
    assert result.exit_code == 0, result.output
    assert entry(imported, "plastr")["city"] == "Otrokovice"
