"""The HTML stage (render_html on an Edition, no PDF): Czech typography is applied to the text
that reaches the page, phone numbers are formatted, and no text from an entry is ever markup."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from builders import bulletin_html, contact_yaml, entry_yaml, make_issue

from klastroviny.bulletin.edition import Edition
from klastroviny.content.issue_file import load_issue
from klastroviny.render.layouts import load_layout

NBSP = "\u00a0"


def render(tmp_path, lang="cs", **entry_fields) -> str:
    root = make_issue(tmp_path, entries={"clutex": entry_yaml(**entry_fields)})
    issue, report = load_issue(root)
    assert issue is not None, [str(p) for p in report.errors]
    return bulletin_html(Edition(issue, lang, load_layout(issue.layout, issue.root)))


def element_text(page: str, css_class: str) -> str:
    """The inner HTML of the first element with this class."""
    pattern = rf'<(\w+) class="(?:[^"]* )?{css_class}(?: [^"]*)?"[^>]*>(.*?)</\1>'
    match = re.search(pattern, page, re.S)
    assert match, f"no .{css_class} in the HTML"
    return match.group(2)


def kept_whole(html: str) -> str:
    """The HTML without the spans that keep words from being hyphenated."""
    return re.sub(r'<span class="no-hyphens">(.*?)</span>', r"\1", html)


def test_one_letter_prepositions_and_conjunctions_are_tied_to_the_next_word(tmp_path):
    page = render(tmp_path, description="{cs: Působíme v Praze a v Brně., en: In Prague.}")
    text = kept_whole(element_text(page, "profile-description"))
    assert f"v{NBSP}Praze a{NBSP}v{NBSP}Brně" in text
    assert not re.search(r"\b[vVaA] ", htmllib.unescape(text))


def test_the_english_edition_does_not_get_czech_ties(tmp_path):
    page = render(tmp_path, lang="en", description="{cs: V Praze., en: A cluster in a city.}")
    assert "A cluster in a city." in kept_whole(element_text(page, "profile-description"))


def test_phone_numbers_are_printed_in_groups_with_no_break_spaces(tmp_path):
    page = render(tmp_path, contacts=contact_yaml(phone='"+420601123456"'))
    phone = "+420\u00a0601\u00a0123\u00a0456"
    assert element_text(page, "contact-phone") == phone
    assert f'<span class="ci-phone">{phone}</span>' in page  # the contact index too


def test_titles_are_tied_to_the_name_and_placed_as_written(tmp_path):
    contact = contact_yaml(title_before="Ing.", title_after="Ph.D.")
    page = render(tmp_path, contacts=contact)
    assert element_text(page, "contact-name") == f"Ing.{NBSP}Jana Nováková, Ph.D."


@pytest.mark.parametrize(
    "field, value",
    [
        ("description", '\n  cs: "Text <script>alert(1)</script> a {{ 7*7 }} {% raw %}"'),
        ("name", '\n  cs: "Klastr <script>alert(1)</script> {{ 7*7 }} {% raw %}"'),
    ],
)
def test_html_and_jinja_in_entry_text_come_out_as_literal_text(tmp_path, field, value):
    page = render(tmp_path, **{field: value})
    css_class = "profile-description" if field == "description" else "profile-name"
    text = kept_whole(element_text(page, css_class))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "{{ 7*7 }}" in text.replace(NBSP, " ")
    assert "{% raw %}" in text.replace(NBSP, " ")
    assert "49" not in text


def test_a_role_with_markup_is_escaped_too(tmp_path):
    page = render(tmp_path, contacts=contact_yaml(role='"<b>boss</b> & {{ 6*7 }}"'))
    assert "<b>boss</b>" not in page
    assert "&lt;b&gt;boss&lt;/b&gt; &amp; {{ 6*7 }}" in element_text(page, "contact-role")
    assert "42" not in element_text(page, "contact-role")


# --- QR codes ---------------------------------------------------------------------------------
def test_a_vcard_of_max_bytes_fits_the_code_size_the_layout_prints():
    import segno

    from klastroviny.render import qrcodes

    def version(size: int) -> int:
        data = "ž" * (size // 2) + "a" * (size % 2)  # Czech letters are two bytes in UTF-8
        return segno.make(data, error="l", micro=False, encoding="utf-8", eci=True).version

    assert version(qrcodes.MAX_BYTES) == 9  # 53 modules: 0.34 mm each at 18 mm
    assert version(qrcodes.MAX_BYTES + 1) == 10


def test_each_contact_at_the_foot_of_the_profile_has_a_code_of_its_own(tmp_path):
    import base64

    import vobject

    contacts = contact_yaml(name="Jana Nováková", role="{cs: manažerka, en: manager}") + (
        contact_yaml(name="Petr Dvořák", email="petr.dvorak@example.com")
    )
    page = render(tmp_path, contacts=contacts)
    codes = re.findall(r'<svg class="qr-code" data-qr="([^"]*)"', page)
    cards = [vobject.readOne(base64.b64decode(code).decode("utf-8")) for code in codes]
    assert [card.fn.value for card in cards] == ["Jana Nováková", "Petr Dvořák"]
    assert cards[0].title.value == "manažerka" and cards[1].email.value == "petr.dvorak@example.com"
    assert all(card.url.value == "https://www.clutex.cz" for card in cards)
    # two codes are told apart by the names under them
    assert re.findall(r"<figcaption>([^<]*)</figcaption>", page) == ["Jana Nováková", "Petr Dvořák"]


def test_a_vcard_too_long_for_the_code_drops_the_website_the_role_then_the_full_name(tmp_path):
    import base64

    import vobject

    from klastroviny.render import qrcodes

    long_name = "Klastr " + "velmi dlouhého názvu " * 4
    contacts = contact_yaml(role="{cs: předsedkyně představenstva a výkonná ředitelka, en: CEO}")
    page = render(tmp_path, name=f'"{long_name.strip()}"', short_name="DLOUHÝ", contacts=contacts)
    (code,) = re.findall(r'<svg class="qr-code" data-qr="([^"]*)"', page)
    data = base64.b64decode(code).decode("utf-8")
    assert len(data.encode("utf-8")) <= qrcodes.MAX_BYTES
    card = vobject.readOne(data)
    assert card.tel.value == "+420601123456" and card.email.value == "jana.novakova@example.com"
    assert "url" not in card.contents and "title" not in card.contents
    assert card.org.value == ["DLOUHÝ"]  # the cluster stays, by its short name


# --- where lines may break (issue 15) ---------------------------------------------------------


def test_an_email_address_is_whole_parts_with_break_points_after_the_at_and_before_dots(tmp_path):
    email = "michal.sebesta@energeticky-klastr.example"
    page = render(tmp_path, contacts=contact_yaml(email=email))
    address = (
        '<span class="address"><span>michal.sebesta@</span><wbr>'
        "<span>energeticky-klastr</span><wbr><span>.example</span></span>"
    )
    assert element_text(page, "contact-email") == address
    assert f'<span class="ci-email">{address}</span>' in page  # the contact index too


def test_the_web_address_breaks_only_before_its_dots(tmp_path):
    page = render(tmp_path, website="https://www.czech-aerospace.cz/cs/")
    assert element_text(page, "contact-web").endswith(
        '<span class="address"><span>czech-aerospace</span><wbr><span>.cz</span><wbr>'
        "<span>/cs</span></span></a>"
    )


def test_the_facts_have_no_white_space_between_them_but_the_separators(tmp_path):
    page = render(tmp_path, founded="2006", members="52", stand="A4")
    facts = element_text(page, "profile-facts")
    sep = '<span class="fact-sep">&nbsp;· </span>'
    assert facts == (
        f'<span class="fact">Liberec, Liberecký kraj</span>{sep}<span class="fact">založen 2006'
        f'</span>{sep}<span class="fact">52{NBSP}členů</span>{sep}'
        '<span class="fact fact-stand">stánek&nbsp;A4</span>'
    )


def test_names_in_the_description_are_marked_as_not_to_be_hyphenated(tmp_path):
    page = render(tmp_path, description="{cs: Působíme v Liberci s firmami., en: In Liberec.}")
    text = element_text(page, "profile-description")
    assert f'v<span class="no-hyphens">{NBSP}Liberci</span>' in text
    assert f'<span class="no-hyphens">{NBSP}firmami</span>.' in text  # the last word


# --- small type in print --------------------------------------------------------------------
def print_edition(tmp_path):
    """The print edition of an issue with clusters in all 14 ecosystems."""
    ecosystems = (
        "[textiles, health, digital]",
        "[electronics, energy-intensive, renewable-energy]",
        "[tourism, agri-food, aerospace-defence]",
        "[construction, cultural-creative, mobility-transport-automotive]",
        "[proximity-social-economy, retail]",
    )
    offer = "{cs: [Partneři pro vývoj], en: [Partners]}"  # under a small subhead
    entries = {
        f"k{n}": entry_yaml(name=f"Klastr {n}", ecosystems=eco, offer=offer)
        for n, eco in enumerate(ecosystems)
    }
    root = make_issue(tmp_path, entries=entries)
    issue, report = load_issue(root)
    assert issue is not None, [str(p) for p in report.errors]
    return Edition(issue, "cs", load_layout(issue.layout, issue.root), print_mode=True)


def small_text(edition, tmp_path):
    """Every piece of text under 9 pt that the cover and the profiles print: (text, size in
    pt, its colour's CMYK, the CMYK of the background it sits on), from WeasyPrint's layout."""
    from klastroviny.bulletin import parts
    from klastroviny.bulletin.plan import PagePlan
    from klastroviny.render.html import render_unit
    from klastroviny.render.stylesheets import stylesheets
    from klastroviny.typeset.units import UnitJob, typeset_document

    plan = PagePlan(3, edition.layout.profile_pages, tuple(e.id for e in edition.entries))
    front = parts.units(edition.parts, parts.FRONT)[0]
    units = [(front, ()), (parts.units(edition.parts, parts.PROFILES)[0], edition.entries)]
    found = []

    def walk(box, background):
        colour = box.style["background_color"]
        if colour.alpha > 0:
            background = colour
        text = getattr(box, "text", None)
        size = box.style["font_size"] * 0.75  # px → pt
        if text and text.strip() and size < 9:
            found.append((text.strip(), size, cmyk(box.style["color"]), cmyk(background)))
        for child in getattr(box, "children", ()):
            walk(child, background)

    for unit, entries in units:
        html = render_unit(edition, plan, unit, entries=entries)
        job = UnitJob("test", html, stylesheets(edition), edition.layout, edition.issue.root, 1)
        document, _, warnings, refused = typeset_document(job)
        assert not warnings and not refused, (warnings, refused)
        for page in document.pages:
            walk(page._page_box, page._page_box.style["background_color"])
    return found


def cmyk(colour) -> tuple[float, ...]:
    """A colour as the print master has it: device-cmyk as it is, white paper (0, 0, 0, 0)."""
    if colour.space == "device-cmyk":
        return tuple(round(v, 3) for v in colour.coordinates)
    assert colour.alpha == 0 or tuple(colour.coordinates) == (1, 1, 1), colour
    return (0.0, 0.0, 0.0, 0.0)


def test_no_small_white_text_sits_on_more_than_two_inks(tmp_path):
    """Reversed type under 9 pt on four inks fringes with colour when the plates are a hair
    out of register: the labels' colours have at most two inks (colours.toml)."""
    found = small_text(print_edition(tmp_path), tmp_path)
    white = [(text, size, ground) for text, size, colour, ground in found if not any(colour)]
    labels = {text for text, _, _ in white}
    assert {"textil", "cestovní ruch", "maloobchod", "obnovitelná energie"} <= labels
    for text, size, ground in white:
        assert sum(ink > 0 for ink in ground) <= 2, (text, size, ground)
    # each label in its own ecosystem's colour, also after the profile's first ecosystem
    from klastroviny.content.vocabulary import ECOSYSTEMS
    from klastroviny.render.layouts import ecosystem_colours

    inks = {
        ECOSYSTEMS[eco]["cs"]: tuple(v / 100 for v in colour["cmyk"])
        for eco, colour in ecosystem_colours()["ecosystems"].items()
    }
    labelled = [(text, ground) for text, _, ground in white if text in inks]
    assert len(labelled) == 14
    assert all(ground == inks[text] for text, ground in labelled), labelled


def test_small_positive_text_is_printed_in_solid_ink_not_a_tint(tmp_path):
    """Text under 8 pt in a tint is screened into dots that break up its strokes: the QR
    codes' captions are 100 % K, grey running heads and subheads 8 pt."""
    found = small_text(print_edition(tmp_path), tmp_path)
    captions = [(text, colour) for text, size, colour, _ in found if text.startswith("vizitka")]
    assert captions and all(colour == (0, 0, 0, 1) for _, colour in captions)
    assert any(text == "CO NABÍZÍME" for text, *_ in found)  # the offer's subhead is checked
    for text, size, colour, _ in found:
        if size < 8 and any(colour):
            assert all(ink in (0, 1) for ink in colour), (text, size, colour)


def test_the_ecosystem_colours_on_screen_are_their_inks_through_the_bundled_profile():
    from PIL import Image, ImageCms

    from klastroviny.render.layouts import ecosystem_colours
    from klastroviny.resources import ASSETS_DIR

    press = ImageCms.getOpenProfile(str(ASSETS_DIR / "icc" / "klastroviny-fogra39.icc"))
    screen = ImageCms.buildTransform(press, ImageCms.createProfile("sRGB"), "CMYK", "RGB", 1)
    for name, colour in ecosystem_colours()["ecosystems"].items():
        inks = tuple(round(v * 2.55) for v in colour["cmyk"])
        shown = ImageCms.applyTransform(Image.new("CMYK", (1, 1), inks), screen).getpixel((0, 0))
        rgb = tuple(int(colour["rgb"][i : i + 2], 16) for i in (1, 3, 5))
        assert all(abs(a - b) <= 2 for a, b in zip(shown, rgb, strict=True)), (name, shown, rgb)
        assert sum(v > 0 for v in colour["cmyk"]) <= 2, name  # see colours.toml
