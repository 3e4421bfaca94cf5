"""In the worker: a unit's PDF, as WeasyPrint wrote it, becomes a Fragment (fragments.py):
its pages and every object they use, serialized with references and markers that the
assembler rewrites."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from klastroviny.bulletin.plan import UNIT_LINK
from klastroviny.pdf.font_subsets import bundled_font
from klastroviny.pdf.fragments import PARENT, FontUse, Fragment, pdf_name

FONT_FILES = ("/FontFile2", "/FontFile3")


class _Marker:
    """Bytes written as they are in place of a value (see fragments.py)."""

    def __init__(self, data: bytes):
        self.data = data


def make_fragment(pdf: bytes, keep: int) -> Fragment:
    """The unit's first `keep` pages and the objects they reach (not the unit's catalog, page
    tree, outline or metadata, nor the programs of the bundled fonts)."""
    reader = PdfReader(io.BytesIO(pdf))
    fonts = _bundled_font_programs(reader)
    pages = [page.indirect_reference.idnum for page in reader.pages[:keep]]
    programs = {use.number for use in fonts}
    objects, seen, todo = [], set(pages), list(pages)
    while todo:
        number = todo.pop()
        obj = reader.get_object(number)
        out: list[bytes] = []
        refs: list[int] = []
        stream = _serialize_top(obj, out, refs, programs)
        objects.append((number, b"".join(out), stream))
        for ref in refs:
            if ref not in seen and ref not in programs:
                seen.add(ref)
                todo.append(ref)
    objects.sort(key=lambda item: item[0])
    first = reader.pages[0] if reader.pages else {}
    boxes: list[bytes] = []
    for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
        if box in first:
            boxes.append(box.encode() + b" ")
            _serialize(first[box], boxes, [])
            boxes.append(b" ")
    return Fragment(objects, pages, fonts, b"".join(boxes))


def _bundled_font_programs(reader: PdfReader) -> list[FontUse]:
    """Every CID font in the unit whose program is a subset of a bundled font."""
    uses: dict[int, FontUse] = {}
    numbers = sorted({*reader.xref.get(0, {}), *reader.xref_objStm})
    for number in numbers:
        obj = reader.get_object(number)
        if not isinstance(obj, DictionaryObject) or obj.get("/Subtype") not in (
            "/CIDFontType0",
            "/CIDFontType2",
        ):
            continue
        descriptor = obj["/FontDescriptor"]
        kind = next((key for key in FONT_FILES if key in descriptor), None)
        program = descriptor.raw_get(kind) if kind else None
        if not isinstance(program, IndirectObject):
            continue
        font = _font_file(obj, program)
        if font is None:
            continue  # not one of ours: the unit keeps its own program
        glyphs = set(uses[program.idnum].glyphs) if program.idnum in uses else set()
        glyphs |= glyphs_of(obj.get("/W"))
        uses[program.idnum] = FontUse(program.idnum, font, kind, tuple(sorted(glyphs)))
    return [uses[number] for number in sorted(uses)]


_FONT_FILES: dict[str, str | None] = {}  # per worker: a CID font's /BaseFont → its file


def _font_file(cid_font: DictionaryObject, program: IndirectObject) -> str | None:
    """The bundled font file a program was subset from. WeasyPrint names a font after its
    description, the same in every unit a worker typesets: the program is read (by fontTools,
    a few ms) only the first time."""
    name = str(cid_font.get("/BaseFont"))
    if name not in _FONT_FILES:
        _FONT_FILES[name] = bundled_font(program.get_object().get_data())
    return _FONT_FILES[name]


def _serialize_top(obj, out: list[bytes], refs: list[int], programs: set[int]) -> bytes | None:
    """An indirect object's value; a stream's data is returned, its length written here."""
    if isinstance(obj, DictionaryObject):
        entries = dict(obj)
        if entries.get("/Type") == "/Page":
            entries["/Parent"] = _Marker(PARENT)
        elif entries.get("/Type") == "/FontDescriptor" and any(
            isinstance(entries.get(key), IndirectObject) and entries[key].idnum in programs
            for key in FONT_FILES
        ):
            entries.pop("/CIDSet", None)  # lists the unit's glyphs; the shared program has more
        elif entries.get("/Subtype") == "/Link":
            _unit_link(entries)
        if isinstance(obj, StreamObject):
            data = obj._data
            entries.pop("/Length", None)
            entries["/Length"] = NumberObject(len(data))
            _serialize(DictionaryObject(entries), out, refs)
            return data
        obj = DictionaryObject(entries)
    _serialize(obj, out, refs)
    return None


def _unit_link(annotation: dict) -> None:
    """A link written as klastroviny:<anchor> points to a page the assembler knows."""
    action = annotation.get("/A")
    action = action.get_object() if action is not None else None
    uri = str(action.get("/URI", "")) if isinstance(action, DictionaryObject) else ""
    if uri.startswith(UNIT_LINK):
        del annotation["/A"]
        anchor = uri.removeprefix(UNIT_LINK).encode("utf-8")
        annotation["/Dest"] = _Marker(b"\x01" + anchor.replace(b"\x02", b"") + b"\x02")


def _serialize(obj, out: list[bytes], refs: list[int]) -> None:
    if isinstance(obj, IndirectObject):
        refs.append(obj.idnum)
        out.append(b"\x03%d\x04" % obj.idnum)
    elif isinstance(obj, _Marker):
        out.append(obj.data)
    elif isinstance(obj, DictionaryObject | dict):
        out.append(b"<<")
        for key, value in obj.items():
            out.append(pdf_name(key))
            out.append(b" ")
            _serialize(value, out, refs)
        out.append(b">>")
    elif isinstance(obj, ArrayObject | list):
        out.append(b"[")
        for index, item in enumerate(obj):
            if index:
                out.append(b" ")
            _serialize(item, out, refs)
        out.append(b"]")
    elif isinstance(obj, TextStringObject):
        out.append(b"<" + obj.original_bytes.hex().encode() + b">")
    elif isinstance(obj, ByteStringObject):
        out.append(b"<" + bytes(obj).hex().encode() + b">")
    elif isinstance(obj, NameObject):
        out.append(pdf_name(obj))
    elif isinstance(obj, BooleanObject):
        out.append(b"true" if obj else b"false")
    elif isinstance(obj, NullObject) or obj is None:
        out.append(b"null")
    else:  # numbers
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        out.append(buffer.getvalue())


def glyphs_of(widths) -> set[int]:
    """Glyph ids (= CIDs) listed in a CID font's /W array."""
    glyphs: set[int] = set()
    items = list(widths.get_object()) if widths is not None else []
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1].get_object() if index + 1 < len(items) else None
        if isinstance(following, ArrayObject):
            glyphs.update(range(first, first + len(following)))
            index += 2
        else:
            glyphs.update(range(first, int(following) + 1))
            index += 3
    return glyphs
