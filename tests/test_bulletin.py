"""The bulletin stage's seams, each alone: the parts registry, the page plan's fixed point with a
fake typesetter, a part added by nothing but its registry entry and its files; and the
pdf stage's fragments and writer without WeasyPrint."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace

import pytest
from builders import PROJECT_ROOT, entry_yaml, make_issue
from conftest import run_build
from hypothesis import given
from hypothesis import strategies as st

from klastroviny.bulletin import parts
from klastroviny.bulletin.edition import Edition
from klastroviny.bulletin.outline import bookmarks
from klastroviny.bulletin.parts import BACK, FRONT, PARTS, PROFILES, Part
from klastroviny.bulletin.plan import PagePlan, settle
from klastroviny.caching import PROFILE_ONLY_FIELDS
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Text
from klastroviny.errors import KlastrovinyError
from klastroviny.pdf.assemble import PdfFile
from klastroviny.pdf.fragments import FontUse, Fragment, pdf_name
from klastroviny.render.html import render_unit
from klastroviny.render.layouts import load_layout, wording


# --- the registry ----------------------------------------------------------------------------
def test_the_registry_declares_the_page_order_and_the_units():
    names = [part.name for part in PARTS]
    assert names == [
        "cover",
        "foreword",
        "contents",
        "profile",
        "ecosystem-index",
        "contact-index",
        "notes",
        "imprint",
    ]
    assert [[p.name for p in unit] for unit in parts.units(PARTS, FRONT)] == [
        ["cover", "foreword", "contents"]
    ]
    assert [[p.name for p in unit] for unit in parts.units(PARTS, PROFILES)] == [["profile"]]
    back = [[p.name for p in unit] for unit in parts.units(PARTS, BACK)]
    assert back == [["ecosystem-index"], ["contact-index"], ["imprint"]]  # notes fill apart
    assert parts.listed(parts.units(PARTS, FRONT)[0]).name == "contents"
    assert parts.filler(PARTS).name == "notes"
    words = wording()["cs"]
    assert all(words[part.wording] for part in PARTS if part.wording)


def test_the_outline_follows_the_registry(tmp_path):
    root = make_issue(tmp_path, entries={"e0": entry_yaml()})
    issue, _ = load_issue(root)
    edition = Edition(issue, "cs", load_layout(issue.layout, issue.root))
    marks = [mark.anchor for mark in bookmarks(edition, wording()["cs"])]
    assert marks == ["contents", "entry-e0", "ecosystem-index", "contact-index", "back"]
    with_foreword = replace(edition, issue=replace(issue, foreword=Text.plain("Vítejte.")))
    marks = [mark.anchor for mark in bookmarks(with_foreword, wording()["cs"])]
    assert marks[:2] == ["foreword", "contents"]


# --- the page plan ---------------------------------------------------------------------------
@dataclass
class FakeUnit:
    pages: int
    anchors: dict = field(default_factory=dict)


def test_the_plan_settles_when_the_front_grows_with_the_back_pages_it_prints():
    """The contents take 2 pages until they list the indexes' pages, then 4: the front is
    padded to 5 (odd), which moves every profile and the back matter once more."""
    calls = []

    def front(plan, length_only):
        calls.append(("front", length_only, plan.starts))
        return [FakeUnit(4 if plan.starts else 2)]

    def back(plan):
        calls.append(("back", plan.back_start))
        return [FakeUnit(2, {"ecosystem-index": (0, 0.0)}), FakeUnit(3, {"contact-index": (1, 5)})]

    placed = []
    start = PagePlan(3, 1, ("a", "b", "c"))
    plan, fronts, backs = settle(
        start, front, back, ["ecosystem-index", "contact-index"], placed.append
    )
    assert plan.front_pages == 5
    assert plan.back_start == 9  # 5 front pages, 3 profiles
    assert plan.start("ecosystem-index") == 9 and plan.start("contact-index") == 12
    assert [p.front_pages for p in placed] == [3, 5]  # profiles started for each placement
    assert all(p.starts == () for p in placed)  # profiles print no back matter pages
    assert calls[0] == ("front", True, ())  # laid out first, only for its length
    assert fronts[0].pages == 4 and len(backs) == 2


def test_a_front_that_never_settles_is_a_layout_error():
    flip = iter(range(100))

    def front(plan, length_only):
        return [FakeUnit(2 + 2 * (next(flip) % 2))]  # 2, 4, 2, 4, …: odd 3, 5, 3, 5

    def back(plan):
        return [FakeUnit(1, {"contact-index": (0, 0)})]

    with pytest.raises(KlastrovinyError, match="does not settle"):
        settle(PagePlan(3, 1, ("a",)), front, back, ["contact-index"])


# --- one more part, by the registry entry and its files alone ---------------------------------
SPONSORS = (
    '<section class="sponsors back-matter" id="sponsors">'
    "<h2>Partneři bulletinu</h2><p>Děkujeme partnerům.</p></section>\n"
)


def test_a_part_is_added_by_its_registry_entry_and_its_files(tmp_path):
    """A test-only part: a registry entry, a template (issue-local) and nothing else. It is
    typeset in the back matter before the notes and the imprint, listed in the contents with
    its page (its title reuses a wording key) and in the outline."""
    from pypdf import PdfReader

    root = make_issue(tmp_path, files={"layout/sponsors.html.j2": SPONSORS})
    sponsors = Part("sponsors", "sponsors.html.j2", BACK, "sponsors", "sponsors", "notes")
    sponsors = replace(sponsors, in_contents=True)
    at = [part.name for part in PARTS].index("notes")
    with_sponsors = (*PARTS[:at], sponsors, *PARTS[at:])
    result = run_build(root, lang="cs", output=tmp_path / "b.pdf", parts=with_sponsors)
    reader = PdfReader(tmp_path / "b.pdf")
    texts = [page.extract_text() for page in reader.pages]
    page = next(index for index, text in enumerate(texts) if "Partneři bulletinu" in text)
    contact = next(index for index, text in enumerate(texts) if "Zakroužkujte kontakt" in text)
    assert contact < page < len(texts) - 1  # after the indexes, before the back cover
    contents = " ".join(next(text for text in texts if "Obsah" in text).split())
    assert re.search(rf"Poznámky[ .]*{page + 1}\b", contents)  # listed with its page number
    assert "sponsors" in {str(name) for name in reader.named_destinations}
    assert result.outputs[0].pages % 4 == 0


# --- the cache's promise about the front and back matter --------------------------------------
def test_the_front_and_back_matter_do_not_print_what_only_profiles_print(tmp_path):
    """The render cache keys the front and back matter without PROFILE_ONLY_FIELDS: their
    HTML must not change when those fields do."""
    root = make_issue(tmp_path, entries={"e0": entry_yaml(), "e1": entry_yaml(name='"Beta"')})
    issue, _ = load_issue(root)
    edition = Edition(issue, "cs", load_layout(issue.layout, issue.root))
    blank = dict.fromkeys(PROFILE_ONLY_FIELDS)
    bare = replace(
        edition, issue=replace(issue, entries=tuple(replace(e, **blank) for e in issue.entries))
    )
    plan = PagePlan(3, 1, tuple(entry.id for entry in edition.entries))
    for matter in (FRONT, BACK):
        for unit in parts.units(PARTS, matter):
            assert render_unit(edition, plan, unit) == render_unit(bare, plan, unit)


# --- fragments and the writer, without WeasyPrint ----------------------------------------------
def test_a_fragment_survives_the_render_cache_byte_for_byte():
    fragment = Fragment(
        objects=[(3, b"<</Type/Page/Parent \x01\x02>>", None), (4, b"<</Length 3>>", b"abc")],
        pages=[3],
        fonts=[FontUse(7, "Inter-Regular.otf", "/FontFile3", (1, 2, 3))],
        page_boxes=b"/MediaBox [0 0 10 10] ",
    )
    assert Fragment.from_bytes(fragment.to_bytes()) == fragment


def test_the_writer_makes_a_pdf_that_a_reader_opens():
    from pypdf import PdfReader

    data = _one_page_pdf()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == 100
    assert reader.metadata.title == "Test"
    assert data == _one_page_pdf()  # the file id is a digest of the content, not random


def _one_page_pdf() -> bytes:
    pdf = PdfFile()
    catalog, pages, page, info = (pdf.allocate() for _ in range(4))
    pdf.add(page, b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 100 100]>>" % pages)
    pdf.add(pages, b"<</Type/Pages/Kids[%d 0 R]/Count 1>>" % page)
    pdf.add(catalog, b"<</Type/Catalog/Pages %d 0 R>>" % pages)
    pdf.add(info, b"<</Title(Test)>>")
    return pdf.finish(catalog, info)


# --- the public API ----------------------------------------------------------------------------
def test_the_public_api_is_at_the_package_root():
    import klastroviny

    for name in klastroviny.__all__:
        assert getattr(klastroviny, name) is not None
    with pytest.raises(AttributeError):
        klastroviny.no_such_thing  # noqa: B018


@given(st.text(min_size=1, max_size=20))
def test_pdf_names_are_written_as_pypdf_writes_them(name):
    from pypdf.generic import NameObject

    expected = io.BytesIO()
    NameObject("/" + name).write_to_stream(expected)
    assert pdf_name("/" + name) == expected.getvalue()


def test_the_place_names_the_region_unless_the_city_is_in_its_name():
    from klastroviny.content.issue_file import load_issue
    from klastroviny.render.layouts import load_layout

    issue, _ = load_issue(PROJECT_ROOT / "issues" / "2022-09-prague")
    layout = load_layout(issue.layout, issue.root)
    places = {
        lang: {e.id: Edition(issue, lang, layout).place(e) for e in issue.entries}
        for lang in ("cs", "en")
    }
    assert places["cs"]["smart-city"] == "Praha"  # not 'Praha, Hlavní město Praha'
    assert places["cs"]["clutex"] == "Liberec, Liberecký kraj"  # an adjective is no repeat
    assert places["en"]["clutex"] == "Liberec"  # not 'Liberec, Liberec Region'
    assert places["en"]["czech-aerospace"] == "Kunovice, Zlín Region"


# --- the indexes over several pages -------------------------------------------------------------
@pytest.fixture(scope="module")
def long_indexes(tmp_path_factory):
    """24 clusters in two ecosystems, a contact each: the contact index runs over several pages
    inside its groups, the ecosystem index over two. {lang: BuiltPdf}."""
    from conftest import BuiltPdf

    folder = tmp_path_factory.mktemp("long-indexes")
    entries = {
        f"k{n:02d}": entry_yaml(
            name=f'{{cs: "Klastr textilu {n}", en: "Textile Cluster {n}"}}',
            ecosystems="[textiles, health]",
        )
        for n in range(1, 25)
    }
    root = make_issue(folder, entries=entries)
    result = run_build(root, lang="all", out_dir=folder / "out")
    return {o.lang: BuiltPdf(o.path, o.lang, root) for o in result.outputs}


@pytest.mark.parametrize("lang", ["cs", "en"])
@pytest.mark.parametrize("index", ["ecosystem-index", "contact-index"])
def test_a_page_that_starts_inside_a_group_repeats_its_heading_as_continued(
    long_indexes, lang, index
):
    from klastroviny.content.vocabulary import ecosystem_heading

    pdf = long_indexes[lang]
    headings = [ecosystem_heading(eco, lang) for eco in ("textiles", "health")]
    continued = {f"{heading} ({pdf.words['continued']})": heading for heading in headings}
    end = "contact-index" if index == "ecosystem-index" else "back"
    pages = [p for p in pdf.pages_between(index, end) if p not in pdf.notes_pages]
    assert len(pages) >= 2
    group, started_inside = None, 0
    for page in pages:
        lines = pdf.lines(page)
        top = lines[0]
        if page == pages[0]:
            assert top == pdf.words[index.replace("-", "_")]  # the index's own heading
        elif top in continued:  # the page starts inside a group: its heading, continued
            assert continued[top] == group, (page + 1, top)
            started_inside += 1
        else:  # the page starts with a group of its own, which needs no continued heading
            assert top in headings, (page + 1, lines[:3])
        assert not any(line in continued for line in lines[1:]), (page + 1, lines)
        group = next((line for line in reversed(lines) if line in headings), group)
    assert started_inside >= 1
