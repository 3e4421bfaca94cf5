"""Assembly: the typeset units (fragments.py) become one bulletin — pages in order, the front
matter padded so that profiles start on a left page, notes pages before the back cover, links
between units resolved, named destinations, the outline, metadata, one program per font,
identical images and colour spaces stored once.

The objects of the units are copied as they are, renumbered; the PDF is written with object
streams and a cross-reference stream, as WeasyPrint writes its own.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from typing import Protocol

from klastroviny.bulletin.outline import Bookmark
from klastroviny.pdf.fragments import PARENT, REFERENCE, Fragment, pdf_name, refers

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
OBJECTS_PER_STREAM = 200


class Unit(Protocol):
    """A typeset unit as assembly needs it (typeset.units.Unit)."""

    pages: int
    anchors: dict[str, tuple[int, float]]

    def load(self) -> Fragment: ...


def assemble(
    front: list[Unit],
    profiles: list[Unit],
    back: list[Unit],
    notes: Unit | None,
    bookmarks: list[Bookmark],
    metadata: dict[str, str],
    lang: str,
    font_programs: dict[tuple[str, str], bytes],
) -> bytes:
    """The bulletin's PDF. `font_programs` are the shared programs of fonts_used(units)."""
    pdf = PdfFile()
    catalog, page_tree, info = pdf.allocate(), pdf.allocate(), pdf.allocate()
    units = [*front, *profiles, *back]
    every = [*units, notes] if notes else units
    page_numbers = {id(unit): [pdf.allocate() for _ in range(unit.pages)] for unit in every}
    order, blank, anchors = _page_order(units, len(front), notes, page_numbers, pdf)
    destinations = {anchor: _destination(order[index]) for anchor, index in anchors.items()}
    programs = _embed_font_programs(pdf, font_programs)
    leaves: dict[bytes, int] = {}  # identical objects without references, stored once
    for unit in every:
        numbers = page_numbers[id(unit)]
        _copy_unit(pdf, unit.load(), numbers, programs, leaves, destinations, page_tree)
    for number in blank:  # with the same boxes (trim, bleed) as the first page
        pdf.add(
            number,
            b"<</Type/Page/Parent %d 0 R %s/Resources<<>>>>"
            % (page_tree, front[0].load().page_boxes),
        )
    pdf.add(page_tree, _page_tree(order))
    names = pdf.allocate()
    pdf.add(names, _name_tree(destinations))
    outline = _outline(pdf, bookmarks, destinations)
    pdf.add(
        catalog,
        b"<</Type/Catalog/Pages %d 0 R/Names %d 0 R%s/Lang %s>>"
        % (page_tree, names, b"/Outlines %d 0 R" % outline if outline else b"", _text(lang)),
    )
    entries = b"".join(pdf_name("/" + key) + _text(value) for key, value in metadata.items())
    pdf.add(info, b"<<" + entries + b">>")
    return pdf.finish(catalog, info)


def _page_order(units, fronts, notes, page_numbers, pdf) -> tuple[list[int], list[int], dict]:
    """Page objects in reading order, the blank ones among them (after a front matter of an
    even number of pages), and the page index of every anchor. `units` are the front (its
    first `fronts`), the profiles and the back matter; the notes go before the back cover."""
    order: list[int] = []
    blank: list[int] = []
    anchors: dict[str, int] = {}

    def place(unit, start: int) -> None:
        for anchor, (page, _) in unit.anchors.items():
            anchors.setdefault(anchor, start + page)

    for position, unit in enumerate(units):
        place(unit, len(order))
        order += page_numbers[id(unit)]
        if position == fronts - 1 and len(order) % 2 == 0:  # profiles start on a left page
            blank.append(pdf.allocate())
            order.append(blank[-1])
    if notes is not None:
        cover, count = len(order) - 1, len(page_numbers[id(notes)])
        order[cover:cover] = page_numbers[id(notes)]
        anchors = {a: i + count if i >= cover else i for a, i in anchors.items()}
        place(notes, cover)
    return order, blank, anchors


def _destination(page: int) -> bytes:
    return b"[%d 0 R/XYZ null null null]" % page


def fonts_used(units: list[Unit]) -> dict[tuple[str, str], frozenset[int]]:
    """(bundled font file, /FontFile2 or /FontFile3) → the glyphs all units use of it."""
    glyphs: dict[tuple[str, str], set[int]] = {}
    for unit in units:
        for use in unit.load().fonts:
            glyphs.setdefault((use.font, use.kind), set()).update(use.glyphs)
    return {key: frozenset(used) for key, used in sorted(glyphs.items())}


def _embed_font_programs(pdf, font_programs) -> dict[tuple[str, str], int]:
    """One program per bundled font, for all units."""
    programs = {}
    for (font, kind), program in sorted(font_programs.items()):
        data = zlib.compress(program)
        extra = b"/Length1 %d" % len(program) if kind == "/FontFile2" else b"/Subtype/OpenType"
        number = pdf.allocate()
        pdf.add(number, b"<<%s/Filter/FlateDecode/Length %d>>" % (extra, len(data)), data)
        programs[(font, kind)] = number
    return programs


def _copy_unit(pdf, fragment: Fragment, pages, programs, leaves, destinations, page_tree):
    """The unit's objects, renumbered into the bulletin: its pages as numbered in advance,
    font programs replaced by the shared ones, markers resolved."""
    numbers = dict(zip(fragment.pages, pages, strict=True))
    for use in fragment.fonts:
        numbers[use.number] = programs[(use.font, use.kind)]
    copied = []
    for number, body, stream in fragment.objects:
        if number in numbers:  # a page: numbered in advance, as links lead to it
            copied.append((number, body, stream))
            continue
        if not refers(body):  # refers to nothing: may be stored once
            key = hashlib.sha256(body + b"\0" + (stream or b"")).digest()
            if key in leaves:
                numbers[number] = leaves[key]
                continue
            leaves[key] = numbers[number] = pdf.allocate()
        else:
            numbers[number] = pdf.allocate()
        copied.append((number, body, stream))

    def replace(match) -> bytes:
        if match.group(1) is not None:
            return b"%d 0 R" % numbers[int(match.group(1))]
        if match.group(0) == PARENT:
            return b"%d 0 R" % page_tree
        return destinations.get(match.group(2).decode("utf-8"), b"null")  # null: no link

    for number, body, stream in copied:
        pdf.add(numbers[number], REFERENCE.sub(replace, body), stream)


def _page_tree(order: list[int]) -> bytes:
    kids = b" ".join(b"%d 0 R" % number for number in order)
    return b"<</Type/Pages/Kids[%s]/Count %d>>" % (kids, len(order))


def _name_tree(destinations: dict[str, bytes]) -> bytes:
    """Named destinations, sorted as PDF name trees must be."""
    pairs = sorted((anchor.encode("utf-8"), dest) for anchor, dest in destinations.items())
    items = b"".join(b"<%s>%s" % (name.hex().encode(), dest) for name, dest in pairs)
    return b"<</Dests<</Names[%s]>>>>" % items


def _outline(pdf, bookmarks: list[Bookmark], destinations: dict[str, bytes]) -> int | None:
    marks = [mark for mark in bookmarks if mark.anchor in destinations]
    if not marks:
        return None
    root, items = pdf.allocate(), [pdf.allocate() for _ in marks]
    for index, (mark, number) in enumerate(zip(marks, items, strict=True)):
        links = b"/Parent %d 0 R" % root
        if index:
            links += b"/Prev %d 0 R" % items[index - 1]
        if index + 1 < len(items):
            links += b"/Next %d 0 R" % items[index + 1]
        pdf.add(
            number,
            b"<</Title %s%s/Dest %s>>" % (_text(mark.title), links, destinations[mark.anchor]),
        )
    pdf.add(
        root,
        b"<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>" % (items[0], items[-1], len(items)),
    )
    return root


def _text(value: str) -> bytes:
    """A PDF text string: ASCII as it is, anything else UTF-16BE with a byte order mark."""
    data = value.encode("ascii") if value.isascii() else b"\xfe\xff" + value.encode("utf-16-be")
    return b"<" + data.hex().encode() + b">"


class PdfFile:
    """A PDF written object by object: streams as they come, other objects packed into
    compressed object streams; a cross-reference stream at the end."""

    def __init__(self):
        self.out = io.BytesIO()
        self.out.write(HEADER)
        self.size = 1  # object 0 is the head of the free list
        self.xref: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}
        self.batch: list[tuple[int, bytes]] = []
        self.digest = hashlib.sha256()

    def allocate(self) -> int:
        self.size += 1
        return self.size - 1

    def add(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.digest.update(body)
        if stream is None:
            self.batch.append((number, body))
            if len(self.batch) >= OBJECTS_PER_STREAM:
                self._flush()
            return
        self.digest.update(stream)
        self._write(number, body, stream)

    def finish(self, root: int, info: int) -> bytes:
        self._flush()
        number = self.allocate()
        offset = self.out.tell()
        self.xref[number] = (1, offset, 0)
        rows = b"".join(struct.pack(">BIH", *self.xref.get(n, (0, 0, 0))) for n in range(self.size))
        file_id = self.digest.hexdigest()[:32].encode()
        data = zlib.compress(rows)
        self._write(
            number,
            b"<</Type/XRef/Size %d/W[1 4 2]/Root %d 0 R/Info %d 0 R/ID[<%s><%s>]"
            b"/Filter/FlateDecode/Length %d>>"
            % (self.size, root, info, file_id, file_id, len(data)),
            data,
        )
        self.out.write(b"startxref\n%d\n%%%%EOF\n" % offset)
        return self.out.getvalue()

    def _flush(self) -> None:
        if not self.batch:
            return
        number = self.allocate()
        offsets, position = [], 0
        for index, (member, body) in enumerate(self.batch):
            self.xref[member] = (2, number, index)
            offsets.append(b"%d %d" % (member, position))
            position += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        data = zlib.compress(head + b"\n".join(body for _, body in self.batch) + b"\n")
        self._write(
            number,
            b"<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>"
            % (len(self.batch), len(head), len(data)),
            data,
        )
        self.batch = []

    def _write(self, number: int, body: bytes, stream: bytes) -> None:
        self.xref[number] = (1, self.out.tell(), 0)
        self.out.write(b"%d 0 obj\n%s\nstream\n" % (number, body))
        self.out.write(stream)
        self.out.write(b"\nendstream\nendobj\n")
