"""Layouts: layered lookup, issue-local overrides, explicit extension of the base, glyph
coverage and the resource sandbox. All at the HTML stage or below: no PDF is rendered."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import bulletin_html, entry_yaml

from klastroviny.bulletin.edition import Edition
from klastroviny.content.issue_file import load_issue
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.render.layouts import load_layout
from klastroviny.resources import ASSETS_DIR
from klastroviny.text.glyphs import check_glyphs
from klastroviny.typeset.sandbox import SandboxFetcher


def _edition(root: Path, lang: str = "cs") -> Edition:
    issue, report = load_issue(root)
    assert issue is not None, report.problems
    return Edition(issue, lang, load_layout(issue.layout, issue.root))


def test_an_issue_local_template_replaces_the_layouts(build):
    root = build(files={"layout/back.html.j2": b'<section class="back">OUR OWN IMPRINT</section>'})
    html = bulletin_html(_edition(root))
    assert "OUR OWN IMPRINT" in html
    assert "imprint-list" not in html


def test_an_override_can_extend_the_base_template_explicitly(build):
    override = (
        b'{% extends "base:bulletin.html.j2" %}'
        b"{% block parts %}{{ super() }}"
        b'{% if "imprint" in unit|map(attribute="name") %}<p>EXTENDED BACK</p>{% endif %}'
        b"{% endblock %}"
    )
    root = build(files={"layout/bulletin.html.j2": override})
    html = bulletin_html(_edition(root))
    assert "EXTENDED BACK" in html
    assert "imprint-list" in html  # the base block is still there via super()
    assert 'id="contact-index"' in html


def test_a_broken_override_names_its_file_and_line(build):
    root = build(files={"layout/cover.html.j2": b"<p>\n{% if %}\n"})
    with pytest.raises(KlastrovinyError) as caught:
        bulletin_html(_edition(root))
    (problem,) = caught.value.report.problems
    assert problem.location.file.name == "cover.html.j2"
    assert problem.location.line == 2


def test_an_unknown_layout_is_a_clear_error():
    with pytest.raises(KlastrovinyError, match="no layout 'a3-poster'.*a4, a5-booklet"):
        load_layout("a3-poster")


def test_a_character_missing_from_the_bundled_fonts_names_entry_and_field(build):
    root = build(entries={"snowman": entry_yaml(city="Liberec ☃")})
    issue, _ = load_issue(root)
    report = Report()
    check_glyphs(issue, load_layout("a5-booklet").coverage_fonts, report)
    (problem,) = report.problems
    assert problem.location.file.name == "snowman.yaml"
    assert problem.field == "city"
    assert "'☃' (U+2603 SNOWMAN)" in problem.message


def test_czech_text_is_covered_by_the_bundled_fonts(build):
    root = build(entries={"cz": entry_yaml(city="Žďár nad Sázavou – „Ústí“ ŘŠČŤŇĎŮ")})
    issue, _ = load_issue(root)
    report = Report()
    check_glyphs(issue, load_layout("a5-booklet").coverage_fonts, report)
    assert report.problems == []


def test_the_sandbox_serves_only_allowed_folders(tmp_path):
    inside = tmp_path / "issue"
    inside.mkdir()
    (inside / "logo.svg").write_text("<svg/>")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (inside / "link.svg").symlink_to(outside)
    fetcher = SandboxFetcher((inside, ASSETS_DIR))
    assert fetcher.fetch((inside / "logo.svg").as_uri()).read() == b"<svg/>"
    assert fetcher.fetch("assets:fonts/fonts.conf").read().startswith(b"<?xml")
    for url in (
        outside.as_uri(),
        (inside / "link.svg").as_uri(),
        "http://127.0.0.1:9/x",
        f"file://{inside}/../secret.txt",
        "https://example.com/logo.png",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5
