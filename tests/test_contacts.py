"""`klastroviny contacts`: the consenting contacts as CSV, XLSX or vCard, read back with csv,
openpyxl and vobject; never a contact without consent, never a formula, the same bytes twice."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
import vobject
from builders import contact_yaml, entry_yaml, issue_yaml, make_issue
from click.testing import CliRunner

from klastroviny.cli import cli
from klastroviny.workbook import contacts

FORMATS = ("csv", "vcf", "xlsx")
HOSTILE = ("=cmd|' /C calc'!A0", "+420 601 123 456", "-x", "@x", "\tx", "\rx")

# Two clusters in Czech order: "Čalouníci" after "Cukráři" (č is a letter of its own). Each
# cluster has a contact who did not agree to be printed; the Czech one has one not in the index.
CUKRARI = entry_yaml(
    name='{cs: "Cukráři Šťastní, z. s.", en: Happy Confectioners}',
    region="CZ-64",
    city="Brno",
    website="https://www.cukrari.example",
    contacts=contact_yaml(
        name="Eva Šťastná",
        title_before='"Mgr."',
        role='{cs: "ředitelka; jednatelka, zakladatelka", en: director}',
        phone='"+420 602 222 333"',
        email="eva.stastna@example.com",
    )
    + contact_yaml(
        name="Ota Nesouhlasný",
        phone='"+420 602 111 222"',
        email="ota.nesouhlasny@example.com",
        consent="false",
    ),
)
CALOUNICI = entry_yaml(
    name='{cs: "Čalouníci Dvořákovi – klastr čalounického řemesla a nábytkářské výroby, z. s.", '
    "en: Dvořák Upholsterers}",
    short_name="{cs: Čalouníci, en: Upholsterers}",
    contacts=contact_yaml(
        name="Jan Dvořák",
        title_before='"doc. Ing."',
        title_after='"Ph.D., MBA"',
        role="{cs: manažer klastru, en: cluster manager}",
        phone='"+420 601 123 456"',
        email="jan.dvorak@example.com",
        consent='{given: 2022-05-03, how: "telefonicky, pak e-mailem"}',
    )
    + contact_yaml(
        name="Petr Mimoindex",
        phone='"+420 603 333 444"',
        email="petr.mimoindex@example.com",
        in_index="false",
    )
    + contact_yaml(
        name="Zdeňka Neochotná",
        phone='"+420 604 555 666"',
        email="zdenka.neochotna@example.com",
        consent="false",
    ),
)
EVENT = '{cs: "Konference 2022, Praha", en: "Conference 2022, Prague"}'
ENTRIES = {"cukrari": CUKRARI, "calounici": CALOUNICI}
REFUSED = ("Nesouhlasný", "nesouhlasny", "602 111 222", "Neochotná", "neochotna", "604 555 666")

EXPECTED_CSV = [
    {
        "entry": "cukrari",
        "cluster": "Cukráři Šťastní, z. s.",
        "short_name": "",
        "title_before": "Mgr.",
        "name": "Eva Šťastná",
        "title_after": "",
        "role": "ředitelka; jednatelka, zakladatelka",
        "phone": "'+420 602 222 333",
        "email": "eva.stastna@example.com",
        "website": "https://www.cukrari.example",
        "city": "Brno",
        "region": "Jihomoravský kraj",
        "country": "Česko",
        "consent_given": "",
        "consent_how": "",
    },
    {
        "entry": "calounici",
        "cluster": "Čalouníci Dvořákovi – klastr čalounického řemesla a nábytkářské výroby, z. s.",
        "short_name": "Čalouníci",
        "title_before": "doc. Ing.",
        "name": "Jan Dvořák",
        "title_after": "Ph.D., MBA",
        "role": "manažer klastru",
        "phone": "'+420 601 123 456",
        "email": "jan.dvorak@example.com",
        "website": "https://www.clutex.cz",
        "city": "Liberec",
        "region": "Liberecký kraj",
        "country": "Česko",
        "consent_given": "2022-05-03",
        "consent_how": "telefonicky, pak e-mailem",
    },
    {
        "entry": "calounici",
        "cluster": "Čalouníci Dvořákovi – klastr čalounického řemesla a nábytkářské výroby, z. s.",
        "short_name": "Čalouníci",
        "title_before": "",
        "name": "Petr Mimoindex",
        "title_after": "",
        "role": "",
        "phone": "'+420 603 333 444",
        "email": "petr.mimoindex@example.com",
        "website": "https://www.clutex.cz",
        "city": "Liberec",
        "region": "Liberecký kraj",
        "country": "Česko",
        "consent_given": "",
        "consent_how": "",
    },
]


@pytest.fixture
def run(tmp_path, monkeypatch):
    """run(*args) -> click Result, in tmp_path (so build/ is made there)."""
    monkeypatch.chdir(tmp_path)

    def run(*args):
        return CliRunner().invoke(cli, ["contacts", *args], catch_exceptions=False)

    return run


@pytest.fixture
def issue(tmp_path):
    return make_issue(tmp_path, issue=issue_yaml(event=EVENT), entries=ENTRIES)


def export(run, fmt: str, *args: str) -> bytes:
    result = run("issue", "--format", fmt, *args)
    assert result.exit_code == 0, result.output
    path = result.stdout.splitlines()[0].rpartition(" → ")[2]
    with open(path, "rb") as file:
        return file.read()


def parsed_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sheet_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["contacts"]
    return [[cell for cell in row] for row in sheet.iter_rows()]


# --- what is exported -----------------------------------------------------------------------


def test_the_summary_counts_contacts_clusters_and_those_left_out(issue, run):
    result = run("issue")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "3 contacts of 2 clusters → build/issue/issue-contacts.csv",
        "2 contacts left out for lack of consent",
    ]
    # the contacts without consent are summed up as check sums them up
    assert result.stderr.splitlines() == [
        "note: 2 contacts left out of print, no consent (calounici: Zdeňka Neochotná; "
        "cukrari: Ota Nesouhlasný)"
    ]


def test_csv_has_a_bom_crlf_and_the_expected_rows(issue, run):
    data = export(run, "csv")
    assert data.startswith(b"\xef\xbb\xbfentry,cluster,short_name,")
    assert data.count(b"\r\n") == 4 and b"\n" not in data.replace(b"\r\n", b"")
    assert parsed_csv(data) == EXPECTED_CSV


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_contact_without_consent_in_any_format(issue, run, fmt):
    data = export(run, fmt)
    if fmt == "xlsx":
        text = "\n".join(
            str(cell.value) for row in sheet_rows(data) for cell in row if cell.value is not None
        )
    else:
        text = data.decode("utf-8-sig")
    assert "Šťastná" in text and "Dvořák" in text and "Mimoindex" in text  # in_index: false too
    for refused in REFUSED:
        assert refused not in text


def test_the_vcard_file_parses_with_names_titles_and_fields(issue, run):
    cards = list(vobject.readComponents(export(run, "vcf").decode("utf-8")))
    assert [card.fn.value for card in cards] == [
        "Mgr. Eva Šťastná",
        "doc. Ing. Jan Dvořák, Ph.D., MBA",
        "Petr Mimoindex",
    ]
    eva, jan, petr = cards
    assert (jan.n.value.family, jan.n.value.given) == ("Dvořák", "Jan")
    assert (jan.n.value.prefix, jan.n.value.suffix) == ("doc. Ing.", "Ph.D., MBA")
    assert (eva.n.value.family, eva.n.value.given, eva.n.value.prefix) == ("Šťastná", "Eva", "Mgr.")
    assert eva.org.value == ["Cukráři Šťastní, z. s."]
    assert eva.title.value == "ředitelka; jednatelka, zakladatelka"
    assert eva.tel.value == "+420 602 222 333"
    assert eva.tel.params["TYPE"] == ["WORK", "VOICE"]
    assert eva.email.value == "eva.stastna@example.com"
    assert eva.email.params["TYPE"] == ["INTERNET", "WORK"]
    assert eva.url.value == "https://www.cukrari.example"
    assert (eva.adr.value.city, eva.adr.value.region) == ("Brno", "Jihomoravský kraj")
    # no short name: the note names the cluster
    assert eva.note.value == "Cukráři Šťastní, z. s.\nKonference 2022, Praha"
    assert jan.note.value == "Čalouníci\nKonference 2022, Praha"
    assert jan.x_klastroviny_consent_given.value == "2022-05-03"
    assert jan.x_klastroviny_consent_how.value == "telefonicky, pak e-mailem"
    assert not hasattr(petr, "title") and not hasattr(eva, "x_klastroviny_consent_given")
    uids = [card.uid.value for card in cards]
    assert len(set(uids)) == 3 and all(uid.startswith("urn:uuid:") for uid in uids)
    assert uids[1] == contacts.uid("calounici", "Jan Dvořák")
    assert uids[1] == contacts.uid("calounici", "jan dvorak")  # accents and case aside
    assert uids[2] == contacts.uid("calounici", "Petr Mimoindex")


def test_the_uid_stays_when_another_contact_changes(tmp_path, run, issue):
    first = list(vobject.readComponents(export(run, "vcf").decode("utf-8")))
    (issue / "entries" / "cukrari.yaml").write_text(
        CUKRARI.replace("consent: false", "consent: true"), encoding="utf-8"
    )
    second = list(vobject.readComponents(export(run, "vcf").decode("utf-8")))
    assert len(second) == 4
    assert {c.uid.value for c in first} < {c.uid.value for c in second}


def test_vcard_lines_are_crlf_and_folded_at_75_octets_between_characters(issue, run):
    data = export(run, "vcf")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert 70 < max(len(line) for line in lines) <= 75  # the long Czech ORG line is folded
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character
    assert any(line.startswith(b" ") for line in lines)


@pytest.mark.parametrize("text", ["ř" * 100, "a" + "ž" * 80, "x" * 200, "€" * 60, "a"])
def test_fold_keeps_characters_whole_and_unfolds_to_the_line(text):
    folded = contacts.fold(text)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == text


def test_vcard_escapes_commas_semicolons_backslashes_and_newlines(tmp_path, run):
    role = r'"a, b; c \\ d\ne"'  # YAML: a, b; c \ d<newline>e
    make_issue(tmp_path, entries={"clutex": entry_yaml(contacts=contact_yaml(role=role))})
    data = export(run, "vcf")
    assert "TITLE:a\\, b\\; c \\\\ d\\ne\r\n" in data.decode("utf-8")
    (card,) = vobject.readComponents(data.decode("utf-8"))
    assert card.title.value == "a, b; c \\ d\ne"


# --- neutralised cells ----------------------------------------------------------------------


def hostile_rows() -> tuple[contacts.Row, ...]:
    """Rows whose every text cell starts like a formula (tab and CR cannot come from YAML:
    the reader strips them, so these rows are made here)."""
    names = [field.name for field in dataclasses.fields(contacts.Row)]
    return tuple(contacts.Row(**dict.fromkeys(names, value)) for value in HOSTILE)


def test_csv_cells_that_look_like_formulas_get_an_apostrophe():
    rows = parsed_csv(contacts.to_csv(hostile_rows()))
    for row, value in zip(rows, HOSTILE, strict=True):
        assert set(row.values()) == {"'" + value}


def test_xlsx_cells_are_text_and_never_a_formula(issue):
    from klastroviny.content.issue_file import load_issue

    model, _ = load_issue(issue)
    data = contacts.to_xlsx(hostile_rows(), model, "cs")
    header, *rows = sheet_rows(data)
    assert [cell.value for cell in header] == list(contacts.COLUMNS)
    for row, value in zip(rows, HOSTILE, strict=True):
        # the cell is text behind an apostrophe; a CR reads back as a line feed from the
        # standard library's XML parser, as itself from lxml (which openpyxl uses if present)
        read = {cell.value.replace("\r", "\n") for cell in row}
        assert read == {"'" + value.replace("\r", "\n")}
        assert {cell.data_type for cell in row} == {"s"}


def test_hostile_texts_from_the_issue_are_neutralised_in_csv_and_xlsx(tmp_path, run):
    contact = contact_yaml(
        name="\"=cmd|' /C calc'!A0\"", title_before='"-x"', title_after='"@x"', role='"+1"'
    )
    make_issue(tmp_path, entries={"clutex": entry_yaml(contacts=contact)})
    (row,) = parsed_csv(export(run, "csv"))
    expected = {
        "name": "'=cmd|' /C calc'!A0",
        "title_before": "'-x",
        "title_after": "'@x",
        "role": "'+1",
        "phone": "'+420 601 123 456",
    }
    assert {key: row[key] for key in expected} == expected
    header, cells = sheet_rows(export(run, "xlsx"))
    by_column = {h.value: cell for h, cell in zip(header, cells, strict=True)}
    assert {key: by_column[key].value for key in expected} == expected
    assert all(cell.data_type == "s" for cell in (*header, *cells) if cell.value is not None)
    assert all(cell.data_type != "f" for cell in (*header, *cells))


def test_the_sheet_has_a_bold_frozen_header_and_sensible_widths(issue, run):
    book = openpyxl.load_workbook(io.BytesIO(export(run, "xlsx")))
    assert book.sheetnames == ["contacts"]
    sheet = book["contacts"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.max_row == 4
    widths = [dimension.width for dimension in sheet.column_dimensions.values()]
    assert len(widths) == len(contacts.COLUMNS) and all(8 <= width <= 52 for width in widths)
    assert book.properties.created == book.properties.modified == dt.datetime(2022, 9, 26)


# --- the same bytes -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_second_run_gives_the_same_bytes(issue, run, fmt):
    assert export(run, fmt) == export(run, fmt)


def test_the_workbook_is_dated_by_the_issue_not_the_clock(issue, run):
    with zipfile.ZipFile(io.BytesIO(export(run, "xlsx"))) as book:
        assert len({info.date_time for info in book.infolist()}) == 1  # one fixed time
        core = book.read("docProps/core.xml").decode("utf-8")
    assert core.count("2022-09-26T00:00:00Z") == 2


# --- options ----------------------------------------------------------------------------------


def test_entries_picks_some_in_the_bulletins_order(issue, run):
    data = export(run, "csv", "--entries", "calounici, cukrari")
    assert [row["name"] for row in parsed_csv(data)] == [
        "Eva Šťastná",
        "Jan Dvořák",
        "Petr Mimoindex",
    ]
    data = export(run, "csv", "--entries", "calounici")
    assert [row["entry"] for row in parsed_csv(data)] == ["calounici", "calounici"]


def test_an_unknown_entry_is_an_error_with_a_suggestion(issue, run):
    result = run("issue", "--entries", "calounici,cukrai")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "error: --entries: no entry 'cukrai'; the closest: cukrari"
    )
    assert not (issue.parent / "build").exists()


def test_an_invalid_issue_fails_with_the_check_messages(tmp_path, run):
    make_issue(
        tmp_path, entries={"clutex": entry_yaml(contacts=contact_yaml(phone='"601 123 4567"'))}
    )
    result = run("issue", "--format", "vcf")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("issue/entries/clutex.yaml:9:12: error: contacts[0].phone:")
    assert lines[-2:] == [
        "1 error, 0 warnings",
        "error: the issue has errors; nothing was exported",
    ]
    assert not (tmp_path / "build").exists()


def test_english_texts_with_lang_en(issue, run):
    (jan, _, eva) = parsed_csv(export(run, "csv", "--lang", "en"))
    # English order: Dvořák Upholsterers before Happy Confectioners
    assert (jan["cluster"], jan["short_name"], jan["role"]) == (
        "Dvořák Upholsterers",
        "Upholsterers",
        "cluster manager",
    )
    assert (eva["cluster"], eva["region"], eva["country"]) == (
        "Happy Confectioners",
        "South Moravian Region",
        "Czechia",
    )


def test_a_language_that_is_not_an_edition_is_an_error(tmp_path, run):
    make_issue(tmp_path, issue=issue_yaml(languages="[cs]"))
    result = run("issue", "--lang", "en")
    assert result.exit_code == 1
    assert "this issue has no 'en' edition" in result.stderr


def test_the_format_comes_from_the_output_suffix(issue, run, tmp_path):
    result = run("issue", "-o", "out/people.XLSX")
    assert result.exit_code == 0, result.output
    assert "→ out/people.XLSX" in result.stdout
    assert zipfile.is_zipfile(tmp_path / "out" / "people.XLSX")
    result = run("issue", "-o", "out/people.vcf")
    assert (tmp_path / "out" / "people.vcf").read_bytes().startswith(b"BEGIN:VCARD\r\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "x.csv", "--format", "vcf"), "-o x.csv does not end in .vcf"),
        (("-o", "x.txt"), "cannot tell the format from 'x.txt'"),
        (("--entries", " , "), "--entries names no entry"),
    ],
)
def test_output_and_entries_mistakes(issue, run, args, message):
    result = run("issue", *args)
    assert result.exit_code == 1
    assert message in result.stderr
