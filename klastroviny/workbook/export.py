"""`klastroviny export`: the issue as the workbook (docs/spreadsheets.md), an .xlsx file or the
two CSV files in a folder. Importing it again changes nothing: each cell holds what the entry
file says, the same text in every language column when the file has one for all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import yaml

from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Issue
from klastroviny.errors import KlastrovinyError
from klastroviny.text.collation import ordered_entries
from klastroviny.workbook import columns, entries
from klastroviny.workbook.cells import neutralised, reproducible_xlsx
from klastroviny.workbook.columns import CLUSTERS, CONTACTS
from klastroviny.write import write_atomically

Grid = list[list[object]]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 1,000 entries in 0.6 s


def export_workbook(issue_dir: Path, target: Path) -> list[Path]:
    """Write the workbook to `target` (.xlsx, .csv folder); the paths written."""
    issue, report = load_issue(issue_dir)
    if issue is None:
        raise KlastrovinyError("export", "the issue has errors; fix them first", report)
    grids = workbook_grids(issue)
    if target.suffix.lower() == ".xlsx":
        written = [target]
        write_atomically(target, _xlsx(grids, issue.date))
    elif target.suffix:
        raise KlastrovinyError(
            "export", f"{target}: give an .xlsx file or a folder (for clusters.csv, contacts.csv)"
        )
    else:
        written = [target / f"{kind}.csv" for kind in grids]
        for path, grid in zip(written, grids.values(), strict=True):
            write_atomically(path, csv_bytes(grid))
    _record_agreement(issue)
    return written


def _record_agreement(issue: Issue) -> None:
    """The exported table and the entry files now agree: an import of the edited table may
    update each file that no import has written yet. A file edited by hand since the last import
    stays unrecorded: the office's own table may still hold the old values, and the guard must
    still stop its import (see entries.py)."""
    entries_dir = issue.root / "entries"
    state = entries.read_state(entries_dir)
    recorded = dict(state)
    for entry in issue.entries:
        if entry.id not in state:
            recorded[entry.id] = entries.digest(entry.source.read_bytes())
    if recorded != state:
        write_atomically(entries_dir / entries.STATE_FILE, entries.state_bytes(recorded))


def workbook_grids(issue: Issue) -> dict[str, Grid]:
    """The two sheets, header row first, clusters in the bulletin's order."""
    languages = issue.languages
    clusters = [columns.headers(CLUSTERS, languages)]
    contacts = [columns.headers(CONTACTS, languages)]
    for entry in ordered_entries(issue, languages[0]):
        data = yaml.load(entry.source.read_text(encoding="utf-8-sig"), Loader=_LOADER)
        clusters.append(_cluster_row(entry.id, data, languages))
        for person in data.get("contacts") or ():
            contacts.append(_contact_row(entry.id, person, languages))
    return {CLUSTERS: clusters, CONTACTS: contacts}


def _cluster_row(ident: str, data: dict, languages) -> list[object]:
    label = data.get("label") or {}
    values = {
        "id": ident,
        "ecosystems": "; ".join(data.get("ecosystems") or ()),
        "label_level": label.get("level"),
        "label_valid_until": label.get("valid_until"),
    }
    row: list[object] = []
    for name in columns.CLUSTER_COLUMNS:
        if name in columns.LANGUAGE_FIELDS[CLUSTERS]:
            row += [_in_language(data.get(name), lang) for lang in languages]
        else:
            row.append(_cell(values[name] if name in values else data.get(name)))
    return row


def _contact_row(ident: str, person: dict, languages) -> list[object]:
    row: list[object] = []
    for name in columns.CONTACT_COLUMNS:
        if name == "cluster_id":
            row.append(ident)
        elif name in columns.LANGUAGE_FIELDS[CONTACTS]:
            row += [_in_language(person.get(name), lang) for lang in languages]
        elif name == "consent":
            row.append(_consent(person.get("consent")))
        else:
            row.append(_cell(person.get(name)))
    return row


def _in_language(value, lang: str):
    if isinstance(value, dict):
        value = value.get(lang)
    return _cell(value)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        items = [str(item) for item in value]
        # one item a line; a line break after a lone item that has a ';' keeps it one item
        return neutralised("\n".join(items) + ("\n" if len(items) == 1 and ";" in items[0] else ""))
    if isinstance(value, str):
        return neutralised(value.strip())
    return value


def _consent(value) -> str:
    if isinstance(value, dict):
        given = value.get("given")
        how = value.get("how")
        return f"{given}, {how}" if how else f"{given}"
    return _cell(value)


def _xlsx(grids: dict[str, Grid], day: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind, grid in grids.items():
        sheet = workbook.create_sheet(kind)
        for row in grid:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
        for column in sheet.columns:
            width = max(len(str(cell.value or "").split("\n", 1)[0]) for cell in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8) + 2, 60)
            for cell in column[1:]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return reproducible_xlsx(workbook, day)


def csv_bytes(grid: Grid) -> bytes:
    """UTF-8 with a BOM (so that Excel reads the accents), comma-separated, CRLF."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    for row in grid:
        writer.writerow("" if value is None else value for value in row)
    return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")
