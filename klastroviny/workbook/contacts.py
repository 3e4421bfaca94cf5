"""`klastroviny contacts`: the people of an issue for follow-up after the event, as CSV, XLSX or
vCard. Only contacts who agreed (consent: true or a consent record) are exported, in any format.

The entries come in the bulletin's order for the edition language, their contacts in file order.
CSV and XLSX cells are neutralised (cells.py) so that no spreadsheet runs one as a formula; the
vCard file is written by hand (vCard 3.0, RFC 2426): vobject only reads it back in the tests.
The same issue gives the same bytes in every format: nothing depends on the clock.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from klastroviny.content.model import Contact, Entry, Issue
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.workbook.cells import neutralised, reproducible_xlsx

FORMATS = ("csv", "vcf", "xlsx")  # the suffix of each format's file is the format's name
SHEET = "contacts"

# The columns of the CSV and of the sheet, named in English in the header row: Row's fields.
COLUMNS = (
    "entry",
    "cluster",
    "short_name",
    "title_before",
    "name",
    "title_after",
    "role",
    "phone",
    "email",
    "website",
    "city",
    "region",
    "country",
    "consent_given",
    "consent_how",
)

# C0 controls other than tab and line breaks, and DEL: YAML's escapes ("\a") can put them in a
# text; XLSX refuses them and vCard does not allow them. They become U+FFFD.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/klastroviny/contacts")


@dataclass(frozen=True)
class Row:
    """One exported contact, its texts in the edition language."""

    entry: str  # the entry id
    cluster: str
    short_name: str  # "" when the entry has none
    title_before: str
    name: str
    title_after: str
    full_name: str  # with the titles, as printed
    role: str
    phone: str  # international, e.g. +420 601 123 456
    email: str
    website: str
    city: str
    region: str
    country: str
    consent_given: str  # YYYY-MM-DD, or ""
    consent_how: str

    def cells(self) -> list[str]:
        return [getattr(self, column) for column in COLUMNS]


@dataclass(frozen=True)
class Selection:
    """The rows of an export and what was left out."""

    rows: tuple[Row, ...]
    clusters: int  # entries with at least one exported contact
    without_consent: int  # contacts of the chosen entries left out for lack of consent


@dataclass(frozen=True)
class ContactsExport:
    path: Path
    format: str
    selection: Selection
    report: Report  # the issue's warnings


def export_contacts(
    issue_dir: Path,
    fmt: str | None = None,
    entry_ids: str | None = None,
    lang: str | None = None,
    output: Path | None = None,
) -> ContactsExport:
    """Validate the issue, pick its consenting contacts and write them atomically.

    `fmt`: csv, vcf or xlsx; unset = from the suffix of `output`, else csv. `entry_ids`: ids
    separated by commas (unset = every entry). `lang`: cs or en; unset = the issue's first
    language. `output`: unset = build/<slug>/<slug>-contacts.<fmt>.
    """
    from klastroviny.build import output_folder
    from klastroviny.content.issue_file import load_issue
    from klastroviny.options import BuildOptions
    from klastroviny.write import write_atomically

    issue_dir = Path(issue_dir)
    fmt = output_format(fmt, output)
    issue, report = load_issue(issue_dir)
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; nothing was exported", report)
    lang = edition_language(issue, lang)
    entries = chosen_entries(issue, lang, entry_ids)
    selection = select(issue, lang, entries)
    data = {"csv": to_csv, "xlsx": to_xlsx, "vcf": to_vcf}[fmt](selection.rows, issue, lang)
    path = output or output_folder(issue_dir, BuildOptions()) / f"{issue.slug}-contacts.{fmt}"
    write_atomically(path, data)
    return ContactsExport(path, fmt, selection, report)


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, checked against -o's suffix, or read from it; csv by default."""
    suffix = output.suffix.lower().lstrip(".") if output is not None else None
    if fmt is None:
        if suffix is None:
            return "csv"
        if suffix not in FORMATS:
            raise KlastrovinyError(
                "usage",
                f"cannot tell the format from '{output.name}'; end the file name in "
                ".csv, .vcf or .xlsx, or give --format",
            )
        return suffix
    if suffix is not None and suffix != fmt:
        raise KlastrovinyError(
            "usage", f"-o {output.name} does not end in .{fmt}, the suffix of --format {fmt}"
        )
    return fmt


def edition_language(issue: Issue, lang: str | None) -> str:
    if lang is None:
        return issue.languages[0]
    if lang not in issue.languages:
        raise KlastrovinyError(
            "usage",
            f"this issue has no '{lang}' edition; its languages are {', '.join(issue.languages)}",
        )
    return lang


def chosen_entries(issue: Issue, lang: str, entry_ids: str | None) -> tuple[Entry, ...]:
    """The entries in the bulletin's order for `lang`; with --entries, only those named."""
    from klastroviny.content.naming import named_entries, split_names
    from klastroviny.text.collation import ordered_entries

    ordered = ordered_entries(issue, lang)
    if entry_ids is None:
        return ordered
    wanted = {entry.id for entry in named_entries(issue, split_names(entry_ids))}
    return tuple(entry for entry in ordered if entry.id in wanted)


def select(issue: Issue, lang: str, entries: tuple[Entry, ...]) -> Selection:
    """One row per contact who agreed; the others are counted, never exported."""
    rows, clusters, without_consent = [], 0, 0
    for entry in entries:
        agreed = [contact for contact in entry.contacts if contact.consent]
        without_consent += len(entry.contacts) - len(agreed)
        clusters += bool(agreed)
        rows.extend(_row(issue, lang, entry, contact) for contact in agreed)
    return Selection(tuple(rows), clusters, without_consent)


def _row(issue: Issue, lang: str, entry: Entry, contact: Contact) -> Row:
    from klastroviny.content import vocabulary

    assert contact.consent  # the one rule of this module: never a contact who did not agree
    fallback = issue.fallback(lang)
    return Row(
        entry=entry.id,
        cluster=entry.name.get(lang, fallback),
        short_name=entry.short_name.get(lang, fallback) if entry.short_name else "",
        title_before=contact.title_before or "",
        name=contact.name,
        title_after=contact.title_after or "",
        full_name=contact.full_name,
        role=contact.role.get(lang, fallback) if contact.role else "",
        phone=international(contact.phone) if contact.phone else "",
        email=contact.email or "",
        website=entry.website or "",
        city=entry.city,
        region=vocabulary.region_name(entry.region, lang),
        country=vocabulary.country_name(entry.country, lang),
        consent_given=contact.consent_given.isoformat() if contact.consent_given else "",
        consent_how=contact.consent_how or "",
    )


def international(e164: str) -> str:
    """+420 601 123 456: the printed form, with ordinary spaces."""
    import phonenumbers

    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def _cell(text: str) -> str:
    """A data cell of CSV or XLSX: no control characters, no formula."""
    return neutralised(_clean(text))


# --- CSV ----------------------------------------------------------------------------------------


def to_csv(rows: tuple[Row, ...], issue: Issue | None = None, lang: str = "") -> bytes:
    """RFC 4180 (comma, CRLF, quotes where needed), UTF-8 with a BOM so that Excel reads the
    Czech letters right; a header row, then one row per contact."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(value) for value in row.cells()])
    return out.getvalue().encode("utf-8-sig")


# --- XLSX ---------------------------------------------------------------------------------------


def to_xlsx(rows: tuple[Row, ...], issue: Issue, lang: str = "") -> bytes:
    """One sheet `contacts`: a bold, frozen header row with a filter, every cell text; the same
    bytes for the same issue (the workbook's dates are the issue's date, never the clock)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    bold = Font(bold=True)
    table = [list(COLUMNS), *([_cell(v) for v in row.cells()] for row in rows)]
    for r, values in enumerate(table, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"  # text, whatever it looks like; never a formula
            cell.number_format = "@"
            if r == 1:
                cell.font = bold
    for c in range(1, len(COLUMNS) + 1):
        longest = max(len(values[c - 1]) for values in table)
        sheet.column_dimensions[get_column_letter(c)].width = min(max(longest, 6), 50) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(table)}"

    book.properties.title = _clean(f"{issue.title.get(lang, issue.fallback(lang))}: contacts")
    return reproducible_xlsx(book, issue.date)


# --- vCard --------------------------------------------------------------------------------------

VCARD_LINE_OCTETS = 75  # RFC 2426/6350: longer lines are folded (CRLF and a space)


def to_vcf(rows: tuple[Row, ...], issue: Issue, lang: str, records: bool = True) -> bytes:
    """vCard 3.0 (RFC 2426), UTF-8, CRLF, one card per contact, lines folded at 75 octets.
    `records`: with when and how each person agreed (for the office; not for visitors)."""
    fallback = issue.fallback(lang)
    occasion = (issue.event or issue.title).get(lang, fallback)
    lines = []
    for row in rows:
        lines.extend(_card(row, occasion, records))
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _card(row: Row, occasion: str, records: bool = True) -> list[str]:
    given, _, family = row.name.rpartition(" ")
    name = ";".join(
        _escape(part) for part in (family, given, "", row.title_before, row.title_after)
    )
    card = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:{uid(row.entry, row.name)}",
        f"N:{name}",
        f"FN:{_escape(row.full_name)}",
        f"ORG:{_escape(row.cluster)}",
    ]
    if row.role:
        card.append(f"TITLE:{_escape(row.role)}")
    if row.phone:
        card.append(f"TEL;TYPE=WORK,VOICE:{_escape(row.phone)}")
    if row.email:
        card.append(f"EMAIL;TYPE=INTERNET,WORK:{_escape(row.email)}")
    if row.website:  # a URI, not a text: not escaped (a checked address has no spaces)
        card.append(f"URL:{_clean(row.website)}")
    address = ("", "", "", row.city, row.region, "", row.country)
    card.append("ADR;TYPE=WORK:" + ";".join(_escape(part) for part in address))
    card.append(f"NOTE:{_escape((row.short_name or row.cluster) + chr(10) + occasion)}")
    if records and row.consent_given:
        card.append(f"X-KLASTROVINY-CONSENT-GIVEN:{row.consent_given}")
    if records and row.consent_how:
        card.append(f"X-KLASTROVINY-CONSENT-HOW:{_escape(row.consent_how)}")
    card.append("END:VCARD")
    return card


def uid(entry_id: str, name: str) -> str:
    """The same person of the same cluster gets the same UID in every export of every issue
    (a phone then updates the card instead of adding a second), whatever the order of the
    contacts."""
    from klastroviny.content.vocabulary import fold

    return f"urn:uuid:{uuid.uuid5(_UID_NAMESPACE, f'{entry_id}/{fold(name)}')}"


def _escape(text: str) -> str:
    """A text value of RFC 2426 (4. Formal grammar, escaped-char): \\ , ; and newlines."""
    text = _clean(text).replace("\r\n", "\n").replace("\r", "\n")
    for char, escaped in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n")):
        text = text.replace(char, escaped)
    return text


def fold(line: str) -> str:
    """The line folded so that no physical line exceeds 75 octets (the leading space of a
    continuation counts); a UTF-8 character is never split."""
    parts, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > VCARD_LINE_OCTETS:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n".join(parts)
