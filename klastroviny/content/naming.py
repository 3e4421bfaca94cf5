"""Entries as people name them on the command line (`--entries`): by id, short name or name
(with or without its legal form), accents and case ignored, or by a part of a name that only
one has. What `contacts`, `proofs`, `approve` and `extract` share."""

from __future__ import annotations

import difflib
import re

from klastroviny.content import vocabulary
from klastroviny.content.model import Entry, Issue
from klastroviny.errors import KlastrovinyError

# What may follow a comma in a cluster's name: `--entries "Klastr X, z. s., clutex"` is two.
_LEGAL_FORM = re.compile(
    r"(z\.? ?s|z\.? ?ú|o\.? ?p\.? ?s|s\.? ?r\.? ?o|a\.? ?s|družstvo|spolek)\.?"
)


def split_names(value: str) -> list[str]:
    """The names in an --entries value: separated by ';', else by ',' (a legal form after a
    comma stays with its name)."""
    if ";" in value:
        return [part.strip() for part in value.split(";") if part.strip()]
    names: list[str] = []
    for part in (part.strip() for part in value.split(",")):
        if names and _LEGAL_FORM.fullmatch(part.casefold()):
            names[-1] = f"{names[-1]}, {part}"
        elif part:
            names.append(part)
    return names


def named_entries(issue: Issue, names: list[str]) -> list[Entry]:
    """The entries named, each once, in the order named; an unknown name is an error that
    lists the closest."""
    keys: dict[str, Entry] = {}
    for entry in issue.entries:
        for text in (entry.id, *_texts(entry)):
            keys.setdefault(vocabulary.fold(text, fillers=True), entry)
    chosen: list[Entry] = []
    problems = []
    for name in names:
        wanted = vocabulary.fold(name, fillers=True)
        found = _matching(keys, wanted)
        if len(found) == 1:
            if found[0] not in chosen:
                chosen.append(found[0])
        elif found:
            problems.append(f"'{name}' is in the names of {', '.join(e.id for e in found)}: "
                            "give more of the name, or the id")  # fmt: skip
        else:
            close = difflib.get_close_matches(wanted, keys, n=3)
            near = ", ".join(dict.fromkeys(keys[key].id for key in close))
            problems.append(f"no entry '{name}'" + (f"; the closest: {near}" if near else ""))
    if problems:
        raise KlastrovinyError("usage", "--entries: " + "; ".join(problems))
    if not chosen:
        raise KlastrovinyError("usage", "--entries names no entry; give ids like clutex,plastr")
    return chosen


def _matching(keys: dict[str, Entry], wanted: str) -> list[Entry]:
    """The entry of that name; else the entries whose names hold it ('nabytkaru')."""
    if wanted in keys:
        return [keys[wanted]]
    holding = {entry.id: entry for key, entry in keys.items() if wanted and wanted in key}
    return list(holding.values())


def _texts(entry: Entry) -> tuple[str, ...]:
    """Its names and short names, and the names without their legal form (', z. s.')."""
    names = entry.name.all_strings()
    short = entry.short_name.all_strings() if entry.short_name else ()
    return names + short + tuple(name.rsplit(",", 1)[0] for name in names if "," in name)
