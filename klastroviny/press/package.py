"""The hand-off package for the print shop: build/<slug>/print/ and a zip of it.

Print masters per language, imposed proofs, preflight reports, a job ticket and SHA-256
checksums. Made in a temporary folder beside the target and moved into place at the end, so
that a failure leaves no half package (and the previous one, if any, untouched).
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
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.options import BuildOptions
from klastroviny.press.master import PDFX
from klastroviny.press.preflight import preflight
from klastroviny.render.layouts import load_layout
from klastroviny.text.typography import format_date

PAPER = {
    "A5": "cover 250 g/m² gloss coated, inside 115 g/m² matt coated",
    "A4": "cover 250 g/m² gloss coated, inside 130 g/m² matt coated",
}


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
        layout = load_layout(options.layout or issue.layout, issue.root)
        masters = [out for out in result.outputs if out.path.name.endswith("-print.pdf")]
        for out in masters:
            checked = preflight(
                out.path, (layout.width_mm, layout.height_mm), layout.pages_multiple
            )
            checked.file = out.path.name  # as delivered, not the staging folder's path
            stem = out.path.name.removesuffix(".pdf")
            (staging / f"{stem}-preflight.txt").write_text(checked.as_text(), encoding="utf-8")
            (staging / f"{stem}-preflight.json").write_text(
                json.dumps(checked.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
            if not checked.printable:
                raise KlastrovinyError(
                    "preflight", f"{out.path.name} fails preflight; see its report"
                )
        (staging / "JOB-TICKET.txt").write_text(
            _job_ticket(issue, layout, masters, options), encoding="utf-8"
        )
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


def _job_ticket(issue, layout, masters, options: BuildOptions) -> str:
    lang = issue.languages[0]
    contact = issue.publisher.get(lang)
    lines = [
        f"JOB TICKET — {issue.title.get(lang)}" + (f" {issue.number}" if issue.number else ""),
        "",
        f"Publisher / contact:  {contact}",
        f"Date of issue:        {format_date(issue.date, 'en').replace(chr(160), ' ')}",
        f"Trim size:            {layout.page_size} portrait, {layout.width_mm:g} × "
        f"{layout.height_mm:g} mm",
        f"Bleed:                {layout.bleed_mm:g} mm on every side (TrimBox and BleedBox set)",
        f"Crop marks:           {'yes, outside the bleed' if options.marks else 'none'}",
        "Binding:              "
        + ("saddle stitch, 2 staples" if layout.pages_multiple == 4 else "as agreed"),
        "Colours:              CMYK 4/4, output intent "
        + ("FOGRA39 (ISO 12647-2 coated)" if options.icc is None else options.icc.name),
        f"PDF standard:         {PDFX[options.pdfx]['version']}",
        f"Paper (suggestion):   {PAPER.get(layout.page_size, 'as agreed')}",
        "",
        "Files (single pages in reading order; *-booklet.pdf is an imposed proof only):",
    ]
    for out in masters:
        lines.append(f"  {out.path.name}: {out.pages} pages, edition {out.lang}")
    lines += ["", "Each PDF has a preflight report beside it; SHA256SUMS lists checksums."]
    return "\n".join(lines) + "\n"


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
