"""Entries named as people at the stand name them: by id, short name or name, accents and case
ignored."""

from __future__ import annotations

import difflib

from klastroviny.content import vocabulary
from klastroviny.content.model import Entry, Issue
from klastroviny.errors import KlastrovinyError


def chosen_entries(issue: Issue, names: list[str]) -> list[Entry]:
    """The entries named, in the order given (each once); an unknown name is an error that
    lists the closest."""
    keys: dict[str, Entry] = {}
    for entry in issue.entries:
        for text in (entry.id, *_texts(entry)):
            keys.setdefault(vocabulary.fold(text, fillers=True), entry)
    chosen: list[Entry] = []
    problems = []
    for name in names:
        entry = _find(keys, vocabulary.fold(name, fillers=True))
        if entry is None:
            close = difflib.get_close_matches(vocabulary.fold(name, fillers=True), keys, n=3)
            near = ", ".join(dict.fromkeys(keys[key].id for key in close))
            problems.append(f"no cluster '{name}'" + (f"; the closest: {near}" if near else ""))
        elif entry not in chosen:
            chosen.append(entry)
    if problems:
        raise KlastrovinyError("usage", "; ".join(problems))
    if not chosen:
        raise KlastrovinyError("usage", "name the clusters with --entries ID,ID (or their names)")
    return chosen


def _find(keys: dict[str, Entry], wanted: str) -> Entry | None:
    """The entry of that name; else the one entry whose name holds it ('nabytkaru')."""
    if wanted in keys:
        return keys[wanted]
    holding = {entry.id: entry for key, entry in keys.items() if wanted and wanted in key}
    return next(iter(holding.values())) if len(holding) == 1 else None


def _texts(entry: Entry) -> tuple[str, ...]:
    """Its names and short names, and the names without their legal form (', z. s.')."""
    names = entry.name.all_strings()
    short = entry.short_name.all_strings() if entry.short_name else ()
    return names + short + tuple(name.rsplit(",", 1)[0] for name in names if "," in name)
