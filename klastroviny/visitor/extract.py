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
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Entry
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.options import BuildOptions
from klastroviny.pdf.pages import entry_pages
from klastroviny.render.html import render_template
from klastroviny.render.layouts import load_layout
from klastroviny.render.stylesheets import stylesheets
from klastroviny.typeset.units import typeset_html
from klastroviny.visitor.choose import chosen_entries
from klastroviny.workbook import contacts as vcards
from klastroviny.write import write_atomically


@dataclass(frozen=True)
class Extract:
    pdf: Path
    vcf: Path
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
    issue, report = load_issue(issue_dir)
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; no extract was made", report)
    lang = options.lang or issue.languages[0]
    if lang not in issue.languages:
        raise KlastrovinyError("usage", f"this issue has no '{lang}' edition")
    chosen = chosen_entries(issue, names)
    built = build_issue(issue_dir, replace(options, lang=lang, output=None))
    report.extend(built.report)
    bulletin = built.outputs[0].path.read_bytes()
    layout = load_layout(options.layout or issue.layout, issue.root)
    edition = Edition(issue, lang, layout)
    chosen = [entry for entry in edition.entries if entry in chosen]  # the bulletin's order
    where = entry_pages(bulletin, [entry.id for entry in chosen])
    clusters = [Cluster(entry, where[entry.id][0] + 1) for entry in chosen]
    pdf = _pdf(edition, clusters, where, bulletin, visitor, note)
    rows = vcards.select(issue, lang, tuple(chosen)).rows
    target = options.output or output_folder(issue_dir, options) / _file_name(
        issue.slug, lang, visitor
    )
    vcf = target.with_suffix(".vcf")
    write_atomically(target, pdf)
    write_atomically(vcf, vcards.to_vcf(rows, issue, lang))
    return Extract(target, vcf, tuple(e.id for e in chosen), len(rows), report)


def _pdf(edition: Edition, clusters, where, bulletin: bytes, visitor, note) -> bytes:
    """The first page and the contacts, typeset as one document; the profiles between them."""
    import pypdf

    html = render_template(
        edition, "extract.html.j2", issue=edition.issue, clusters=clusters, visitor=visitor,
        note=note,
    )  # fmt: skip
    layout = edition.layout
    sheets = (
        *stylesheets(edition),
        (str(layout.find("extract.css")), layout.find("extract.css").read_text(encoding="utf-8")),
    )
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
    names = ", ".join(edition.craft(c.entry.display_short_name(edition.lang)) for c in clusters)
    writer.add_metadata({"/Title": f"{edition.text(edition.issue.title)}: {names}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _file_name(slug: str, lang: str, visitor: str | None) -> str:
    from klastroviny.workbook.convert import slug as ascii_slug

    who = ascii_slug(visitor) if visitor else ""
    return f"{slug}-extract-{who + '-' if who else ''}{lang}.pdf"
