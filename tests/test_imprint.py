"""The imprint (tiráž) on the back page: the fields of issue.yaml's imprint: in both editions,
with Czech typography (no-break spaces), and nothing of what is not given."""

from __future__ import annotations

import html as htmllib
import re

from builders import issue_yaml, make_issue

from klastroviny.bulletin import parts
from klastroviny.bulletin.edition import Edition
from klastroviny.bulletin.plan import PagePlan
from klastroviny.content.issue_file import load_issue
from klastroviny.render.html import render_unit
from klastroviny.render.layouts import load_layout

NBSP = "\u00a0"
IMPRINT = """
  periodical: true
  periodicity: {cs: dvakrát ročně, en: twice a year}
  place: {cs: Praha, en: Prague}
  publisher_seat: "Příkladová 12, 110 00 Praha 1"
  ico: "25596641"
  registration: E 12345
  issn: 0378-5955
  printer: Tiskárna Příklad, s. r. o.
  not_for_sale: true"""
PRINT = "\n  quantity: {cs: 1500, en: 300}"


def imprint_text(tmp_path, lang: str, **fields) -> str:
    """The back page's imprint as text (tags dropped, entities decoded), one row a line."""
    root = make_issue(tmp_path, issue=issue_yaml(number="12", **fields))
    issue, report = load_issue(root)
    assert report.problems == []
    edition = Edition(issue, lang, load_layout(issue.layout, issue.root))
    plan = PagePlan(3, 1, tuple(entry.id for entry in edition.entries))
    back = [unit for unit in parts.units(edition.parts, parts.BACK) if "back" in repr(unit)]
    html = render_unit(edition, plan, back[-1])
    imprint = html[html.index('<div class="imprint">') : html.index('<div class="back-bar')]
    rows = re.sub(r"</dd>|<br>|</p>|</h2>", "\n", imprint)
    return htmllib.unescape(re.sub(r"<[^>]+>|^\s+", "", rows, flags=re.M))


def test_the_czech_imprint_states_what_the_law_asks_with_ties(tmp_path):
    text = imprint_text(tmp_path, "cs", imprint=IMPRINT, print=PRINT)
    for line in (
        "VydavatelNárodní klastrová asociace",
        f"IČO{NBSP}25596641",
        "Číslo12",
        f"Datum vydání26.{NBSP}září 2022",
        "Místo vydáníPraha",
        "Periodicitadvakrát ročně",
        f"Evidenční čísloMK{NBSP}ČR{NBSP}E{NBSP}12345",
        "ISSN0378-5955",
        f"TiskTiskárna Příklad, s.{NBSP}r.{NBSP}o.",
        f"Náklad1500{NBSP}výtisků",  # the cs edition's print.quantity
    ):
        assert line in text.splitlines(), (line, text)
    assert text.rstrip().endswith("Neprodejné.")


def test_the_english_imprint_has_its_own_words_and_print_run(tmp_path):
    text = imprint_text(tmp_path, "en", imprint=IMPRINT, print=PRINT)
    for line in (
        f"Company ID{NBSP}25596641",
        "Number12",
        "Place of publicationPrague",
        "Frequencytwice a year",
        f"RegistrationMK{NBSP}ČR{NBSP}E{NBSP}12345",
        f"Print run300{NBSP}copies",
    ):
        assert line in text.splitlines(), (line, text)
    assert text.rstrip().endswith("Not for sale.")


def test_a_print_run_given_in_the_imprint_wins_and_czech_plurals_agree(tmp_path):
    text = imprint_text(tmp_path, "cs", imprint="\n  print_run: 3", print=PRINT)
    assert f"Náklad3{NBSP}výtisky" in text.splitlines()


def test_without_an_imprint_only_the_usual_lines_are_printed(tmp_path):
    text = imprint_text(tmp_path, "cs")
    for word in ("IČO", "ISSN", "Evidenční", "Náklad", "Tisk", "Místo", "Neprodejné"):
        assert word not in text, word
    assert "VydavatelNárodní klastrová asociace" in text.splitlines()
