"""Alphabetical order as readers expect it: Czech (ČSN 97 6030) or English, through ICU.

ICU's Czech tailoring sorts č, ř, š, ž as letters of their own and "ch" after "h"; numeric
collation puts "Klastr 2" before "Klastr 10". Python's own sort gets both wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

import icu

from klastroviny.content.model import Entry, Issue

T = TypeVar("T")


@cache
def collator(lang: str) -> icu.Collator:
    coll = icu.Collator.createInstance(icu.Locale(lang))
    coll.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
    return coll


def sort_key(text: str, lang: str) -> bytes:
    return collator(lang).getSortKey(text)


def sorted_by(items: Iterable[T], key: Callable[[T], str], lang: str) -> list[T]:
    """Items in the language's alphabetical order of key(item); ties keep their input order."""
    return sorted(items, key=lambda item: sort_key(key(item), lang))


def entry_sort_text(entry: Entry, lang: str, fallback: tuple[str, ...] = ()) -> str:
    return entry.sort_as or entry.name.get(lang, fallback)


def sort_entries(entries: Iterable[Entry], lang: str, fallback: tuple[str, ...] = ()):
    """Entries by name in the edition's order; the entry id breaks ties, for stable output."""
    ordered = sorted(entries, key=lambda entry: entry.id)
    return tuple(sorted_by(ordered, lambda entry: entry_sort_text(entry, lang, fallback), lang))


def ordered_entries(issue: Issue, lang: str) -> tuple[Entry, ...]:
    """The entries in printed order for the edition `lang`."""
    if issue.order == "manual":
        by_id = {entry.id: entry for entry in issue.entries}
        return tuple(by_id[entry_id] for entry_id in issue.manual_order)
    return sort_entries(issue.entries, lang, issue.fallback(lang))
