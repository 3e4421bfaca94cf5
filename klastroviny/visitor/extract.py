"""`klastroviny extract`: a small PDF for one visitor — a first page for them, the clusters'
profiles cut from the built bulletin (the same typesetting and page numbers, through the render
cache), and their contacts for a pen, styled as the contact index — and beside it one vCard
file of every contact of those clusters who agreed to be printed."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

from klastroviny.build import build_issue, output_folder
from klastroviny.bulletin.edition import Edition
from klastroviny.caching import cache_folder
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Entry
from klastroviny.content.naming import named_entries
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.options import BuildOptions
from klastroviny.pdf.pages import entry_pages
from klastroviny.render.html import render_template
from klastroviny.render.layouts import load_layout
from klastroviny.render.stylesheets import stylesheets
from klastroviny.typeset.units import typeset_html
from klastroviny.workbook import contacts as vcards
from klastroviny.write import write_atomically


@dataclass(frozen=True)
class Extract:
    pdf: Path
    vcf: Path | None  # None: none of the clusters gives a contact for print
    entries: tuple[str, ...]
    contacts: int  # in the vCard file
    report: Report


@dataclass(frozen=True)
class Cluster:
    """A chosen cluster as the extract lists it."""

    entry: Entry
    page: int  # its profile's page number in the bulletin (printed on the page)


def make_extract(
    issue_dir: Path,
    names: list[str],
    options: BuildOptions,
    visitor: str | None = None,
    note: str | None = None,
) -> Extract:
    issue_dir = Path(issue_dir)
    if options.output and options.output.suffix.lower() != ".pdf":
        raise KlastrovinyError(
            "usage", f"-o {options.output}: give a .pdf file (the .vcf goes beside it)"
        )
    issue, report = load_issue(issue_dir)
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; no extract was made", report)
    lang = options.lang or issue.languages[0]
    if lang not in issue.languages:
        raise KlastrovinyError("usage", f"this issue has no '{lang}' edition")
    chosen_ids = {entry.id for entry in named_entries(issue, names)}
    layout = load_layout(options.layout or issue.layout, issue.root)
    edition = Edition(issue, lang, layout)
    chosen = [entry for entry in edition.entries if entry.id in chosen_ids]  # the bulletin's order
    bulletin = _bulletin(issue_dir, options, lang, report)
    where = entry_pages(bulletin, [entry.id for entry in chosen])
    clusters = [Cluster(entry, where[entry.id][0] + 1) for entry in chosen]
    pdf = _pdf(edition, clusters, where, bulletin, visitor, note)
    rows = vcards.select(issue, lang, tuple(chosen)).rows
    folder = output_folder(issue_dir, options)
    target = options.output or folder / _file_name(issue.slug, lang, visitor)
    write_atomically(target, pdf)
    vcf = None
    if rows:  # the visitor's cards: without the office's records of consent
        vcf = target.with_suffix(".vcf")
        write_atomically(vcf, vcards.to_vcf(rows, issue, lang, records=False))
    return Extract(target, vcf, tuple(e.id for e in chosen), len(rows), report)


def _bulletin(issue_dir: Path, options: BuildOptions, lang: str, report: Report) -> bytes:
    """The edition in the chosen layout, typeset through the issue's render cache, built into
    a folder of its own: an extract in another layout leaves the bulletin as it is."""
    import tempfile

    cache = options.cache_dir or cache_folder(output_folder(issue_dir, options))
    with tempfile.TemporaryDirectory(prefix="klastroviny-extract-") as folder:
        built = build_issue(
            issue_dir,
            replace(options, lang=lang, output=None, out_dir=Path(folder), cache_dir=cache),
        )
        report.extend(built.report)
        return built.outputs[0].path.read_bytes()


def _pdf(edition: Edition, clusters, where, bulletin: bytes, visitor, note) -> bytes:
    """The first page and the contacts, typeset as one document; the profiles between them."""
    import pypdf
    from pypdf.generic import NameObject, TextStringObject

    html = render_template(
        edition, "extract.html.j2", issue=edition.issue, clusters=clusters, visitor=visitor,
        note=note,
    )  # fmt: skip
    layout = edition.layout
    css = layout.find("extract.css")
    sheets = (*stylesheets(edition), (str(css), css.read_text(encoding="utf-8")))
    pdf, pages, anchors = typeset_html("extract", html, sheets, layout, edition.issue.root)
    letter = pypdf.PdfReader(io.BytesIO(pdf))
    profiles = pypdf.PdfReader(io.BytesIO(bulletin))
    writer = pypdf.PdfWriter()
    contacts_at = anchors["extract-contacts"]
    for index in range(contacts_at):
        writer.add_page(letter.pages[index])
    for cluster in clusters:
        for index in where[cluster.entry.id]:
            writer.add_page(profiles.pages[index])
    for index in range(contacts_at, pages):
        writer.add_page(letter.pages[index])
    fallback = edition.issue.fallback(edition.lang)
    names = ", ".join(
        edition.craft(c.entry.display_short_name(edition.lang, fallback)) for c in clusters
    )
    writer.add_metadata({"/Title": f"{edition.text(edition.issue.title)}: {names}"})
    writer.root_object[NameObject("/Lang")] = TextStringObject(edition.lang)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _file_name(slug: str, lang: str, visitor: str | None) -> str:
    from klastroviny.workbook.convert import slug as ascii_slug

    who = ascii_slug(visitor) if visitor else ""
    return f"{slug}-extract-{who + '-' if who else ''}{lang}.pdf"
