"""The command line: parses flags, calls the library, turns our errors into clean messages.

Heavy imports (WeasyPrint) happen inside the commands so that --help is instant. Over 400
lines because each command's options are declared here, flat, next to the command; the work
is in the library.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path

import click

from klastroviny import __version__
from klastroviny.errors import KlastrovinyError, Report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="klastroviny")
@click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    help="Show the full traceback of an internal error instead of saving it to a file.",
)
@click.pass_context
def cli(ctx: click.Context, show_traceback: bool) -> None:
    """Build KLASTROVINY, the bulletin of the Czech National Cluster Association, from one YAML
    file per cluster."""
    ctx.obj = {"traceback": show_traceback}


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--fit",
    is_flag=True,
    help="Also typeset the profiles of every edition (kept in the render cache of "
    "build/<slug>/ for the build) and report each one that overflows its page budget.",
)
@click.pass_context
def check(ctx: click.Context, issue_dir: Path, strict: bool, fit: bool) -> None:
    """Validate an issue folder: issue.yaml, every entry, logos, order; with --fit, whether
    every profile fits its page budget.

    Prints every problem as file:line:col: field: message, errors first. Exits 1 on any error
    (or any warning with --strict), 0 otherwise. Without --fit nothing is typeset.
    """

    def run() -> None:
        from klastroviny.bulletin.checks import check_logo_resolution
        from klastroviny.content.issue_file import load_issue
        from klastroviny.render.layouts import load_layout

        issue, report = load_issue(issue_dir)
        if issue is not None:  # what the layout prints: its logo box
            report.extend(check_logo_resolution(issue, load_layout(issue.layout, issue.root)))
        if fit and issue is not None:
            from klastroviny.build import fit_issue

            report.extend(fit_issue(issue))
        print_report(report)
        if report.errors or (strict and report.warnings):
            raise SystemExit(1)
        click.echo(
            f"{issue_dir}: OK, {_count(len(issue.entries), 'entry', 'entries')}, "
            f"editions {', '.join(issue.languages)}, layout {issue.layout}"
            + ("; every profile fits its page budget" if fit else "")
        )

    guarded(ctx, run)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="The bulletin's title; default: a line to fill in.")
@click.option("--publisher", default=None, help="The publisher; default: a line to fill in.")
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="The issue's date.")
@click.option("--event", default=None, help="The event the issue is made for.")
@click.option(
    "--languages",
    default=None,
    metavar="cs,en",
    help="The editions, separated by commas; default: cs (with --from, the earlier issue's).",
)
@click.option(
    "--from",
    "previous",
    type=click.Path(path_type=Path),
    default=None,
    metavar="PREVIOUS_ISSUE_DIR",
    help="Start from an earlier issue: copy its entries and logos, take its issue.yaml's "
    "values (the options override them), number + 1.",
)
@click.pass_context
def new(ctx, issue_dir: Path, title, publisher, date, event, languages, previous) -> None:
    """Make a new issue folder: issue.yaml with a comment on every field, entries/, logos/.

    A required field not given (by an option or --from) is a commented-out line marked
    "<- required", which check reports as missing until it is filled in.
    """

    def run() -> None:
        from klastroviny.content.scaffold import new_issue

        made = new_issue(
            issue_dir,
            title=title,
            publisher=publisher,
            date=date,
            event=event,
            languages=languages,
            previous=previous,
        )
        _print_new(made)

    guarded(ctx, run)


def _print_new(made) -> None:
    import shlex

    shown = shlex.quote(str(made.issue_dir))
    number = f" (number {made.number})" if made.number else ""
    entries = _count(made.entries, "entry", "entries")
    entries += ", .imported.json" if made.import_record else ""
    if made.previous is None:
        click.echo(f"made {made.issue_dir}: issue.yaml, entries/, logos/")
    else:
        click.echo(
            f"made {made.issue_dir} from {made.previous}: issue.yaml{number}, "
            f"entries/ ({entries}), logos/ ({_count(made.logos, 'file')})"
        )
    if made.kept:
        kept = ", ".join(made.kept)
        click.echo(f"taken from its issue.yaml: {kept}; update what is new for this issue")
    if made.skipped:
        links = ", ".join(str(path) for path in made.skipped)
        click.echo(f"left out, as links that lead outside {made.previous}: {links}")
    if made.to_fill:
        fields = ", ".join(made.to_fill)
        lines = "lines" if len(made.to_fill) > 1 else "line"
        click.echo(f'fill in issue.yaml: {fields} (the {lines} marked "<- required")')
    if made.entries:
        click.echo(f"next: klastroviny check {shown}")
    else:
        click.echo(f"next: klastroviny add {shown} ID, or klastroviny import {shown} clusters.xlsx")


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.argument("entry_id", metavar="ID")
@click.option("--name", default=None, help="The cluster's full name; default: a line to fill in.")
@click.pass_context
def add(ctx, issue_dir: Path, entry_id: str, name) -> None:
    """Add an entry to an issue: entries/ID.yaml with a comment on every field.

    ID uses only a-z, 0-9 and -. The required fields are commented-out lines marked
    "<- required", which check reports as missing until they are filled in.
    """

    def run() -> None:
        import shlex

        from klastroviny.content.scaffold import add_entry

        made = add_entry(issue_dir, entry_id, name)
        click.echo(
            f'made {made.path}; fill in the lines marked "<- required", then: '
            f"klastroviny check {shlex.quote(str(issue_dir))}"
        )
        if made.manual_order:
            click.echo(f"note: issue.yaml has order: manual; add {entry_id} to its manual_order")

    guarded(ctx, run)


def print_report(report: Report) -> None:
    """Every problem, errors first, then a count; the notes (decisions, not problems) summed
    up in one line."""
    for problem in report.sorted():
        click.echo(str(problem), err=True)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        click.echo(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}", err=True)
    if notes := report.notes:
        who = "; ".join(f"{Path(p.location.file).stem}: {p.message}" for p in notes)
        left = _count(len(notes), "contact", "contacts")
        click.echo(f"note: {left} left out of print, no consent ({who})", err=True)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def guarded(ctx: click.Context, run) -> None:
    """Run a command: user errors end in a clean message and exit 1, bugs in a saved traceback."""
    from klastroviny.interrupt import ignore_signals_once_done

    try:
        run()
        ignore_signals_once_done()
    except KlastrovinyError as error:
        if error.report is not None:
            print_report(error.report)
        click.echo(f"error: {error.message}", err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt as interrupt:
        from klastroviny.interrupt import stopped

        stopped(interrupt)
    except (SystemExit, click.exceptions.Exit, click.ClickException):
        raise
    except Exception as error:
        if ctx.obj and ctx.obj.get("traceback"):
            raise
        if isinstance(error, OSError) and error.filename is not None:
            # The system refused a file (permission, full disk, …): the user can fix that.
            click.echo(
                f"error: {error.filename}: {error.strerror or error}; check that the file "
                "exists, that you may read it (or write to its folder) and that the disk has "
                "space",
                err=True,
            )
            raise SystemExit(1) from None
        try:
            where = f"The traceback was saved to {_save_traceback()}"
        except OSError as cannot_save:  # e.g. a full disk: show it instead
            traceback.print_exc()
            where = f"The traceback is above (it could not be saved: {cannot_save.strerror})"
        click.echo(
            f"internal error: {error!r}\nThis is a bug in klastroviny, not in your "
            f"issue. {where}; please attach it to a bug report.",
            err=True,
        )
        raise SystemExit(1) from None


def _save_traceback() -> str:
    with tempfile.NamedTemporaryFile(
        "w", prefix="klastroviny-traceback-", suffix=".txt", delete=False
    ) as file:
        traceback.print_exc(file=file)
        return file.name


# Options that several commands share, defined once.
LANG = click.option(
    "--lang",
    type=click.Choice(["cs", "en", "all"]),
    default=None,
    help="Edition(s) to build; default: the issue's first language.",
)
LAYOUT = click.option("--layout", default=None, help="Layout under layouts/; default: the issue's.")
OUT_DIR = click.option(
    "--out-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder; default build/<slug>/.",
)
STRICT = click.option("--strict", is_flag=True, help="Fail on warnings too.")
MARKS = click.option("--marks", is_flag=True, help="Crop marks outside the bleed (print master).")
PDFX = click.option(
    "--pdfx",
    type=click.Choice(["x-4", "x-1a"]),
    default="x-4",
    show_default=True,
    help="PDF/X flavour of the print master.",
)
ICC = click.option(
    "--icc",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="The printer's CMYK ICC profile; default: the bundled FOGRA39 profile.",
)
JOBS = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes; default: the number of CPUs.",
)
ENTRIES_HELP = (
    "Only these entries, separated by commas (or ';'): ids, short names or names, accents "
    "and case ignored (docs/cli.md#choosing-entries)."
)
REQUIRE_APPROVAL = click.option(
    "--require-approval",
    is_flag=True,
    help="Refuse while an entry is not approved in its current form (docs/proofs.md); "
    "without it, a warning (require_approval: true in issue.yaml is the same).",
)
NO_CACHE = click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the caches (.cache/ in the output folder).",
)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@LANG
@LAYOUT
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the PDF to this file (one edition).",
)
@OUT_DIR
@STRICT
@click.option(
    "--print",
    "print_master",
    is_flag=True,
    help="Write the print master: CMYK PDF/X with 3 mm bleed (<slug>-<lang>-print.pdf).",
)
@click.option(
    "--booklet",
    is_flag=True,
    help="Also write an imposed 2-up proof for a folded dummy (...-booklet.pdf).",
)
@MARKS
@PDFX
@ICC
@REQUIRE_APPROVAL
@JOBS
@NO_CACHE
@click.pass_context
def build(
    ctx,
    issue_dir: Path,
    lang,
    layout,
    output,
    out_dir,
    strict,
    print_master,
    booklet,
    marks,
    pdfx,
    icc,
    require_approval,
    jobs,
    no_cache,
) -> None:
    """Build the bulletin PDF of an issue: validates first, renders, writes atomically.

    Default output: build/<slug>/<slug>-<lang>.pdf. Prints the output paths, page counts and
    the number of warnings.
    """

    def run() -> None:
        from klastroviny.build import build_issue
        from klastroviny.options import BuildOptions

        if (marks or icc or pdfx != "x-4" or require_approval) and not print_master:
            raise click.UsageError(
                "--marks, --icc, --pdfx and --require-approval apply to the print master: "
                "add --print"
            )
        options = BuildOptions(
            lang=lang,
            layout=layout,
            output=output,
            out_dir=out_dir,
            strict=strict,
            progress=_progress_printer(),
            print_master=print_master,
            booklet=booklet,
            marks=marks,
            pdfx=pdfx,
            icc=icc,
            require_approval=require_approval,
            jobs=jobs,
            no_cache=no_cache,
        )
        result = build_issue(issue_dir, options)
        if sys.stderr.isatty():
            click.echo("", err=True)
        print_report(result.report)
        for out in result.outputs:
            click.echo(f"{out.path}: {out.pages} pages ({out.lang})")
        click.echo(_count(len(result.report.warnings), "warning"))

    guarded(ctx, run)


def _progress_printer():
    """Entries rendered / total on a terminal; silent when not a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(lang: str, done: int, total: int) -> None:
        click.echo(f"\r{lang}: {done}/{total} profiles laid out", err=True, nl=False)

    return show


@cli.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("--layout", default=None, help="Check trim size and page count against a layout.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def preflight(ctx, pdf: Path, layout, as_json) -> None:
    """Check a PDF the way a print shop does: pages, trim, bleed, fonts, image resolution,
    colour, output intent, PDF/X, links.

    Exit 0 when printable, 1 when a blocking problem exists, 2 when the file cannot be read.
    """

    def run() -> None:
        import json

        from klastroviny.press.preflight import UnreadablePdf
        from klastroviny.press.preflight import preflight as check_pdf
        from klastroviny.render.layouts import load_layout

        trim, multiple = None, None
        if layout:
            chosen = load_layout(layout)
            trim, multiple = (chosen.width_mm, chosen.height_mm), chosen.pages_multiple
        try:
            report = check_pdf(pdf, trim, multiple)
        except UnreadablePdf as error:
            click.echo(f"error: {error.message}", err=True)
            raise SystemExit(2) from None
        if as_json:
            click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(report.as_text(), nl=False)
        raise SystemExit(0 if report.printable else 1)

    guarded(ctx, run)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["cs", "en", "all"]),
    default="all",
    show_default=True,
    help="Edition(s) to package.",
)
@LAYOUT
@OUT_DIR
@MARKS
@PDFX
@ICC
@REQUIRE_APPROVAL
@STRICT
@NO_CACHE
@click.pass_context
def package(
    ctx, issue_dir: Path, lang, layout, out_dir, marks, pdfx, icc, require_approval, strict,
    no_cache,
) -> None:  # fmt: skip
    """Make the hand-off folder for the print shop, build/<slug>/print/, and its zip: print
    masters, imposed proofs, preflight reports, job ticket, SHA-256 checksums."""

    def run() -> None:
        from klastroviny.options import BuildOptions
        from klastroviny.press.package import make_package

        options = BuildOptions(
            lang=lang,
            layout=layout,
            out_dir=out_dir,
            strict=strict,
            progress=_progress_printer(),
            marks=marks,
            pdfx=pdfx,
            icc=icc,
            require_approval=require_approval,
            no_cache=no_cache,
        )
        made = make_package(issue_dir, options)
        if sys.stderr.isatty():
            click.echo("", err=True)
        print_report(made.report)
        for name in made.files:
            click.echo(f"{made.folder / name}")
        click.echo(f"{made.archive}")

    guarded(ctx, run)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@OUT_DIR
@click.pass_context
def clean(ctx, issue_dir: Path, out_dir) -> None:
    """Remove an issue's outputs and caches: its PDFs, the print package and .cache/ in its
    output folder (build/<slug>/ or --out-dir). Nothing else there is touched.
    """

    def run() -> None:
        from klastroviny.build import clean_issue
        from klastroviny.errors import display_path
        from klastroviny.options import BuildOptions

        removed = clean_issue(issue_dir, BuildOptions(out_dir=out_dir))
        for path in removed:
            click.echo(f"removed {display_path(path)}")
        if not removed:
            click.echo("nothing to remove")

    guarded(ctx, run)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@LANG
@LAYOUT
@OUT_DIR
@JOBS
@click.pass_context
def watch(ctx, issue_dir: Path, lang, layout, out_dir, jobs) -> None:
    """Rebuild on every saved change to the issue, its layout or assets.

    Prints what changed, how many units were typeset and how long it took. A broken file is
    reported (file:line) and the last good PDF stays in place. Ctrl-C ends.
    """

    def run() -> None:
        from watchfiles import watch as changes_of

        from klastroviny.options import BuildOptions
        from klastroviny.resources import ASSETS_DIR, LAYOUTS_DIR

        options = BuildOptions(lang=lang, layout=layout, out_dir=out_dir, jobs=jobs)
        seen: set[str] = set()  # the problems printed so far: a rebuild prints what changed
        _rebuild(issue_dir, options, "first build", seen)
        watching = False
        # An empty set comes each second without changes: "watching" is said once the
        # watcher is really there, so that a save right after it is never missed.
        for changes in changes_of(
            issue_dir,
            LAYOUTS_DIR,
            ASSETS_DIR,
            raise_interrupt=False,
            yield_on_timeout=True,
            rust_timeout=1000,
        ):
            if not watching:
                click.echo(f"watching {issue_dir}, layouts/ and assets/ (Ctrl-C ends)")
                watching = True
            if changes:
                changed = sorted({_shown(Path(path)) for _, path in changes})
                _rebuild(issue_dir, options, ", ".join(changed), seen)
        click.echo("stopped watching")

    guarded(ctx, run)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--lang", type=click.Choice(["cs", "en"]), default=None,
    help="The edition shown first; default: the issue's first language (all are built).",
)  # fmt: skip
@LAYOUT
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="Port; if it is taken (or 0), a free one, printed.",
)  # fmt: skip
@click.option(
    "--host", default="127.0.0.1", show_default=True,
    help="Address to serve on; any other than this one lets others on the network read the issue.",
)  # fmt: skip
@click.option("--no-open", is_flag=True, help="Do not open the browser.")
@JOBS
@click.pass_context
def preview(ctx, issue_dir: Path, lang, layout, port, host, no_open, jobs) -> None:
    """Show the bulletin in the browser, page by page as it prints, with every problem of the
    last build; each saved change shows at once. Ctrl-C ends."""

    def run() -> None:
        from klastroviny.options import BuildOptions
        from klastroviny.preview.serve import serve_preview

        options = BuildOptions(layout=layout, jobs=jobs)
        serve_preview(issue_dir, options, lang, host, port, not no_open, click.echo)

    guarded(ctx, run)


def _rebuild(issue_dir: Path, options, what: str, seen: set[str]) -> None:
    import time

    from klastroviny.build import build_issue
    from klastroviny.errors import KlastrovinyError

    click.echo(f"changed: {what}")
    start = time.perf_counter()
    try:
        result = build_issue(issue_dir, options)
    except KlastrovinyError as error:
        _print_news(error.report or Report(), seen)
        click.echo(f"error: {error.message}; the last good PDF is unchanged", err=True)
        return
    _print_news(result.report, seen)
    seconds = time.perf_counter() - start
    for out in result.outputs:
        click.echo(f"{out.path}: {out.pages} pages ({out.lang})")
    click.echo(
        f"{result.units_typeset} units typeset, {result.units_reused} reused, {seconds:.1f} s"
    )


def _print_news(report: Report, seen: set[str]) -> None:
    """The problems that are new since the last build, and those that are gone: not every
    warning again on every save."""
    now = {str(problem) for problem in report.sorted()}
    for line in (str(problem) for problem in report.sorted()):
        if line not in seen:
            click.echo(line, err=True)
    for line in sorted(seen - now):
        click.echo(f"resolved: {line}", err=True)
    errors, warnings = len(report.errors), len(report.warnings)
    if now != seen and (errors or warnings):
        click.echo(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}", err=True)
    seen.clear()
    seen.update(now)


def _shown(path: Path) -> str:
    from klastroviny.errors import display_path

    return display_path(path)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "vcf", "xlsx"]),
    default=None,
    help="File format; default: from the suffix of -o, else csv.",
)
@click.option("--entries", default=None, help=ENTRIES_HELP)
@click.option(
    "--lang",
    type=click.Choice(["cs", "en"]),
    default=None,
    help="Language of names and roles; default: the issue's first language.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write to this file; default build/<slug>/<slug>-contacts.<format>.",
)
@click.pass_context
def contacts(ctx, issue_dir: Path, fmt, entries, lang, output) -> None:
    """Export the contacts who agreed to be printed, for follow-up after the event: CSV, XLSX
    or vCard, one row or card per contact, in the bulletin's order. Contacts with consent:
    false are never exported."""

    def run() -> None:
        from klastroviny.errors import display_path
        from klastroviny.workbook.contacts import export_contacts

        made = export_contacts(issue_dir, fmt, entries, lang, output)
        print_report(made.report)
        chosen = made.selection
        click.echo(
            f"{_count(len(chosen.rows), 'contact')} of {_count(chosen.clusters, 'cluster')} "
            f"→ {display_path(made.path)}"
        )
        click.echo(f"{_count(chosen.without_consent, 'contact')} left out for lack of consent")

    guarded(ctx, run)


@cli.command("import")
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("table", type=click.Path(path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Show, entry by entry, what would change; write nothing."
)
@click.option(
    "--force", is_flag=True, help="Also update entry files edited by hand since the last import."
)
@click.pass_context
def import_(ctx, issue_dir: Path, table: Path, dry_run: bool, force: bool) -> None:
    """Make or update entries/<id>.yaml from the office's workbook: an .xlsx, .xls or .ods file,
    a clusters.csv, or a folder with clusters.csv and contacts.csv (docs/spreadsheets.md).

    Everything is read and checked before anything is written: one error in any row, and no
    file changes."""

    def run() -> None:
        from klastroviny.workbook.importing import import_workbook

        result = import_workbook(issue_dir, table, dry_run, force)
        print_report(result.report)
        _print_import(result, dry_run)

    guarded(ctx, run)


def _print_import(result, dry_run: bool) -> None:
    counts = ", ".join(_count(n, kind[:-1], kind) for kind, n in result.counts.items())
    click.echo(f"read {counts}")
    if result.converted:
        done = ", ".join(f"{n} {what}" for what, n in sorted(result.converted.items()))
        click.echo(f"converted: {done}")
    changed = [change for change in result.changes if change.changed]
    for change in result.changes:
        if change.changed or dry_run:
            refused = (
                " (edited by hand: the import refuses it without --force)"
                if change.id in result.edited_by_hand
                else ""
            )
            click.echo(f"{change.id}: {', '.join(change.changes) or 'no change'}{refused}")
    if result.not_in_table:
        click.echo(f"not in the table, kept as they are: {', '.join(result.not_in_table)}")
    verb = "would change" if dry_run else "changed"
    unchanged = len(result.changes) - len(changed)
    click.echo(f"{verb} {_count(len(changed), 'entry file', 'entry files')}, {unchanged} unchanged")


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="An .xlsx file, or a folder for clusters.csv and contacts.csv; "
    "default build/<slug>/<slug>-workbook.xlsx.",
)
@click.pass_context
def export(ctx, issue_dir: Path, output: Path | None) -> None:
    """Write the issue as the workbook that `import` reads: every cluster and contact. Importing
    it again changes nothing."""

    def run() -> None:
        from klastroviny.build import output_folder
        from klastroviny.errors import display_path
        from klastroviny.options import BuildOptions
        from klastroviny.workbook.export import export_workbook

        slug = issue_dir.resolve().name
        target = output or output_folder(issue_dir, BuildOptions()) / f"{slug}-workbook.xlsx"
        for path in export_workbook(issue_dir, target):
            click.echo(f"wrote {display_path(path)}")

    guarded(ctx, run)


# --- the proof round (docs/proofs.md) ----------------------------------------------------------
@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--lang", type=click.Choice(["cs", "en", "all"]), default="all", show_default=True,
    help="Edition(s) to proof.",
)  # fmt: skip
@click.option("--entries", default=None, help=ENTRIES_HELP)
@click.option("--all", "every", is_flag=True, help="Every entry, approved ones too.")
@OUT_DIR
@JOBS
@click.pass_context
def proofs(ctx, issue_dir: Path, lang, entries, every, out_dir, jobs) -> None:
    """Make a round of proofs: for each entry not approved in its current form (or the chosen
    ones) a proof PDF and an e-mail ready to send, in build/<slug>/proofs/<round>/, with what
    changed since the last round marked. Nothing is sent."""

    def run() -> None:
        from klastroviny.content.naming import split_names
        from klastroviny.errors import display_path
        from klastroviny.options import BuildOptions
        from klastroviny.proofs.round import make_proofs

        options = BuildOptions(lang=lang, out_dir=out_dir, jobs=jobs, progress=_progress_printer())
        result = make_proofs(issue_dir, options, split_names(entries or ""), every)
        if sys.stderr.isatty():
            click.echo("", err=True)
        print_report(result.report)
        if result.skipped:
            skipped = ", ".join(f"{ident} ({lang})" for ident, lang in result.skipped)
            click.echo(f"approved in their current form, not sent: {skipped}")
        if result.round is None:
            click.echo(
                "nothing to send: every entry is approved in its current form "
                "(use --all to send them anyway)"
            )
            return
        for made in result.files:
            what = "first proof" if made.first else "; ".join(made.changes) or "no change"
            click.echo(f"{display_path(made.eml)} → {made.to or '(no address)'}: {what}")
        click.echo(f"round {result.round}: {_count(len(result.files), 'proof')}, "
                   f"listed in {display_path(result.table)}")  # fmt: skip

    guarded(ctx, run)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("ids", nargs=-1)
@click.option("--by", default=None, help="Who approved (name), as the cluster answered.")
@click.option("--on", "day", default=None, help="The day of the answer, YYYY-MM-DD; default today.")
@click.option("--note", default=None, help="A note kept with the approval.")
@click.option("--lang", type=click.Choice(["cs", "en", "all"]), default="all", show_default=True)
@click.option(
    "--all-unchanged", is_flag=True,
    help="Approve every entry whose latest proof is what it approved before.",
)  # fmt: skip
@click.pass_context
def approve(ctx, issue_dir: Path, ids, by, day, note, lang, all_unchanged) -> None:
    """Record that clusters approved the proofs they were sent, in approvals.yaml."""

    def run() -> None:
        import datetime as dt

        from klastroviny.content.naming import split_names
        from klastroviny.errors import display_path
        from klastroviny.proofs.approve import record_approvals
        from klastroviny.proofs.records import today

        if bool(ids) == all_unchanged:
            raise click.UsageError("name the entries approved, or give --all-unchanged (not both)")
        try:
            on = dt.date.fromisoformat(day) if day else today()
        except ValueError:
            raise click.BadParameter(
                f"'{day}' is not a date; write 2026-09-15", param_hint="--on"
            ) from None
        names = split_names(",".join(ids))
        made = record_approvals(issue_dir, names, lang, by, on, note, all_unchanged)
        print_report(made.report)
        for a in made.approvals:
            click.echo(f"{a.entry} ({a.lang}): approved round {a.round} on {a.on}")
        count = _count(len(made.approvals), "approval")
        click.echo(f"recorded {count} in {display_path(made.path)}")

    guarded(ctx, run)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def status(ctx, issue_dir: Path, as_json) -> None:
    """Where each entry stands in the proof round: approved, changed since approval, sent and
    waiting, never sent. Exit 0 whatever the news."""

    def run() -> None:
        import json

        from klastroviny.proofs.status import read_standing

        now = read_standing(issue_dir)
        if as_json:
            click.echo(json.dumps(now.as_dict(), ensure_ascii=False, indent=2))
            return
        width = max((len(status.entry) for status in now.entries), default=0)
        for entry in now.entries:
            click.echo(f"{entry.entry:<{width}}  {entry.words()}")
        if now.gone:
            click.echo(f"records of entries no longer in the issue: {', '.join(now.gone)}")
        click.echo(now.summary())

    guarded(ctx, run)


# --- for the visitor (docs/visitor.md) -------------------------------------------------------
@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--entries", required=True, help=ENTRIES_HELP,
)  # fmt: skip
@click.option("--lang", type=click.Choice(["cs", "en"]), default=None, help="Edition.")
@LAYOUT
@click.option("--for", "visitor", default=None, help="The visitor's name, for the first page.")
@click.option("--note", default=None, help="A line for the visitor on the first page.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None,
    help="The PDF; the .vcf goes beside it. Default build/<slug>/<slug>-extract-….pdf.",
)  # fmt: skip
@OUT_DIR
@click.pass_context
def extract(ctx, issue_dir: Path, entries, lang, layout, visitor, note, output, out_dir) -> None:
    """A small PDF for one visitor: a first page for them, the chosen clusters' profiles as in
    the bulletin, their contacts for a pen; and beside it a .vcf of those contacts."""

    def run() -> None:
        from klastroviny.content.naming import split_names
        from klastroviny.errors import display_path
        from klastroviny.options import BuildOptions
        from klastroviny.visitor.extract import make_extract

        options = BuildOptions(lang=lang, layout=layout, output=output, out_dir=out_dir)
        made = make_extract(issue_dir, split_names(entries), options, visitor, note)
        print_report(made.report)
        click.echo(f"{display_path(made.pdf)}: {', '.join(made.entries)}")
        if made.vcf:
            click.echo(f"{display_path(made.vcf)}: {_count(made.contacts, 'contact')}")
        else:
            click.echo("no .vcf: none of these clusters gives a contact for print")

    guarded(ctx, run)


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--out-dir", type=click.Path(path_type=Path), default=None,
    help="Where the site goes (DIR/site/); default build/<slug>/site/.",
)  # fmt: skip
@click.option("--no-pdf", is_flag=True, help="Without the bulletin PDF (no build).")
@click.pass_context
def site(ctx, issue_dir: Path, out_dir, no_pdf) -> None:
    """A static web edition of the issue that works offline: the clusters (filter, search), a
    page per cluster with vCards, the contact index, the bulletin PDF. Open its index.html."""

    def run() -> None:
        from klastroviny.errors import display_path
        from klastroviny.options import BuildOptions
        from klastroviny.visitor.site import make_site

        made = make_site(issue_dir, BuildOptions(out_dir=out_dir), with_pdf=not no_pdf)
        print_report(made.report)
        click.echo(f"{display_path(made.folder / 'index.html')}: {made.pages} pages, "
                   f"{made.files} files")  # fmt: skip

    guarded(ctx, run)
