"""The built bulletin, read back from its PDF: page numbers, indexes, order, consent, notes,
imprint, metadata, outline; overflow, reproducibility, atomic writing and the CLI.

The sample issue is built once per session (conftest.py: sample_pdfs, sample_a4_pdf); the few
small issues here are built from strings with the builder.
"""

from __future__ import annotations

import re

import pytest
from builders import entry_yaml, make_issue
from click.testing import CliRunner
from conftest import flat, run_build
from pypdf import PdfReader

from klastroviny.cli import cli
from klastroviny.content import vocabulary
from klastroviny.errors import KlastrovinyError
from klastroviny.text.collation import sort_key

# --- contents, profiles, folios ---------------------------------------------------------------


def contents_numbers(pdf) -> dict[str, int]:
    """Each line of the contents, by the name it prints, -> the page number it prints."""
    pages = pdf.pages_between("contents", f"entry-{pdf.entries[0].id}")
    text = flat(" ".join(pdf.text(i) for i in pages))
    numbers = {}
    names = [pdf.name(e) for e in pdf.entries]
    names += [pdf.words["ecosystem_index"], pdf.words["contact_index"]]
    for name in names:
        found = re.findall(re.escape(name) + r"[ .]*? ?(\d+)(?!\d)", text)
        assert found, f"{name!r} is missing from the contents: {text}"
        numbers[name] = int(found[-1])
    return numbers


def folio(pdf, index: int) -> str | None:
    """The folio printed on a page: a line of its own that is only a number, at the end."""
    lines = [line.strip() for line in pdf.text(index).splitlines() if line.strip()]
    numbers = [line for line in lines[-2:] if line.isdigit()]
    return numbers[-1] if numbers else None


def check_contents_point_to_profiles(pdf) -> None:
    numbers = contents_numbers(pdf)
    for entry in pdf.entries:
        index = pdf.page_of(f"entry-{entry.id}")
        page = index + 1
        assert numbers[pdf.name(entry)] == page, (entry.id, numbers[pdf.name(entry)], page)
        # the profile starts on that page: its name is printed there, and its folio says so
        assert pdf.name(entry) in flat(pdf.text(index)), entry.id
        assert folio(pdf, index) == str(page), (entry.id, pdf.text(index)[-80:])
    for anchor, key in (("ecosystem-index", "ecosystem_index"), ("contact-index", "contact_index")):
        index = pdf.page_of(anchor)
        assert numbers[pdf.words[key]] == index + 1, anchor
        assert flat(pdf.text(index)).startswith(pdf.words[key]), anchor
    # the contents list the profiles in the printed order, one page each
    pages = [numbers[pdf.name(e)] for e in pdf.entries]
    assert pages == list(range(pages[0], pages[0] + len(pages)))


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_contents_page_numbers_point_to_where_each_profile_starts(sample_pdfs, lang):
    pdf = sample_pdfs[lang]
    assert len(pdf.entries) == 15
    check_contents_point_to_profiles(pdf)


def test_the_a4_layout_builds_the_sample_with_right_page_numbers(sample_a4_pdf):
    pdf = sample_a4_pdf
    width, height = (float(v) for v in pdf.reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert pdf.page_count % pdf.layout.pages_multiple == 0
    check_contents_point_to_profiles(pdf)
    assert "Údaje o klastrech jsou platné k 26. září 2022" in flat(pdf.text(pdf.page_count - 1))


# --- the indexes ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_the_ecosystem_index_lists_each_ecosystem_with_its_clusters_and_pages(sample_pdfs, lang):
    pdf = sample_pdfs[lang]
    printed = pdf.ecosystem_index
    expected = []
    # the edition's alphabetical order of the ecosystems' names, only those that have clusters
    for ecosystem in sorted(vocabulary.ECOSYSTEMS, key=lambda e: sort_key(pdf.ecosystem(e), lang)):
        members = [e for e in pdf.entries if ecosystem in e.ecosystems]
        if members:
            rows = sorted(
                ((pdf.short_name(e), pdf.page_of(f"entry-{e.id}") + 1) for e in members),
                key=lambda row: sort_key(row[0], lang),
            )
            expected.append((pdf.ecosystem(ecosystem), rows))
    assert printed == expected


def test_the_contact_index_is_in_czech_order_with_right_page_numbers(sample_pdfs):
    pdf = sample_pdfs["cs"]
    rows = pdf.contact_index_rows
    assert rows, "no contact index rows found"
    page_of_short = {pdf.short_name(e): pdf.page_of(f"entry-{e.id}") + 1 for e in pdf.entries}
    for row in rows:
        assert row.page_ref == page_of_short[row.short], row
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    # groups in the Czech order of the ecosystems' names
    assert list(groups) == sorted(groups, key=lambda group: sort_key(group, "cs"))
    for group, members in groups.items():
        keys = [sort_key(row.short, "cs") for row in members]
        assert keys == sorted(keys), (group, [row.short for row in members])
    # Czech order for real: Chemický after Hi-Tech ("ch" after "h"), not under C
    energy = [row.short for row in groups["Energeticky náročná odvětví"]]
    assert energy.index("Chemický klastr") > energy.index("Energetický klastr")
    elektronika = [row.short for row in groups["Elektronika"]]
    assert elektronika.index("Hi-Tech klastr") < elektronika.index("MECHATRONIKA")


def test_the_contact_index_has_every_consenting_index_contact_under_each_ecosystem(sample_pdfs):
    pdf = sample_pdfs["cs"]
    printed = sorted((row.group, row.short, row.person) for row in pdf.contact_index_rows)
    expected = []
    for entry in pdf.entries:
        for contact in entry.contacts:
            if not (contact.consent and contact.in_index):
                continue
            for ecosystem in entry.ecosystems:
                expected.append(
                    (pdf.ecosystem(ecosystem), pdf.short_name(entry), flat(contact.full_name))
                )
    # each row: the person with titles, then ", role"
    names = sorted({person for _, _, person in expected}, key=len, reverse=True)

    def who(printed_person: str) -> str:
        found = [n for n in names if printed_person == n or printed_person.startswith(n + ", ")]
        return found[0] if found else printed_person

    assert sorted((group, short, who(person)) for group, short, person in printed) == sorted(
        expected
    )


def test_contacts_without_consent_are_nowhere_and_out_of_index_ones_only_on_the_profile(
    small_build,
):
    result, pdfs = small_build
    pdf = pdfs["cs"]
    whole = flat(" ".join(pdf.text(i) for i in range(pdf.page_count)))
    for absent in ("Ota Nesouhlasný", "602 111 222", "ota.nesouhlasny"):
        assert absent not in whole
    profile = flat(pdf.text(pdf.page_of("entry-clutex")))
    assert "Jana Nováková" in profile and "Petr Mimoindex" in profile
    rows = pdf.contact_index_rows
    assert [(row.group, row.person) for row in rows] == [
        ("Textil", "Jana Nováková"),  # the ecosystems in Czech order
        ("Zdravotnictví", "Jana Nováková"),
    ]
    index_text = flat(" ".join(pdf.text(i) for i in pdf.contact_index_pages))
    assert "Petr Mimoindex" not in index_text and "603 333 444" not in index_text
    # the validator noted why Ota is missing (a decision: a note, not a warning)
    assert any(p.message.startswith("Ota") for p in result.report.notes)


# --- page count, notes, back cover, English edition -------------------------------------------


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_the_booklet_has_a_multiple_of_4_pages_notes_only_as_needed(sample_pdfs, lang):
    pdf = sample_pdfs[lang]
    assert pdf.page_count % 4 == 0
    notes = pdf.notes_pages
    back = pdf.page_count - 1
    assert notes == list(range(back - len(notes), back))  # right before the back cover
    assert len(notes) < 4


@pytest.mark.parametrize("lang, heading", [("cs", "Poznámky"), ("en", "Notes")])
def test_a_one_entry_issue_gets_notes_pages_before_the_back_cover(small_build, lang, heading):
    result, pdfs = small_build
    pdf = pdfs[lang]
    output = next(o for o in result.outputs if o.lang == lang)
    assert output.pages == pdf.page_count
    assert pdf.page_count % 4 == 0
    assert pdf.notes_pages, "no notes pages"
    assert len(pdf.notes_pages) < 4
    back = pdf.page_count - 1
    assert pdf.notes_pages == list(range(back - len(pdf.notes_pages), back))
    assert all(flat(pdf.text(i)) == heading for i in pdf.notes_pages)
    assert pdf.page_of("back") == back


def test_the_back_cover_carries_the_imprint(sample_pdfs):
    pdf = sample_pdfs["cs"]
    back = flat(pdf.text(pdf.page_count - 1))
    assert "Údaje o klastrech jsou platné k 26. září 2022" in back
    assert "Národní klastrová asociace" in back
    assert "české vydání" in back
    assert re.search(r"Počet profilů 15\b", back)
    assert folio(pdf, pdf.page_count - 1) is None  # no folio on the back cover


def test_the_english_edition_speaks_english(sample_pdfs):
    pdf = sample_pdfs["en"]
    everything = flat(" ".join(pdf.text(i) for i in range(pdf.page_count)))
    back = flat(pdf.text(pdf.page_count - 1))
    assert "Cluster data as of 26 September 2022" in back
    assert "English edition" in back
    assert "26 September 2022" in flat(pdf.text(0))
    for heading in ("Contents", "Foreword", "Clusters by ecosystem", "Contacts"):
        assert heading in everything
    for czech in ("září", "Obsah", "Kontakty", "Poznámky", "Údaje o klastrech", "Co nabízíme"):
        assert czech not in everything


# --- the PDF as a file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, title",
    [
        ("cs", "KLASTROVINY 12 – Klastry České republiky"),
        ("en", "KLASTROVINY 12 – Clusters of the Czech Republic"),
    ],
)
def test_metadata(sample_pdfs, lang, title):
    pdf = sample_pdfs[lang]
    meta = pdf.reader.metadata
    assert meta.title == title
    assert meta.author == "Národní klastrová asociace"
    assert meta.subject and "2022" in meta.subject
    assert pdf.reader.trailer["/Root"]["/Lang"] == lang


def outline_items(reader, items=None, depth=0):
    """(depth, title, 0-based page) of every outline item, in order."""
    found = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found += outline_items(reader, item, depth + 1)
        else:
            found.append((depth, item.title, reader.get_destination_page_number(item)))
    return found


def test_the_outline_has_an_entry_for_each_profile_and_index(sample_pdfs):
    pdf = sample_pdfs["cs"]
    items = outline_items(pdf.reader)
    for entry in pdf.entries:
        page = pdf.page_of(f"entry-{entry.id}")
        assert (pdf.short_name(entry), page) in [(flat(t), p) for _, t, p in items], entry.id
    titles = [flat(t) for _, t, _ in items]
    assert pdf.words["ecosystem_index"] in titles
    assert pdf.words["contact_index"] in titles


def test_the_outline_has_exactly_one_entry_per_profile(sample_pdfs):
    pdf = sample_pdfs["cs"]
    items = outline_items(pdf.reader)
    for entry in pdf.entries:
        page = pdf.page_of(f"entry-{entry.id}")
        assert [t for _, t, p in items if p == page] == [pdf.short_name(entry)], entry.id


# --- overflow and atomic writing --------------------------------------------------------------

LONG_DESCRIPTION = " ".join(["Klastr sdružuje firmy a výzkumné organizace regionu."] * 86)  # 602


@pytest.fixture(scope="module")
def overflow_build(tmp_path_factory, small_build):
    """One failing build: an entry with a ~600-word Czech description between two that fit (in
    one unit of profiles), written with -o onto a path that already holds a good PDF."""
    tmp = tmp_path_factory.mktemp("overflow")
    description = f'\n  cs: "{LONG_DESCRIPTION}"\n  en: A cluster of technical textiles.'
    entries = {
        "alfa": entry_yaml(name='"Alfa klastr"', description='{cs: "Jen česky."}'),  # a warning
        "clutex": entry_yaml(description=description),
        "zeta": entry_yaml(name='"Zeta klastr"'),
    }
    root = make_issue(tmp, entries=entries)
    output = tmp / "out" / "bulletin.pdf"
    output.parent.mkdir()
    earlier = small_build[1]["cs"].path.read_bytes()
    output.write_bytes(earlier)
    with pytest.raises(KlastrovinyError) as caught:
        run_build(root, lang="cs", output=output)
    return root, output, earlier, caught.value


def test_a_profile_that_overflows_its_page_fails_naming_file_field_and_size(overflow_build):
    root, _, _, error = overflow_build
    assert error.category == "overflow"
    (problem,) = error.report.errors
    assert problem.location.file == root / "entries" / "clutex.yaml"
    message = str(problem)
    assert "entries/clutex.yaml" in message
    assert "overflows" in message
    assert re.search(r"by \d+\.\d mm", message), message
    assert "description.cs" in message
    assert re.search(r"shorten description.cs to about \d+ words \(now 602\)", message), message


def test_a_failed_build_reports_the_warnings_it_found_too(overflow_build):
    _, _, _, error = overflow_build
    (warning,) = error.report.warnings
    assert "alfa.yaml" in str(warning.location) and "description" in warning.field


def test_a_failed_build_leaves_the_earlier_pdf_untouched(overflow_build):
    _, output, earlier, _ = overflow_build
    assert output.read_bytes() == earlier
    assert sorted(p.name for p in output.parent.iterdir()) == ["bulletin.pdf"]  # no temp files


# --- reproducibility --------------------------------------------------------------------------


def test_building_twice_gives_identical_bytes(small_build, small_issue_dir, tmp_path):
    first = small_build[1]["cs"].path
    again = run_build(small_issue_dir, lang="cs", out_dir=tmp_path / "again")
    (output,) = again.outputs
    assert output.path != first
    assert output.path.read_bytes() == first.read_bytes()


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path, monkeypatch):
    """run(*args) -> click Result, with the working directory at tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def run(*args):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run


def test_cli_build_prints_the_output_path_and_page_count(
    tmp_path, run, small_build, small_issue_dir
):
    result = run("build", small_issue_dir, "--lang", "cs", "--out-dir", "out")
    assert result.exit_code == 0, result.output
    written = tmp_path / "out" / "issue-cs.pdf"
    pages = len(PdfReader(written).pages)
    assert result.stdout.splitlines() == [f"out/issue-cs.pdf: {pages} pages (cs)", "0 warnings"]
    assert "note: 1 contact left out of print, no consent (" in result.stderr
    # the same bytes as the library's build of the same issue
    assert written.read_bytes() == small_build[1]["cs"].path.read_bytes()


def test_cli_build_of_an_invalid_issue_fails_with_file_line_col_and_writes_nothing(tmp_path, run):
    make_issue(tmp_path, entries={"clutex": entry_yaml(city="no")})
    result = run("build", "issue", "--out-dir", "out")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("issue/entries/clutex.yaml:3:7: error: city: expected text")
    assert lines[-1] == "error: the issue has errors; nothing was built"
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "build").exists()


def test_a_booklet_goes_beside_the_file_of_o(small_build, small_issue_dir, tmp_path):
    output = tmp_path / "proof" / "bulletin.pdf"
    result = run_build(small_issue_dir, lang="cs", output=output, booklet=True)
    assert sorted(p.name for p in output.parent.iterdir()) == [
        "bulletin-booklet.pdf",
        "bulletin.pdf",
    ]
    assert [out.path for out in result.outputs] == [
        output,
        output.with_name("bulletin-booklet.pdf"),
    ]
