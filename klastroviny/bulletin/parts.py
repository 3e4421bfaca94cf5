"""The parts of the bulletin, each declared once, in the order they are printed.

A part is a template of the layout with the facts the pipeline needs about it: the unit it is
typeset in (parts of one unit share a WeasyPrint document), the anchor of its first page (the
outline, links and the contents find it there), the key of its title in wording.toml, the rows
it lists when it is long enough to be typeset in chunks, and whether it fills the bulletin to
the binding's page count. Adding a part is one entry here, a template, its wording and CSS.
"""

from __future__ import annotations

from dataclasses import dataclass

FRONT, PROFILES, BACK = "front", "profiles", "back"  # the three stretches of the page order


@dataclass(frozen=True)
class Part:
    name: str
    template: str  # looked up in the layout's search path
    matter: str  # FRONT (before the profiles), PROFILES or BACK
    unit: str  # parts with the same unit are typeset as one document, in registry order
    anchor: str | None = None  # id of the part's first element: outline, links, contents
    wording: str | None = None  # key of its title in wording.toml (outline, contents)
    rows: str | None = None  # the Edition attribute a long part lists, chunk by chunk
    grouped: bool = False  # its rows come in (ecosystem, rows) groups
    chunk: int = 300  # rows per unit of a long part (see compose.typeset_list)
    in_contents: bool = False  # listed at the end of the contents with its page
    requires: str | None = None  # an Issue field that must be set for the part to print
    fills: bool = False  # pages that bring the count to the binding's multiple

    def prints_in(self, issue) -> bool:
        return self.requires is None or bool(getattr(issue, self.requires))


# Rows per unit (CONTENTS, ECOSYSTEM, CONTACT: 10–20 A5 pages, about 27 contents rows, 43
# ecosystem index rows or 15 contact rows a page) bound the memory a unit takes, however long
# the bulletin. A chunk typesets its open last page again, so shorter chunks cost more time.
PARTS: tuple[Part, ...] = (
    Part("cover", "cover.html.j2", FRONT, unit="front"),
    Part(
        "foreword", "foreword.html.j2", FRONT, "front", "foreword", "foreword", requires="foreword"
    ),
    Part("contents", "contents.html.j2", FRONT, "front", "contents", "contents", rows="entries"),
    Part("profile", "profile.html.j2", PROFILES, unit="profiles"),
    Part(
        "ecosystem-index",
        "ecosystem-index.html.j2",
        BACK,
        "ecosystem-index",
        "ecosystem-index",
        "ecosystem_index",
        rows="ecosystem_rows",
        grouped=True,
        in_contents=True,
    ),
    Part(
        "contact-index",
        "contact-index.html.j2",
        BACK,
        "contact-index",
        "contact-index",
        "contact_index",
        rows="contact_groups",
        grouped=True,
        in_contents=True,
    ),
    Part("notes", "notes.html.j2", BACK, unit="notes", fills=True),
    Part("imprint", "back.html.j2", BACK, "imprint", "back", "imprint"),
)


def units(parts: tuple[Part, ...], matter: str) -> list[tuple[Part, ...]]:
    """The units of one stretch of the page order: runs of parts that share a unit."""
    grouped: list[tuple[Part, ...]] = []
    for part in parts:
        if part.matter != matter or part.fills:
            continue
        if grouped and grouped[-1][0].unit == part.unit:
            grouped[-1] += (part,)
        else:
            grouped.append((part,))
    return grouped


def listed(unit: tuple[Part, ...]) -> Part | None:
    """The part of a unit that lists rows (at most one does), if any."""
    return next((part for part in unit if part.rows), None)


def filler(parts: tuple[Part, ...]) -> Part | None:
    return next((part for part in parts if part.fills), None)


def named(parts: tuple[Part, ...], name: str) -> Part:
    return next(part for part in parts if part.name == name)
