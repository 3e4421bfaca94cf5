"""Compose one edition: plan its pages, typeset its units through the render cache, check the
profiles, assemble the PDF. This module orchestrates; what each step does lives in its stage
(bulletin/ plans and checks, render/ makes the HTML, typeset/ typesets, pdf/ assembles).

The order of the work: the front matter is laid out first to learn its length; every
profile's page is then known, so the pool of workers typesets the profiles (PROFILE_BATCH to a
unit) while the worker of the front and back matter typesets the back matter chunk by chunk,
then the contents with the indexes' pages (bulletin/plan.py settles them).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from klastroviny.bulletin import parts as registry
from klastroviny.bulletin.checks import (
    Profiles,
    check_hyphenation,
    check_images,
    check_page_budget,
)
from klastroviny.bulletin.edition import Edition
from klastroviny.bulletin.outline import bookmarks, metadata
from klastroviny.bulletin.parts import BACK, FRONT, PROFILES, Part
from klastroviny.bulletin.plan import PagePlan, notes_pages_needed, odd, settle, total_pages
from klastroviny.caching import edition_sources, matter_sources, source_digest
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.options import BuildOptions
from klastroviny.pdf.assemble import assemble, fonts_used
from klastroviny.pdf.font_subsets import font_program
from klastroviny.pdf.lines import page_lines
from klastroviny.render import qrcodes
from klastroviny.render.html import render_template, render_unit
from klastroviny.render.layouts import wording
from klastroviny.render.stylesheets import Stylesheets, stylesheets
from klastroviny.typeset.render_cache import RenderCache
from klastroviny.typeset.units import ROW, UnitJob, UnitResult
from klastroviny.typeset.workers import Typesetter

NOTES_LINES = 16
# Profiles per unit: a WeasyPrint document costs about 50 ms beyond its pages (parsing,
# fonts, writing, reading back), a fifth of a profile's time; four profiles share it, and a
# rebuild after editing one entry typesets four.
PROFILE_BATCH = 4
LENGTH = "length-of-"  # a unit laid out only to learn its length (see plan.settle)


@dataclass(frozen=True)
class CacheFolders:
    """Where the units' side products are kept (None: no cache)."""

    qr: Path | None
    fonts: Path | None

    @classmethod
    def of(cls, render_cache: RenderCache) -> CacheFolders:
        root = render_cache.folder.parent if render_cache.folder else None
        return cls(root / "qr" if root else None, root / "fonts" if root else None)


def compose_edition(
    edition: Edition, report: Report, options: BuildOptions, render_cache: RenderCache
) -> tuple[bytes, int]:
    """The edition's PDF and page count."""
    workers = options.jobs or os.cpu_count() or 1
    folders = CacheFolders.of(render_cache)

    def progress(done: int, total: int) -> None:
        if options.progress:
            options.progress(edition.lang, done, total)

    with Typesetter(workers, render_cache) as typesetter:
        composer = Composer(edition, stylesheets(edition), typesetter, folders.qr, progress)
        composer.prepare_qr_codes()
        plan, front, back = composer.plan()
        profiles = composer.profiles()
        overflow = check_page_budget(edition, profiles)
        if overflow.errors:  # reported with the warnings found so far
            report.extend(overflow)
            raise KlastrovinyError("overflow", "a profile does not fit its page budget", report)
        check_images(edition, profiles)
        profile_units = [batch.unit for batch in profiles]
        composer.report_warnings([*front, *profile_units, *back], report)
        total = plan.back_start - 1 + sum(unit.pages for unit in back)
        notes_count = notes_pages_needed(total, edition.layout.pages_multiple)
        notes = composer.notes(notes_count)
        units = [*front, *profile_units, *back, *([notes] if notes else [])]
        programs = _font_programs(units, typesetter, folders.fonts)
    words = wording()[edition.lang]
    pdf = assemble(
        front,
        profile_units,
        back,
        notes,
        bookmarks(edition, words),
        metadata(edition),
        edition.lang,
        programs,
    )
    profile_pages = range(plan.front_pages + 1, plan.back_start)
    report.extend(check_hyphenation(edition, plan, page_lines(pdf, profile_pages)))
    return pdf, total + notes_count


def fit_profiles(edition: Edition, options: BuildOptions, render_cache: RenderCache) -> Report:
    """`check --fit`: every profile of the edition that overflows its page budget, before a
    build. The front matter is laid out to learn where the profiles start, as settle() first
    places them, and the profiles are typeset as the build typesets them: into the render
    cache, which the build then reuses. Nothing else is typeset."""
    with Typesetter(options.jobs or os.cpu_count() or 1, render_cache) as typesetter:
        qr_cache = CacheFolders.of(render_cache).qr
        composer = Composer(edition, stylesheets(edition), typesetter, qr_cache, lambda *_: None)
        composer.prepare_qr_codes()
        start = composer.first_plan()
        front = composer.typeset_front(start, True)
        composer.start_profiles(replace(start, front_pages=odd(total_pages(front))))
        return check_page_budget(edition, composer.profiles())


class Composer:
    """The units of one edition, made through one Typesetter."""

    def __init__(self, edition: Edition, sheets: Stylesheets, typesetter, qr_cache, progress):
        self.edition = edition
        self.sheets = sheets
        self.typesetter = typesetter
        self.qr_cache = qr_cache
        self.progress = progress
        self.matter_sources = matter_sources(edition, sheets)
        self._handed: Future | None = None  # the profiles' futures, handed over by a thread

    # --- planning -------------------------------------------------------------------------
    def plan(self) -> tuple[PagePlan, list[UnitResult], list[UnitResult]]:
        anchors = [part.anchor for part in self.edition.parts if part.in_contents]
        return settle(
            self.first_plan(), self.typeset_front, self.typeset_back, anchors, self.start_profiles
        )

    def first_plan(self) -> PagePlan:
        """The plan before anything is typeset: the front matter taken as three pages."""
        layout = self.edition.layout
        return PagePlan(3, layout.profile_pages, tuple(e.id for e in self.edition.entries))

    def typeset_front(self, plan: PagePlan, length_only: bool) -> list[UnitResult]:
        """The front matter's units from page 1; `length_only`: laid out, not drawn (a
        layout costs half of a typesetting), to learn its length."""
        units: list[UnitResult] = []
        for unit in registry.units(self.edition.parts, FRONT):
            page = 1 + sum(result.pages for result in units)
            units += self.typeset_parts(unit, plan, page, LENGTH if length_only else "")
        return units

    def typeset_back(self, plan: PagePlan) -> list[UnitResult]:
        """The back matter's units in order, each placed after the last."""
        units: list[UnitResult] = []
        for unit in registry.units(self.edition.parts, BACK):
            page = plan.back_start + sum(result.pages for result in units)
            units += self.typeset_parts(unit, plan, page)
        return units

    def typeset_parts(self, unit, plan: PagePlan, page: int, prefix: str = "") -> list:
        """One unit of parts, or, if it lists rows, as many units as its rows need."""
        listed = registry.listed(unit)
        if listed is None:
            return [self.matter(prefix + unit[0].unit, unit, plan, page)]
        return self.typeset_list(unit, listed, plan, page, prefix)

    def typeset_list(self, unit, listed: Part, plan: PagePlan, page: int, prefix: str) -> list:
        """A long list in units of about `listed.chunk` rows. A unit leaves its last page to
        the next, which starts with that page's first row (found by its id, ROW + key): the
        pages are those of one long document, and no unit holds more than a chunk of rows."""
        rows = self.edition.rows(listed)
        position = {ROW + key: index for index, (key, _) in enumerate(rows)}
        units, start, step = [], 0, listed.chunk
        while True:
            end = min(start + step, len(rows))
            last = end == len(rows)
            chunk = self.edition.chunk(listed, rows[start:end], start > 0, last)
            name = f"{prefix}{unit[0].unit}:{start}-{end}"
            result = self.matter(name, unit, plan, page, chunk, open_end=not last)
            resume = position.get(result.resume, start)
            if not last and resume <= start:  # not a page's worth of rows: take more
                step *= 2
                continue
            units.append(result)
            page += result.pages
            if last:
                return units
            start, step = resume, listed.chunk

    def matter(self, name, unit, plan, first_page, chunk=None, open_end=False) -> UnitResult:
        """One unit of the front or back matter, typeset by its worker and waited for."""
        source = source_digest(
            self.matter_sources, name, repr(plan), str(first_page), repr(open_end)
        )

        def render() -> UnitJob:
            html = render_unit(self.edition, plan, unit, chunk=chunk)
            return self.job(name, html, first_page, source, open_end, name.startswith(LENGTH))

        future = self.typesetter.unit(name, source, render, matter=True)
        return self.typesetter.results([future], self.edition.issue.root)[0]

    def job(self, name, html, first_page, source="", open_end=False, layout_only=False):
        edition = self.edition
        return UnitJob(
            name,
            html,
            self.sheets,
            edition.layout,
            edition.issue.root,
            first_page,
            source,
            open_end,
            layout_only,
            self.qr_cache,
        )

    # --- the profiles ---------------------------------------------------------------------
    def start_profiles(self, plan: PagePlan) -> None:
        """hand_over_profiles in a thread: rendering their HTML takes seconds (a few ms a
        profile), in which the worker of the back matter would wait for its next unit. If it
        fails, the back matter stops at its next unit, so that the error is not reported only
        after all of it."""
        thread = ThreadPoolExecutor(1, thread_name_prefix="profiles")
        self._handed = thread.submit(self.hand_over_profiles, plan)
        self._handed.add_done_callback(lambda done: self.typesetter.fail(done.exception()))
        thread.shutdown(wait=False)

    def hand_over_profiles(self, plan: PagePlan) -> list[tuple[tuple, Future]]:
        """Each batch of profiles and the future of its unit, typeset by the pool. A unit
        whose sources are unchanged is taken from the cache without rendering its HTML (what
        matters on a rebuild of hundreds of entries after editing one)."""
        edition, profile = self.edition, registry.units(self.edition.parts, PROFILES)[0]
        shared = edition_sources(edition, self.sheets, repr(plan))
        entries = edition.entries
        batches = [entries[at : at + PROFILE_BATCH] for at in range(0, len(entries), PROFILE_BATCH)]
        handed, done = [], [0]

        def count(size: int) -> None:
            done[0] += size
            self.progress(done[0], len(entries))

        for batch in batches:
            if self.typesetter.closed:  # the build stopped
                raise KlastrovinyError("cancelled", "the build stopped")
            name = f"profiles:{batch[0].id}" + (f"…{batch[-1].id}" if len(batch) > 1 else "")
            logos = tuple(entry.logo for entry in batch if entry.logo)
            source = source_digest(shared, *map(repr, batch), files=logos)

            def render(batch=batch, name=name, source=source) -> UnitJob:
                html = render_unit(edition, plan, profile, entries=batch)
                return self.job(name, html, plan.of(batch[0]), source)

            future, size = self.typesetter.unit(name, source, render), len(batch)
            future.add_done_callback(lambda _, size=size: count(size))
            handed.append((batch, future))
        return handed

    def profiles(self) -> list[Profiles]:
        handed = self._handed.result()
        results = self.typesetter.results([f for _, f in handed], self.edition.issue.root)
        return [Profiles(batch, result) for (batch, _), result in zip(handed, results, strict=True)]

    # --- the rest -------------------------------------------------------------------------
    def prepare_qr_codes(self) -> None:
        """Have the profiles' workers encode the QR codes not yet in the cache while the front
        matter is laid out (see render/qrcodes.py)."""
        if self.qr_cache is None:
            return
        entries = self.edition.entries
        data = [code for entry in entries for code in qrcodes.profile_codes(entry, self.edition)]
        codes, size = qrcodes.missing(data, self.qr_cache), qrcodes.PER_TASK
        tasks = [(codes[at : at + size], self.qr_cache) for at in range(0, len(codes), size)]
        self.typesetter.prepare(qrcodes.encode, tasks)

    def notes(self, count: int) -> UnitResult | None:
        """`count` lined pages that fill the bulletin to the binding's multiple."""
        part = registry.filler(self.edition.parts)
        if not count or part is None:
            return None
        html = render_template(self.edition, part.template, count=count, lines=NOTES_LINES)
        job = self.job(f"notes:{count}", html, 2)
        future = self.typesetter.unit(job.name, "", lambda: job, matter=True)
        return self.typesetter.results([future], self.edition.issue.root)[0]

    def report_warnings(self, units: list[UnitResult], report: Report) -> None:
        """WeasyPrint's warnings, once each, at the layout they concern."""
        for result in units:
            for message in dict.fromkeys(result.warnings):
                report.warning(Location(self.edition.layout.search_path[-2]), "", message)


def _font_programs(units, typesetter: Typesetter, folder: Path | None) -> dict:
    """One program per bundled font for all units, subset in the workers (a few tenths of a
    second each) and kept in the cache's fonts/."""
    needed = fonts_used(units)
    programs = typesetter.map(
        font_program, [(font, glyphs, folder) for (font, _), glyphs in needed.items()]
    )
    return dict(zip(needed, programs, strict=True))
