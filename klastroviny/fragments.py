"""Unit fragments: in the worker, a typeset unit's PDF becomes the objects that the assembler
copies byte for byte — its pages and everything they use, numbered as in the unit. The few
values that depend on the whole bulletin are left as markers: each page's parent (the page
tree) and links to other units (klastroviny:<anchor>). Font programs of the bundled fonts
are not copied at all; the assembler embeds one program per font for all units.

Assembling is then renumbering references and concatenating, not parsing PDFs: about a
millisecond a unit instead of the tens that pypdf needs to merge one.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

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

from klastroviny.embedding import bundled_font, glyphs_of
from klastroviny.render import UNIT_LINK

PARENT = b"\x01\x02"  # marker: the bulletin's page tree
# References are stored as \x03N\x04 (written "N 0 R" when assembled) and markers as
# \x01anchor\x02. Strings are written in hex and names escape control characters, so
# neither can be mistaken inside a value, and both are quick to find.
REFERENCE = re.compile(rb"\x03(\d+)\x04|\x01([^\x02]*)\x02")


def refers(body: bytes) -> bool:
    """Whether an object refers to others (or to the page tree, or an anchor)."""
    return b"\x03" in body or b"\x01" in body


FONT_FILES = ("/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class FontUse:
    """A bundled font's program as the unit embeds it, and the glyphs the unit uses."""

    number: int  # the program's object in the unit
    font: str  # file name in assets/fonts
    kind: str  # /FontFile2 (TrueType) or /FontFile3 (CFF)
    glyphs: tuple[int, ...]


@dataclass
class Fragment:
    objects: list[tuple[int, bytes, bytes | None]]  # (number, dictionary/value, stream data)
    pages: list[int]  # the page objects, in order
    fonts: list[FontUse] = field(default_factory=list)
    page_boxes: bytes = b""  # the first page's /MediaBox, /TrimBox, /BleedBox entries

    def to_bytes(self) -> bytes:
        """One blob for the render cache: a JSON header line, then the objects' bytes."""
        index, data = [], []
        for number, body, stream in self.objects:
            index.append([number, len(body), -1 if stream is None else len(stream)])
            data += [body, stream or b""]
        header = {
            "objects": index,
            "pages": self.pages,
            "fonts": [[f.number, f.font, f.kind, list(f.glyphs)] for f in self.fonts],
            "page_boxes": self.page_boxes.decode("latin-1"),
        }
        return json.dumps(header).encode() + b"\n" + b"".join(data)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Fragment:
        line_end = blob.index(b"\n")
        header = json.loads(blob[:line_end])
        position, objects = line_end + 1, []
        for number, body_length, stream_length in header["objects"]:
            body = blob[position : position + body_length]
            position += body_length
            stream = None
            if stream_length >= 0:
                stream = blob[position : position + stream_length]
                position += stream_length
            objects.append((number, body, stream))
        fonts = [FontUse(n, font, kind, tuple(g)) for n, font, kind, g in header["fonts"]]
        return cls(objects, header["pages"], fonts, header["page_boxes"].encode("latin-1"))


def make_fragment(pdf: bytes) -> Fragment:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = _bundled_font_programs(reader)
    pages = [page.indirect_reference.idnum for page in reader.pages]
    programs = {use.number for use in fonts}
    objects, seen, todo = [], set(pages), list(pages)
    while todo:
        number = todo.pop(0)
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
        font = bundled_font(program.get_object().get_data())
        if font is None:
            continue  # not one of ours: the unit keeps its own program
        glyphs = set(uses[program.idnum].glyphs) if program.idnum in uses else set()
        glyphs |= glyphs_of(obj.get("/W"))
        uses[program.idnum] = FontUse(program.idnum, font, kind, tuple(sorted(glyphs)))
    return [uses[number] for number in sorted(uses)]


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


class _Marker:
    def __init__(self, data: bytes):
        self.data = data


def _serialize(obj, out: list[bytes], refs: list[int]) -> None:
    if isinstance(obj, IndirectObject):
        refs.append(obj.idnum)
        out.append(b"\x03%d\x04" % obj.idnum)
    elif isinstance(obj, _Marker):
        out.append(obj.data)
    elif isinstance(obj, DictionaryObject | dict):
        out.append(b"<<")
        for key, value in obj.items():
            out.append(_name(key))
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
        out.append(_name(obj))
    elif isinstance(obj, BooleanObject):
        out.append(b"true" if obj else b"false")
    elif isinstance(obj, NullObject) or obj is None:
        out.append(b"null")
    else:  # numbers
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        out.append(buffer.getvalue())


def _name(name: str) -> bytes:
    buffer = io.BytesIO()
    NameObject(name).write_to_stream(buffer)
    return buffer.getvalue()
