"""Stage 2, model: `load_issue` turns an issue folder into the immutable Issue, collecting every
problem. This module reads issue.yaml (ISSUE_FIELDS: languages, layout, order; the imprint: and
print: sections in print_details.py), loops over the entry files (entry_file.py) and checks
across entries: unique names, manual_order.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from yaml.nodes import Node

from klastroviny.content import vocabulary
from klastroviny.content.entry_file import load_entry, read_email
from klastroviny.content.load import Document, entry_files, read_document, unreadable
from klastroviny.content.model import Entry, Imprint, Issue
from klastroviny.content.print_details import read_imprint, read_print_order
from klastroviny.content.reader import MAX_TEXT_CHARS, Reader, did_you_mean
from klastroviny.errors import Location, Report
from klastroviny.resources import layout_names
from klastroviny.text import markup

ISSUE_FIELDS = {
    "title": True,
    "subtitle": False,
    "number": False,
    "date": True,
    "event": False,
    "publisher": True,
    "languages": False,
    "layout": False,
    "foreword": False,
    "order": False,
    "manual_order": False,
    "proof_from": False,
    "proof_deadline": False,
    "require_approval": False,
    "imprint": False,
    "print": False,
}
DEFAULT_LAYOUT = "a5-booklet"


def load_issue(
    issue_dir: Path, cache: Path | None = None, drafts: Mapping[str, bytes] | None = None
) -> tuple[Issue | None, Report]:
    """Read and validate a whole issue folder. The Issue is None when any error was found.
    With a cache folder, entries whose file (and logo) did not change are not read again.
    `drafts` (entry id → file content) validates the issue as it would be with those entry
    files written (the import checks what it would write, before it writes anything)."""
    report = Report()
    issue_dir = Path(issue_dir)
    issue_path = issue_dir / "issue.yaml"
    try:
        if not issue_dir.is_dir():
            report.error(Location(issue_dir), "", "no such issue folder")
            return None, report
        if not issue_path.is_file():
            report.error(Location(issue_path), "", "the issue folder has no issue.yaml")
            return None, report
    except OSError as error:
        report.error(Location(issue_dir), "", unreadable(error, "folder"))
        return None, report
    root = issue_dir.resolve()
    issue_doc = read_document(issue_path, report)
    head = _read_issue_head(issue_doc, report) if issue_doc else None
    paths = entry_files(issue_dir / "entries", report)
    data = {issue_dir / "entries" / f"{ident}.yaml": text for ident, text in (drafts or {}).items()}
    paths = sorted(set(paths) | set(data))
    entries = _load_entries(paths, root, head, report, cache, data)
    if head is not None:
        # every well-named file, so that a broken entry is not also "missing" from manual_order
        _check_order(head, [path.stem for path in paths], issue_doc, report)
    if not entries and not report.errors:
        report.error(Location(issue_dir / "entries"), "", "the issue has no entries")
    if report.errors or head is None:
        return None, report
    issue = Issue(
        slug=issue_dir.resolve().name,
        root=root,
        entries=tuple(entries),
        **{key: value for key, value in head.items() if key not in ("nodes",)},
    )
    return issue, report


def read_head(issue_dir: Path) -> tuple[dict | None, Report]:
    """issue.yaml's fields (languages, date, …) without the entries; None on an error."""
    report = Report()
    path = Path(issue_dir) / "issue.yaml"
    if not path.is_file():
        report.error(Location(path), "", "no issue.yaml: make the issue with `klastroviny new`")
        return None, report
    document = read_document(path, report)
    head = _read_issue_head(document, report) if document else None
    return (None if report.errors else head), report


def _load_entries(
    paths: list[Path],
    root: Path,
    head: dict | None,
    report: Report,
    cache: Path | None,
    drafts: dict[Path, bytes],
) -> list[Entry]:
    """Every entry that reads without errors, in file order, then the check across them."""
    languages = head["languages"] if head else None
    issue_date = head["date"] if head and head["date"] else None
    # what else an entry's reading depends on: part of its cache key
    context = repr((str(root), languages, issue_date))
    entries = []
    name_locations = {}
    for path in paths:
        entry, name_location = load_entry(
            path, root, languages, issue_date, report, cache, context, drafts.get(path)
        )
        if entry is not None:
            entries.append(entry)
            name_locations[entry.id] = name_location
    _check_unique_names(entries, name_locations, report)
    return entries


def _read_issue_head(document: Document, report: Report) -> dict | None:
    probe = Reader(document.path, report, ("cs",))
    fields = probe.mapping(document.root, "", ISSUE_FIELDS)
    if fields is None:
        return None
    languages = ("cs",)
    if "languages" in fields:
        languages = _read_languages(probe, fields["languages"]) or languages
    r = Reader(document.path, report, languages)
    text = r.text
    layout = DEFAULT_LAYOUT
    if "layout" in fields:
        layout = r.choice(fields["layout"], "layout", layout_names(), "a layout under layouts/")
    head = {
        "title": text(fields["title"], "title") if "title" in fields else None,
        "subtitle": text(fields["subtitle"], "subtitle") if "subtitle" in fields else None,
        "number": r.integer(fields["number"], "number", 1) if "number" in fields else None,
        "date": r.date(fields["date"], "date") if "date" in fields else None,
        "event": text(fields["event"], "event") if "event" in fields else None,
        "publisher": text(fields["publisher"], "publisher") if "publisher" in fields else None,
        "languages": languages,
        "layout": layout,
        "foreword": text(fields["foreword"], "foreword", MAX_TEXT_CHARS, markup.link_problems)
        if "foreword" in fields
        else None,
        "order": r.choice(fields["order"], "order", ("name", "manual"), "name or manual")
        if "order" in fields
        else "name",
        "manual_order": (),
        "proof_from": read_email(r, fields["proof_from"], "proof_from")
        if "proof_from" in fields
        else None,
        "proof_deadline": r.date(fields["proof_deadline"], "proof_deadline")
        if "proof_deadline" in fields
        else None,
        "require_approval": bool(r.boolean(fields["require_approval"], "require_approval"))
        if "require_approval" in fields
        else False,
        "nodes": fields,
    }
    head["imprint"] = (
        read_imprint(r, fields["imprint"], head["number"]) if "imprint" in fields else Imprint()
    )
    head["print_order"] = (
        read_print_order(r, fields["print"], languages, head["date"]) if "print" in fields else None
    )
    return head


def _read_languages(r: Reader, node: Node) -> tuple[str, ...] | None:
    langs = []
    for index, item in enumerate(r.sequence(node, "languages")):
        lang = r.choice(
            item,
            f"languages[{index}]",
            vocabulary.EDITION_LANGUAGES,
            "a language the layouts are written in",
        )
        if lang in langs:
            r.error(item, f"languages[{index}]", f"'{lang}' is listed twice")
        elif lang:
            langs.append(lang)
    return tuple(langs) or None


def _check_order(head: dict, entry_ids: list[str], document: Document, report: Report) -> None:
    nodes = head.pop("nodes")
    r = Reader(document.path, report, head["languages"])
    node = nodes.get("manual_order")
    if head["order"] != "manual":
        if node is not None:
            r.warning(node, "manual_order", "ignored, because order is not 'manual'")
        return
    if node is None:
        r.error(
            document.root,
            "manual_order",
            "missing; 'order: manual' needs the list of entry ids in printed order",
        )
        return
    listed: list[str] = []
    for index, item in enumerate(r.sequence(node, "manual_order", max_items=100_000)):
        entry_id = r.string(item, f"manual_order[{index}]")
        if entry_id is None:
            continue
        if entry_id in listed:
            r.error(item, f"manual_order[{index}]", f"'{entry_id}' is listed twice")
        elif entry_id not in entry_ids:
            r.error(
                item,
                f"manual_order[{index}]",
                f"no entry '{entry_id}' in entries/" + did_you_mean(entry_id, entry_ids),
            )
        else:
            listed.append(entry_id)
    missing = [entry_id for entry_id in entry_ids if entry_id not in listed]
    if missing:
        r.error(
            node,
            "manual_order",
            f"does not list {', '.join(missing)}; list every entry exactly once",
        )
    head["manual_order"] = tuple(listed)


def _check_unique_names(
    entries: list[Entry], name_locations: dict[str, dict[str, Location]], report: Report
) -> None:
    """Names, and short names (the indexes and running heads list them), unique."""
    for field in ("name", "short_name"):
        seen: dict[str, Entry] = {}
        for entry in entries:
            text = getattr(entry, field)
            for name in sorted(set(text.all_strings())) if text else ():
                key = " ".join(name.casefold().split())
                other = seen.get(key)
                if other is not None and other is not entry:
                    report.error(
                        name_locations[entry.id][field],
                        field,
                        f"'{name}' is also the {field.replace('_', ' ')} of "
                        f"{other.source.name}; {field.replace('_', ' ')}s must be unique",
                    )
                seen.setdefault(key, entry)
