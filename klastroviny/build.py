"""build_issue: the whole pipeline, stage by stage.

content (YAML → the checked model) → text craft (typography, collation) → bulletin (parts,
page plan) → render (Jinja → HTML) → typeset (WeasyPrint, unit by unit) → pdf (assembly) →
press (print master, booklet) → write (atomic). compose.py runs one edition through the middle
stages. Everything is read, validated and rendered before anything is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from klastroviny.bulletin.checks import check_logo_resolution
from klastroviny.bulletin.edition import Edition
from klastroviny.bulletin.outline import metadata
from klastroviny.bulletin.parts import PARTS
from klastroviny.caching import cache_folder
from klastroviny.compose import compose_edition, fit_profiles
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Issue
from klastroviny.errors import KlastrovinyError, Report, display_path
from klastroviny.options import BuildOptions
from klastroviny.render.layouts import load_layout
from klastroviny.text.glyphs import check_glyphs
from klastroviny.typeset.render_cache import RenderCache
from klastroviny.typeset.workers import start_workers_early
from klastroviny.write import write_atomically


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
    editions: dict[str, Edition] = field(default_factory=dict)  # what each PDF was made of


def build_issue(issue_dir: Path, options: BuildOptions | None = None) -> BuildResult:
    options = options or BuildOptions()
    if (options.jobs or os.cpu_count() or 1) > 1:
        start_workers_early()
    out_dir = output_folder(Path(issue_dir), options)
    cache = None if options.no_cache else options.cache_dir or cache_folder(out_dir)
    issue, report = load_issue(Path(issue_dir), cache / "entries" if cache else None)
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; nothing was built", report)
    _fail_on_strict(report, options)
    languages = _languages(issue.languages, options.lang)
    if options.print_master:  # the proof round (docs/proofs.md): approved for print?
        from klastroviny.proofs.status import approval_gate

        required = options.require_approval or issue.require_approval
        approval_gate(issue, report, required, languages)
    if options.output and len(languages) > 1:
        raise KlastrovinyError("usage", "-o names one file; use --out-dir for --lang all")
    layout = load_layout(options.layout or issue.layout, issue.root)
    report.extend(check_logo_resolution(issue, layout))
    _fail_on_strict(report, options)

    glyphs = Report()
    check_glyphs(issue, layout.coverage_fonts, glyphs)
    if glyphs.errors:  # reported with the warnings found so far
        report.extend(glyphs)
        raise KlastrovinyError("fonts", "characters missing in the bundled fonts", report)

    render_cache = RenderCache(cache / "units" if cache else None)
    files = []  # (lang, path, bytes, pages): everything is made before anything is written
    editions = {}
    with source_date_epoch(issue.date):
        for lang in languages:
            edition = Edition(issue, lang, layout, options.print_master, options.parts or PARTS)
            editions[lang] = edition
            pdf, pages = compose_edition(edition, report, options, render_cache)
            _fail_on_strict(report, options)
            stem = f"{issue.slug}-{lang}"
            if options.print_master:
                pdf = _print_master(edition, pdf, pages, options)
                stem += "-print"
            files.append((lang, options.output or out_dir / f"{stem}.pdf", pdf, pages))
            if options.booklet:
                from klastroviny.press.imposition import impose_booklet  # pypdf: only when asked

                booklet = impose_booklet(pdf)
                beside = options.output  # -o FILE.pdf: FILE-booklet.pdf beside it
                path = (
                    beside.with_name(f"{beside.stem}-booklet.pdf")
                    if beside
                    else out_dir / f"{stem}-booklet.pdf"
                )
                files.append((lang, path, booklet, pages // 2))
    result = BuildResult(
        report=report,
        units_typeset=render_cache.typeset,
        units_reused=render_cache.reused,
        editions=editions,
    )
    for lang, path, data, pages in files:
        write_atomically(path, data)
        result.outputs.append(EditionOutput(lang, path, pages))
    return result


def fit_issue(issue: Issue, options: BuildOptions | None = None) -> Report:
    """`check --fit`: every profile that overflows its page budget, in every edition, before
    a build. The profiles are typeset into the render cache of the output folder, so that
    the build after it reuses them."""
    options = options or BuildOptions()
    if (options.jobs or os.cpu_count() or 1) > 1:
        start_workers_early()
    folder = options.cache_dir or cache_folder(output_folder(issue.root, options))
    render_cache = RenderCache(None if options.no_cache else folder / "units")
    layout = load_layout(options.layout or issue.layout, issue.root)
    report = Report()
    with source_date_epoch(issue.date):  # the units' bytes are those of a build
        for lang in issue.languages:
            edition = Edition(issue, lang, layout, False, options.parts or PARTS)
            report.extend(fit_profiles(edition, options, render_cache))
    return report


def output_folder(issue_dir: Path, options: BuildOptions) -> Path:
    """Where an issue's outputs go, and so its caches: --out-dir, else build/<slug>/."""
    return options.out_dir or Path("build") / issue_dir.resolve().name


def _print_master(edition: Edition, pdf: bytes, pages: int, options: BuildOptions) -> bytes:
    """CMYK PDF/X with bleed; refuses a page count the binder cannot bind, and a master that
    fails preflight (with the entries and files behind its errors)."""
    from klastroviny.press.master import DEFAULT_ICC, PrintSettings, make_print_master
    from klastroviny.press.preflight import check_print_master

    multiple = edition.layout.pages_multiple
    if pages % multiple:
        raise KlastrovinyError(
            "print",
            f"the {edition.lang} edition has {pages} pages; "
            f"{edition.layout.name} binds multiples of {multiple}",
        )
    settings = PrintSettings(pdfx=options.pdfx, icc=options.icc or DEFAULT_ICC, marks=options.marks)
    info = {key: value for key, value in metadata(edition).items() if key in ("Title", "Author")}
    master = make_print_master(pdf, settings, info, edition.issue.date.isoformat())
    stem = f"{edition.issue.slug}-{edition.lang}-print.pdf"
    check_print_master(edition, pdf, master, options.output.name if options.output else stem)
    return master


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


def clean_issue(issue_dir: Path, options: BuildOptions | None = None) -> list[Path]:
    """Remove what klastroviny wrote for an issue — its PDFs, the print package, the proofs, the
    visitors' extracts, the web edition, the exported contacts and workbook, and the caches —
    and the output folder if that leaves it empty; nothing else in it. Returns what was
    removed."""
    issue_dir, options = Path(issue_dir), options or BuildOptions()
    if not (issue_dir / "issue.yaml").is_file():
        raise KlastrovinyError("usage", f"{display_path(issue_dir)} is not an issue folder")
    folder = output_folder(issue_dir, options)
    slug = issue_dir.resolve().name
    targets = [
        *sorted(folder.glob(f"{slug}-*.pdf")),
        *sorted(folder.glob(f"{slug}-contacts.*")),  # personal data: not left behind
        *sorted(folder.glob(f"{slug}-extract-*.vcf")),  # a visitor's (the PDFs: above)
        folder / f"{slug}-workbook.xlsx",
        folder / f"{slug}-print.zip",
        folder / "print",
        folder / "proofs",  # the proofs sent; the round's records stay in the issue folder
        folder / "site",  # the web edition
        options.cache_dir or cache_folder(folder),
    ]
    removed = []
    try:
        for path in targets:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            else:
                continue
            removed.append(path)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    except OSError as error:
        raise KlastrovinyError(
            "output", f"cannot remove {error.filename}: {error.strerror}"
        ) from None
    return removed
