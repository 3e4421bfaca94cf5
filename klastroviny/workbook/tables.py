"""Reading the workbook: an .xlsx, .xls or .ods file (python-calamine), a `clusters.csv`, or a
folder with `clusters.csv` and `contacts.csv`, into Tables of Cells that know their place
(`clusters.xlsx:clusters!G7`, `clusters.csv:7`).

What a hostile or broken file can cost is bounded before it is parsed: the file's size, what
its zip would unpack to, the rows, the columns and the characters of a cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from klastroviny.content import vocabulary
from klastroviny.content.reader import MAX_TEXT_CHARS, did_you_mean
from klastroviny.errors import Location, Report
from klastroviny.workbook import columns
from klastroviny.workbook.columns import CLUSTERS, CONTACTS, Column

MAX_FILE_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 200_000_000  # a zip bomb unpacks to far more
MAX_ROWS = 5_000  # clusters or contacts: an issue has tens
MAX_COLUMNS = 200
MAX_CELL_CHARS = MAX_TEXT_CHARS
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
ERROR_VALUES = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}


@dataclass(frozen=True)
class Cell:
    value: object  # str, int, float, bool, date or datetime; "" when empty
    where: Location


@dataclass
class Row:
    where: Location  # the row's first cell
    cells: dict[Column, Cell] = field(default_factory=dict)

    def get(self, name: str, lang: str | None = None) -> Cell | None:
        return self.cells.get(Column(name, lang))


@dataclass
class Table:
    kind: str  # clusters | contacts
    source: Path
    columns: tuple[Column, ...]
    rows: list[Row]

    def has(self, name: str) -> bool:
        """Does the table speak about this field (a column, in any language)?"""
        return any(column.field == name for column in self.columns)


class TableError(Exception):
    """The whole file cannot be read; the message says why and what to do."""


def read_tables(path: Path, languages: tuple[str, ...], report: Report) -> dict[str, Table]:
    """The tables of the workbook at `path`, by kind; problems of headers and cells go into the
    report, a file that cannot be read at all raises TableError."""
    path = Path(path)
    if path.is_dir():
        return _read_csv_folder(path, languages, report)
    if not path.is_file():
        raise TableError(f"{path}: no such file; give an .xlsx, .ods or .csv file or a folder")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if columns.sheet_kind(path.stem) == CONTACTS:
            raise TableError(
                f"{path}: contacts alone cannot be imported; give the folder that holds "
                "clusters.csv and contacts.csv"
            )
        return {CLUSTERS: _read_csv(path, CLUSTERS, languages, report)}
    if suffix in SPREADSHEETS:
        return _read_spreadsheet(path, languages, report)
    raise TableError(f"{path}: not a spreadsheet; give an .xlsx, .xls, .ods or .csv file")


# --- spreadsheets ------------------------------------------------------------------------------
def _read_spreadsheet(path: Path, languages, report: Report) -> dict[str, Table]:
    import python_calamine

    _check_size(path)
    if path.suffix.lower() != ".xls":
        _check_zip(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        kinds: dict[str, str] = {}
        for name in names:
            kind = columns.sheet_kind(name)
            if kind in kinds:
                raise TableError(
                    f"{path}: sheets '{kinds[kind]}' and '{name}' are both the {kind} sheet; "
                    "rename or delete one"
                )
            if kind is not None:
                kinds[kind] = name
        if CLUSTERS not in kinds:
            raise TableError(
                f"{path}: no sheet named 'clusters' (or 'klastry'); its sheets are "
                f"{', '.join(names)}: rename the clusters' sheet"
            )
        tables = {}
        for kind, name in kinds.items():
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS + 1 or sheet.width > MAX_COLUMNS:
                raise TableError(
                    f"{path}: sheet {name} has {sheet.height:,} rows and {sheet.width} columns; "
                    f"at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns are read"
                )
            grid = sheet.to_python(skip_empty_area=False)
            tables[kind] = _table(kind, path, grid, languages, report, sheet=name)
            for ref, message in _lost_values(path, name):
                report.error(Location(path, cell=f"{name}!{ref}"), "", message)
        return tables
    except python_calamine.CalamineError as error:
        raise TableError(f"{path}: cannot be read as a spreadsheet ({error})") from None
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise TableError(f"{path}: cannot be read as a spreadsheet ({error})") from None


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TableError(
            f"{path}: {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}; "
            "a workbook of clusters is far smaller: is it the right file?"
        )


def _check_zip(path: Path) -> None:
    """xlsx and ods are zip files: refuse one that would unpack to too much (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise TableError(
            f"{path}: not a valid {path.suffix} file (it is not a zip archive); "
            "save it again from the spreadsheet program"
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableError(
            f"{path}: would unpack to {unpacked:,} bytes (more than {MAX_UNPACKED_BYTES:,}); "
            "it is not a workbook of clusters"
        )


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _lost_values(path: Path, sheet_name: str) -> list[tuple[str, str]]:
    """(cell, message) for the cells whose value calamine reads as empty although they are not:
    a formula with no saved value (a formula is never evaluated here), or an error (#N/A)."""
    from xml.etree import ElementTree

    suffix = path.suffix.lower()
    try:
        with zipfile.ZipFile(path) as archive:
            if suffix in (".xlsx", ".xlsm"):
                return _xlsx_lost_values(archive, sheet_name)
            if suffix == ".ods":
                return _ods_lost_values(archive, sheet_name)
    except (KeyError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile):
        pass  # calamine read the file: its structure is not ours to judge
    return []  # an .xls file: calamine reads its saved values and errors as they are


def _xlsx_lost_values(archive: zipfile.ZipFile, sheet_name: str) -> list[tuple[str, str]]:
    from xml.etree import ElementTree

    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    sheet = next(s for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet_name)
    target = targets[sheet.get(f"{_RELS}id")].lstrip("/").removeprefix("xl/")
    found = []
    with archive.open(f"xl/{target}") as xml:
        for _, cell in ElementTree.iterparse(xml):
            if cell.tag != f"{_MAIN}c":
                continue
            formula, value = cell.find(f"{_MAIN}f"), cell.find(f"{_MAIN}v")
            saved = value is not None and (value.text or cell.get("t") == "str")  # "" is saved
            if cell.get("t") == "e":
                found.append((cell.get("r"), _error_message(None if value is None else value.text)))
            elif formula is not None and not saved:
                found.append((cell.get("r"), _unsaved_message(formula.text or "")))
            cell.clear()
    return found


def _ods_lost_values(archive: zipfile.ZipFile, sheet_name: str) -> list[tuple[str, str]]:
    """The error cells of an OpenDocument sheet (calamine reads them as empty or 0)."""
    from xml.etree import ElementTree

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    calc_ext = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
    found, inside, row, col = [], False, 0, 0
    with archive.open("content.xml") as xml:
        for event, element in ElementTree.iterparse(xml, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "table":
                    inside, row = element.get(f"{{{table_ns}}}name") == sheet_name, 0
                elif tag == "table-row":
                    col = 0
            elif tag == "table":
                inside = False
            elif tag == "table-row":
                row += int(element.get(f"{{{table_ns}}}number-rows-repeated", 1))
                element.clear()
            elif inside and tag in ("table-cell", "covered-table-cell"):
                text = "".join(element.itertext()).strip()
                error = element.get(f"{{{calc_ext}}}value-type") == "error" or (
                    element.get(f"{{{table_ns}}}formula") and _is_error(text)
                )
                if error:
                    found.append((f"{_letters(col)}{row + 1}", _error_message(text)))
                col += int(element.get(f"{{{table_ns}}}number-columns-repeated", 1))
    return found


def _is_error(text: str) -> bool:
    return text in ERROR_VALUES or text.startswith("Err:")


def _error_message(value: str | None) -> str:
    return f"the cell holds the error {value or '#?'}; fix its formula or type the value"


def _unsaved_message(formula: str) -> str:
    return (
        f"a formula with no saved value (={_clip(formula)}); open the file in the spreadsheet "
        "program and save it, or type the value"
    )


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- CSV -------------------------------------------------------------------------------------
def _read_csv_folder(folder: Path, languages, report: Report) -> dict[str, Table]:
    paths: dict[str | None, Path] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv"):
        kind = columns.sheet_kind(path.stem)
        if kind in paths:
            raise TableError(
                f"{folder}: {paths[kind].name} and {path.name} are both the {kind} table; "
                "rename or delete one"
            )
        paths[kind] = path
    if CLUSTERS not in paths:
        raise TableError(f"{folder}: no clusters.csv (or klastry.csv) in the folder")
    return {
        kind: _read_csv(paths[kind], kind, languages, report)
        for kind in (CLUSTERS, CONTACTS)
        if kind in paths
    }


def _read_csv(path: Path, kind: str, languages, report: Report) -> Table:
    _check_size(path)
    text = _decode_csv(path, path.read_bytes(), report)
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    old_limit = csv.field_size_limit(MAX_CELL_CHARS + 1)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        grid, lines, start = [], [], 1
        for record in reader:
            if len(grid) > MAX_ROWS:
                raise TableError(
                    f"{path}: more than {MAX_ROWS:,} rows; it is not a table of an issue"
                )
            if len(record) > MAX_COLUMNS:
                raise TableError(
                    f"{path}:{start}: {len(record)} columns; at most {MAX_COLUMNS} are read"
                )
            grid.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        line = reader.line_num
        raise TableError(
            f"{path}:{line}: not a readable CSV file ({error}); a cell of more than "
            f"{MAX_CELL_CHARS:,} characters or an unclosed quote?"
        ) from None
    finally:
        csv.field_size_limit(old_limit)
    return _table(kind, path, grid, languages, report, lines=lines)


def _decode_csv(path: Path, data: bytes, report: Report) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        report.warning(
            Location(path),
            "",
            "the file is not UTF-8; it was read as Windows-1250 (Czech "
            "Windows): check the accents, or save it as CSV UTF-8",
        )
        return data.decode("cp1250", errors="replace")


# --- the table ---------------------------------------------------------------------------------
def _table(kind, path, grid, languages, report, sheet=None, lines=None) -> Table:
    """A table from a grid of values: the first non-empty row is the header."""

    def where(row: int, col: int) -> Location:
        if sheet is None:
            return Location(path, lines[row], col + 1, cell=str(lines[row]))
        return Location(path, row + 1, col + 1, cell=f"{sheet}!{_letters(col)}{row + 1}")

    first = next((i for i, row in enumerate(grid) if any(_text(v) for v in row)), None)
    if first is None:
        report.error(Location(path, cell=sheet or ""), "", f"the {kind} table is empty")
        return Table(kind, path, (), [])
    header = _header(kind, grid[first], languages, where, first, report)
    rows = []
    for index in range(first + 1, len(grid)):
        values = grid[index]
        if not any(_text(v) for v in values):
            continue
        row = Row(where(index, 0))
        for col, column in header.items():
            value = values[col] if col < len(values) else ""
            row.cells[column] = Cell(
                _cell_value(value, where(index, col), report), where(index, col)
            )
        rows.append(row)
    if kind == CLUSTERS and not rows:
        report.error(where(first, 0), "", "the clusters table has headers but no rows to import")
    return Table(kind, path, tuple(header.values()), rows)


def _header(kind, names, languages, where, row, report) -> dict[int, Column]:
    known = columns.known_headers(kind, languages)
    header: dict[int, Column] = {}
    seen: dict[Column, int] = {}
    for col, name in enumerate(names):
        name = _text(name).strip()
        if not name:
            continue
        column = known.get(vocabulary.fold(name, fillers=True))
        if column is None:
            other = _other_language(kind, name)
            hint = (
                other
                or did_you_mean(vocabulary.fold(name, fillers=True), known)
                or (f"; the columns are: {', '.join(columns.headers(kind, languages))}")
            )
            report.error(where(row, col), "", f"unknown column '{name}'{hint}")
        elif column in seen:
            report.error(where(row, col), "", f"column '{name}' is given twice")
        else:
            header[col] = seen[column] = column
    return header


def _other_language(kind: str, name: str) -> str:
    for lang in vocabulary.EDITION_LANGUAGES:
        if columns.known_headers(kind, (lang,)).get(vocabulary.fold(name, fillers=True)):
            return (
                f"; '{lang}' is not an edition of this issue: add it to `languages` in "
                "issue.yaml, or delete the column"
            )
    return ""


def _cell_value(value, where: Location, report: Report):
    if isinstance(value, str):
        if _is_error(value):
            report.error(where, "", _error_message(value))
            return ""
        if len(value) > MAX_CELL_CHARS:
            report.error(
                where, "", f"{len(value):,} characters; at most {MAX_CELL_CHARS:,} are read"
            )
            return ""
        return value.strip("\ufeff")
    if value is None:
        return ""
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


def _text(value) -> str:
    return "" if value is None else str(value)


def _letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
