"""build_issue: the whole pipeline, stage by stage.

load + model (validate.py) → text craft (typography, collation) → render (Jinja → HTML) →
typeset (WeasyPrint, unit by unit: paginate.py, units.py) → assemble and post-process (pypdf,
Ghostscript for print) → write (atomic). Everything is read, validated and rendered before
anything is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from klastroviny.compose import metadata, typeset_edition
from klastroviny.content.validate import load_issue
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.options import BuildOptions
from klastroviny.render.html import Edition
from klastroviny.render.layouts import load_layout
from klastroviny.text.glyphs import check_glyphs
from klastroviny.typeset.units import RenderCache, start_workers_early
from klastroviny.write import write_atomically

CACHE_DIR = Path("build") / ".cache"  # units/, entries/, fonts/, qr/: safe to delete


@dataclass(frozen=True)
class EditionOutput:
    lang: str
    path: Path
    pages: int


@dataclass
class BuildResult:
    outputs: list[EditionOutput] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    units_typeset: int = 0  # units not found in the render cache
    units_reused: int = 0


def build_issue(issue_dir: Path, options: BuildOptions | None = None) -> BuildResult:
    options = options or BuildOptions()
    if (options.jobs or os.cpu_count() or 1) > 1:
        start_workers_early()
    cache = None if options.no_cache else CACHE_DIR / "entries"
    issue, report = load_issue(Path(issue_dir), cache)
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; nothing was built", report)
    _fail_on_strict(report, options)
    languages = _languages(issue.languages, options.lang)
    if options.output and len(languages) > 1:
        raise KlastrovinyError("usage", "-o names one file; use --out-dir for --lang all")
    layout = load_layout(options.layout or issue.layout, issue.root)

    glyphs = Report()
    check_glyphs(issue, layout.coverage_fonts, glyphs)
    if glyphs.errors:
        raise KlastrovinyError("fonts", "characters missing in the bundled fonts", glyphs)

    out_dir = options.out_dir or Path("build") / issue.slug
    render_cache = RenderCache(None if options.no_cache else CACHE_DIR / "units")
    files = []  # (lang, path, bytes, pages): everything is made before anything is written
    with source_date_epoch(issue.date):
        for lang in languages:
            edition = Edition(issue, lang, layout, print_mode=options.print_master)
            pdf, pages = typeset_edition(edition, report, options, render_cache)
            _fail_on_strict(report, options)
            stem = f"{issue.slug}-{lang}"
            if options.print_master:
                pdf = _print_master(edition, pdf, pages, options)
                stem += "-print"
            files.append((lang, options.output or out_dir / f"{stem}.pdf", pdf, pages))
            if options.booklet:
                from klastroviny.press.imposition import impose_booklet  # pypdf: only when asked

                booklet = impose_booklet(pdf)
                files.append((lang, out_dir / f"{stem}-booklet.pdf", booklet, pages // 2))
    result = BuildResult(
        report=report, units_typeset=render_cache.typeset, units_reused=render_cache.reused
    )
    for lang, path, data, pages in files:
        write_atomically(path, data)
        result.outputs.append(EditionOutput(lang, path, pages))
    return result


def _print_master(edition: Edition, pdf: bytes, pages: int, options: BuildOptions) -> bytes:
    """CMYK PDF/X with bleed; refuses a page count the binder cannot bind."""
    from klastroviny.press.master import DEFAULT_ICC, PrintSettings, make_print_master

    multiple = edition.layout.pages_multiple
    if pages % multiple:
        raise KlastrovinyError(
            "print",
            f"the {edition.lang} edition has {pages} pages; "
            f"{edition.layout.name} binds multiples of {multiple}",
        )
    settings = PrintSettings(pdfx=options.pdfx, icc=options.icc or DEFAULT_ICC, marks=options.marks)
    info = {key: value for key, value in metadata(edition).items() if key in ("Title", "Author")}
    return make_print_master(pdf, settings, info, edition.issue.date.isoformat())


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
