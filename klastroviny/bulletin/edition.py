"""One edition of an issue: the issue in one language and one layout, and the rows its parts
list (the contents' entries, the ecosystem index, the contact index). What the templates are
rendered with, besides the page plan."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from typing import TYPE_CHECKING

from markupsafe import Markup

from klastroviny.bulletin.parts import PARTS, Part
from klastroviny.content import vocabulary
from klastroviny.content.model import Contact, Entry, Issue, Text, TextList
from klastroviny.text import markup, typography
from klastroviny.text.collation import ordered_entries, sort_key, sorted_by

if TYPE_CHECKING:
    from klastroviny.render.layouts import Layout


@dataclass(frozen=True)
class EcosystemRow:
    """One line of the ecosystem index: a cluster under one of its ecosystems."""

    entry: Entry
    ecosystem: str
    number: int  # within its ecosystem's group, from 1 (the group's heading goes before 1)
    kind = "cluster-"  # keeps the keys of the two indexes apart

    @property
    def key(self) -> str:
        """Unique in the bulletin: the row's id is row-<key> (see compose.typeset_list)."""
        return f"{self.ecosystem}-{self.kind}{self.number}"


@dataclass(frozen=True)
class IndexRow(EcosystemRow):
    """One row of the contact index: a person of a cluster, to be circled with a pen (even
    rows are tinted)."""

    contact: Contact
    kind = ""


@dataclass(frozen=True)
class Edition:
    """One language edition of an issue in one layout: what the templates are rendered with."""

    issue: Issue
    lang: str
    layout: Layout
    print_mode: bool = False  # the print master: bleed, CMYK colours
    parts: tuple[Part, ...] = PARTS  # what the bulletin is made of, in printed order

    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        return ordered_entries(self.issue, self.lang)

    @cached_property
    def ecosystems(self) -> list[str]:
        """All 14 ecosystems by their names in the edition's collation."""
        return sorted_by(
            vocabulary.ECOSYSTEMS, lambda eco: vocabulary.ecosystem_name(eco, self.lang), self.lang
        )

    @cached_property
    def ecosystem_groups(self) -> list[tuple[str, list[Entry]]]:
        """Ecosystems that have clusters, in the edition's alphabetical order of their names
        (a reader looks a name up; the EU's order means nothing to him), each with its
        clusters A–Z."""
        groups = []
        for ecosystem in self.ecosystems:
            members = [e for e in self.entries if ecosystem in e.ecosystems]
            if members:
                groups.append((ecosystem, sorted(members, key=self._entry_key)))
        return groups

    @cached_property
    def ecosystem_rows(self) -> list[tuple[str, list[EcosystemRow]]]:
        """The ecosystem index: ecosystem_groups, each member a numbered row."""
        return [
            (eco, [EcosystemRow(entry, eco, n) for n, entry in enumerate(members, 1)])
            for eco, members in self.ecosystem_groups
        ]

    @cached_property
    def contact_groups(self) -> list[tuple[str, list[IndexRow]]]:
        """The contact index: consenting in_index contacts, under each ecosystem of their
        cluster, clusters by short name in the edition's alphabetical order, each cluster's
        people in the entry's order (the manager, listed first, stays first)."""
        groups = []
        for ecosystem, members in self.ecosystem_groups:
            contacts = [(entry, c) for entry in members for c in entry.index_contacts]
            rows = [IndexRow(e, ecosystem, n, c) for n, (e, c) in enumerate(contacts, 1)]
            if rows:
                groups.append((ecosystem, rows))
        return groups

    def rows(self, part: Part) -> list[tuple[str, object]]:
        """(key, row) of everything a long part lists: the key is the row's id after ROW."""
        items = getattr(self, part.rows)
        if part.grouped:
            return [(row.key, row) for _, rows in items for row in rows]
        return [(entry.id, entry) for entry in items]

    def chunk(self, part: Part, rows: list[tuple[str, object]], continued: bool, last: bool):
        """Some of `rows(part)` as one unit shows them: an index's rows in their groups."""
        items = [item for _, item in rows]
        if part.grouped:
            groups = [(eco, list(group)) for eco, group in groupby(items, lambda r: r.ecosystem)]
            return Chunk(tuple(groups), continued, last)
        return Chunk(tuple(items), continued, last)

    def _entry_key(self, entry: Entry) -> bytes:
        short = entry.display_short_name(self.lang, self.issue.fallback(self.lang))
        return sort_key(f"{short}\u0001{entry.id}", self.lang)

    def text(self, value: Text | str | None) -> str:
        """A text in this edition's language, with its typography applied."""
        if value is None:
            return ""
        if isinstance(value, Text):
            value = value.get(self.lang, self.issue.fallback(self.lang))
        return typography.craft(value, self.lang)

    def items(self, value: TextList | None) -> list[str]:
        if value is None:
            return []
        return [self.craft(item) for item in value.get(self.lang, self.issue.fallback(self.lang))]

    def craft(self, value: str) -> str:
        return typography.craft(value, self.lang)

    def place(self, entry: Entry) -> str:
        """'Liberec, Liberecký kraj'; the city alone where the region's name holds it ('Praha',
        not 'Praha, Hlavní město Praha'); the country after, abroad."""
        region = vocabulary.region_name(entry.region, self.lang)
        city = entry.city
        words, named = vocabulary.fold(city).split(), vocabulary.fold(region).split()
        held = any(named[at : at + len(words)] == words for at in range(len(named)))
        parts = [city] if held else [city, region]
        if entry.country != "CZ":
            parts.append(vocabulary.country_name(entry.country, self.lang))
        return self.craft(", ".join(parts))

    def markdown(self, value: Text | None) -> Markup:
        if value is None:
            return Markup("")
        source = value.get(self.lang, self.issue.fallback(self.lang))
        return Markup(markup.to_html(self.craft(source)))


@dataclass(frozen=True)
class Chunk:
    """Part of a long list typeset as one unit: the whole list in one WeasyPrint document
    would cost hundreds of MB. `items` are the contents' entries, or an index's groups of
    rows; a chunk is cut where a page ends (see compose.typeset_list)."""

    items: tuple
    continued: bool  # an earlier chunk has the list's heading (and its anchor)
    last: bool = True
