"""`klastroviny site`: the issue as a static web edition that works offline.

One folder: `index.html` (the languages), then per edition `<lang>/index.html` (the foreword and
the clusters, filterable by ecosystem and region and searchable by name), `<lang>/<id>.html` (a
cluster's profile, its contacts who agreed to be printed, a vCard per contact) and
`<lang>/contacts.html` (the contact index); the bulletin PDF, the logos, the CSS and JavaScript,
and the bundled fonts subset to the characters the pages use. Every link is relative, and
nothing is fetched from elsewhere: it works from a folder (file://), a USB stick or any host.
A visitor ticks clusters and downloads one .vcf of their contacts, made in the browser.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

from klastroviny.build import build_issue, output_folder
from klastroviny.bulletin.edition import Edition
from klastroviny.content import vocabulary
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Entry, Issue
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.options import BuildOptions
from klastroviny.render.html import render_template
from klastroviny.render.layouts import ecosystem_colours, load_layout
from klastroviny.resources import FONTS_DIR
from klastroviny.workbook import contacts as vcards
from klastroviny.write import write_atomically

SITE = "site"  # the templates' folder in layouts/base/, and the site's in the output folder
MANIFEST = ".klastroviny-site"  # the files the last `site` wrote
STATIC = ("site.css", "site.js")
FONTS = {  # the web font files and the bundled fonts they are subset from
    "charis-regular.woff": "CharisSIL-Regular.ttf",
    "charis-italic.woff": "CharisSIL-Italic.ttf",
    "charis-bold.woff": "CharisSIL-Bold.ttf",
    "inter-regular.woff": "Inter-Regular.otf",
    "inter-semibold.woff": "Inter-SemiBold.otf",
    "inter-bold.woff": "Inter-Bold.otf",
}


@dataclass(frozen=True)
class Site:
    folder: Path
    pages: int
    files: int
    report: Report


@dataclass(frozen=True)
class Card:
    """A contact who agreed to be printed, with the file of their vCard."""

    row: vcards.Row
    file: str  # relative to the edition's folder: vcf/<id>-<n>.vcf
    text: str  # the vCard


def make_site(issue_dir: Path, options: BuildOptions, with_pdf: bool = True) -> Site:
    issue_dir = Path(issue_dir)
    issue, report = load_issue(issue_dir)
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; no site was made", report)
    folder = output_folder(issue_dir, options) / SITE
    layout = load_layout(options.layout or issue.layout, issue.root)
    files: dict[str, bytes] = {}
    pdfs: dict[str, str] = {}  # lang → the bulletin's file in its edition's folder
    if with_pdf:
        built = build_issue(issue_dir, replace(options, lang="all", output=None))
        report.extend(built.report)
        for out in built.outputs:
            pdfs[out.lang] = out.path.name
            files[f"{out.lang}/{out.path.name}"] = out.path.read_bytes()
    editions = [Edition(issue, lang, layout) for lang in issue.languages]
    for edition in editions:
        files.update(_edition_pages(edition, pdfs.get(edition.lang)))
    files["index.html"] = _page(editions[0], "root.html.j2", editions=editions, depth=0)
    for name in STATIC:
        files[f"assets/{name}"] = layout.find(f"{SITE}/{name}").read_bytes()
    files["assets/site.css"] += _ecosystem_colours()
    files.update(_logos(issue))
    files.update(_fonts(files))
    _write(folder, files)
    pages = sum(1 for name in files if name.endswith(".html"))
    return Site(folder, pages, len(files), report)


def _edition_pages(edition: Edition, pdf: str | None) -> dict[str, bytes]:
    lang = edition.lang
    cards = {entry.id: _cards(edition, entry) for entry in edition.entries}
    shared = {"pdf": pdf, "cards": cards, "depth": 1}
    pages = {
        f"{lang}/index.html": _page(
            edition,
            "home.html.j2",
            filters=_filters(edition),
            vcards=_vcards(cards),
            **shared,
        ),  # fmt: skip
        f"{lang}/contacts.html": _page(edition, "contacts.html.j2", **shared),
    }
    for entry in edition.entries:
        pages[f"{lang}/{entry.id}.html"] = _page(edition, "cluster.html.j2", entry=entry, **shared)
        for card in cards[entry.id]:
            pages[f"{lang}/{card.file}"] = card.text.encode("utf-8")
    return pages


def _page(edition: Edition, template: str, **context) -> bytes:
    html = render_template(
        edition, f"{SITE}/{template}", issue=edition.issue, this=edition,
        languages=edition.issue.languages,
        logo=lambda entry: f"{'../' * context.get('depth', 1)}{_logo_file(entry)}"
        if entry.logo
        else None,
        **context,
    )  # fmt: skip
    return html.encode("utf-8")


def _cards(edition: Edition, entry: Entry) -> list[Card]:
    """One vCard per contact who agreed (the contacts export's: never anyone else)."""
    rows = vcards.select(edition.issue, edition.lang, (entry,)).rows
    return [
        Card(row, f"vcf/{entry.id}-{n}.vcf",
             vcards.to_vcf((row,), edition.issue, edition.lang, records=False).decode("utf-8"))
        for n, row in enumerate(rows, 1)
    ]  # fmt: skip


def _vcards(cards: dict[str, list[Card]]) -> dict[str, str]:
    """Entry id → its contacts' vCards, for the download assembled in the browser."""
    return {ident: "".join(card.text for card in found) for ident, found in cards.items() if found}


def _filters(edition: Edition) -> dict[str, list[tuple[str, str]]]:
    """The choices of the filters: the ecosystems and regions that have clusters."""
    lang, entries = edition.lang, edition.entries
    ecosystems = [eco for eco in vocabulary.ECOSYSTEMS if any(eco in e.ecosystems for e in entries)]
    regions = sorted({e.region for e in entries})
    return {
        "ecosystems": [(eco, vocabulary.ecosystem_name(eco, lang)) for eco in ecosystems],
        "regions": sorted(
            ((code, vocabulary.region_name(code, lang)) for code in regions),
            key=lambda item: _sort_key(item[1], lang),
        ),
    }


def _sort_key(text: str, lang: str) -> bytes:
    from klastroviny.text.collation import sort_key

    return sort_key(text, lang)


def _ecosystem_colours() -> bytes:
    """Each ecosystem's colour (layouts/base/colours.toml) as --eco of its class."""
    rules = [
        f".eco-{eco} {{ --eco: {c['rgb']}; }}"
        for eco, c in ecosystem_colours()["ecosystems"].items()
    ]
    return ("\n" + "\n".join(rules) + "\n").encode("utf-8")


def _logo_file(entry: Entry) -> str:
    """logos/<id>.svg: one file per entry, a name that needs no escaping in a URL."""
    return f"logos/{entry.id}{entry.logo.suffix.lower()}"


def _logos(issue: Issue) -> dict[str, bytes]:
    """The logos; an SVG without what a browser would run when it is opened by itself."""
    found = {}
    for entry in issue.entries:
        if entry.logo:
            data = entry.logo.read_bytes()
            found[_logo_file(entry)] = (
                _inert_svg(data) if entry.logo.suffix.lower() == ".svg" else data
            )
    return found


_ACTIVE = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}


def _inert_svg(data: bytes) -> bytes:
    """No scripts, no on… attributes, no javascript: links (an <img> runs none of them, but a
    visitor may open the logo's file itself)."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(data)  # the logo check read it already: well-formed, bounded
    for parent in root.iter():
        for child in list(parent):
            if (
                child.tag.rpartition("}")[2] in _ACTIVE
                or child.tag.rpartition("}")[2] in ("set", "animate")
                and "href" in (child.get("attributeName") or "")
            ):
                parent.remove(child)
        for name, value in list(parent.attrib.items()):
            local = name.rpartition("}")[2].lower()
            if local.startswith("on") or (
                local == "href" and value.strip().lower().startswith(("javascript:", "data:"))
            ):
                del parent.attrib[name]
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _fonts(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundled fonts as WOFF, each subset to the characters of the pages."""
    from fontTools import subset

    text = "".join(data.decode("utf-8") for name, data in files.items() if name.endswith(".html"))
    characters = "".join(sorted(set(text) | set(" -–—…“”„‘’'0123456789")))
    fonts = {}
    for name, source in FONTS.items():
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["*"]
        options.drop_tables += ["Silf", "Silt", "Sill", "Glat", "Gloc", "Feat"]  # Graphite
        font = subset.load_font(str(FONTS_DIR / source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
        font.close()
        fonts[f"assets/fonts/{name}"] = out.getvalue()
    return fonts


def _write(folder: Path, files: dict[str, bytes]) -> None:
    """The whole site, made before anything is written. The files of the last site that this
    one does not have go (MANIFEST lists them); any other file in the folder stays."""
    manifest = folder / MANIFEST
    try:
        before = manifest.read_text(encoding="utf-8").splitlines()
    except OSError:
        before = []
    for name, data in sorted(files.items()):
        write_atomically(folder / name, data)
    for name in sorted(set(before) - set(files), reverse=True):
        path = folder / name
        if ".." not in Path(name).parts and path.is_file():
            path.unlink()
            for parent in path.parents:
                if parent == folder or any(parent.iterdir()):
                    break
                parent.rmdir()
    write_atomically(manifest, "".join(f"{name}\n" for name in sorted(files)).encode("utf-8"))
