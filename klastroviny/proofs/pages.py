"""The proof PDFs of one edition: for each entry, a letter to the cluster, then its profile
page(s) taken from the built bulletin as they will print (same typesetting, same page number),
each under an overlay with the diagonal KORECTURA / PROOF mark and the changed text marked.

The changed text is found on the bulletin's page itself (pdfium's text and character boxes),
so the marks sit where the text is, whatever the layout did with it. The letters and overlays
of all proofs are one WeasyPrint document (proof.html.j2, proof.css), cut apart with pypdf.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from klastroviny.bulletin.edition import EcosystemRow, Edition, IndexRow
from klastroviny.content.model import Entry
from klastroviny.proofs.changes import Change
from klastroviny.render.html import render_template
from klastroviny.typeset.units import typeset_html

PT_PER_MM = 72 / 25.4
BAR_GAP_PT = 7.0  # the margin bar, left of the text column
HYPHENS = ("\u2010", "\u00ad", "-")


@dataclass(frozen=True)
class Box:
    left: float  # pt from the page's left edge
    top: float  # pt from the page's top edge
    width: float
    height: float


@dataclass
class Overlay:
    boxes: list[Box] = field(default_factory=list)
    bars: list[Box] = field(default_factory=list)


@dataclass
class Proof:
    """One proof of one edition, as the letter shows it."""

    entry: Entry
    round: int
    changes: list[Change]
    base: str | None  # "approved" | "sent": what the changes are counted from; None: round 1
    base_round: int = 0
    since: str = ""
    page_indexes: list[int] = field(default_factory=list)  # in the bulletin, from 0
    overlays: list[Overlay] = field(default_factory=list)
    ecosystem_rows: list[EcosystemRow] = field(default_factory=list)  # its rows in the indexes
    index_rows: list[IndexRow] = field(default_factory=list)
    issue_line: str = ""

    @property
    def key(self) -> str:
        return self.entry.id

    @property
    def pages(self) -> list[int]:
        """The printed page numbers (the cover is page 1)."""
        return [index + 1 for index in self.page_indexes]

    @property
    def sentences(self) -> list[str]:
        return [sentence for change in self.changes for sentence in change.sentences]


def place_marks(bulletin: bytes, proofs: list[Proof]) -> None:
    """Each proof's overlays: the boxes of its changed texts on its pages (a text of a profile
    of two pages is marked on the first page that has it)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(bulletin)
    try:
        for proof in proofs:
            marks = [mark for change in proof.changes for mark in change.marks]
            done: set[int] = set()
            proof.overlays = [_overlay(document[i], marks, done) for i in proof.page_indexes]
    finally:
        document.close()


def _overlay(page, marks: list, done: set[int]) -> Overlay:
    overlay = Overlay()
    if len(done) == len(marks):
        return overlay
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        chars, positions = _page_text(textpage)
        column_left = min(
            (textpage.get_charbox(i)[0] for c, i in zip(chars, positions, strict=True) if c != " "),
            default=0.0,
        )
        for number, mark in enumerate(marks):
            found = None if number in done else _find(chars, mark)
            if found is None:
                continue
            done.add(number)
            first, last = positions[found[0]], positions[found[1] - 1]
            rects = [
                textpage.get_rect(k) for k in range(textpage.count_rects(first, last - first + 1))
            ]
            for left, bottom, right, top in rects:
                overlay.boxes.append(
                    Box(left - 0.8, height - top - 0.6, right - left + 1.6, top - bottom + 1.2)
                )
            if rects:
                top, bottom = max(r[3] for r in rects), min(r[1] for r in rects)
                overlay.bars.append(
                    Box(column_left - BAR_GAP_PT, height - top - 0.6, 0, top - bottom + 1.2)
                )
    finally:
        textpage.close()
    return overlay


def _find(chars: str, mark) -> tuple[int, int] | None:
    """Where a mark's text is on the page: its first occurrence, after its anchor text (a
    phone after its person's name) if it has one."""
    anchor, text = mark if isinstance(mark, tuple) else ("", mark)
    start = 0
    if anchor:
        start = chars.find(_normal(anchor))
        if start < 0:
            return None
    return next(_occurrences(chars, _normal(text), start), None)


def _page_text(textpage) -> tuple[str, list[int]]:
    """The page's text with line breaks as spaces, words hyphenated at a line end joined, runs
    of spaces as one; and for each of its characters the index of the page's character."""
    import pypdfium2.raw as raw

    chars: list[str] = []
    positions: list[int] = []
    for index in range(textpage.count_chars()):
        char = chr(raw.FPDFText_GetUnicode(textpage.raw, index))
        if char in "\r\n":
            if chars and chars[-1] in HYPHENS:
                chars.pop()
                positions.pop()
                continue  # 'pro‐' + line break + 'jekty'
            char = " "
        elif char.isspace() or char == "\x02":
            char = " "
        if char == " " and (not chars or chars[-1] == " "):
            continue
        chars.append(char)
        positions.append(index)
    return "".join(chars), positions


def _normal(text: str) -> str:
    return " ".join(text.split())


def _occurrences(haystack: str, needle: str, after: int = 0):
    """Where the needle is in the page's text; a long one is looked for by its start and end
    too, as the page may break or hyphenate it in ways its text does not show."""
    if not needle:
        return
    at = haystack.find(needle, after)
    if at >= 0:
        yield at, at + len(needle)
        return
    words = needle.split(" ")
    if len(words) > 6:
        start = haystack.find(" ".join(words[:4]), after)
        tail = " ".join(words[-3:])
        end = haystack.find(tail, start + 1) if start >= 0 else -1
        if start >= 0 and end >= 0:
            yield start, end + len(tail)


# --- the letters and the overlays, typeset -----------------------------------------------------
@dataclass
class Typeset:
    """The letters and overlays of all proofs of an edition, typeset as one PDF."""

    reader: object  # pypdf.PdfReader
    starts: dict[str, int]  # letter-<id>, overlay-<id>-<n> → page index
    pages: int

    def letter(self, proof: Proof) -> range:
        first = self.starts[f"letter-{proof.key}"]
        overlays = self.overlays(proof)
        later = [
            at for name, at in self.starts.items() if name.startswith("letter-") and at > first
        ]
        return range(first, overlays[0] if overlays else min(later, default=self.pages))

    def overlays(self, proof: Proof) -> list[int]:
        return [self.starts[f"overlay-{proof.key}-{n}"] for n in range(len(proof.page_indexes))]


def typeset_proofs(edition: Edition, proofs: list[Proof]) -> Typeset:
    import pypdf

    layout = edition.layout
    html = render_template(edition, "proof.html.j2", issue=edition.issue, proofs=proofs)
    css = [(str(layout.find(name)), layout.find(name).read_text(encoding="utf-8"))
           for name in ("fonts.css", "proof.css")]  # fmt: skip
    width, height = layout.width_mm, layout.height_mm
    size = (
        f"@page letter {{ size: {width}mm {height}mm; }}\n"
        f"@page overlay {{ size: {width}mm {height}mm; }}\n"
        f".proof-overlay {{ width: {width}mm; height: {height}mm; }}\n"
    )
    sized = (*css, (str(layout.find("proof.css").with_name("proof-size.css")), size))
    pdf, count, starts = typeset_html("proofs", html, sized, layout, edition.issue.root)
    return Typeset(pypdf.PdfReader(io.BytesIO(pdf)), starts, count)


def proof_pdf(bulletin_reader, typeset: Typeset, proof: Proof) -> bytes:
    """The letter, then the entry's bulletin pages, each under its overlay."""
    import pypdf

    writer = pypdf.PdfWriter()
    for index in typeset.letter(proof):
        writer.add_page(typeset.reader.pages[index])
    for index, overlay in zip(proof.page_indexes, typeset.overlays(proof), strict=True):
        page = writer.add_page(bulletin_reader.pages[index])
        page.merge_page(typeset.reader.pages[overlay])
    writer.add_metadata({"/Title": f"{proof.entry.id}: proof, round {proof.round}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
