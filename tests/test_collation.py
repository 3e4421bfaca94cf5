"""Czech alphabetical order (ČSN 97 6030) and English order, through ICU."""

from __future__ import annotations

import pytest
from builders import entry_yaml

from klastroviny.text.collation import ordered_entries, sort_key, sorted_by


def czech(words):
    return sorted_by(words, str, "cs")


def test_ch_is_a_letter_after_h_and_c_hacek_after_c():
    words = [
        "Inovační klastr",
        "Chemický klastr",
        "Hutnický klastr",
        "Čalounický klastr",
        "Cukrovarnický klastr",
    ]
    assert czech(words) == [
        "Cukrovarnický klastr",
        "Čalounický klastr",
        "Hutnický klastr",
        "Chemický klastr",
        "Inovační klastr",
    ]


def test_python_alone_gets_it_wrong():
    # The reason for ICU: a code point sort puts Chemický before Cukrovarnický and Č after Z.
    assert sorted(["Cukrovarnický", "Chemický", "Čalounický", "Zlín"]) == [
        "Chemický",
        "Cukrovarnický",
        "Zlín",
        "Čalounický",
    ]


def test_numbers_sort_by_value():
    assert czech(["Klastr 10", "Klastr 2", "Klastr 1"]) == ["Klastr 1", "Klastr 2", "Klastr 10"]


def test_space_sorts_before_letters():
    assert czech(["Klastrová síť", "Klastr X"]) == ["Klastr X", "Klastrová síť"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Rybáři", "Řezbáři"),  # ř after every r…
        ("Rzeszów", "Řada"),
        ("Strojaři", "Šperkaři"),  # š after every s…
        ("Sýkora", "Šafrán"),
        ("Zlín", "Žatec"),  # ž after every z…
        ("Zvolen", "Žabovřesky"),
        ("Hybrid", "Chata"),  # ch after every h…
        ("Cvrček", "Čáp"),  # č after every c…
    ],
)
def test_hacek_letters_follow_their_base_letter(first, second):
    assert sort_key(first, "cs") < sort_key(second, "cs")


def test_acute_and_ring_only_break_ties():
    # Ú and Ů are not letters of their own: "Ůvoz" sorts with the u words, before "Uzel".
    assert czech(["Uzel", "Ůvoz", "Ústí", "Úsporný", "Uhlí"]) == [
        "Uhlí",
        "Úsporný",
        "Ústí",
        "Ůvoz",
        "Uzel",
    ]
    assert czech(["Ústí", "Usti"]) == ["Usti", "Ústí"]
    assert czech(["Ůvoz", "Úvoz", "Uvoz"]) == ["Uvoz", "Úvoz", "Ůvoz"]


def test_english_order_treats_hacek_letters_as_their_base_letter():
    words = ["Chemický", "Cukrovarnický", "Čalounický", "Řezbáři", "Rybáři"]
    assert sorted_by(words, str, "en") == [
        "Čalounický",
        "Chemický",
        "Cukrovarnický",
        "Řezbáři",
        "Rybáři",
    ]


# --- entries in an issue ---------------------------------------------------------------------
NAMES = {
    "inovacni": "{cs: Inovační klastr, en: Zeta Innovation Cluster}",
    "chemicky": "{cs: Chemický klastr, en: Alpha Chemical Cluster}",
    "hutnicky": "{cs: Hutnický klastr, en: Metallurgy Cluster}",
    "calounicky": "{cs: Čalounický klastr, en: Upholstery Cluster}",
    "cukrovarnicky": "{cs: Cukrovarnický klastr, en: Sugar Cluster}",
    "k10": "Klastr 10",
    "k2": "Klastr 2",
}


@pytest.fixture
def issue(check):
    issue, problems = check(entries={k: entry_yaml(name=v) for k, v in NAMES.items()})
    assert problems == []
    return issue


def test_czech_edition_in_czech_order(issue):
    assert [e.id for e in ordered_entries(issue, "cs")] == [
        "cukrovarnicky",
        "calounicky",
        "hutnicky",
        "chemicky",
        "inovacni",
        "k2",
        "k10",
    ]


def test_english_edition_sorts_by_english_names(issue):
    assert [e.id for e in ordered_entries(issue, "en")] == [
        "chemicky",  # Alpha Chemical Cluster
        "k2",
        "k10",
        "hutnicky",  # Metallurgy
        "cukrovarnicky",  # Sugar
        "calounicky",  # Upholstery
        "inovacni",  # Zeta Innovation
    ]


def test_sort_as_overrides_the_name(check):
    entries = {
        "abc": entry_yaml(name="ABC klastr"),
        "zeta": entry_yaml(name="Zeta klastr", sort_as="Aardvark"),
    }
    issue, problems = check(entries=entries)
    assert problems == []
    assert [e.id for e in ordered_entries(issue, "cs")] == ["zeta", "abc"]
    assert [e.id for e in ordered_entries(issue, "en")] == ["zeta", "abc"]


def test_an_english_edition_falls_back_to_the_czech_name_when_en_is_missing(check):
    entries = {
        "b": entry_yaml(name="{cs: Beta klastr}"),
        "a": entry_yaml(name="{cs: Žlutý klastr, en: Alpha Cluster}"),
    }
    issue, problems = check(entries=entries)
    assert problems == [
        "entries/b.yaml:1:7: warning: name: no 'en' text; the en edition prints the cs text"
    ]
    assert [e.id for e in ordered_entries(issue, "en")] == ["a", "b"]
    assert [e.id for e in ordered_entries(issue, "cs")] == ["b", "a"]


# --- the ecosystems in the indexes -------------------------------------------------------------
ECOSYSTEM_GROUPS = (  # 1 to 3 a cluster: 14 in five clusters
    "[textiles, health, digital]",
    "[electronics, energy-intensive, renewable-energy]",
    "[tourism, agri-food, aerospace-defence]",
    "[construction, cultural-creative, mobility-transport-automotive]",
    "[proximity-social-economy, retail]",
)


@pytest.fixture
def every_ecosystem(check):
    """An issue with clusters in each of the 14 ecosystems: its edition in each language."""
    from klastroviny.bulletin.edition import Edition
    from klastroviny.render.layouts import load_layout

    entries = {
        f"k{n}": entry_yaml(name=f"Klastr {n}", ecosystems=ecosystems)
        for n, ecosystems in enumerate(ECOSYSTEM_GROUPS)
    }
    issue, problems = check(entries=entries)
    assert problems == []
    layout = load_layout(issue.layout, issue.root)
    return {lang: Edition(issue, lang, layout) for lang in ("cs", "en")}


def test_the_indexes_list_ecosystems_by_their_names_in_the_editions_order(every_ecosystem):
    from klastroviny.content.vocabulary import ecosystem_name

    czech_order = [eco for eco, _ in every_ecosystem["cs"].ecosystem_groups]
    assert [ecosystem_name(eco, "cs") for eco in czech_order[:4]] == [
        "cestovní ruch",
        "digitální technologie",
        "elektronika",
        "energeticky náročná odvětví",
    ]
    assert czech_order[-3:] == ["textiles", "health", "agri-food"]  # textil, zdravotnictví, z…
    english = [eco for eco, _ in every_ecosystem["en"].ecosystem_groups]
    assert english[:3] == ["aerospace-defence", "agri-food", "construction"]
    assert english[-2:] == ["textiles", "tourism"]
    for lang, edition in every_ecosystem.items():
        names = [ecosystem_name(eco, lang) for eco, _ in edition.ecosystem_groups]
        assert names == sorted_by(names, str, lang) and len(names) == 14
        # the contact index follows the same order
        assert [eco for eco, _ in edition.contact_groups] == [
            eco for eco, _ in edition.ecosystem_groups
        ]


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_ecosystem_headings_start_with_a_capital_as_headings_do(every_ecosystem, lang):
    import re

    from builders import bulletin_html

    page = bulletin_html(every_ecosystem[lang])
    for css_class in ("eco-heading", "ci-heading"):
        headings = re.findall(
            rf'<h3 class="{css_class}[^"]*"><span class="group-continued"></span>'
            r'<span class="eco-swatch eco-fill"></span>([^<]+)</h3>',
            page,
        )
        assert len(headings) == 14, css_class
        for heading in headings:
            assert heading[0].isupper() and heading[1:] == heading[1:].lower(), heading
    assert "Cestovní ruch" in page if lang == "cs" else "Aerospace &amp; defence" in page
    # labels on the profile keep the name as it reads in running text
    assert '<li class="eco-label eco-fill eco-tourism">' + (
        "cestovní ruch" if lang == "cs" else "tourism"
    ) in page
