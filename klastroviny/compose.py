"""One edition, typeset unit by unit: plan the pages, typeset the units (through the render
cache), check each profile's page budget, assemble the bulletin.

Page numbers follow from the order: the front matter is laid out first to learn its length;
every profile's page is then known, so a pool of workers typesets the profiles (four to a
unit) while a worker of its own typesets the back matter (chunk by chunk) and the contents
with the indexes' pages (see units.Typesetter).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

from klastroviny.content.model import Entry, Text
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.options import BuildOptions
from klastroviny.pdf.assemble import Bookmark, assemble, fonts_used
from klastroviny.pdf.font_subsets import font_program
from klastroviny.render import qrcodes
from klastroviny.render.html import Chunk, Edition, PagePlan, qr_data, render_html
from klastroviny.render.layouts import Layout, ecosystem_colours, wording
from klastroviny.typeset.sandbox import LINE_MM
from klastroviny.typeset.units import (
    ROW,
    RenderCache,
    Typesetter,
    UnitJob,
    UnitResult,
    source_digest,
)

NOTES_LINES = 16
# Rows per unit of the contents and the indexes, 10–20 A5 pages (about 27 contents rows, 43
# ecosystem index rows or 15 contact rows a page): bounds the memory a unit takes, however
# long the bulletin. A chunk typesets its open last page again (see typeset_list), so that
# shorter chunks cost more time.
CONTENTS_CHUNK = 300
ECOSYSTEM_CHUNK = 300
CONTACT_CHUNK = 300
# Profiles per unit: a WeasyPrint document costs about 50 ms beyond its pages (parsing,
# fonts, writing, reading back), a fifth of a profile's time; four profiles share it, and a
# rebuild after editing one entry typesets four.
PROFILE_BATCH = 4
MAX_PLANNING_ROUNDS = 4
LENGTH = "length-of-"  # a unit laid out only to learn its length (see plan_pages)


@dataclass(frozen=True)
class Profiles:
    """One unit of consecutive profiles."""

    entries: tuple[Entry, ...]
    unit: UnitResult

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


def typeset_edition(
    edition: Edition, report: Report, options: BuildOptions, render_cache: RenderCache
) -> tuple[bytes, int]:
    """The edition's PDF and page count."""
    workers = options.jobs or os.cpu_count() or 1
    lang = edition.lang
    sheets = stylesheets(edition.layout, edition)

    def progress(done: int, total: int) -> None:
        if options.progress:
            options.progress(lang, done, total)

    qr_cache = render_cache.folder.parent / "qr" if render_cache.folder else None
    with Typesetter(workers, render_cache) as typesetter:
        _prepare_qr_codes(edition, typesetter, qr_cache)
        started = []  # the profiles, typeset by the workers while planning goes on

        def start_profiles(placed: PagePlan) -> None:
            started.append(_start_profiles(edition, placed, sheets, typesetter, progress, qr_cache))

        plan, front, back = plan_pages(edition, sheets, typesetter, start_profiles)
        profiles = started[-1]()
        overflow = check_page_budget(edition, profiles)
        if overflow.errors:
            raise KlastrovinyError("overflow", "a profile does not fit its page budget", overflow)
        _check_images(edition, profiles)
        profile_units = [batch.unit for batch in profiles]
        for result in (*front, *profile_units, *back):
            for message in dict.fromkeys(result.warnings):
                report.warning(Location(edition.layout.search_path[-2]), "", message)
        total = plan.back_start - 1 + sum(unit.pages for unit in back)
        notes_count = notes_pages_needed(total, edition.layout.pages_multiple)
        notes = typesetter.now(notes_job(edition, sheets, notes_count)) if notes_count else None
        units = [*front, *profile_units, *back, *([notes] if notes else [])]
        programs = _font_programs(units, typesetter, render_cache)
    pdf = assemble(
        front, profile_units, back, notes, bookmarks(edition), metadata(edition), lang, programs
    )
    return pdf, total + notes_count


def _prepare_qr_codes(edition: Edition, typesetter: Typesetter, folder: Path | None) -> None:
    """Have the profiles' workers encode the QR codes not yet in the cache while the front
    matter is laid out (see qrcodes.py)."""
    if folder is None:
        return
    codes = qrcodes.missing([qr_data(entry, edition) for entry in edition.entries], folder)
    size = qrcodes.PER_TASK
    tasks = [(codes[start : start + size], folder) for start in range(0, len(codes), size)]
    typesetter.prepare(qrcodes.encode, tasks)


def _font_programs(units, typesetter: Typesetter, render_cache: RenderCache) -> dict:
    """One program per bundled font for all units, subset in the workers (a few tenths of a
    second each) and kept in build/.cache/fonts/."""
    font_cache = render_cache.folder.parent / "fonts" if render_cache.folder else None
    needed = fonts_used(units)
    programs = typesetter.map(
        font_program, [(font, glyphs, font_cache) for (font, _), glyphs in needed.items()]
    )
    return dict(zip(needed, programs, strict=True))


def _start_profiles(
    edition, plan, sheets, typesetter: Typesetter, progress, qr_cache
) -> Callable[[], list[Profiles]]:
    """_hand_over_profiles in a thread: rendering their HTML takes seconds (a few ms a
    profile), in which the worker of the back matter would wait for its next unit. If it
    fails, the back matter stops at its next unit, so that the error is not reported only
    after all of it."""
    thread = ThreadPoolExecutor(1, thread_name_prefix="profiles")
    handed = thread.submit(
        _hand_over_profiles, edition, plan, sheets, typesetter, progress, qr_cache
    )
    handed.add_done_callback(lambda done: typesetter.fail(done.exception()))
    thread.shutdown(wait=False)
    return lambda: handed.result()()


def _hand_over_profiles(edition, plan, sheets, typesetter, progress, qr_cache):
    """The profiles in units of PROFILE_BATCH, handed to the workers; returns the function
    that waits for them. A unit whose sources are unchanged since it was last typeset is taken
    from the cache without even rendering its HTML (what matters on a rebuild of hundreds of
    entries after editing one)."""
    shared = _edition_sources(edition, sheets, repr(plan))
    batches = [
        edition.entries[start : start + PROFILE_BATCH]
        for start in range(0, len(edition.entries), PROFILE_BATCH)
    ]
    results: dict[int, UnitResult] = {}
    jobs: list[tuple[int, UnitJob]] = []
    for index, batch in enumerate(batches):
        if typesetter.closed:  # the build stopped
            raise KlastrovinyError("cancelled", "the build stopped")
        name = f"profiles:{batch[0].id}" + (f"…{batch[-1].id}" if len(batch) > 1 else "")
        logos = tuple(entry.logo for entry in batch if entry.logo)
        source = source_digest(shared, *map(repr, batch), files=logos)
        cached = typesetter.cache.by_source(source, name)
        if cached is not None:
            results[index] = cached
            continue
        html = render_html(edition, plan, "profile", batch)
        first_page = plan.of(batch[0])
        job = UnitJob(
            name,
            html,
            sheets,
            edition.layout,
            edition.issue.root,
            first_page,
            source,
            qr_cache=qr_cache,
        )
        jobs.append((index, job))
    typesetter.cache.count(reused=len(results))
    ready = sum(len(batches[index]) for index in results)

    def count(done: int) -> None:
        progress(ready + done, len(edition.entries))

    sizes = [len(batches[index]) for index, _ in jobs]
    pending = typesetter.start([job for _, job in jobs], count, sizes=sizes)

    def collect() -> list[Profiles]:
        typeset = pending()
        results.update((index, result) for (index, _), result in zip(jobs, typeset, strict=True))
        return [Profiles(batch, results[index]) for index, batch in enumerate(batches)]

    return collect


def _edition_sources(edition: Edition, sheets, *more: str) -> str:
    """What every unit's HTML depends on besides its own content: the issue's own fields, the
    edition, the layout's files and stylesheets (and `more`)."""
    layout_files = sorted(
        path
        for folder in edition.layout.search_path
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file()
    )
    return source_digest(
        repr(replace(edition.issue, entries=())),
        edition.lang,
        repr(edition.print_mode),
        *more,
        repr([eco for eco, _ in edition.ecosystem_groups]),
        *(text for _, text in sheets),
        files=tuple(layout_files),
    )


def notes_pages_needed(page_count: int, multiple: int) -> int:
    """Lined notes pages that bring the page count to the binding's multiple."""
    return (-page_count) % multiple


def plan_pages(
    edition: Edition, sheets, typesetter: Typesetter, on_placed=lambda plan: None
) -> tuple[PagePlan, list[UnitResult], list[UnitResult]]:
    """Typeset the front and back matter until the page numbers they print are the ones they
    get: the front laid out once to learn its length (not drawn: a layout costs half of a
    typesetting), which places every profile (`on_placed` then starts them), the back to
    learn where its indexes start, the front again with those.

    They are rendered from the entries without their descriptions, logos, offers and keywords
    (which they do not print), so that a rebuild after editing a description finds them in
    the cache without rendering them."""
    layout = edition.layout
    view = index_view(edition)
    sources = _edition_sources(view, sheets, repr(view.issue.entries))

    def typeset(name: str, plan: PagePlan, first_page: int, chunk=None, open_end=False):
        source = source_digest(sources, name, repr(plan), str(first_page), repr(open_end))
        cached = typesetter.cache.by_source(source, name)
        if cached is not None:
            typesetter.cache.count(reused=1)
            return cached
        part, _, _ = name.partition(":")
        html = render_html(view, plan, part.removeprefix(LENGTH), None, chunk)
        job = UnitJob(
            name,
            html,
            sheets,
            layout,
            view.issue.root,
            first_page,
            source,
            open_end,
            layout_only=part.startswith(LENGTH),
        )
        return typesetter.now(job)

    def typeset_list(part, rows, chunk_of, plan, page, size) -> list[UnitResult]:
        """A long list in units of about `size` rows. A unit leaves its last page to the
        next, which starts with that page's first row (found by its id, ROW + key): the
        pages are those of one long document, and no unit holds more than `size` rows."""
        position = {ROW + key: index for index, (key, _) in enumerate(rows)}
        units, start, step = [], 0, size
        while True:
            end = min(start + step, len(rows))
            last = end == len(rows)
            chunk = chunk_of([item for _, item in rows[start:end]], start > 0, last)
            unit = typeset(f"{part}:{start}-{end}", plan, page, chunk, open_end=not last)
            resume = position.get(unit.resume, start)
            if not last and resume <= start:  # not a page's worth of rows: take more
                step *= 2
                continue
            units.append(unit)
            page += unit.pages
            if last:
                return units
            start, step = resume, size

    def typeset_front(plan: PagePlan, part: str = "front") -> list[UnitResult]:
        """Cover, foreword and the contents."""
        rows = [(entry.id, entry) for entry in view.entries]
        return typeset_list(part, rows, Chunk, plan, 1, CONTENTS_CHUNK)

    def grouped_chunk(rows, continued, last) -> Chunk:
        """Rows of an index, in their ecosystems' groups."""
        groups = [(eco, list(group)) for eco, group in groupby(rows, lambda r: r.ecosystem)]
        return Chunk(tuple(groups), continued, last)

    def rows_of(groups) -> list[tuple[str, object]]:
        return [(row.key, row) for _, rows in groups for row in rows]

    def typeset_back(placed: PagePlan) -> list[UnitResult]:
        """The ecosystem index and the contact index (see typeset_list) and the imprint; each
        unit's pages place the next."""
        units, page = [], placed.back_start
        for part, groups, size in (
            ("ecosystem-index", view.ecosystem_rows, ECOSYSTEM_CHUNK),
            ("contact-index", view.contact_groups, CONTACT_CHUNK),
        ):
            units += typeset_list(part, rows_of(groups), grouped_chunk, placed, page, size)
            page = placed.back_start + sum(unit.pages for unit in units)
        units.append(typeset("imprint", placed, page))
        return units

    plan = PagePlan(
        front_pages=3,
        profile_pages=layout.profile_pages,
        order=tuple(entry.id for entry in edition.entries),
        ecosystem_index=0,
        contact_index=0,
    )
    front = typeset_front(plan, LENGTH + "front")  # laid out, not drawn: only its length
    for _ in range(MAX_PLANNING_ROUNDS):
        front_pages = _odd(sum(unit.pages for unit in front))
        placed = replace(plan, front_pages=front_pages, ecosystem_index=0, contact_index=0)
        on_placed(placed)  # profiles do not print the indexes' pages
        back = typeset_back(placed)
        plan = replace(
            placed,
            ecosystem_index=placed.back_start + _page(back, "ecosystem-index"),
            contact_index=placed.back_start + _page(back, "contact-index"),
        )
        front = typeset_front(plan)
        if _odd(sum(unit.pages for unit in front)) == plan.front_pages:
            return plan, front, back
    raise KlastrovinyError(
        "layout", "the front matter's length does not settle; check the contents template"
    )


def _odd(pages: int) -> int:
    """The front matter's pages, made odd: profiles start on a left page."""
    return pages + (pages + 1) % 2


def index_view(edition: Edition) -> Edition:
    """The edition as the front and back matter see it: entries without the fields only
    their profiles print."""
    entries = tuple(
        replace(entry, description=Text.plain(""), offer=None, keywords=None, logo=None)
        for entry in edition.issue.entries
    )
    return replace(edition, issue=replace(edition.issue, entries=entries))


IMAGE_FAILURES = ("Failed to load image", "Failed to render SVG", "Failed to load inline SVG")


def _check_images(edition: Edition, profiles: list[Profiles]) -> None:
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


def _page(units: list[UnitResult], anchor: str) -> int:
    """The page (counted from the first unit's first) on which `anchor` is."""
    before = 0
    for unit in units:
        if anchor in unit.anchors:
            return before + unit.anchors[anchor][0]
        before += unit.pages
    raise KlastrovinyError(
        "layout", f"the back matter has no #{anchor}; the layout's templates must keep that id"
    )


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
                report.error(Location(entry.source), "", message)
    return report


def _overflow_message(entry: Entry, overflow_mm: float, layout: Layout, lang: str) -> str:
    lines = max(1, round(overflow_mm / LINE_MM + 0.49))
    budget = f"{layout.profile_pages}-page" if layout.profile_pages > 1 else "one-page"
    field = f"description.{lang}" if lang in dict(entry.description.values) else "description"
    words = len(entry.description.get(lang).split())
    offer = f" or offer.{lang}" if entry.offer else ""
    return (
        f"the {lang} profile overflows its {budget} budget in layout {layout.name} by "
        f"{overflow_mm:.1f} mm (about {lines} lines); shorten {field} ({words} words)"
        f"{offer}"
    )


def notes_job(edition: Edition, sheets, count: int) -> UnitJob:
    env = edition.layout.jinja_environment()
    html = env.get_template("notes.html.j2").render(
        lang=edition.lang,
        layout=edition.layout,
        w=wording()[edition.lang],
        count=count,
        lines=NOTES_LINES,
    )
    return UnitJob(f"notes:{count}", html, sheets, edition.layout, edition.issue.root, 2)


def bookmarks(edition: Edition) -> list[Bookmark]:
    words = wording()[edition.lang]
    marks = [Bookmark(words["foreword"], "foreword")] if edition.issue.foreword else []
    marks.append(Bookmark(words["contents"], "contents"))
    fallback = edition.issue.fallback(edition.lang)
    marks += [
        Bookmark(entry.display_short_name(edition.lang, fallback), f"entry-{entry.id}")
        for entry in edition.entries
    ]
    marks += [
        Bookmark(words["ecosystem_index"], "ecosystem-index"),
        Bookmark(words["contact_index"], "contact-index"),
        Bookmark(words["imprint"], "back"),
    ]
    return marks


def metadata(edition: Edition) -> dict[str, str]:
    issue, lang = edition.issue, edition.lang
    text, date = edition.text, f"D:{issue.date.strftime('%Y%m%d')}000000Z"
    title = text(issue.title) + (f" {issue.number}" if issue.number else "")
    if issue.subtitle:
        title += f" – {text(issue.subtitle)}"
    from klastroviny.content import vocabulary
    from klastroviny.text import typography

    subject = (f"{text(issue.event)}, " if issue.event else "") + typography.format_date(
        issue.date, lang
    )
    keywords = ", ".join(
        vocabulary.ecosystem_name(eco, lang) for eco, _ in edition.ecosystem_groups
    )
    return {
        "Title": title,
        "Author": text(issue.publisher),
        "Subject": subject,
        "Keywords": keywords,
        "Creator": "klastroviny",
        "Producer": "klastroviny (WeasyPrint, pypdf)",
        "CreationDate": date,
        "ModDate": date,
    }


def stylesheets(layout: Layout, edition: Edition) -> tuple[tuple[str, str], ...]:
    """(file, css text) of the layout's stylesheets; *.j2 ones rendered from the manifest."""
    sheets = []
    env = None
    for name in layout.stylesheets:
        path = layout.find(name)
        if name.endswith(".j2"):
            env = env or layout.jinja_environment()
            text = env.get_template(name).render(
                layout=layout,
                colours=ecosystem_colours(),
                print=edition.print_mode,
                colour=lambda c: _css_colour(c, edition.print_mode),
            )
        else:
            text = path.read_text(encoding="utf-8")
        sheets.append((str(path), text))
    return tuple(sheets)


def _css_colour(colour: dict, print_mode: bool) -> str:
    if print_mode:
        c, m, y, k = (value / 100 for value in colour["cmyk"])
        return f"device-cmyk({c:g} {m:g} {y:g} {k:g})"
    return colour["rgb"]
