"""build_issue: the whole pipeline, stage by stage.

load + model (validate.py) → text craft (typography, collation) → render (Jinja → HTML) →
typeset (WeasyPrint) → post-process (pypdf) → write (atomic). Everything is read, validated
and rendered before anything is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from klastroviny.errors import KlastrovinyError, Report
from klastroviny.fonts import check_glyphs
from klastroviny.imposition import impose_booklet
from klastroviny.layouts import Layout, ecosystem_colours, load_layout, wording
from klastroviny.options import BuildOptions
from klastroviny.postprocess import insert_before_last, notes_pages_needed
from klastroviny.prepress import DEFAULT_ICC, PrintSettings, make_print_master
from klastroviny.render import Edition, render_html
from klastroviny.typeset import check_page_budget, typeset
from klastroviny.validate import load_issue
from klastroviny.write import write_atomically

NOTES_LINES = 16


@dataclass(frozen=True)
class EditionOutput:
    lang: str
    path: Path
    pages: int


@dataclass
class BuildResult:
    outputs: list[EditionOutput] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def build_issue(issue_dir: Path, options: BuildOptions | None = None) -> BuildResult:
    options = options or BuildOptions()
    issue, report = load_issue(Path(issue_dir))
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; nothing was built", report)
    _fail_on_strict(report, options)
    languages = _languages(issue.languages, options.lang)
    if options.output and len(languages) > 1:
        raise KlastrovinyError("usage", "-o names one file; use --out-dir for --lang all")
    layout = load_layout(options.layout or issue.layout, issue.root)

    glyphs = Report()
    check_glyphs(issue, layout_fonts(layout), glyphs)
    if glyphs.errors:
        raise KlastrovinyError("fonts", "characters missing in the bundled fonts", glyphs)

    out_dir = options.out_dir or Path("build") / issue.slug
    files = []  # (lang, path, bytes, pages): everything is made before anything is written
    with source_date_epoch(issue.date):
        for lang in languages:
            edition = Edition(issue, lang, layout, print_mode=options.print_master)
            pdf, pages = _render_edition(edition, report, options)
            _fail_on_strict(report, options)
            stem = f"{issue.slug}-{lang}"
            if options.print_master:
                pdf = _print_master(edition, pdf, pages, options)
                stem += "-print"
            files.append((lang, options.output or out_dir / f"{stem}.pdf", pdf, pages))
            if options.booklet:
                booklet = impose_booklet(pdf)
                files.append((lang, out_dir / f"{stem}-booklet.pdf", booklet, pages // 2))
    result = BuildResult(report=report)
    for lang, path, data, pages in files:
        write_atomically(path, data)
        result.outputs.append(EditionOutput(lang, path, pages))
    return result


def _print_master(edition: Edition, pdf: bytes, pages: int, options: BuildOptions) -> bytes:
    """CMYK PDF/X with bleed; refuses a page count the binder cannot bind."""
    multiple = edition.layout.pages_multiple
    if pages % multiple:
        raise KlastrovinyError(
            "print",
            f"the {edition.lang} edition has {pages} pages; "
            f"{edition.layout.name} binds multiples of {multiple}",
        )
    settings = PrintSettings(pdfx=options.pdfx, icc=options.icc or DEFAULT_ICC, marks=options.marks)
    issue = edition.issue
    info = {
        "Title": f"{issue.title.get(edition.lang)}" + (f" {issue.number}" if issue.number else ""),
        "Author": issue.publisher.get(edition.lang, issue.fallback(edition.lang)),
    }
    return make_print_master(pdf, settings, info, issue.date.isoformat())


def _render_edition(edition: Edition, report: Report, options: BuildOptions) -> tuple[bytes, int]:
    layout = edition.layout
    total = len(edition.entries)
    front_pages = 2 + (1 if edition.issue.foreword else 0)

    def on_page(page: int) -> None:
        if options.progress:
            options.progress(edition.lang, min(max(page - front_pages, 0), total), total)

    html = render_html(edition)
    result = typeset(html, stylesheets(layout, edition), layout, edition.issue.root, on_page)
    report.extend(result.warnings)
    overflow = check_page_budget(result.document, edition.entries, layout, edition.lang)
    if overflow.errors:
        raise KlastrovinyError("overflow", "a profile does not fit its page budget", overflow)
    main_pdf = result.pdf
    pages = len(result.document.pages)
    notes = notes_pages_needed(pages, layout.pages_multiple)
    notes_pdf = _notes_pdf(edition, notes) if notes else None
    return insert_before_last(main_pdf, notes_pdf), pages + notes


def _notes_pdf(edition: Edition, count: int) -> bytes:
    env = edition.layout.jinja_environment()
    html = env.get_template("notes.html.j2").render(
        lang=edition.lang,
        layout=edition.layout,
        w=wording()[edition.lang],
        count=count,
        lines=NOTES_LINES,
    )
    result = typeset(html, stylesheets(edition.layout, edition), edition.layout, edition.issue.root)
    return result.pdf


def stylesheets(layout: Layout, edition: Edition):
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
        sheets.append((path, text))
    return sheets


def _css_colour(colour: dict, print_mode: bool) -> str:
    if print_mode:
        c, m, y, k = (value / 100 for value in colour["cmyk"])
        return f"device-cmyk({c:g} {m:g} {y:g} {k:g})"
    return colour["rgb"]


def layout_fonts(layout: Layout) -> tuple[str, ...]:
    import tomllib

    manifest = tomllib.loads(layout.find("layout.toml").read_text(encoding="utf-8"))
    return tuple(manifest.get("fonts", {}).get("coverage", ()))


def _languages(issue_languages: tuple[str, ...], requested: str | None) -> tuple[str, ...]:
    if requested in (None, ""):
        return issue_languages[:1]
    if requested == "all":
        return issue_languages
    if requested not in issue_languages:
        raise KlastrovinyError(
            "usage",
            f"this issue has no '{requested}' edition; its "
            f"languages are {', '.join(issue_languages)}",
        )
    return (requested,)


def _fail_on_strict(report: Report, options: BuildOptions) -> None:
    if options.strict and report.warnings:
        raise KlastrovinyError("strict", "warnings fail the build in strict mode", report)


@contextmanager
def source_date_epoch(day: dt.date):
    """Reproducible output: while rendering, SOURCE_DATE_EPOCH is the issue's date unless the
    caller set it; never the clock."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if previous is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(day.timetuple()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
