"""Stage 4, render: the model and a layout's Jinja templates → one HTML document per edition.

Templates get the model plus a few filters that apply the edition's language and typography;
they never see loose dicts of data.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
from markupsafe import Markup

from klastroviny.content import vocabulary
from klastroviny.content.model import Contact, Entry, Issue, Text, TextList
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.render import qrcodes
from klastroviny.render.layouts import Layout, ecosystem_colours, wording
from klastroviny.text import markup, typography
from klastroviny.text.collation import ordered_entries, sort_key


@dataclass(frozen=True)
class IndexRow:
    """One row of the contact index: a person of a cluster, to be circled with a pen."""

    entry: Entry
    contact: Contact
    ecosystem: str
    number: int  # within its ecosystem's group, from 1 (even rows are tinted)

    @property
    def key(self) -> str:
        """Unique in the index: the row's id is row-<key> (see paginate.typeset_list)."""
        return f"{self.ecosystem}-{self.number}"


@dataclass(frozen=True)
class EcosystemRow:
    """One line of the ecosystem index: a cluster under one of its ecosystems."""

    entry: Entry
    ecosystem: str
    number: int  # within its ecosystem's group, from 1 (the group's heading goes before 1)

    @property
    def key(self) -> str:
        """Unique in the bulletin: the row's id is row-<key> (see paginate.typeset_list)."""
        return f"{self.ecosystem}-cluster-{self.number}"


UNIT_LINK = "klastroviny:"  # links between units, resolved when the units are assembled


@dataclass(frozen=True)
class PagePlan:
    """Where everything is printed. Profile pages follow from the order and the fixed page
    budget; the front matter's length and the indexes' offsets come from rendering them."""

    front_pages: int  # cover to contents, odd, so that profiles start on a left page
    profile_pages: int  # the layout's budget of one profile
    order: tuple[str, ...]  # entry ids in printed order
    ecosystem_index: int
    contact_index: int
    single_document: bool = False  # one document: links are "#anchor"

    @cached_property
    def _position(self) -> dict[str, int]:
        return {entry_id: index for index, entry_id in enumerate(self.order)}

    def of(self, entry: Entry) -> int:
        return self.front_pages + 1 + self._position[entry.id] * self.profile_pages

    @property
    def back_start(self) -> int:
        return self.front_pages + 1 + len(self.order) * self.profile_pages

    def link(self, anchor: str) -> str:
        return f"#{anchor}" if self.single_document else f"{UNIT_LINK}{anchor}"


@dataclass(frozen=True)
class Edition:
    """One language edition of an issue in one layout: what the templates are rendered with."""

    issue: Issue
    lang: str
    layout: Layout
    print_mode: bool = False  # the print master: bleed, CMYK colours

    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        return ordered_entries(self.issue, self.lang)

    @cached_property
    def ecosystem_groups(self) -> list[tuple[str, list[Entry]]]:
        """Ecosystems that have clusters, in the EU's order, each with its clusters A–Z."""
        groups = []
        for ecosystem in vocabulary.ECOSYSTEMS:
            members = [e for e in self.entries if ecosystem in e.ecosystems]
            if members:
                groups.append((ecosystem, sorted(members, key=self._entry_key)))
        return groups

    @cached_property
    def ecosystem_rows(self) -> list[tuple[str, list[EcosystemRow]]]:
        """The ecosystem index: ecosystem_groups, each member a numbered row."""
        return [
            (eco, [EcosystemRow(entry, eco, n) for n, entry in enumerate(members, 1)])
            for eco, members in self.ecosystem_groups
        ]

    @cached_property
    def contact_groups(self) -> list[tuple[str, list[IndexRow]]]:
        """The contact index: consenting in_index contacts, under each ecosystem of their
        cluster, clusters by short name in the edition's alphabetical order, each cluster's
        people in the entry's order (the manager, listed first, stays first)."""
        groups = []
        for ecosystem, members in self.ecosystem_groups:
            contacts = [(entry, c) for entry in members for c in entry.index_contacts]
            rows = [IndexRow(e, c, ecosystem, n) for n, (e, c) in enumerate(contacts, 1)]
            if rows:
                groups.append((ecosystem, rows))
        return groups

    def _entry_key(self, entry: Entry) -> bytes:
        short = entry.display_short_name(self.lang, self.issue.fallback(self.lang))
        return sort_key(f"{short}\u0001{entry.id}", self.lang)

    def text(self, value: Text | str | None) -> str:
        """A text in this edition's language, with its typography applied."""
        if value is None:
            return ""
        if isinstance(value, Text):
            value = value.get(self.lang, self.issue.fallback(self.lang))
        return typography.craft(value, self.lang)

    def items(self, value: TextList | None) -> list[str]:
        if value is None:
            return []
        return [self.craft(item) for item in value.get(self.lang, self.issue.fallback(self.lang))]

    def craft(self, value: str) -> str:
        return typography.craft(value, self.lang)

    def markdown(self, value: Text | None) -> Markup:
        if value is None:
            return Markup("")
        source = value.get(self.lang, self.issue.fallback(self.lang))
        return Markup(markup.to_html(self.craft(source)))


@dataclass(frozen=True)
class Chunk:
    """Part of a long list typeset as one unit: the whole list in one WeasyPrint document
    would cost hundreds of MB. `items` are the contents' entries, or an index's groups of
    rows; a chunk is cut where a page ends (see paginate.typeset_list)."""

    items: tuple
    continued: bool  # an earlier chunk has the list's heading (and its anchor)
    last: bool = True


def render_html(
    edition: Edition,
    pages: PagePlan | None = None,
    part: str = "all",
    part_entries: tuple[Entry, ...] | None = None,
    chunk: Chunk | None = None,
) -> str:
    """One HTML document: the whole bulletin (part "all") or one rendering unit ("front",
    "profile" with its entries, a `chunk` of "front", "ecosystem-index" or "contact-index",
    "imprint"). Without a page plan, page numbers are provisional (for
    checks of the HTML stage)."""
    if pages is None:
        pages = PagePlan(
            3,
            edition.layout.profile_pages,
            tuple(e.id for e in edition.entries),
            0,
            0,
            single_document=True,
        )
    env = edition.layout.jinja_environment()
    _install_filters(env, edition)
    words = wording()
    if edition.lang not in words:
        raise KlastrovinyError("layout", f"the layouts have no wording for '{edition.lang}'")
    if part_entries is None:
        part_entries = edition.entries if part == "all" else ()
    try:
        template = env.get_template("bulletin.html.j2")
        return template.render(
            edition=edition,
            issue=edition.issue,
            lang=edition.lang,
            layout=edition.layout,
            entries=edition.entries,
            part=part,
            part_entries=part_entries,
            toc_entries=_items(chunk, part, "front", edition.entries),
            ecosystem_groups=_items(chunk, part, "ecosystem-index", edition.ecosystem_rows),
            contact_groups=_items(chunk, part, "contact-index", edition.contact_groups),
            continued=chunk.continued if chunk else False,
            last=chunk.last if chunk else True,
            pages=pages,
            w=words[edition.lang],
            colours=ecosystem_colours(),
        )
    except jinja2.TemplateSyntaxError as error:
        report = Report()
        report.error(
            Location(Path(error.filename or error.name or "?"), error.lineno, 1),
            "",
            f"template syntax error: {error.message}",
        )
        raise KlastrovinyError("layout", "a layout template is broken", report) from None
    except jinja2.exceptions.SecurityError as error:
        raise KlastrovinyError(
            "layout", f"a layout template tried an unsafe operation and was stopped: {error}"
        ) from None
    except jinja2.UndefinedError as error:
        raise KlastrovinyError(
            "layout", f"a layout template uses an unknown name: {error.message}"
        ) from None
    except jinja2.TemplateNotFound as error:
        raise KlastrovinyError("layout", f"layout template not found: {error.name}") from None


def _items(chunk: Chunk | None, part: str, chunked: str, items) -> tuple | list:
    return chunk.items if chunk is not None and part == chunked else items


def _install_filters(env: jinja2.Environment, edition: Edition) -> None:
    lang = edition.lang
    env.filters.update(
        text=edition.text,
        items=edition.items,
        craft=edition.craft,
        markdown=edition.markdown,
        date=lambda day: typography.format_date(day, lang),
        number=lambda value: typography.format_number(value, lang),
        phone=typography.format_phone,
        region=lambda code: vocabulary.region_name(code, lang),
        country=lambda code: vocabulary.country_name(code, lang),
        ecosystem=lambda ecosystem: vocabulary.ecosystem_name(ecosystem, lang),
        short_name=lambda entry: edition.craft(
            entry.display_short_name(lang, edition.issue.fallback(lang))
        ),
        # issue: URLs keep absolute paths (which differ between machines) out of the PDF.
        logo_src=lambda entry: "issue:" + entry.logo.relative_to(edition.issue.root).as_posix(),
        qr=lambda entry: qr_code(entry, edition),
        email=email_with_breaks,
        web=lambda url: url.split("://", 1)[-1].removeprefix("www.").rstrip("/"),
    )
    env.tests["valid_label"] = lambda entry: bool(
        entry.label and entry.label.valid_on(edition.issue.date)
    )


def email_with_breaks(address: str) -> Markup:
    """An e-mail address that may break after the '@' (and, in a long domain, after its dots),
    never inside a word and never with a hyphen."""
    local, _, domain = address.partition("@")
    escaped = Markup.escape(domain)
    if len(domain) > 24:
        escaped = Markup(".<wbr>").join(Markup.escape(part) for part in domain.split("."))
    return Markup.escape(local) + Markup("@<wbr>") + escaped


def qr_code(entry: Entry, edition: Edition) -> Markup:
    """A placeholder for the vector QR code, expanded by qrcodes.expand() where the unit is
    typeset."""
    return Markup(qrcodes.placeholder(*qr_data(entry, edition)))


def qr_data(entry: Entry, edition: Edition) -> tuple[str, str]:
    """What a profile's QR code encodes (base64): the vCard of the first printed contact, else
    the website; and how its black is written ("cmyk" in print, else "rgb")."""
    from segno import helpers

    contacts = entry.printed_contacts
    if contacts:
        person = contacts[0]
        given, _, family = person.name.rpartition(" ")
        data = helpers.make_vcard_data(
            name=f"{family};{given}",
            displayname=person.full_name,
            email=person.email,
            phone=person.phone,
            url=entry.website,
            org=entry.name.get(edition.lang, edition.issue.fallback(edition.lang)),
            title=person.role.get(edition.lang, edition.issue.fallback(edition.lang))
            if person.role
            else None,
        )
    else:
        data = entry.website
    encoded = base64.b64encode(data.encode("utf-8")).decode("ascii")
    return encoded, "cmyk" if edition.print_mode else "rgb"
