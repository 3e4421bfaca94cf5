"""From the rows of the workbook to entry data, taking values as people type them: region and
ecosystem names, ano/ne, spreadsheet numbers and dates, Czech dates, phone numbers that lost
their plus, titles typed into the name, Windows line breaks.

The result is a Draft per cluster: the fields as an entry file holds them, plus the cell
behind each field, so that a problem found later (by the entry file's own checks) names the
cell. What was converted is counted for one summary, not reported cell by cell.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from klastroviny.content import vocabulary
from klastroviny.content.load import ENTRY_ID_CHARS
from klastroviny.errors import Location, Report
from klastroviny.workbook import columns
from klastroviny.workbook.tables import Cell, Row, Table

_CZECH_DATE = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})")
_ECOSYSTEM_SEPARATORS = re.compile(r"\s*[;\n]\s*")  # then ',' inside a piece that is no name


class Partial(dict):
    """The parts of a field that the table has columns for (some languages of a text, the level
    but not the date of a label): the entry file keeps its other parts. None: remove the part."""


@dataclass
class Draft:
    """One cluster as the workbook gives it."""

    id: str
    row: Row
    fields: dict[str, object]  # entry field → value as YAML holds it; None: not given
    places: dict[str, Location] = field(default_factory=dict)  # field path → its cell
    contacts: list[dict[str, object]] | None = None  # None: the workbook has no contacts
    failed: set[str] = field(default_factory=set)  # fields whose cells could not be converted


class Converter:
    """Converts the rows of one workbook; problems go into the report, conversions are counted."""

    def __init__(self, languages: tuple[str, ...], report: Report):
        self.languages = languages
        self.report = report
        self.converted: Counter[str] = Counter()
        self.field = ""  # the field being converted, for messages
        self.failed: set[str] = set()

    def drafts(
        self, tables: dict[str, Table], existing_ids: set[str], existing_names: dict[str, str]
    ) -> list[Draft]:
        """existing_names: folded name or short name → id of the issue's entries."""
        self.existing_ids, self.existing_names = existing_ids, existing_names
        clusters = tables[columns.CLUSTERS]
        drafts: list[Draft] = []
        taken: dict[str, Row] = {}
        for row in clusters.rows:
            draft = self._cluster(row, clusters, taken)
            if draft:
                drafts.append(draft)
        if columns.CONTACTS in tables:
            self._attach_contacts(tables[columns.CONTACTS], drafts)
        return drafts

    def error(self, where: Location, message: str) -> None:
        """A cell of the field being converted cannot be taken as it is."""
        self.report.error(where, self.field, message)
        self.failed.add(self.field)

    # --- a cluster row -------------------------------------------------------------------------
    def _cluster(self, row: Row, table: Table, taken: dict) -> Draft | None:
        fields: dict[str, object] = {}
        places: dict[str, Location] = {}

        def put(name: str, convert, column: str | None = None):
            self.field = name
            fields[name] = convert()
            cell = row.get(column or name) or _first_cell(row, column or name)
            if cell is not None:
                places[name] = cell.where
            for lang in self.languages:
                if cell := row.get(column or name, lang):
                    places[f"{name}.{lang}"] = cell.where

        self.failed = set()
        for name in ("name", "short_name", "description"):
            if table.has(name):
                put(name, lambda name=name: self.text(row, name))
        for name in ("offer", "keywords"):
            if table.has(name):
                put(name, lambda name=name: self.text_list(row, name))
        for name in ("sort_as", "city", "website", "logo", "stand"):
            if table.has(name):
                put(name, lambda name=name: self.string(row.get(name)))
        if table.has("country"):
            put("country", lambda: (self.string(row.get("country")) or "").upper() or None)
        country = fields.get("country") or "CZ"
        if table.has("region"):
            put("region", lambda: self.region(row.get("region"), country))
        for name in ("founded", "members"):
            if table.has(name):
                put(name, lambda name=name: self.integer(row.get(name)))
        if table.has("ecosystems"):
            put("ecosystems", lambda: self.ecosystems(row.get("ecosystems")))
        if table.has("label_level") or table.has("label_valid_until"):
            put("label", lambda: self.label(row), "label_level")
            if cell := row.get("label_valid_until"):
                places["label.valid_until"] = cell.where
        ident = self.identifier(row, fields, taken)
        if ident is None:
            return None
        return Draft(ident, row, fields, places, failed=self.failed)

    def identifier(self, row: Row, fields: dict, taken: dict) -> str | None:
        """The row's id as written; else the id of the entry of that name; else made from its
        short name or name, unique in the table."""
        cell = row.get("id")
        given = self.string(cell)
        if given:
            if set(given) - ENTRY_ID_CHARS:
                self.report.error(
                    cell.where,
                    "id",
                    f"'{given}' is not an id: use only a-z, 0-9 and - (e.g. "
                    f"{slug(given) or 'opticky-klastr'})",
                )
                return None
            if given in taken:
                self._twice(cell, given, taken[given])
                return None
            taken[given] = row
            return given
        for name in _texts(fields.get("short_name")) + _texts(fields.get("name")):
            known = self.existing_names.get(vocabulary.fold(name, fillers=True))
            if known and known not in taken:
                taken[known] = row
                return known
        source = _first_text(fields.get("short_name")) or _first_text(fields.get("name"))
        if not source:
            self.report.error(
                row.where, "id", "no id, short name or name: the row is not a cluster"
            )
            return None
        made = slug(source) or "klastr"
        ident, number = made, 2
        while ident in taken:
            ident, number = f"{made}-{number}", number + 1
        taken[ident] = row
        if ident not in self.existing_ids:
            self.converted["ids made from names"] += 1
        return ident

    def _twice(self, cell: Cell, ident: str, first: Row) -> None:
        self.report.error(cell.where, "id", f"'{ident}' is given twice (first at {first.where})")

    # --- contacts ------------------------------------------------------------------------------
    def _attach_contacts(self, table: Table, drafts: list[Draft]) -> None:
        by_key: dict[str, Draft] = {}
        for draft in drafts:
            draft.contacts = []
            for name in (
                draft.id,
                _first_text(draft.fields.get("short_name")),
                _first_text(draft.fields.get("name")),
            ):
                if name:
                    by_key.setdefault(vocabulary.fold(name, fillers=True), draft)
        ids = [draft.id for draft in drafts]
        for row in table.rows:
            cell = row.get("cluster_id")
            key = self.string(cell)
            draft = by_key.get(vocabulary.fold(key, fillers=True)) if key else None
            if draft is None:
                where = cell.where if cell else row.where
                if not key:
                    self.report.error(
                        where, "cluster_id", "empty: give the id of the contact's cluster"
                    )
                else:
                    hint = difflib.get_close_matches(key, ids, n=1)
                    hint = f"; did you mean '{hint[0]}'?" if hint else ""
                    self.report.error(
                        where, "cluster_id", f"'{key}' is not a cluster of the clusters sheet{hint}"
                    )
                continue
            index = len(draft.contacts)
            contact = self.contact(row, table, draft, index)
            draft.contacts.append(contact)

    def contact(self, row: Row, table: Table, draft: Draft, index: int) -> dict[str, object]:
        prefix = f"contacts[{index}]"
        contact: dict[str, object] = {}

        def put(name: str, convert):
            self.field = f"{prefix}.{name}"
            contact[name] = convert() if callable(convert) else convert
            cell = row.get(name) or _first_cell(row, name)
            if cell is not None:
                draft.places[f"{prefix}.{name}"] = cell.where
            for lang in self.languages:
                if cell := row.get(name, lang):
                    draft.places[f"{prefix}.{name}.{lang}"] = cell.where

        self.failed = draft.failed
        draft.places[prefix] = row.where
        self.field = f"{prefix}.name"
        name = self.string(row.get("name"))
        before = self.string(row.get("title_before"))
        after = self.string(row.get("title_after"))
        if name and not before and not after:
            split_before, name, split_after = vocabulary.split_titles(name)
            if split_before or split_after:
                self.converted["titles split from names"] += 1
                before, after = split_before, split_after
        put("name", name)
        if table.has("title_before") or before:
            put("title_before", before)
        if table.has("title_after") or after:
            put("title_after", after)
        if table.has("role"):
            put("role", lambda: self.text(row, "role"))
        country = draft.fields.get("country") or "CZ"
        if table.has("phone"):
            put("phone", lambda: self.phone(row.get("phone"), country))
        if table.has("email"):
            put("email", lambda: self.string(row.get("email")))
        if table.has("in_index"):
            put("in_index", lambda: self.yes_no(row.get("in_index")))
        if table.has("consent"):
            put("consent", lambda: self.consent(row.get("consent")))
        return contact

    # --- values --------------------------------------------------------------------------------
    def string(self, cell: Cell | None) -> str | None:
        if cell is None or cell.value == "":
            return None
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime):
            value = value.date()
        raw = _unneutralised(value) if isinstance(value, str) else str(value)
        text = " ".join(raw.split())
        if text != raw:
            self.converted["spaces tidied"] += 1
        return text or None

    def text(self, row: Row, name: str):
        """A text: one value, or one per language (the same in all: one value)."""
        return self._per_language(row, name, self._paragraphs)

    def text_list(self, row: Row, name: str):
        return self._per_language(row, name, self._items)

    def _per_language(self, row: Row, name: str, read):
        every = read(row.get(name))
        present = [lang for lang in self.languages if row.get(name, lang) is not None]
        values = {lang: read(row.get(name, lang)) for lang in present}
        if row.get(name) is None and len(present) < len(self.languages):
            return Partial(values)  # no column for the other languages: the file keeps them
        values = {lang: value for lang, value in values.items() if value is not None}
        if not values:
            return every
        if every is not None:
            values = {lang: values.get(lang, every) for lang in self.languages}
        if len(values) == len(self.languages) and len({repr(v) for v in values.values()}) == 1:
            return next(iter(values.values()))
        return values

    def _paragraphs(self, cell: Cell | None) -> str | None:
        if cell is None or cell.value == "":
            return None
        raw = _unneutralised(cell.value) if isinstance(cell.value, str) else self.string(cell)
        # Windows line breaks and trailing spaces go; a line's indent stays (Markdown lists)
        text = tidy_text(raw)
        if text != raw:
            self.converted["texts tidied (line breaks, spaces)"] += 1
        return text or None

    def _items(self, cell: Cell | None) -> list[str] | None:
        """One item a line; in a cell of one line, items separated by ';'."""
        text = self._paragraphs(cell)
        if text is None:
            return None
        separator = "\n" if "\n" in str(cell.value).replace("\r", "\n") else ";"
        return [item.strip() for item in text.split(separator) if item.strip()] or None

    def integer(self, cell: Cell | None):
        value = None if cell is None else cell.value
        if value == "" or value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        text = str(value).replace(" ", "").replace("\u00a0", "").removesuffix(".0")
        return int(text) if text.isdigit() else str(value)

    def date(self, cell: Cell | None):
        value = None if cell is None else cell.value
        if value == "" or value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        if match := _CZECH_DATE.fullmatch(text):
            day, month, year = map(int, match.groups())
            try:
                day = dt.date(year, month, day)
            except ValueError:
                pass
            else:
                self.converted["Czech dates"] += 1
                return day
        self.error(cell.where, f"'{text}' is not a date; write it as 2024-12-14 or 14. 12. 2024")
        return None

    def yes_no(self, cell: Cell | None):
        if cell is None or cell.value == "":
            return None
        if isinstance(cell.value, bool):
            return cell.value
        value = self.string(cell)
        meaning = vocabulary.yes_no(value)
        if meaning is None:
            self.error(cell.where, f"'{value}' is neither yes nor no; write ano or ne")
            return None
        if value.casefold() not in ("true", "false", "yes", "no"):
            self.converted["ano/ne, x → true/false"] += 1
        return meaning

    def consent(self, cell: Cell | None):
        """Empty is no; yes/no; or a date (and how): when the person agreed."""
        if cell is None or cell.value == "":
            return False
        if isinstance(cell.value, dt.date | dt.datetime):
            return {"given": self.date(cell)}
        text = self.string(cell)
        day, _, how = text.partition(",")
        if _CZECH_DATE.fullmatch(day.strip()) or re.fullmatch(r"\d{4}-\d\d-\d\d", day.strip()):
            given = self.date(Cell(day.strip(), cell.where))
            record = {"given": given}
            if how.strip():
                record["how"] = how.strip()
            return record if given else None
        return self.yes_no(cell)

    def phone(self, cell: Cell | None, country: str):
        import phonenumbers

        raw = self.string(cell)
        if raw is None:
            return None
        digits = raw.removesuffix(".0")
        if digits.isdigit() and len(digits) > 9 and not digits.startswith("0"):
            digits = "+" + digits  # a number that lost its plus in a spreadsheet
        try:
            number = phonenumbers.parse(digits, country)
        except phonenumbers.NumberParseException:
            return raw
        if not phonenumbers.is_valid_number(number):
            return raw
        written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if written != raw:
            self.converted["phone numbers normalised"] += 1
        return written

    def region(self, cell: Cell | None, country: str):
        value = self.string(cell)
        if value is None:
            return None
        regions = vocabulary.regions_of(country)
        if value in regions:
            return value
        code = vocabulary.match_region(value, country)
        if code:
            self.converted["region names → codes"] += 1
            return code
        names = {vocabulary.fold(f"{name}"): code for code, name in regions.items()}
        close = difflib.get_close_matches(vocabulary.fold(value), names, n=1, cutoff=0.6)
        hint = f"; did you mean {names[close[0]]} {regions[names[close[0]]]}?" if close else ""
        self.error(cell.where, f"'{value}' is not a region of {country}{hint}")
        return None

    def ecosystems(self, cell: Cell | None):
        value = self._paragraphs(cell)
        if value is None:
            return None
        chosen = []
        for item in self._ecosystem_names(value):
            match = vocabulary.match_ecosystem(item)
            if match is None:
                close = difflib.get_close_matches(item, list(vocabulary.ECOSYSTEMS), n=1)
                hint = (
                    f"; did you mean {close[0]}?"
                    if close
                    else "; write an id, or the Czech or English name (docs/format.md#ecosystems)"
                )
                self.error(cell.where, f"'{item}' is not one of the 14 ecosystems{hint}")
                continue
            if match[0] != item:
                self.converted["ecosystem names → ids"] += 1
            chosen.append(match[0])
        return chosen or None

    @staticmethod
    def _ecosystem_names(value: str) -> list[str]:
        """Names split at ';' and line breaks; at ',' too, unless the piece is a name whole
        ('Energetika, suroviny' may be one ecosystem's name)."""
        names = []
        for piece in filter(None, (p.strip(" ,") for p in _ECOSYSTEM_SEPARATORS.split(value))):
            if vocabulary.match_ecosystem(piece) or "," not in piece:
                names.append(piece)
            else:
                names += [part.strip() for part in piece.split(",") if part.strip()]
        return names

    def label(self, row: Row):
        level = self.string(row.get("label_level"))
        if level is not None:
            level = level.lower()
        label = Partial()
        if row.get("label_level") is not None:
            label["level"] = level
        if row.get("label_valid_until") is not None:
            label["valid_until"] = self.date(row.get("label_valid_until"))
        if len(label) == 2:  # both columns: the label is what they say
            return {key: value for key, value in label.items() if value is not None} or None
        return label


def tidy_text(text: str) -> str:
    """Windows line breaks, trailing spaces and runs of blank lines go; a line's indent stays
    (a Markdown list). The same for a cell and for an entry file's text, so that they compare."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()


def slug(text: str) -> str:
    """'Čeští klastři' → 'cesti-klastri': lower-case ASCII words joined by -."""
    ascii_words = vocabulary.fold(text, fillers=True).encode("ascii", "ignore").decode().split()
    return "-".join(ascii_words)[:60].strip("-")


def _unneutralised(text: str) -> str:
    """A cell we neutralised on export ('=…) reads back as it was."""
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text


def _first_text(value) -> str | None:
    return next(iter(_texts(value)), None)


def _texts(value) -> list[str]:
    """The texts of a field, in every language given."""
    values = value.values() if isinstance(value, dict) else [value]
    return [text for text in values if isinstance(text, str) and text]


def _first_cell(row: Row, name: str) -> Cell | None:
    return next((cell for column, cell in row.cells.items() if column.field == name), None)
