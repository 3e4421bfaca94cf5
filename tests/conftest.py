"""Shared fixtures. The builders live in builders.py so that tests can import them by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_issue, rendered

from klastroviny.content.issue_file import load_issue


@pytest.fixture
def in_tmp_path(tmp_path, monkeypatch):
    """Paths in messages are relative to the working folder: here, the test's folder."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def build(tmp_path):
    """build(issue=…, entries={…}, files={…}) -> the issue folder, written under tmp_path."""

    def build(**kwargs) -> Path:
        return make_issue(tmp_path, **kwargs)

    return build


@pytest.fixture
def check(build):
    """check(**build_kwargs) -> (issue or None, printed problems relative to the issue folder)."""

    def check(**kwargs):
        root = build(**kwargs)
        issue, report = load_issue(root)
        return issue, rendered(report, root)

    return check


# --- Built bulletins, shared by test_build.py and test_pdf_pixels.py --------------------------
# Rendering is slow (seconds per edition), so each PDF below is built once per test session.

import contextlib  # noqa: E402
import re  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from functools import cached_property  # noqa: E402

from builders import PROJECT_ROOT, contact_yaml, entry_yaml  # noqa: E402

from klastroviny.content import vocabulary  # noqa: E402
from klastroviny.render.layouts import load_layout, wording  # noqa: E402

SAMPLE_ISSUE_DIR = PROJECT_ROOT / "issues" / "2022-09-prague"

# One entry whose first contact did not consent to print and whose last one is not in the index.
SMALL_CONTACTS = (
    contact_yaml(
        name="Ota Nesouhlasný",
        phone='"+420 602 111 222"',
        email="ota.nesouhlasny@example.com",
        consent="false",
    )
    + contact_yaml()
    + contact_yaml(
        name="Petr Mimoindex",
        phone='"+420 603 333 444"',
        email="petr.mimoindex@example.com",
        in_index="false",
    )
)


@contextlib.contextmanager
def isolated_build_env():
    """build_issue sets SOURCE_DATE_EPOCH (with setdefault) from the issue's date; keep that
    from leaking from one build into the next and into other tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        yield


def run_build(issue_dir: Path, **options):
    """build_issue(issue_dir, BuildOptions(**options)) with a clean environment."""
    from klastroviny.build import build_issue
    from klastroviny.options import BuildOptions

    with isolated_build_env():
        return build_issue(issue_dir, BuildOptions(**options))


def flat(text: str) -> str:
    """Extracted text as one line: hyphenation at line ends undone, every run of white space
    (no-break spaces and line ends too) a single space."""
    text = text.replace("\u2010\n", "").replace("\u00ad", "").replace("-\n", "-")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@dataclass(frozen=True)
class IndexRow:
    group: str  # ecosystem heading as printed
    short: str  # cluster short name as printed
    person: str  # contact name with titles as printed
    page_ref: int  # the page number printed at the row's end
    pdf_page: int  # 0-based index of the PDF page the row is on


class BuiltPdf:
    """One built edition: its file, the issue model, and lazily extracted text (pypdf)."""

    def __init__(self, path: Path, lang: str, issue_dir: Path, layout_name: str | None = None):
        from pypdf import PdfReader

        from klastroviny.content.issue_file import load_issue

        self.path = path
        self.lang = lang
        self.issue, _ = load_issue(issue_dir)
        self.layout = load_layout(layout_name or self.issue.layout, self.issue.root)
        self.reader = PdfReader(path)
        self.words = wording()[lang]
        self._plain: dict[int, str] = {}
        self._layout: dict[int, str] = {}

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)

    def text(self, index: int) -> str:
        if index not in self._plain:
            self._plain[index] = self.reader.pages[index].extract_text()
        return self._plain[index]

    def lines(self, index: int) -> list[str]:
        """The page's lines top to bottom (pypdf layout mode), spaces normalised."""
        if index not in self._layout:
            self._layout[index] = self.reader.pages[index].extract_text(extraction_mode="layout")
        return [flat(line) for line in self._layout[index].splitlines() if line.strip()]

    @cached_property
    def destinations(self) -> dict[str, int]:
        """Named destination (the HTML ids) -> 0-based page index."""
        return {
            name: self.reader.get_destination_page_number(dest)
            for name, dest in self.reader.named_destinations.items()
        }

    def page_of(self, anchor: str) -> int:
        return self.destinations[anchor]

    @cached_property
    def entries(self):
        from klastroviny.text.collation import ordered_entries

        return ordered_entries(self.issue, self.lang)

    def short_name(self, entry) -> str:
        return flat(entry.display_short_name(self.lang, self.issue.fallback(self.lang)))

    def name(self, entry) -> str:
        """The name as printed: with the edition's typography ('z.s.' prints 'z. s.')."""
        from klastroviny.text.typography import craft

        return flat(craft(entry.name.get(self.lang, self.issue.fallback(self.lang)), self.lang))

    def ecosystem(self, ecosystem: str) -> str:
        """The ecosystem's heading in the indexes."""
        return vocabulary.ecosystem_heading(ecosystem, self.lang)

    def pages_between(self, first_anchor: str, end_anchor: str) -> range:
        """Pages from the one of first_anchor up to (not including) the one of end_anchor."""
        return range(self.page_of(first_anchor), self.page_of(end_anchor))

    @cached_property
    def notes_pages(self) -> list[int]:
        heading = self.words["notes"]
        return [i for i in range(self.page_count) if flat(self.text(i)) == heading]

    @cached_property
    def contact_index_pages(self) -> list[int]:
        pages = self.pages_between("contact-index", "back")
        return [i for i in pages if i not in self.notes_pages]

    @cached_property
    def contact_index_rows(self) -> list[IndexRow]:
        """Rows of the contact index as printed: heading, short name, person, page number."""
        groups = {self.ecosystem(e) for e in vocabulary.ECOSYSTEMS}
        shorts = sorted({self.short_name(e) for e in self.entries}, key=len, reverse=True)
        rows, group = [], None
        for index in self.contact_index_pages:
            for line in self.lines(index):
                if line in groups:
                    group = line
                    continue
                short = next((s for s in shorts if line.startswith(s + " ")), None)
                match = re.fullmatch(r"(.*\S) (\d+)", line)
                if short is None or match is None:
                    continue
                person = match.group(1)[len(short) :].strip()
                rows.append(IndexRow(group, short, person, int(match.group(2)), index))
        return rows

    @cached_property
    def ecosystem_index(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """[(heading, [(short name, page number), …]), …] as printed."""
        groups = {self.ecosystem(e) for e in vocabulary.ECOSYSTEMS}
        shorts = sorted({self.short_name(e) for e in self.entries}, key=len, reverse=True)
        result: list[tuple[str, list[tuple[str, int]]]] = []
        for index in self.pages_between("ecosystem-index", "contact-index"):
            for line in self.lines(index):
                if line in groups:
                    result.append((line, []))
                    continue
                short = next((s for s in shorts if line.startswith(s)), None)
                if short is None or not result:
                    continue
                rest = re.fullmatch(r"[ .]*(\d+)", line[len(short) :])
                if rest:
                    result[-1][1].append((short, int(rest.group(1))))
        return result


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("built")


@pytest.fixture(scope="session")
def sample_pdfs(built_dir) -> dict[str, BuiltPdf]:
    """The sample issue built once per session in both languages (a5-booklet)."""
    out = built_dir / "sample"
    result = run_build(SAMPLE_ISSUE_DIR, lang="all", out_dir=out)
    return {o.lang: BuiltPdf(o.path, o.lang, SAMPLE_ISSUE_DIR) for o in result.outputs}


@pytest.fixture(scope="session")
def sample_a4_pdf(built_dir) -> BuiltPdf:
    """The sample issue in the a4 layout, Czech only."""
    out = built_dir / "sample-a4"
    result = run_build(SAMPLE_ISSUE_DIR, lang="cs", layout="a4", out_dir=out)
    (output,) = result.outputs
    return BuiltPdf(output.path, "cs", SAMPLE_ISSUE_DIR, "a4")


@pytest.fixture(scope="session")
def small_issue_dir(built_dir) -> Path:
    """A one-entry issue (a copy is made for each use that writes): contacts with and without
    consent, in and out of the index."""
    return make_issue(
        built_dir / "small-src", entries={"clutex": entry_yaml(contacts=SMALL_CONTACTS)}
    )


@pytest.fixture(scope="session")
def small_build(built_dir, small_issue_dir):
    """The small issue built once, both editions: (BuildResult, {lang: BuiltPdf})."""
    result = run_build(small_issue_dir, lang="all", out_dir=built_dir / "small")
    return result, {o.lang: BuiltPdf(o.path, o.lang, small_issue_dir) for o in result.outputs}


# --- Print masters (issue 4), shared by test_print.py, test_preflight.py, test_imposition.py ---
# The print master adds a Ghostscript pass (seconds) to the render: the sample issue is built
# once per session in Czech only; variants use the small one-entry issue below. They bypass the
# render cache (build/.cache/ under the working directory), so that what is tested is what the
# current code typesets, whatever an earlier run left there.


@dataclass(frozen=True)
class PrintBuild:
    master: Path  # <slug>-cs-print.pdf
    booklet: Path  # <slug>-cs-print-booklet.pdf
    pages: int


def _print_build(issue_dir: Path, out: Path, **options) -> PrintBuild:
    result = run_build(
        issue_dir, lang="cs", out_dir=out, print_master=True, booklet=True, no_cache=True, **options
    )
    master, booklet = result.outputs
    return PrintBuild(master.path, booklet.path, master.pages)


def rgb_logo_png() -> bytes:
    """A 900 × 300 px RGB PNG logo in two saturated colours (printed at about 476 ppi)."""
    import io

    from PIL import Image

    image = Image.new("RGB", (900, 300), (200, 30, 40))
    for x in range(0, 900, 3):
        image.paste((20, 120, 200), (x, 0, x + 1, 300))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def sample_print(built_dir) -> PrintBuild:
    """The sample issue's Czech print master (PDF/X-4, no marks) and its imposed proof."""
    return _print_build(SAMPLE_ISSUE_DIR, built_dir / "sample-print")


@pytest.fixture(scope="session")
def small_print_issue_dir(built_dir) -> Path:
    """A one-entry issue whose logo is an RGB PNG, so that Ghostscript has an image to convert."""
    return make_issue(
        built_dir / "small-print-src",
        entries={"clutex": entry_yaml(logo="logos/clutex.png")},
        files={"logos/clutex.png": rgb_logo_png()},
    )


@pytest.fixture(scope="session")
def small_print(built_dir, small_print_issue_dir) -> PrintBuild:
    """The small issue's Czech print master (PDF/X-4, no marks) and its imposed proof."""
    return _print_build(small_print_issue_dir, built_dir / "small-print")
