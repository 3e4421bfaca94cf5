"""`klastroviny import`: the workbook into entries/<id>.yaml, all or nothing.

1. read the tables (tables.py) and convert every row (convert.py);
2. plan each entry file's new content (entries.py);
3. check the issue as it would be, with the entry files' own checks (`load_issue` with the
   planned contents), naming the cell behind each problem;
4. refuse files edited by hand since the last import, unless forced;
5. only then write, each file atomically, and record what was written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from klastroviny.content import vocabulary
from klastroviny.content.issue_file import load_issue, read_head
from klastroviny.errors import KlastrovinyError, Location, Problem, Report, Severity
from klastroviny.workbook import entries
from klastroviny.workbook.columns import CLUSTERS, CONTACTS
from klastroviny.workbook.convert import Converter, Draft
from klastroviny.workbook.entries import EntryChange
from klastroviny.workbook.tables import Cell, TableError, read_tables
from klastroviny.write import write_atomically


@dataclass
class ImportResult:
    changes: list[EntryChange]  # one per cluster of the workbook, in its order
    not_in_table: list[str]  # entries of the issue that the workbook does not list
    converted: Counter[str]
    counts: dict[str, int]  # rows read per table
    report: Report  # warnings
    written: bool
    edited_by_hand: list[str]  # ids whose files the import refuses without --force


def import_workbook(
    issue_dir: Path, table: Path, dry_run: bool = False, force: bool = False
) -> ImportResult:
    issue_dir = Path(issue_dir)
    head, report = read_head(issue_dir)
    if head is None:
        raise KlastrovinyError("import", "issue.yaml has errors; fix them first", report)
    languages = head["languages"]
    try:
        tables = read_tables(table, languages, report)
    except TableError as error:
        raise KlastrovinyError("import", str(error)) from None
    entries_dir = issue_dir / "entries"
    existing = {path.stem for path in entries_dir.glob("*.yaml")}
    converter = Converter(languages, report)
    names = _entry_names(entries_dir) if _rows_without_id(tables[CLUSTERS]) else {}
    drafts = converter.drafts(tables, existing, names)
    changes = []
    for draft in drafts:
        try:
            changes.append(entries.plan_change(draft, entries_dir / f"{draft.id}.yaml", languages))
        except entries.UnreadableEntry as unreadable:
            report.error(
                Location(unreadable.args[0]),
                "",
                "the table updates this entry, but the file is not valid YAML; "
                "`klastroviny check` tells what to fix",
            )
    _check_as_written(issue_dir, drafts, changes, report)
    _stop_on_errors(report)
    state = entries.read_state(entries_dir)
    hand_edited = [c for c in changes if c.changed and entries.edited_by_hand(c, state)]
    if not force and not dry_run:
        _refuse_hand_edits(hand_edited, state, report)
        _stop_on_errors(report)
    counts = {kind: len(tables[kind].rows) for kind in (CLUSTERS, CONTACTS) if kind in tables}
    listed = {draft.id for draft in drafts}
    result = ImportResult(
        changes,
        sorted(existing - listed),
        converter.converted,
        counts,
        report,
        False,
        [] if force else [change.id for change in hand_edited],
    )
    if not dry_run:
        _write(entries_dir, changes, state)
        result.written = True
    return result


def _stop_on_errors(report: Report) -> None:
    if report.errors:
        raise KlastrovinyError(
            "import", "nothing was written: fix the table and import again", report
        )


def _rows_without_id(table) -> bool:
    return any(not str((row.get("id") or Cell("", row.where)).value).strip() for row in table.rows)


def _entry_names(entries_dir: Path) -> dict[str, str]:
    """Folded name or short name → id of the issue's entries: a row without an id that names
    an entry updates it (instead of making a second one)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    names: dict[str, str] = {}
    for path in sorted(entries_dir.glob("*.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        for key in ("short_name", "name"):
            texts = data.get(key)
            for text in texts.values() if isinstance(texts, dict) else [texts]:
                if isinstance(text, str):
                    names.setdefault(vocabulary.fold(text, fillers=True), path.stem)
    return names


def _check_as_written(issue_dir: Path, drafts: list[Draft], changes, report: Report) -> None:
    """The entry files' own checks on what would be written; problems named by their cell.
    A problem the change makes in another file (a name now given twice) is the import's too."""
    planned = {change.id: change.new for change in changes if change.changed}
    if not planned:
        return
    _, checked = load_issue(issue_dir, drafts=planned)
    by_path = {(issue_dir / "entries" / f"{draft.id}.yaml").resolve(): draft for draft in drafts}
    elsewhere = []
    for problem in checked.problems:
        draft = by_path.get(Path(problem.location.file).resolve())
        if draft is not None and draft.id in planned:
            if not _reported(problem, draft):
                report.problems.append(_at_cell(problem, draft))
        elif problem.location.file.name == "issue.yaml":
            report.problems.append(problem)
        elif problem.severity is Severity.ERROR:
            elsewhere.append(problem)
    if elsewhere:
        _, before = load_issue(issue_dir)
        known = {(str(p.location.file), p.field, p.message) for p in before.problems}
        report.problems += [
            p for p in elsewhere if (str(p.location.file), p.field, p.message) not in known
        ]


def _reported(problem: Problem, draft: Draft) -> bool:
    """Is this a consequence of a cell the conversion already reported (a region it could not
    convert is then also missing)?"""
    return any(
        problem.field == failed or problem.field.startswith((f"{failed}.", f"{failed}["))
        for failed in draft.failed
    )


def _at_cell(problem: Problem, draft: Draft) -> Problem:
    """A problem in a planned entry file, placed at the cell its field came from."""
    field = problem.field
    while field not in draft.places:
        shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", field)  # contacts[0].role.en → …role
        if shorter == field:
            break
        field = shorter
    where: Location = draft.places.get(field, draft.row.where)
    return Problem(problem.severity, where, problem.field, problem.message)


def _refuse_hand_edits(changes: list[EntryChange], state: dict[str, str], report: Report) -> None:
    for change in changes:
        since = (
            "edited since the last import or export"
            if change.id in state
            else "made by hand (no import or export has seen it)"
        )
        report.error(
            Location(change.path),
            "",
            f"{since}, and the table changes it ({', '.join(change.changes)}); copy your edit "
            "into the table, or import with --force to let the table's values win (comments "
            "and the fields the table does not change stay)",
        )


def _write(entries_dir: Path, changes: list[EntryChange], state: dict[str, str]) -> None:
    new_state = dict(state)
    for change in changes:
        if change.changed:
            write_atomically(change.path, change.new)
        new_state[change.id] = entries.digest(change.new)
    if new_state != state:
        write_atomically(entries_dir / entries.STATE_FILE, entries.state_bytes(new_state))
