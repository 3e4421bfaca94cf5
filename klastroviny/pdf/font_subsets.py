"""Font embedding across units. Each unit embeds its own subset of every font; assembled as
they are, 800 profiles would carry 800 copies of each font. WeasyPrint subsets keeping glyph
ids, and names a font the same in every unit, so all units can share one program per font:
the bundled font subset to the union of the glyphs that any unit uses (fragments.py finds
the programs and glyphs, assemble.py embeds the shared programs)."""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

from klastroviny.caching import font_key, store
from klastroviny.resources import FONTS_DIR


def bundled_font(program: bytes) -> str | None:
    """The bundled font file (its name) a unit's subset was made from, by PostScript name."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(io.BytesIO(program), lazy=True) as font:
            name = font["name"].getDebugName(6)
    except (TTLibError, KeyError, AssertionError, ValueError):
        return None
    path = _bundled_by_name().get(name)
    return path.name if path else None


@cache
def _bundled_by_name() -> dict[str, Path]:
    from fontTools.ttLib import TTFont

    names = {}
    for path in sorted(FONTS_DIR.glob("*.[ot]tf")):
        with TTFont(path, lazy=True) as font:
            names[font["name"].getDebugName(6)] = path
    return names


def font_program(font: str, glyphs: frozenset[int], cache_dir: Path | None) -> bytes:
    """The bundled font subset to `glyphs`, glyph ids kept; cached, since a rebuild after an
    edit usually needs the same glyphs."""
    source = FONTS_DIR / font
    key = font_key(source, glyphs)
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
    # The font's own timestamp, not the time of subsetting: the same bytes in every build.
    with TTFont(source, lazy=True, recalcTimestamp=False) as font:
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    program = out.getvalue()
    if cached:
        store(cached, program)
    return program
