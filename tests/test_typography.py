"""Czech and English typography applied at render time (DOMAIN.md, ÚJČ, ČSN 01 6910)."""

from __future__ import annotations

import datetime as dt

import pytest

from klastroviny.text.typography import NBSP, craft, format_date, format_number, format_phone

_ = NBSP


def cs(text: str) -> str:
    return craft(text, "cs")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # one-letter prepositions and conjunctions, chains too
        ("v Praze a v Brně", f"v{_}Praze a{_}v{_}Brně"),
        ("(v Brně)", f"(v{_}Brně)"),
        ("K Praze i k Brnu", f"K{_}Praze i{_}k{_}Brnu"),
        (
            "s partnery, z Plzně, o klastru, u Liberce",
            f"s{_}partnery, z{_}Plzně, o{_}klastru, u{_}Liberce",
        ),
        # a letter ending a word is not a word
        ("klastrs partnery", "klastrs partnery"),
        ("firmy a univerzity", f"firmy a{_}univerzity"),
        # numbers, units, currency, sections
        ("2 500 členů", f"2{_}500{_}členů"),
        ("1 250 000", f"1{_}250{_}000"),
        ("50 %", f"50{_}%"),
        ("250 Kč", f"250{_}Kč"),
        ("10 kg", f"10{_}kg"),
        ("§ 23", f"§{_}23"),
        # dates: the day tied to the month, the year may break off
        ("26. září 2022", f"26.{_}září 2022"),
        ("26. 9. 2022", f"26.{_}9. 2022"),
        # titles, initials, legal forms
        ("Ing. Nováková", f"Ing.{_}Nováková"),
        ("doc. Novák", f"doc.{_}Novák"),
        ("J. Novák", f"J.{_}Novák"),
        ("CLUTEX, z. s.", f"CLUTEX, z.{_}s."),
        ("Firma s. r. o.", f"Firma s.{_}r.{_}o."),
        ("Firma a. s.", f"Firma a.{_}s."),
        # a legal form written without its spaces gets them
        ("CLUTEX, z.s.", f"CLUTEX, z.{_}s."),
        ("Firma s.r.o.", f"Firma s.{_}r.{_}o."),
        ("Nadace, o.p.s.", f"Nadace, o.{_}p.{_}s."),
        ("např.z.s.vs", "např.z.s.vs"),
        # quotes
        ('"Klastr"', "„Klastr“"),
        ("řekl \"ahoj 'světe' tady\"", "řekl „ahoj ‚světe‘ tady“"),
        # dashes and hyphens
        ("Praha - Hradec Králové", f"Praha{_}– Hradec Králové"),
        ("2020-2022", "2020–2022"),
        ("Frýdek-Místek", "Frýdek-Místek"),
        ("e-mail", "e-mail"),
        ("a tak...", f"a{_}tak…"),
        # phone numbers inside text
        ("tel. +420 601 123 456", f"tel.{_}+420{_}601{_}123{_}456"),
    ],
)
def test_czech(source, expected):
    assert cs(source) == expected


def test_no_line_ends_with_a_one_letter_word():
    text = cs(
        "Klastr sídlí v Liberci a v Praze, spolupracuje s univerzitou i s firmami a o nás víte"
    )
    for word in ("v", "a", "s", "i", "o"):
        assert f" {word} " not in f" {text} "


def test_czech_never_keeps_straight_or_english_quotes():
    text = cs('Projekt "Chytrý region" a "další"')
    assert '"' not in text and "“" in text and "”" not in text
    assert text == "Projekt „Chytrý region“ a\u00a0„další“"


def test_apostrophe_inside_a_word_stays_an_apostrophe():
    assert craft("O'Neil's cluster", "en") == "O’Neil’s cluster"


def test_english_quotes_and_no_czech_ties():
    assert craft('the "Smart City" cluster', "en") == "the “Smart City” cluster"
    assert craft("he said \"it's 'fine'\"", "en") == "he said “it’s ‘fine’”"
    assert craft("a cluster in Prague", "en") == "a cluster in Prague"


def test_english_numbers_units_and_ranges():
    assert craft("50 % in 2020-2022", "en") == "50% in 2020–2022"  # English sets no space
    assert craft("since 1 January 2023 in", "en") == f"since 1{_}January{_}2023 in"
    assert craft("CLUTEX, z.s.", "en") == "CLUTEX, z.s."  # a Czech rule: Czech editions only


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("cs", f"26.{_}září 2022"), ("en", f"26{_}September 2022")],
)
def test_format_date(lang, expected):
    assert format_date(dt.date(2022, 9, 26), lang) == expected


def test_format_date_every_czech_month_is_genitive():
    assert format_date(dt.date(2022, 1, 1), "cs") == f"1.{_}ledna 2022"
    assert format_date(dt.date(2022, 12, 31), "cs") == f"31.{_}prosince 2022"


def test_format_phone():
    assert format_phone("+420601123456") == f"+420{_}601{_}123{_}456"
    assert format_phone("+421221234567") == f"+421{_}2{_}212{_}345{_}67"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (2006, "cs", "2006"),
        (2500, "cs", "2500"),
        (12500, "cs", f"12{_}500"),
        (12500, "en", "12,500"),
    ],
)
def test_format_number(value, lang, expected):
    assert format_number(value, lang) == expected


# --- where lines may break (issue 15) ---------------------------------------------------------

from klastroviny.bulletin.checks import hyphen_ladders  # noqa: E402
from klastroviny.text.typography import email_segments, unhyphenated, web_segments  # noqa: E402

KEEP = '<span class="no-hyphens">{}</span>'


def test_an_email_address_breaks_only_after_the_at_and_before_a_dot_of_its_domain():
    assert email_segments("michal.sebesta@energeticky-klastr.example") == [
        "michal.sebesta@",
        "energeticky-klastr",
        ".example",
    ]
    assert email_segments("a-b@c.d.example") == ["a-b@", "c", ".d", ".example"]


def test_a_web_address_breaks_only_before_a_dot_or_a_slash():
    assert web_segments("czech-aerospace.cz") == ["czech-aerospace", ".cz"]
    assert web_segments("example.com/cs/klastr-abc") == ["example", ".com", "/cs", "/klastr-abc"]


def test_capitalised_words_and_the_entrys_names_are_not_hyphenated():
    html = f"<p>Klastr sídlí v{_}Liberci a{_}národní energetický klastr spolupracuje s{_}nimi.</p>"
    marked = unhyphenated(html, ("Národní energetický klastr",))
    assert KEEP.format("Klastr") in marked
    assert KEEP.format("\u00a0Liberci") in marked  # the space before it inside (WeasyPrint)
    assert KEEP.format("\u00a0národní energetický klastr") in marked  # in any case
    assert "spolupracuje" in marked and KEEP.format(" spolupracuje") not in marked


def test_the_last_word_of_each_paragraph_and_list_item_is_kept_whole():
    html = "<p>Jedna dvě <strong>tři</strong>.</p>\n<ul>\n<li>čtyři pět</li>\n</ul>"
    marked = unhyphenated(html)
    assert f"<strong>{KEEP.format('tři')}</strong>." in marked
    assert KEEP.format(" pět") in marked
    assert KEEP.format(" dvě") not in marked
    assert unhyphenated("offer item text") == "offer item" + KEEP.format(" text")


def test_tags_and_entities_are_left_as_they_are():
    html = '<p><a href="https://Example.com/Page">odkaz</a> a &amp; b</p>'
    marked = unhyphenated(html)
    assert '<a href="https://Example.com/Page">' in marked
    assert "&amp;" in marked and KEEP.format(" b") in marked
    # an entity ending a paragraph, or one whose letters spell a name, stays whole
    assert unhyphenated("<p>the members&#39;</p>") == f"<p>the{KEEP.format(' members')}&#39;</p>"
    assert "&amp;" in unhyphenated("<p>R&amp;D and AMP</p>", ("AMP",))
    assert "&gt;</p>" in unhyphenated("<p>a &gt;</p>")


def test_hyphen_ladders_are_runs_of_more_than_two_hyphenated_line_ends():
    lines = ["a vý\u2010", "roba pro\u2010", f"jekty a{_}ná\u2010", "stroje.", "Frýdek-", "Místek"]
    assert hyphen_ladders(lines) == [lines[:3]]
    assert hyphen_ladders(lines[1:]) == []


def test_three_hyphenated_lines_in_a_row_are_a_warning_at_the_entry(tmp_path):
    """A column of very long words ends line after line with a hyphen: WeasyPrint has no
    hyphenate-limit-lines, so the build checks the typeset lines and says where."""
    from builders import entry_yaml, make_issue, rendered
    from conftest import run_build

    words = "nejneobhospodařovávatelnějšími " * 14
    entry = entry_yaml(description=f"{{cs: Klastr je mezi {words}firmami., en: A cluster.}}")
    root = make_issue(tmp_path, entries={"clutex": entry})
    result = run_build(root, lang="cs", out_dir=tmp_path / "out", no_cache=True)
    (warning,) = rendered(result.report, root)
    assert warning.startswith("entries/clutex.yaml")
    assert "description.cs: " in warning and "lines in a row end with a hyphen" in warning
    assert "reword a sentence" in warning
