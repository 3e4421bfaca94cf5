"""The model and a layout's Jinja templates → the HTML of one unit (a run of the bulletin's
parts typeset as one document).

Templates get the model, the edition and the page plan, plus filters that apply the edition's
language and typography; they never see loose dicts of data.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import jinja2
from markupsafe import Markup

from klastroviny.bulletin import parts
from klastroviny.bulletin.edition import Chunk, Edition
from klastroviny.bulletin.parts import Part
from klastroviny.bulletin.plan import PagePlan
from klastroviny.content import vocabulary
from klastroviny.content.model import Entry
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.render import qrcodes
from klastroviny.render.layouts import ecosystem_colours, wording
from klastroviny.text import typography


def render_unit(
    edition: Edition,
    pages: PagePlan,
    unit: tuple[Part, ...],
    entries: tuple[Entry, ...] = (),
    chunk: Chunk | None = None,
) -> str:
    """The HTML of one unit: its parts (bulletin/parts.py) in the document shell
    bulletin.html.j2. A profiles unit shows `entries`; a unit with a long part shows one
    `chunk` of its rows, the parts before it only in the first chunk and those after it only
    in the last."""
    env = edition.layout.jinja_environment()
    _install_filters(env, edition)
    words = wording()
    if edition.lang not in words:
        raise KlastrovinyError("layout", f"the layouts have no wording for '{edition.lang}'")
    listed = parts.listed(unit)
    rows = chunk.items if chunk is not None else (getattr(edition, listed.rows) if listed else ())
    continued = chunk.continued if chunk else False
    last = chunk.last if chunk else True
    shown = _shown_parts(unit, listed, continued, last, edition)
    with _template_errors():
        return env.get_template("bulletin.html.j2").render(
            edition=edition,
            issue=edition.issue,
            lang=edition.lang,
            layout=edition.layout,
            entries=edition.entries,
            unit=shown,
            part_entries=entries,
            rows=rows,
            contents_parts=[part for part in edition.parts if part.in_contents],
            continued=continued,
            last=last,
            pages=pages,
            w=words[edition.lang],
            colours=ecosystem_colours(),
        )


def render_template(edition: Edition, name: str, **context) -> str:
    """A template rendered on its own (the notes pages), with the edition's filters."""
    env = edition.layout.jinja_environment()
    _install_filters(env, edition)
    with _template_errors():
        return env.get_template(name).render(
            lang=edition.lang, layout=edition.layout, w=wording()[edition.lang], **context
        )


def _shown_parts(unit, listed, continued: bool, last: bool, edition: Edition):
    position = unit.index(listed) if listed else None
    shown = []
    for index, part in enumerate(unit):
        if position is not None and index < position and continued:
            continue  # an earlier chunk had it
        if position is not None and index > position and not last:
            continue  # a later chunk has it
        if part.prints_in(edition.issue):
            shown.append(part)
    return tuple(shown)


@contextmanager
def _template_errors():
    """A broken or unsafe layout template is the layout's error, with file and line."""
    try:
        yield
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


def _install_filters(env: jinja2.Environment, edition: Edition) -> None:
    lang = edition.lang
    env.filters.update(
        text=edition.text,
        items=edition.items,
        craft=edition.craft,
        markdown=edition.markdown,
        place=edition.place,
        date=lambda day: typography.format_date(day, lang),
        number=lambda value: typography.format_number(value, lang),
        members=lambda count: members(count, lang),
        phone=typography.format_phone,
        region=lambda code: vocabulary.region_name(code, lang),
        country=lambda code: vocabulary.country_name(code, lang),
        ecosystem=lambda ecosystem: vocabulary.ecosystem_name(ecosystem, lang),
        ecosystem_heading=lambda ecosystem: vocabulary.ecosystem_heading(ecosystem, lang),
        short_name=lambda entry: edition.craft(
            entry.display_short_name(lang, edition.issue.fallback(lang))
        ),
        # issue: URLs keep absolute paths (which differ between machines) out of the PDF.
        logo_src=lambda entry: "issue:" + entry.logo.relative_to(edition.issue.root).as_posix(),
        # a contact's vCard, or without a contact the website (render/qrcodes.py)
        qr=lambda entry, contact=None: Markup(
            qrcodes.placeholder(*qrcodes.code(entry, edition, contact))
        ),
        email=email_with_breaks,
        web=web_address,
        web_with_breaks=web_with_breaks,
        unhyphenated=lambda html, entry=None: unhyphenated(html, entry, edition),
    )
    env.tests["valid_label"] = lambda entry: bool(
        entry.label and entry.label.valid_on(edition.issue.date)
    )


def members(count: int, lang: str) -> str:
    """'52 členů', '3 členové', '1 člen': the number and its word (Czech: 1, 2–4, 5 and more)."""
    words = wording()[lang]
    word = (
        words["member_one"]
        if count == 1
        else words["member_few"]
        if 2 <= count <= 4
        else words["members"]
    )
    return f"{typography.format_number(count, lang)}{typography.NBSP}{word}"


def web_address(url: str) -> str:
    """A web address as printed: no scheme, no www."""
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/")


def email_with_breaks(address: str) -> Markup:
    """An e-mail address that may break only after its '@' and before a dot of its domain:
    each part a no-wrap span (its own hyphens never break it), <wbr> between them (which adds
    no character to the PDF's text)."""
    return _address(typography.email_segments(address))


def web_with_breaks(url: str) -> Markup:
    """The web address as printed (web_address), breaking only before a '.' or '/'."""
    return _address(typography.web_segments(web_address(url)))


def _address(segments: list[str]) -> Markup:
    parts = (Markup("<span>{}</span>").format(segment) for segment in segments)
    return Markup('<span class="address">{}</span>').format(Markup("<wbr>").join(parts))


def unhyphenated(html: str, entry: Entry | None, edition: Edition) -> Markup:
    """Text (or a description's HTML) with the entry's names, every capitalised word and the
    last word of each paragraph marked as not to be hyphenated (typography.unhyphenated)."""
    if entry is None:  # the foreword
        return Markup(typography.unhyphenated(str(Markup.escape(html))))
    lang, fallback = edition.lang, edition.issue.fallback(edition.lang)
    name = entry.name.get(lang, fallback)
    names = (
        name,
        name.rsplit(",", 1)[0],  # without its legal form: 'CLUTEX' of 'CLUTEX, z.s.'
        entry.display_short_name(lang, fallback),
        entry.city,
        vocabulary.region_name(entry.region, lang),
    )
    crafted = tuple(dict.fromkeys(edition.craft(n) for n in names))
    return Markup(typography.unhyphenated(str(Markup.escape(html)), crafted))
