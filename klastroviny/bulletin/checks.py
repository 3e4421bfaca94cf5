"""Checks of the typeset profiles: each fits its page budget above the contact block, and
every logo was drawn. Both are errors at the entry's file: the bulletin is never printed with
a profile cut short or a logo missing. A PNG or JPEG logo below the resolution print needs in
the layout's logo box is a warning, and so is hyphenation that CSS cannot limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from klastroviny.bulletin.edition import Edition
from klastroviny.bulletin.plan import Measured, PagePlan
from klastroviny.content.load import field_locations
from klastroviny.content.logos import PRINT_REFUSED_PPI, logo_wanted, raster_size
from klastroviny.content.model import Entry, Issue
from klastroviny.errors import KlastrovinyError, Location, Report

if TYPE_CHECKING:
    from klastroviny.render.layouts import Layout

LINE_MM = 12.5 * 25.4 / 72  # one line of body text on A5 (9/12.5 pt)


@dataclass(frozen=True)
class Profiles:
    """One unit of consecutive profiles."""

    entries: tuple[Entry, ...]
    unit: Measured  # the unit's pages, anchors and warnings

    def pages(self) -> list[int]:
        """Each entry's number of pages: from its first to the next entry's first."""
        starts = [self.anchor(f"entry-{entry.id}")[0] for entry in self.entries]
        ends = [*starts[1:], self.unit.pages]
        return [end - start for start, end in zip(starts, ends, strict=True)]

    def anchor(self, name: str) -> tuple[int, float]:
        """(page in the unit, y in mm) of an id the page-budget check needs."""
        if name not in self.unit.anchors:
            raise KlastrovinyError(
                "layout", f"a profile has no #{name}; profile.html.j2 must keep that id"
            )
        return self.unit.anchors[name]


MIN_LOGO_PPI = 250  # below it a logo prints visibly soft


def check_logo_resolution(issue: Issue, layout: Layout) -> Report:
    """A PNG or JPEG logo below MIN_LOGO_PPI at the size the layout prints it (fitted into
    layout.logo_mm, as the CSS does): a warning at the entry's `logo`, with the pixels needed."""
    report = Report()
    box_width, box_height = layout.logo_mm
    for entry in issue.entries:
        size = raster_size(entry.logo) if entry.logo else None
        if size is None:
            continue
        width, height = size
        mm_per_px = min(box_width / width, box_height / height)  # object-fit: contain
        ppi = 25.4 / mm_per_px
        if ppi >= MIN_LOGO_PPI:
            continue
        soft = (
            "preflight refuses the print master"
            if ppi < PRINT_REFUSED_PPI
            else "it prints visibly soft"
        )
        report.warning(
            field_locations(entry.source).get("logo", Location(entry.source)),
            "logo",
            f"{entry.logo.relative_to(issue.root).as_posix()} is {width} × {height} px, printed "
            f"{width * mm_per_px:.0f} × {height * mm_per_px:.0f} mm in layout {layout.name}: "
            f"{ppi:.0f} ppi, under {MIN_LOGO_PPI} ({soft}); {logo_wanted(width, height, ppi)}",
        )
    return report


IMAGE_FAILURES = ("Failed to load image", "Failed to render SVG", "Failed to load inline SVG")


def check_images(edition: Edition, profiles: list[Profiles]) -> None:
    """A logo WeasyPrint could not draw would silently be missing from print: an error. It is
    the entry's whose logo the message names (every entry of the unit if it names none)."""
    report = Report()
    for batch in profiles:
        failures = [
            message
            for message in batch.unit.warnings
            if any(failure in message for failure in IMAGE_FAILURES)
        ]
        for message in failures:
            named = [entry for entry in batch.entries if _logo_url(edition, entry) in message]
            for entry in named or batch.entries:
                report.error(
                    Location(entry.source),
                    "logo",
                    f"the logo cannot be drawn "
                    f"({message.removeprefix('WeasyPrint: ')[:200]}); replace the file",
                )
    if report.errors:
        raise KlastrovinyError("logo", "a logo cannot be drawn", report)


def _logo_url(edition: Edition, entry: Entry) -> str:
    if entry.logo is None:
        return "\0"  # in no message
    return "issue:" + entry.logo.relative_to(edition.issue.root).as_posix()


def check_page_budget(edition: Edition, profiles: list[Profiles]) -> Report:
    """Each profile must fit its page budget above the contact block: say by how much not."""
    layout, report = edition.layout, Report()
    available = layout.content_height_mm * layout.profile_pages - layout.contact_zone_mm
    for batch in profiles:
        for entry, pages in zip(batch.entries, batch.pages(), strict=True):
            start_page, start_y = batch.anchor(f"entry-{entry.id}")
            end_page, end_y = batch.anchor(f"entry-end-{entry.id}")
            height = (end_page - start_page) * layout.content_height_mm + (end_y - start_y)
            overflow = height - available
            if overflow > 0.2 or pages != layout.profile_pages:
                overflow = max(overflow, 0.5)
                message = _overflow_message(entry, overflow, layout, edition.lang)
                report.error(_description_location(entry, edition.lang), "", message)
    return report


def _description_location(entry: Entry, lang: str) -> Location:
    """Where the text to shorten is written: its line in the edition's language."""
    located = field_locations(entry.source, "description")
    return located.get(lang) or located.get("") or Location(entry.source)


WORD_MM = 12.6  # a Czech or English word of body text and its space, about 7 characters


def _overflow_message(entry: Entry, overflow_mm: float, layout, lang: str) -> str:
    """By how much, and about how many words of the description fit (the lines too many, at
    the words a line of the text column holds)."""
    lines = max(1, round(overflow_mm / LINE_MM + 0.49))
    budget = f"{layout.profile_pages}-page" if layout.profile_pages > 1 else "one-page"
    field = f"description.{lang}" if lang in dict(entry.description.values) else "description"
    words = len(entry.description.get(lang).split())
    column = layout.width_mm - layout.margins.inner - layout.margins.outer
    fit = max(0, words - lines * max(4, round(column / WORD_MM)))
    offer = f" (or the offer.{lang})" if entry.offer else ""
    return (
        f"the {lang} profile overflows its {budget} budget in layout {layout.name} by "
        f"{overflow_mm:.1f} mm (about {lines} {'line' if lines == 1 else 'lines'}); shorten "
        f"{field} to about {fit} words (now {words}){offer}"
    )


# A line ends hyphenated with the hyphen WeasyPrint adds (hyphenate-character) or a word's own.
LINE_END_HYPHENS = ("\u2010", "-")
HYPHENATED_IN_A_ROW = 2  # the most line ends in a row that may end with a hyphen


def hyphen_ladders(lines: list[str]) -> list[list[str]]:
    """The runs of more than HYPHENATED_IN_A_ROW consecutive lines that end with a hyphen.
    A paragraph's last line never ends hyphenated, so a run is always inside one text."""
    ladders, run = [], []
    for line in [*lines, ""]:
        if line.rstrip().endswith(LINE_END_HYPHENS):
            run.append(line.rstrip())
            continue
        if len(run) > HYPHENATED_IN_A_ROW:
            ladders.append(run)
        run = []
    return ladders


def check_hyphenation(edition: Edition, plan: PagePlan, lines: dict[int, list[str]]) -> Report:
    """Not more than two hyphenated line ends in a row on a profile (WeasyPrint has no
    hyphenate-limit-lines): a warning at the entry, quoting the lines' ends. `lines` are the
    text lines of the profiles' pages (pdf/lines.py), by printed page number."""
    report, lang = Report(), edition.lang
    for entry in edition.entries:
        first = plan.of(entry)
        pages = range(first, first + plan.profile_pages)
        field = f"description.{lang}" if lang in dict(entry.description.values) else "description"
        for ladder in hyphen_ladders([line for page in pages for line in lines.get(page, [])]):
            ends = ", ".join(f"'…{line[-12:].lstrip()}'" for line in ladder)
            report.warning(
                _description_location(entry, lang),
                field,
                f"{len(ladder)} lines in a row end with a hyphen in the profile on page {first} "
                f"({ends}); reword a sentence there so that its lines break elsewhere",
            )
    return report
