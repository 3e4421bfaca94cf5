"""Font embedding across units. Each unit embeds its own subset of every font; assembled as
they are, 800 profiles would carry 800 copies of each font. WeasyPrint subsets keeping glyph
ids, and names a font the same in every unit, so all units can share one program per font:
the bundled font subset to the union of the glyphs that any unit uses."""

from __future__ import annotations

import hashlib
import io
import logging
from functools import cache
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, NumberObject

from klastroviny.resources import FONTS_DIR

FONT_FILES = ("/FontFile2", "/FontFile3")


def share_fonts(writer: PdfWriter, cache_dir: Path | None) -> None:
    """Point every unit's descriptor of a font to one embedded program of that font."""
    groups: dict[str, dict] = {}
    seen: set[int] = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            if id(font) in seen or font.get("/Subtype") != "/Type0":
                continue
            seen.add(id(font))
            cid_font = font["/DescendantFonts"][0].get_object()
            descriptor = cid_font["/FontDescriptor"].get_object()
            file_key = next((key for key in FONT_FILES if key in descriptor), None)
            if file_key is None:
                continue
            group = groups.setdefault(
                str(descriptor["/FontName"]),
                {
                    "descriptors": {},
                    "glyphs": set(),
                    "file_key": file_key,
                    "sample": descriptor[file_key].get_object(),
                },
            )
            group["descriptors"][id(descriptor)] = descriptor
            group["glyphs"].update(_glyphs(cid_font.get("/W")))
    for group in groups.values():
        source = _bundled_font(group["sample"].get_data())
        if source is None or not group["glyphs"]:
            continue  # not one of ours: keep the units' own subsets
        program = _subset(source, frozenset(group["glyphs"]), cache_dir)
        stream = DecodedStreamObject()
        stream.set_data(program)
        if group["file_key"] == "/FontFile2":
            stream[NameObject("/Length1")] = NumberObject(len(program))
        else:
            stream[NameObject("/Subtype")] = group["sample"]["/Subtype"]
        shared = writer._add_object(stream.flate_encode())
        for descriptor in group["descriptors"].values():
            descriptor[NameObject(group["file_key"])] = shared
            if "/CIDSet" in descriptor:
                del descriptor["/CIDSet"]


def _glyphs(widths) -> set[int]:
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


def _bundled_font(program: bytes) -> Path | None:
    """The bundled font file a unit's subset was made from, by its PostScript name."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(io.BytesIO(program), lazy=True) as font:
            name = font["name"].getDebugName(6)
    except (TTLibError, KeyError, AssertionError, ValueError):
        return None
    return _bundled_by_name().get(name)


@cache
def _bundled_by_name() -> dict[str, Path]:
    from fontTools.ttLib import TTFont

    names = {}
    for path in sorted(FONTS_DIR.glob("*.[ot]tf")):
        with TTFont(path, lazy=True) as font:
            names[font["name"].getDebugName(6)] = path
    return names


def _subset(source: Path, glyphs: frozenset[int], cache_dir: Path | None) -> bytes:
    """The font subset to `glyphs`, glyph ids kept; cached, since a rebuild after an edit
    usually needs the same glyphs."""
    key = hashlib.sha256(source.read_bytes() + repr(sorted(glyphs)).encode()).hexdigest()
    cached = cache_dir / f"{key}.font" if cache_dir else None
    if cached and cached.is_file():
        return cached.read_bytes()
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(
        retain_gids=True,
        ignore_missing_glyphs=True,
        hinting=False,
        desubroutinize=True,
        notdef_outline=True,
        layout_closure=False,
        layout_features=[],
        name_IDs=["*"],
        name_languages=["*"],
    )
    options.drop_tables += [
        "GSUB",
        "GPOS",
        "GDEF",
        "BASE",
        "JSTF",
        "DSIG",
        "SVG ",
        "Silf",
        "Silt",
        "Glat",
        "Gloc",
        "Feat",
        "Sill",
    ]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(glyphs | {0}))
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # it reports dropped tables
    with TTFont(source, lazy=True) as font:
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    program = out.getvalue()
    if cached:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(program)
        except OSError:
            pass
    return program
