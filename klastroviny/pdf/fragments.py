"""Unit fragments: in the worker, a typeset unit's PDF becomes the objects that the assembler
copies byte for byte — its pages and everything they use, numbered as in the unit. The few
values that depend on the whole bulletin are left as markers: each page's parent (the page
tree) and links to other units (klastroviny:<anchor>). Font programs of the bundled fonts
are not copied at all; the assembler embeds one program per font for all units.

Assembling is then renumbering references and concatenating, not parsing PDFs: about a
millisecond a unit instead of the tens that pypdf needs to merge one. This module is the
format; extract.py makes fragments (with pypdf, in the worker), assemble.py joins them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

PARENT = b"\x01\x02"  # marker: the bulletin's page tree
# References are stored as \x03N\x04 (written "N 0 R" when assembled) and markers as
# \x01anchor\x02. Strings are written in hex and names escape control characters, so
# neither can be mistaken inside a value, and both are quick to find.
REFERENCE = re.compile(rb"\x03(\d+)\x04|\x01([^\x02]*)\x02")


_DELIMITERS = frozenset("#()<>[]{}/%")


def pdf_name(name: str) -> bytes:
    """A PDF name given as "/Name", its delimiters, white space and non-ASCII characters
    written as #XX (PDF 1.7, 7.3.5; the same bytes as pypdf writes)."""
    out = [b"/"]
    for char in name[1:]:
        if char > "~" or char <= " " or char in _DELIMITERS:
            out += [b"#%02X" % byte for byte in char.encode("utf-8")]
        else:
            out.append(char.encode("ascii"))
    return b"".join(out)


def refers(body: bytes) -> bool:
    """Whether an object refers to others (or to the page tree, or an anchor)."""
    return b"\x03" in body or b"\x01" in body


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
