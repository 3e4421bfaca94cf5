"""`import` and `export`: the office's workbook into entry files and back (docs/spreadsheets.md).

Workbooks are made here as people type them (tests/workbooks.py); every conversion, every
error's cell, all-or-nothing writing, the hand-edit guard, dry-run, export → import identity
and what a hostile file may cost.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from builders import PROJECT_ROOT, make_issue
from builders import invoke as run
from workbooks import messy_clusters, messy_contacts, write_csv, write_ods, write_xlsx

from klastroviny.content.issue_file import load_issue
from klastroviny.workbook import tables

SAMPLE = PROJECT_ROOT / "issues" / "2022-09-prague"


pytestmark = pytest.mark.usefixtures("in_tmp_path")


@pytest.fixture
def empty_issue(tmp_path) -> Path:
    return make_issue(tmp_path, entries={})


def entry(issue: Path, ident: str) -> dict:
    return yaml.safe_load((issue / "entries" / f"{ident}.yaml").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- what people type --------------------------------------------------------------------------
@pytest.fixture
def messy_import(empty_issue, tmp_path):
    book = write_xlsx(
        tmp_path / "clusters.xlsx", {"Klastry": messy_clusters(), "kontakty": messy_contacts()}
    )
    result = run("import", empty_issue, book)
    assert result.exit_code == 0, result.output
    return empty_issue, result


def test_an_xlsx_as_people_type_it_becomes_valid_entries(messy_import):
    issue, result = messy_import
    loaded, report = load_issue(issue)
    assert loaded is not None and not report.errors
    assert sorted(e.id for e in loaded.entries) == ["cesti-klastri", "plastr"]
    cesti = entry(issue, "cesti-klastri")
    assert cesti["name"] == {"cs": "Čeští klastři, z. s.", "en": "Czech Clusters"}
    assert cesti["region"] == "CZ-64"
    assert cesti["founded"] == 2006 and cesti["members"] == 52
    assert cesti["ecosystems"] == ["construction", "digital"]
    assert cesti["label"] == {"level": "silver", "valid_until": dt.date(2027, 12, 14)}
    assert cesti["description"]["cs"] == "První odstavec.\n\nDruhý odstavec.\n"
    assert cesti["offer"] == {"cs": ["Poradenství", "Školení"]}
    assert cesti["keywords"] == ["stavby", "BIM"]
    petr, jana = cesti["contacts"]
    assert (petr["title_before"], petr["name"], petr["title_after"]) == (
        "Ing.",
        "Petr Dvořák",
        "Ph.D.",
    )
    assert petr["phone"] == "+420 603 123 456"  # a number that lost its plus
    assert petr["in_index"] is True and petr["consent"] is True
    assert jana["phone"] == "+420 601 555 222"  # a number that became 601555222.0
    assert jana["consent"] == {"given": dt.date(2023, 8, 14), "how": "e-mail"}
    assert "in_index" not in jana  # empty: not given, the default applies
    plastr = entry(issue, "plastr")
    assert plastr["name"] == "PLASTR, z. s."  # the same in both languages: one text
    assert plastr["region"] == "CZ-64" and plastr["ecosystems"] == ["textiles", "health"]
    assert "website" not in plastr and "label" not in plastr
    eva, karel = plastr["contacts"]
    assert (
        eva["phone"] == "+420 777 123 456" and eva["in_index"] is False and eva["consent"] is True
    )
    assert karel["consent"] is False  # empty consent means no


def test_the_summary_tells_what_was_converted(messy_import):
    _, result = messy_import
    converted = next(line for line in result.output.splitlines() if line.startswith("converted:"))
    for what in (
        "1 ids made from names",
        "2 Czech dates",
        "3 region names → codes" if False else "2 region names → codes",
        "3 ecosystem names → ids",
        "1 titles split from names",
        "3 phone numbers normalised",
    ):
        assert what in converted, converted
    assert "cesti-klastri: new entry" in result.output


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ";"), ("utf-8", ","), ("cp1250", ";"), ("cp1250", ",")],
)
def test_csv_in_either_encoding_and_delimiter(empty_issue, tmp_path, encoding, delimiter):
    folder = tmp_path / "csv"
    folder.mkdir()
    write_csv(folder / "clusters.csv", messy_clusters(), delimiter, encoding)
    write_csv(folder / "contacts.csv", messy_contacts(), delimiter, encoding)
    result = run("import", empty_issue, folder)
    assert result.exit_code == 0, result.output
    assert entry(empty_issue, "cesti-klastri")["contacts"][0]["name"] == "Petr Dvořák"
    assert ("read as Windows-1250" in result.output) == (encoding == "cp1250")


def test_an_ods_workbook(empty_issue, tmp_path):
    book = write_ods(
        tmp_path / "clusters.ods", {"clusters": messy_clusters(), "contacts": messy_contacts()}
    )
    result = run("import", empty_issue, book)
    assert result.exit_code == 0, result.output
    assert entry(empty_issue, "plastr")["founded"] == 2010


def test_a_single_csv_of_clusters_leaves_the_contacts_alone(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    rows = [["id", "city"], ["clutex", "Liberec 1"]]
    book = write_csv(tmp_path / "clusters.csv", rows)
    refused = run("import", issue, book)
    assert refused.exit_code == 1
    assert "clutex.yaml: error: made by hand (no import or export has seen it)" in refused.output
    result = run("import", issue, book, "--force")
    assert result.exit_code == 0, result.output
    assert "clutex: city changed" in result.output
    assert (
        entry(issue, "clutex")["contacts"]
        == yaml.safe_load((SAMPLE / "entries" / "clutex.yaml").read_text(encoding="utf-8"))[
            "contacts"
        ]
    )


# --- errors name the cell; nothing is written ---------------------------------------------------
def test_every_error_of_every_row_names_its_cell_and_nothing_is_written(empty_issue, tmp_path):
    clusters = messy_clusters()
    clusters[1][4] = "Jihomravský"
    clusters[2][8] = "textile; nanotech"
    clusters[2][6] = "loni"
    contacts = messy_contacts()
    contacts[1][4] = "12345"
    contacts[3][0] = "plastik"
    book = write_xlsx(tmp_path / "clusters.xlsx", {"clusters": clusters, "contacts": contacts})
    result = run("import", empty_issue, book)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors == [
        "clusters.xlsx:clusters!E2: error: region: 'Jihomravský' is not a region of CZ; did you "
        "mean CZ-64 Jihomoravský kraj?",
        "clusters.xlsx:clusters!G3: error: founded: expected a whole number, got a text",
        "clusters.xlsx:clusters!I3: error: ecosystems: 'nanotech' is not one of the 14 "
        "ecosystems; write an id, or the Czech or English name (docs/format.md#ecosystems)",
        "clusters.xlsx:clusters!I3: error: ecosystems: 'textile' is not one of the 14 "
        "ecosystems; did you mean textiles?",
        "clusters.xlsx:contacts!E2: error: contacts[0].phone: '12345' is not a valid phone "
        "number; write it with the country code, e.g. +420 601 123 456",
        "clusters.xlsx:contacts!A4: error: cluster_id: 'plastik' is not a cluster of the "
        "clusters sheet; did you mean 'plastr'?",
    ]
    assert "nothing was written" in result.output
    assert list((empty_issue / "entries").iterdir()) == []


def test_a_csv_error_names_the_line_where_its_row_starts(empty_issue, tmp_path):
    clusters = messy_clusters()
    clusters[2][4] = "Jihomravský"  # row 3; row 2 has cells of several lines: line 8
    write_csv(tmp_path / "clusters.csv", clusters)
    write_csv(tmp_path / "contacts.csv", messy_contacts())
    result = run("import", empty_issue, tmp_path)
    assert result.exit_code == 1
    assert "clusters.csv:8: error: region: 'Jihomravský' is not a region of CZ" in result.output


def test_an_unknown_column_gets_a_did_you_mean(empty_issue, tmp_path):
    clusters = messy_clusters()
    clusters[0][5] = "mesto"
    clusters[0][6] = "founder"
    result = run("import", empty_issue, write_csv(tmp_path / "clusters.csv", clusters))
    assert result.exit_code == 1
    assert (
        "clusters.csv:1: error: unknown column 'founder'; did you mean 'founded'?" in result.output
    )
    assert "mesto" not in result.output  # accents and case are ignored: it is město


def test_a_formula_uses_its_saved_value_or_is_reported(empty_issue, tmp_path):
    clusters = messy_clusters()
    clusters[1][6] = "=2000+6"
    clusters[2][6] = "=2000+10"
    book = write_xlsx(
        tmp_path / "clusters.xlsx", {"clusters": clusters, "contacts": messy_contacts()}
    )
    _give_saved_value(book, "G2", "2006")
    result = run("import", empty_issue, book)
    assert result.exit_code == 1
    assert (
        "clusters.xlsx:clusters!G3: error: a formula with no saved value (=2000+10)"
        in result.output
    )
    assert "G2" not in result.output


def _give_saved_value(book: Path, ref: str, value: str) -> None:
    """What a spreadsheet program stores: the formula and the value it computed."""
    with zipfile.ZipFile(book) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(
        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?'.encode(),
        rb"\1\2<v>" + value.encode() + b"</v>",
        members[sheet],
    )
    assert f"<v>{value}</v>".encode() in members[sheet]
    with zipfile.ZipFile(book, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# --- updates -----------------------------------------------------------------------------------
def test_a_second_import_of_the_same_table_changes_no_byte(messy_import, tmp_path):
    issue, _ = messy_import
    before = snapshot(issue)
    book = write_xlsx(
        tmp_path / "again.xlsx", {"Klastry": messy_clusters(), "kontakty": messy_contacts()}
    )
    result = run("import", issue, book)
    assert result.exit_code == 0
    assert "changed 0 entry files, 2 unchanged" in result.output
    assert snapshot(issue) == before


def test_dry_run_tells_field_by_field_and_writes_nothing(messy_import, tmp_path):
    issue, _ = messy_import
    before = snapshot(issue)
    clusters, contacts = messy_clusters(), messy_contacts()
    clusters[1][12] = "Nový první odstavec."
    clusters[2][5] = "Otrokovice"
    contacts.insert(
        1, ["cesti-klastri", "Mgr. Ota Nový", "", "", "601555333", "ota@example.com", "", "ano"]
    )
    book = write_xlsx(tmp_path / "next.xlsx", {"clusters": clusters, "contacts": contacts})
    result = run("import", issue, book, "--dry-run")
    assert result.exit_code == 0
    assert "cesti-klastri: description.cs changed, contacts[0] added" in result.output
    assert "plastr: city changed" in result.output
    assert "would change 2 entry files, 0 unchanged" in result.output
    assert snapshot(issue) == before


def test_a_hand_edited_file_is_kept_unless_forced_and_keeps_its_comments(messy_import, tmp_path):
    issue, _ = messy_import
    path = issue / "entries" / "plastr.yaml"
    path.write_text(
        "# ověřeno telefonicky\n"
        + path.read_text(encoding="utf-8").replace("city: Zlín", "city: Zlín  # sídlo"),
        encoding="utf-8",
    )
    clusters = messy_clusters()
    clusters[2][12] = "Plasty a kompozity."
    book = write_xlsx(tmp_path / "next.xlsx", {"clusters": clusters, "contacts": messy_contacts()})
    edited = path.read_bytes()
    refused = run("import", issue, book)
    assert refused.exit_code == 1
    assert "entries/plastr.yaml: error: edited since the last import or export" in refused.output
    assert "(description.cs changed)" in refused.output
    assert path.read_bytes() == edited
    forced = run("import", issue, book, "--force")
    assert forced.exit_code == 0, forced.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ověřeno telefonicky\n")
    assert "# sídlo" in text and "Plasty a kompozity." in text
    assert list(entry(issue, "plastr")) == list(yaml.safe_load(edited))  # the same key order


def test_new_fields_go_where_the_format_puts_them(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    rows = [["id", "sort_as"], ["clutex", "Clutex"]]
    assert (
        run("import", issue, write_csv(tmp_path / "clusters.csv", rows), "--force").exit_code == 0
    )
    keys = list(entry(issue, "clutex"))
    assert keys.index("sort_as") == keys.index("short_name") + 1


# --- export ------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["book.xlsx", "csv"])
def test_export_then_import_changes_nothing(tmp_path, target):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    before = snapshot(issue / "entries")
    exported = run("export", issue, "-o", tmp_path / target)
    assert exported.exit_code == 0, exported.output
    result = run("import", issue, tmp_path / target)
    assert result.exit_code == 0, result.output
    assert "changed 0 entry files, 15 unchanged" in result.output
    after = snapshot(issue / "entries")
    after.pop(".imported.json")
    assert after == before


def test_after_an_export_the_edited_table_updates_the_files_not_edited_since(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    run("export", issue, "-o", tmp_path / "csv")
    clusters = (tmp_path / "csv" / "clusters.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "csv" / "clusters.csv").write_text(
        clusters.replace(",Liberec,", ",Liberec 1,").replace(",Zlín,", ",Otrokovice,"),
        encoding="utf-8-sig",
    )
    plastr = issue / "entries" / "plastr.yaml"
    plastr.write_text(plastr.read_text(encoding="utf-8") + "# upraveno\n", encoding="utf-8")
    result = run("import", issue, tmp_path / "csv")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "plastr.yaml: error: edited since the last import" in errors[0]


def test_export_is_reproducible_and_neutralises_formula_like_cells(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    run("export", issue, "-o", first)
    run("export", issue, "-o", second)
    assert first.read_bytes() == second.read_bytes()
    from openpyxl import load_workbook

    sheet = load_workbook(first)["contacts"]
    phones = [row[6].value for row in sheet.iter_rows(min_row=2)]
    assert phones[0] == "'+420 485 555 120"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- hostile files -----------------------------------------------------------------------------
def test_a_zip_bomb_is_refused_before_it_is_unpacked(empty_issue, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (tables.MAX_UNPACKED_BYTES + 1))
    result = run("import", empty_issue, bomb)
    assert result.exit_code == 1
    assert "would unpack to" in result.output


def test_a_million_rows_and_a_huge_cell_are_refused(empty_issue, tmp_path):
    rows = tmp_path / "rows" / "clusters.csv"
    rows.parent.mkdir()
    rows.write_text("id,city\n" + "a,b\n" * 1_000_000, encoding="utf-8")
    result = run("import", empty_issue, rows)
    assert result.exit_code == 1 and f"more than {tables.MAX_ROWS:,} rows" in result.output
    cell = tmp_path / "cell" / "clusters.csv"
    cell.parent.mkdir()
    cell.write_text('id,city\na,"' + "x" * 10_000_000 + '"\n', encoding="utf-8")
    result = run("import", empty_issue, cell)
    assert result.exit_code == 1 and "not a readable CSV file" in result.output


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really", b"<html>hello</html>"])
def test_a_file_that_is_not_a_workbook(empty_issue, tmp_path, content):
    fake = tmp_path / "clusters.xlsx"
    fake.write_bytes(content)
    result = run("import", empty_issue, fake)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "clusters.xlsx: not a valid .xlsx file" in result.output


def test_a_contacts_csv_alone_is_refused_with_a_message(empty_issue, tmp_path):
    result = run("import", empty_issue, write_csv(tmp_path / "contacts.csv", messy_contacts()))
    assert result.exit_code == 1
    assert "contacts.csv: contacts alone cannot be imported" in result.output
    assert "internal error" not in result.output
