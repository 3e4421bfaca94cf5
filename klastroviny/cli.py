"""The command line: parses flags, calls the library, turns our errors into clean messages.

Heavy imports (WeasyPrint) happen inside the commands so that --help is instant.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path

import click

from klastroviny import __version__
from klastroviny.errors import KlastrovinyError, Report


def main() -> None:
    cli(prog_name="klastroviny")


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
        from klastroviny.validate import load_issue

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
    try:
        run()
    except KlastrovinyError as error:
        if error.report is not None:
            print_report(error.report)
        click.echo(f"error: {error.message}", err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        click.echo("interrupted; earlier outputs are left as they were", err=True)
        raise SystemExit(130) from None
    except (SystemExit, click.exceptions.Exit, click.ClickException):
        raise
    except Exception:
        if ctx.obj and ctx.obj.get("traceback"):
            raise
        saved = _save_traceback()
        click.echo(
            f"internal error: {sys.exc_info()[1]!r}\nThis is a bug in klastroviny, not in your "
            f"issue. The traceback was saved to {saved}; please attach it to a bug report.",
            err=True,
        )
        raise SystemExit(1) from None


def _save_traceback() -> str:
    with tempfile.NamedTemporaryFile(
        "w", prefix="klastroviny-traceback-", suffix=".txt", delete=False
    ) as file:
        traceback.print_exc(file=file)
        return file.name


@cli.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["cs", "en", "all"]),
    default=None,
    help="Edition to build; default: the issue's first language.",
)
@click.option("--layout", default=None, help="Layout under layouts/; default: the issue's.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the PDF to this file (one edition).",
)
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the PDFs; default build/<slug>/.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_context
def build(ctx, issue_dir: Path, lang, layout, output, out_dir, strict) -> None:
    """Build the bulletin PDF of an issue: validates first, renders, writes atomically.

    Default output: build/<slug>/<slug>-<lang>.pdf. Prints the output paths, page counts and
    the number of warnings.
    """

    def run() -> None:
        from klastroviny.build import build_issue
        from klastroviny.options import BuildOptions

        options = BuildOptions(
            lang=lang,
            layout=layout,
            output=output,
            out_dir=out_dir,
            strict=strict,
            progress=_progress_printer(),
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
