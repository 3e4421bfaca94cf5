"""For the visitor (docs/visitor.md): the extract of a few clusters with their vCards, and the
web edition — checked in Debian's Chromium (Selenium and chromedriver) with axe-core, its
filters and its download of vCards made in the browser; no contact who did not agree appears
anywhere, and text from the data stays text.

One small issue (four entries of the sample, both editions; one contact who did not agree,
hostile text in a description) is built once for the module."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import vobject
from browsers import axe_violations, chromium
from builders import PROJECT_ROOT
from builders import invoke as run

SAMPLE = PROJECT_ROOT / "issues" / "2022-09-prague"
KEPT = ("clutex", "nabytkari", "plastr", "smart-city")
HIDDEN = ("Ota Nesouhlasný", "ota.nesouhlasny@example.com", "602 111 222")  # no consent
HOSTILE = "Pozor <script>alert(1)</script> {{ 7*7 }} <img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("visitor")
    issue = folder / "issue"
    shutil.copytree(SAMPLE, issue)
    for path in (issue / "entries").glob("*.yaml"):
        if path.stem not in KEPT:
            path.unlink()
    plastr = issue / "entries" / "plastr.yaml"
    text = plastr.read_text(encoding="utf-8").replace("contacts:\n", (
        "contacts:\n  - name: Ota Nesouhlasný\n    phone: \"+420 602 111 222\"\n"
        "    email: ota.nesouhlasny@example.com\n    consent: false\n"
    ), 1)  # fmt: skip
    text = text.replace("  cs: |\n", f"  cs: |\n    {HOSTILE}\n\n", 1)
    plastr.write_text(text, encoding="utf-8")
    return issue


@pytest.fixture(scope="module")
def extract(issue):
    out = issue.parent / "extract" / "pro-janu.pdf"
    result = run(
        "extract", issue, "--entries", "CLUTEX,klastr ceskych nabytkaru,plastr",
        "--for", "Jana Nováková", "--note", "Ozvěte se kvůli textiliím.", "-o", out,
        "--out-dir", issue.parent / "out",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def site(issue) -> Path:
    result = run("site", issue, "--out-dir", issue.parent / "web")
    assert result.exit_code == 0, result.output
    return issue.parent / "web" / "site"


# --- the extract -------------------------------------------------------------------------------
def test_the_extract_has_the_chosen_profiles_and_their_contacts(extract):
    document = pdfium.PdfDocument(extract)
    texts = [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    assert len(texts) == 5  # the first page, three profiles, the contacts
    assert texts[0].startswith("PRO VÁS Z NAŠEHO STÁNKU Jana Nováková")
    assert "Ozvěte se kvůli textiliím." in texts[0]
    assert "CLUTEX – klastr technické textilie, z. s." in texts[1]  # spaced, in print
    assert "Klastr českých nábytkářů, družstvo" in texts[2]
    assert "Plastikářský klastr (PLASTR)" in texts[3]
    assert not any("Czech Smart City" in text for text in texts)
    assert "Ing. Markéta Horáková" in texts[4] and "Lukáš Beneš" in texts[4]


def test_the_extract_vcard_file_parses_with_the_names_intact(extract):
    cards = list(vobject.readComponents(extract.with_suffix(".vcf").read_text(encoding="utf-8")))
    names = sorted(card.fn.value for card in cards)
    assert names == ["Ing. Markéta Horáková", "Ing. Zdeňka Kolářová", "Lukáš Beneš"]


def test_an_unknown_cluster_is_an_error_that_lists_the_closest(issue):
    result = run("extract", issue, "--entries", "clutx", "-o", issue.parent / "x.pdf",
                 "--out-dir", issue.parent / "out")  # fmt: skip
    assert result.exit_code == 1
    assert "--entries: no entry 'clutx'; the closest: clutex" in result.output
    several = run("extract", issue, "--entries", "klastr", "-o", issue.parent / "x.pdf")
    assert "'klastr' is in the names of" in several.output


def test_names_with_their_legal_form_survive_the_commas():
    from klastroviny.content.naming import split_names

    assert split_names("Klastr MECHATRONIKA, z.s., clutex, Chemický klastr, z. s.") == [
        "Klastr MECHATRONIKA, z.s.", "clutex", "Chemický klastr, z. s."
    ]  # fmt: skip
    assert split_names("A, B; C") == ["A, B", "C"]


def test_an_extract_in_another_layout_leaves_the_bulletin_as_it_is(issue, extract):
    result = run("extract", issue, "--entries", "plastr", "--layout", "a4", "-o",
                 issue.parent / "a4" / "plastr.pdf", "--out-dir", issue.parent / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (issue.parent / "a4").iterdir()) == ["plastr.pdf", "plastr.vcf"]
    assert not list((issue.parent / "out").glob("*.pdf"))  # no bulletin written over
    width = pdfium.PdfDocument(issue.parent / "a4" / "plastr.pdf")[1].get_width()
    assert round(width / 72 * 25.4) == 210  # the A4 page of the profile
    wrong = run("extract", issue, "--entries", "plastr", "-o", issue.parent / "plastr.vcf")
    assert wrong.exit_code == 1 and "give a .pdf file" in wrong.output


# --- the site, as files ------------------------------------------------------------------------
def test_the_site_has_every_page_in_both_languages(site):
    for lang in ("cs", "en"):
        for page in ("index.html", "contacts.html", *(f"{ident}.html" for ident in KEPT)):
            assert (site / lang / page).is_file(), (lang, page)
        assert (site / lang / f"issue-{lang}.pdf").read_bytes().startswith(b"%PDF")
    home = (site / "cs" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="cs">' in home
    assert '<link rel="alternate" hreflang="en" href="../en/index.html">' in home
    assert home.count('class="cluster-item') == 4  # the plain list, without JavaScript
    assert '<form class="filters" hidden' in home


def test_nothing_is_fetched_from_elsewhere(site):
    import re

    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"<(script|img|link)[^>]+(src|href)=\"(https?:)?//", text), path
            assert "url(http" not in text and "@import" not in text, path


def test_no_contact_without_consent_anywhere(site, extract):
    outputs = [*site.rglob("*"), extract, extract.with_suffix(".vcf")]
    for path in (path for path in outputs if path.is_file()):
        text = _as_read(path).replace("\xa0", " ")
        for secret in HIDDEN:
            assert secret not in text, (path, secret)
        assert "X-KLASTROVINY-CONSENT" not in text, path  # the office's records stay with it


def _as_read(path: Path) -> str:
    """A file's text as a reader gets it: a PDF's text, a page's JSON decoded."""
    if path.suffix == ".pdf":
        return " ".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(path))
    text = path.read_bytes().decode("utf-8", errors="replace")
    for data in text.split('<script type="application/json"')[1:]:
        found = json.loads(data.split(">", 1)[1].split("</script>", 1)[0])
        text += json.dumps(found, ensure_ascii=False)
    return text


def test_text_from_the_data_stays_text(site):
    page = (site / "cs" / "plastr.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "{{ 7*7 }}" in page and "49" not in page.split("Pozor", 1)[1][:80]
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_contact_has_its_vcard(site):
    card = vobject.readOne((site / "cs" / "vcf" / "clutex-1.vcf").read_text(encoding="utf-8"))
    assert card.fn.value == "Ing. Markéta Horáková"
    assert 'href="vcf/clutex-1.vcf" download' in (site / "cs" / "clutex.html").read_text("utf-8")


# --- the site, in Chromium ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


@pytest.mark.parametrize("lang", ["cs", "en"])
@pytest.mark.parametrize("page", ["index.html", "clutex.html", "contacts.html"])
def test_axe_finds_no_violation(site, browser, lang, page):
    assert axe_violations(browser, (site / lang / page).as_uri()) == []


def test_filters_work_in_the_browser(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get((site / "cs" / "index.html").as_uri())

    def shown() -> list[str]:
        items = browser.find_elements(By.CSS_SELECTOR, ".cluster-item")
        return [item.get_attribute("data-id") for item in items if item.is_displayed()]

    assert shown() == ["clutex", "smart-city", "nabytkari", "plastr"]
    browser.find_element(By.ID, "search").send_keys("nabytkaru")  # accents and case ignored
    assert shown() == ["nabytkari"]
    browser.find_element(By.ID, "search").clear()
    browser.execute_script("document.getElementById('search').dispatchEvent(new Event('input'))")
    Select(browser.find_element(By.ID, "ecosystem")).select_by_value("health")
    assert shown() == ["clutex"]
    assert browser.find_element(By.CSS_SELECTOR, ".filter-count").text == "Zobrazeno 1 z 4"


def test_the_chosen_clusters_contacts_download_as_one_vcard(site, browser):
    from selenium.webdriver.common.by import By

    browser.get((site / "cs" / "index.html").as_uri())
    for ident in ("clutex", "plastr"):
        box = browser.find_element(By.ID, f"pick-{ident}")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
    text = browser.execute_script("return window.klastroviny.combinedVcard()")
    names = sorted(card.fn.value for card in vobject.readComponents(text))
    assert names == ["Ing. Markéta Horáková", "Ing. Zdeňka Kolářová"]
    link = browser.find_element(By.ID, "download")
    assert link.get_attribute("href").startswith("blob:")
    assert link.get_attribute("download") == "kontakty.vcf"
    assert browser.find_element(By.ID, "picked").text == "Vybráno: 2"


def test_a_cluster_page_prints_without_the_navigation(site, browser):
    import base64
    import io

    browser.get((site / "cs" / "clutex.html").as_uri())
    pdf = base64.b64decode(browser.print_page())
    text = " ".join(pdfium.PdfDocument(io.BytesIO(pdf).getvalue())[0].get_textpage()
                    .get_text_range().split())  # fmt: skip
    assert "CLUTEX – klastr technické textilie" in text
    assert "Bulletin v PDF" not in text and "Uložit do telefonu" not in text
