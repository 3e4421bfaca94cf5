"""The hand-off package for the print shop: build/<slug>/print/ and a zip of it.

Print masters per language, imposed proofs, preflight reports, a job ticket and SHA-256
checksums. Made in a temporary folder beside the target and moved into place at the end, so
that a failure leaves no half package (and the previous one, if any, untouched); a master that
fails preflight leaves only its report, in the output folder. The ticket is job_ticket.py's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from klastroviny.build import build_issue, output_folder
from klastroviny.caching import cache_folder
from klastroviny.content.issue_file import load_issue
from klastroviny.content.print_details import ticket_warnings
from klastroviny.errors import KlastrovinyError, Report, display_path
from klastroviny.options import BuildOptions
from klastroviny.press.job_ticket import job_ticket
from klastroviny.press.preflight import PreflightFailed, PreflightReport, preflight
from klastroviny.render.layouts import load_layout


@dataclass(frozen=True)
class Package:
    folder: Path
    archive: Path
    files: tuple[str, ...]
    report: Report  # the build's warnings (an entry not approved, say)


def make_package(issue_dir: Path, options: BuildOptions) -> Package:
    issue, report = load_issue(Path(issue_dir))
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; nothing was packaged", report)
    out_root = output_folder(Path(issue_dir), options)
    target, archive = out_root / "print", out_root / f"{issue.slug}-print.zip"
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".print-", dir=out_root))
    except OSError as error:
        raise KlastrovinyError("output", f"cannot write to {out_root}: {error.strerror}") from None
    try:
        try:
            result = build_issue(
                issue_dir,
                replace(
                    options,
                    lang=options.lang or "all",
                    output=None,
                    out_dir=staging,
                    print_master=True,
                    booklet=True,
                    cache_dir=options.cache_dir or cache_folder(out_root),
                ),
            )
        except PreflightFailed as failed:  # the build refused a master: its report stays
            names = _write_reports(failed.preflight, out_root)
            raise KlastrovinyError(
                "preflight",
                f"{failed.message}; its preflight report: {display_path(out_root / names[0])}",
                failed.report,
            ) from None
        layout = load_layout(options.layout or issue.layout, issue.root)
        masters = [out for out in result.outputs if out.path.name.endswith("-print.pdf")]
        _preflight(masters, layout, staging, out_root)
        (staging / "JOB-TICKET.txt").write_text(
            job_ticket(issue, layout, masters, options.marks, options.pdfx, options.icc),
            encoding="utf-8",
        )
        result.report.extend(ticket_warnings(issue, tuple(out.lang for out in masters)))
        files = sorted(path.name for path in staging.iterdir())
        sums = "".join(f"{_sha256(staging / name)}  {name}\n" for name in files)
        (staging / "SHA256SUMS").write_text(sums, encoding="utf-8")
        files.append("SHA256SUMS")
        zip_staging = staging.with_suffix(".zip")
        _zip(staging, sorted(files), zip_staging, issue.date)
        _replace(staging, target)
        zip_staging.replace(archive)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        staging.with_suffix(".zip").unlink(missing_ok=True)
        raise
    return Package(target, archive, tuple(sorted(files)), result.report)


def _preflight(masters, layout, staging: Path, out_root: Path) -> None:
    """A preflight report per master beside it. When one fails, its reports are moved to the
    output folder instead (the package is not made), and the error names them."""
    failed, kept, errors = [], [], []
    for out in masters:
        checked = preflight(out.path, (layout.width_mm, layout.height_mm), layout.pages_multiple)
        checked.file = out.path.name  # as delivered, not the staging folder's path
        names = _write_reports(checked, staging)
        for name in names:
            (out_root / name).unlink(missing_ok=True)  # left by an earlier failure
        if not checked.printable:
            failed.append(out.path.name)
            kept += names
            errors += [
                f"{out.path.name}: {f.message}" for f in checked.findings if f.status == "error"
            ]
    for name in kept:
        (staging / name).replace(out_root / name)
    if failed:
        shown = ", ".join(display_path(out_root / name) for name in kept if name.endswith("txt"))
        raise KlastrovinyError(
            "preflight",
            f"{', '.join(failed)} {'fails' if len(failed) == 1 else 'fail'} preflight, so "
            f"nothing was packaged; fix what {shown} names and package again:\n  "
            + "\n  ".join(errors),
        )


def _write_reports(checked: PreflightReport, folder: Path) -> list[str]:
    """The preflight report of a master as text and JSON in `folder`; their names, text first."""
    stem = Path(checked.file).name.removesuffix(".pdf")
    reports = {
        f"{stem}-preflight.txt": checked.as_text(),
        f"{stem}-preflight.json": json.dumps(checked.as_dict(), ensure_ascii=False, indent=2),
    }
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
    return list(reports)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _zip(folder: Path, names: list[str], archive: Path, day) -> None:
    """A reproducible zip: sorted names, the issue's date as every timestamp."""
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in names:
            info = zipfile.ZipInfo(f"print/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(info, (folder / name).read_bytes())


def _replace(staging: Path, target: Path) -> None:
    """Move the new folder into place; the old one is removed only once the new one is in."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    if old:
        shutil.rmtree(old, ignore_errors=True)
