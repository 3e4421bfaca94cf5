"""The page plan: on which page everything is printed, and how it is found.

Profile pages follow from the order and the layout's fixed page budget. The front matter's
length and the back matter's starts come from typesetting them, and the front prints the back's
pages (the contents list the indexes): `settle` repeats until the numbers the front prints are
the ones it gets. It takes the typesetting as callbacks, so that it can be tested without
WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol

from klastroviny.errors import KlastrovinyError

UNIT_LINK = "klastroviny:"  # links between units, resolved when the units are assembled
MAX_ROUNDS = 4


@dataclass(frozen=True)
class PagePlan:
    front_pages: int  # cover to contents, odd, so that profiles start on a left page
    profile_pages: int  # the layout's budget of one profile
    order: tuple[str, ...]  # entry ids in printed order
    starts: tuple[tuple[str, int], ...] = ()  # (anchor, page) of the back matter's parts

    @cached_property
    def _position(self) -> dict[str, int]:
        return {entry_id: index for index, entry_id in enumerate(self.order)}

    def of(self, entry) -> int:
        return self.front_pages + 1 + self._position[entry.id] * self.profile_pages

    @property
    def back_start(self) -> int:
        return self.front_pages + 1 + len(self.order) * self.profile_pages

    def start(self, anchor: str) -> int:
        """The page of a back matter part's anchor; 0 until the back matter is placed."""
        return dict(self.starts).get(anchor, 0)

    def link(self, anchor: str) -> str:
        return f"{UNIT_LINK}{anchor}"


class Measured(Protocol):
    """What planning needs of a typeset unit."""

    pages: int
    anchors: dict[str, tuple[int, float]]  # anchor → (page in the unit, y in mm)


def settle(
    plan: PagePlan,
    typeset_front: Callable[[PagePlan, bool], Sequence[Measured]],
    typeset_back: Callable[[PagePlan], Sequence[Measured]],
    anchors: Sequence[str],
    on_placed: Callable[[PagePlan], None] = lambda plan: None,
) -> tuple[PagePlan, list, list]:
    """The plan whose page numbers the front and back matter print are the ones they get,
    with their units. The front is laid out once only to learn its length
    (`typeset_front(plan, True)`), which places every profile (`on_placed` may start them:
    profiles print no back matter page); then the back is typeset to learn where the
    `anchors` are, and the front again with those pages, until its length stays."""
    front = typeset_front(plan, True)
    for _ in range(MAX_ROUNDS):
        placed = replace(plan, front_pages=odd(total_pages(front)), starts=())
        on_placed(placed)
        back = typeset_back(placed)
        starts = tuple((anchor, placed.back_start + page_of(back, anchor)) for anchor in anchors)
        plan = replace(placed, starts=starts)
        front = typeset_front(plan, False)
        if odd(total_pages(front)) == plan.front_pages:
            return plan, list(front), list(back)
    raise KlastrovinyError(
        "layout", "the front matter's length does not settle; check the contents template"
    )


def odd(pages: int) -> int:
    """The front matter's pages, made odd: profiles start on a left page."""
    return pages + (pages + 1) % 2


def total_pages(units: Sequence[Measured]) -> int:
    return sum(unit.pages for unit in units)


def page_of(units: Sequence[Measured], anchor: str) -> int:
    """The page (counted from the first unit's first) on which `anchor` is."""
    before = 0
    for unit in units:
        if anchor in unit.anchors:
            return before + unit.anchors[anchor][0]
        before += unit.pages
    raise KlastrovinyError(
        "layout", f"the back matter has no #{anchor}; the layout's templates must keep that id"
    )


def notes_pages_needed(page_count: int, multiple: int) -> int:
    """Lined notes pages that bring the page count to the binding's multiple."""
    return (-page_count) % multiple
