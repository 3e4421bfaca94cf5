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
@click.pass_context
def check(ctx: click.Context, issue_dir: Path, strict: bool) -> None:
    """Validate an issue folder: issue.yaml, every entry, logos, order.

    Prints every problem as file:line:col: field: message, errors first. Exits 1 on any error
    (or any warning with --strict), 0 otherwise.
    """

    def run() -> None:
        from klastroviny.content.issue_file import load_issue

        issue, report = load_issue(issue_dir)
        print_report(report)
        if report.errors or (strict and report.warnings):
            raise SystemExit(1)
        click.echo(
            f"{issue_dir}: OK, {_count(len(issue.entries), 'entry', 'entries')}, "
            f"editions {', '.join(issue.languages)}, layout {issue.layout}"
        )

    guarded(ctx, run)


def print_report(report: Report) -> None:
    """Every problem, errors first, then a count."""
    for problem in report.sorted():
        click.echo(str(problem), err=True)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        click.echo(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}", err=True)


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

        if (marks or icc or pdfx != "x-4") and not print_master:
            raise click.UsageError(
                "--marks, --icc and --pdfx apply to the print master: add --print"
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
@STRICT
@NO_CACHE
@click.pass_context
def package(
    ctx, issue_dir: Path, lang, layout, out_dir, marks, pdfx, icc, strict, no_cache
) -> None:
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
            no_cache=no_cache,
        )
        made = make_package(issue_dir, options)
        if sys.stderr.isatty():
            click.echo("", err=True)
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
        _rebuild(issue_dir, options, "first build")
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
                _rebuild(issue_dir, options, ", ".join(changed))
        click.echo("stopped watching")

    guarded(ctx, run)


def _rebuild(issue_dir: Path, options, what: str) -> None:
    import time

    from klastroviny.build import build_issue
    from klastroviny.errors import KlastrovinyError

    click.echo(f"changed: {what}")
    start = time.perf_counter()
    try:
        result = build_issue(issue_dir, options)
    except KlastrovinyError as error:
        if error.report is not None:
            print_report(error.report)
        click.echo(f"error: {error.message}; the last good PDF is unchanged", err=True)
        return
    print_report(result.report)
    seconds = time.perf_counter() - start
    for out in result.outputs:
        click.echo(f"{out.path}: {out.pages} pages ({out.lang})")
    click.echo(
        f"{result.units_typeset} units typeset, {result.units_reused} reused, {seconds:.1f} s"
    )


def _shown(path: Path) -> str:
    from klastroviny.errors import display_path

    return display_path(path)
