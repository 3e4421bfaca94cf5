"""Unit rendering: profiles typeset separately, in parallel, through the render cache — and
still the same bytes whichever way they were made."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from builders import SVG, entry_yaml, make_issue
from conftest import run_build
from pdf_fixtures import qpdf_check

import klastroviny.typeset.workers as workers
from klastroviny.compose import PROFILE_BATCH
from klastroviny.errors import KlastrovinyError

NAMES = ["Alfa klastr", "Beta klastr", "Gama klastr"]


def _entries(names):
    return {
        f"e{index}": entry_yaml(name=f'"{name}"', website=f"https://e{index}.example")
        for index, name in enumerate(names)
    }


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """The caches of the issue make_issue writes, built from tmp_path: beside the default
    output folder, build/issue/."""
    monkeypatch.chdir(tmp_path)
    return tmp_path / "build" / "issue" / ".cache"


def test_cold_warm_and_any_number_of_workers_give_the_same_bytes(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(workers, "UNITS_PER_WORKER", 1)  # a fresh worker for every unit too
    root = make_issue(tmp_path, entries=_entries(NAMES))
    outputs = []
    for name, options in [
        ("cold", {"jobs": 2}),
        ("warm", {"jobs": 2}),
        ("one", {"jobs": 1, "no_cache": True}),
        ("four", {"jobs": 4, "no_cache": True}),
    ]:
        result = run_build(root, lang="cs", output=tmp_path / f"{name}.pdf", **options)
        outputs.append((name, result))
    pdfs = {(tmp_path / f"{name}.pdf").read_bytes() for name, _ in outputs}
    assert len(pdfs) == 1
    cold, warm = outputs[0][1], outputs[1][1]
    assert len(list((cache / "qr").rglob("*.svg"))) == len(NAMES)  # read from there when warm
    assert cold.units_typeset > 0
    assert warm.units_typeset == 0
    assert warm.units_reused == cold.units_typeset + cold.units_reused


def test_the_build_process_leaves_typesetting_to_its_workers(tmp_path):
    """With workers, WeasyPrint never runs in the build process, so that its memory is the
    model's, not the typesetter's (peak memory does not grow with the bulletin)."""
    root = make_issue(tmp_path, entries=_entries(NAMES))
    script = (
        "import sys; from pathlib import Path; from klastroviny.build import build_issue; "
        "from klastroviny.options import BuildOptions; "
        f"build_issue(Path({str(root)!r}), BuildOptions(jobs=2, output=Path('a.pdf'))); "
        "print('weasyprint' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False"]
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_editing_one_description_typesets_only_that_profile(tmp_path, cache):
    root = make_issue(tmp_path, entries=_entries(NAMES))
    run_build(root, lang="cs", output=tmp_path / "a.pdf")
    entry = root / "entries" / "e1.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("Klastr", "Náš klastr", 1), encoding="utf-8"
    )
    edited = run_build(root, lang="cs", output=tmp_path / "b.pdf")
    assert edited.units_typeset == 1
    assert (tmp_path / "a.pdf").read_bytes() != (tmp_path / "b.pdf").read_bytes()


def test_an_added_entry_typesets_only_what_moves(tmp_path, cache):
    names = [f"Klastr {letter}" for letter in "ABCDEFGH"[:PROFILE_BATCH]]
    root = make_issue(tmp_path, entries=_entries(names))
    first = run_build(root, lang="cs", output=tmp_path / "a.pdf")
    (root / "entries" / "e9.yaml").write_text(
        entry_yaml(name='"Zeta klastr"', website="https://e9.example"), encoding="utf-8"
    )
    added = run_build(root, lang="cs", output=tmp_path / "b.pdf")
    # The new profile comes last, in a unit of its own: the unit of profiles before it keeps
    # its pages; the front (contents), the back (indexes) and the new unit are typeset again.
    assert 0 < added.units_typeset <= first.units_typeset
    assert added.units_reused >= 1


def test_no_cache_leaves_no_cache(tmp_path, cache):
    root = make_issue(tmp_path, entries=_entries(NAMES[:1]))
    run_build(root, lang="cs", output=tmp_path / "a.pdf", no_cache=True)
    assert not cache.exists()


def test_the_assembled_bulletin_is_a_sound_pdf_with_one_program_per_font(sample_pdfs):
    """Assembly copies the units' objects byte for byte: qpdf finds no damage, every page has
    its parent, each bundled font is embedded once for all units."""
    pdf = sample_pdfs["cs"]
    qpdf_check(pdf.path)
    programs = set()
    for page in pdf.reader.pages:
        assert page["/Parent"].get_object()["/Type"] == "/Pages"
        for font in page["/Resources"].get("/Font", {}).values():
            cid_font = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = cid_font["/FontDescriptor"]
            key = "/FontFile2" if "/FontFile2" in descriptor else "/FontFile3"
            programs.add((str(cid_font["/BaseFont"]).split("+")[-1], descriptor.raw_get(key).idnum))
    names = [name for name, _ in programs]
    assert len(names) == len(set(names)), sorted(programs)


def test_a_rebuild_renders_only_the_html_of_what_changed(tmp_path, cache, monkeypatch):
    """Unchanged units are found by their sources, without rendering their HTML; editing a
    description changes neither the front nor the back matter (they do not print it)."""
    import klastroviny.compose as compose

    root = make_issue(tmp_path, entries=_entries(NAMES))
    run_build(root, lang="cs", output=tmp_path / "a.pdf")
    rendered = []
    real = compose.render_unit

    def render_unit(edition, plan, unit, **rows):
        rendered.append(unit[0].name)
        return real(edition, plan, unit, **rows)

    monkeypatch.setattr(compose, "render_unit", render_unit)
    unchanged = run_build(root, lang="cs", output=tmp_path / "b.pdf")
    assert rendered == [] and unchanged.units_typeset == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    entry = root / "entries" / "e2.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("Klastr", "Náš klastr", 1))
    run_build(root, lang="cs", output=tmp_path / "c.pdf")
    assert rendered == ["profile"]


def test_a_cached_entry_is_read_again_when_its_logo_changes(tmp_path, cache):
    """Reading an entry checks its logo: a logo replaced by a broken file is an error even
    though the entry's own file did not change."""
    entries = {"e0": entry_yaml(logo="logos/e0.svg")}
    root = make_issue(tmp_path, entries=entries, files={"logos/e0.svg": SVG})
    run_build(root, lang="cs", output=tmp_path / "a.pdf")
    (root / "logos" / "e0.svg").write_bytes(b"<svg")
    with pytest.raises(KlastrovinyError) as raised:
        run_build(root, lang="cs", output=tmp_path / "b.pdf")
    assert raised.value.category == "validation"  # found when reading the entry
    assert any("logo" in problem.field for problem in raised.value.report.errors)


def test_the_warnings_of_a_cached_entry_are_reported_on_every_build(tmp_path, cache):
    root = make_issue(
        tmp_path, entries={"e0": entry_yaml(description="{cs: Klastr technických textilií.}")}
    )
    first = run_build(root, lang="cs", output=tmp_path / "a.pdf")
    second = run_build(root, lang="cs", output=tmp_path / "b.pdf")
    assert first.report.warnings
    assert [str(p) for p in second.report.warnings] == [str(p) for p in first.report.warnings]


def _rows_per_page(units) -> list[list[bytes]]:
    """The profiles each page of the front matter lists, from the units' link markers."""
    pages = []
    for unit in units:
        fragment = unit.load()
        bodies = {number: body for number, body, _ in fragment.objects}
        for page in fragment.pages:
            annots = re.findall(rb"\x03(\d+)\x04", bodies[page].split(b"/Annots", 1)[-1])
            links = [
                re.search(rb"\x01(entry-[^\x02]*)\x02", bodies.get(int(n), b"")) for n in annots
            ]
            pages.append([link.group(1) for link in links if link])
    return pages


def test_the_contents_and_the_indexes_in_chunks_have_the_pages_of_one_document(tmp_path):
    """Each chunk of the contents or of an index leaves its last page to the next: the rows
    fall on the same pages as when the list is typeset whole."""
    from dataclasses import replace

    from klastroviny.bulletin.edition import Edition
    from klastroviny.compose import Composer
    from klastroviny.content.issue_file import load_issue
    from klastroviny.render.layouts import load_layout
    from klastroviny.render.stylesheets import stylesheets
    from klastroviny.typeset.render_cache import RenderCache
    from klastroviny.typeset.workers import Typesetter

    names = [f"Klastr číslo {index} pro zkoušku obsahu" for index in range(45)]
    issue, _ = load_issue(make_issue(tmp_path, entries=_entries(names)))
    edition = Edition(issue, "cs", load_layout(issue.layout, issue.root))
    fronts, backs = {}, {}
    for size in (10, 1000):
        chunked = replace(
            edition, parts=tuple(replace(p, chunk=size) if p.rows else p for p in edition.parts)
        )
        with Typesetter(1, RenderCache(None)) as typesetter:
            composer = Composer(chunked, stylesheets(chunked), typesetter, None, print)
            _, fronts[size], backs[size] = composer.plan()
    assert len(fronts[10]) > 1 and len(fronts[1000]) == 1
    assert len(backs[10]) > len(backs[1000])
    for chunked, whole in ((fronts[10], fronts[1000]), (backs[10], backs[1000])):
        pages = _rows_per_page(whole)
        assert sum(1 for rows in pages if rows) > 1  # the lists span pages
        assert _rows_per_page(chunked) == pages


def test_a_damaged_cache_is_typeset_again(tmp_path, cache):
    root = make_issue(tmp_path, entries=_entries(NAMES[:1]))
    run_build(root, lang="cs", output=tmp_path / "a.pdf")
    for unit in (cache / "units").rglob("*.unit"):
        unit.write_bytes(unit.read_bytes()[:40])
    for entry in (cache / "entries").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"\x80\x04")
    again = run_build(root, lang="cs", output=tmp_path / "b.pdf")
    assert again.units_typeset > 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_a_logo_that_cannot_be_drawn_is_blamed_on_its_entry_in_a_unit_of_profiles(tmp_path):
    """Profiles share a unit: WeasyPrint's message names the logo, and so its entry."""
    from klastroviny.bulletin.checks import Profiles, check_images
    from klastroviny.bulletin.edition import Edition
    from klastroviny.content.issue_file import load_issue
    from klastroviny.render.layouts import load_layout
    from klastroviny.typeset.units import UnitResult

    entries = {
        name: entry_yaml(name=f'"Klastr {name}"', logo=f"logos/{name}.svg")
        for name in ("e0", "e1", "e2")
    }
    files = {f"logos/{name}.svg": SVG for name in entries}
    issue, report = load_issue(make_issue(tmp_path, entries=entries, files=files))
    assert not report.errors
    edition = Edition(issue, "cs", load_layout(issue.layout, issue.root))
    failed = "WeasyPrint: Failed to load image at 'issue:logos/e1.svg': broken"
    unit = UnitResult("profiles:e0…e2", None, 3, {}, warnings=[failed])
    with pytest.raises(KlastrovinyError) as raised:
        check_images(edition, [Profiles(edition.entries, unit)])
    (problem,) = raised.value.report.errors
    assert problem.location.file.name == "e1.yaml"
