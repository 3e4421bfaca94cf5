"""Glyph coverage: every character the edition prints must be in the bundled fonts, checked
before rendering, so that nothing falls back to a font of the machine or prints as a box."""

from __future__ import annotations

import unicodedata
from functools import cache

from klastroviny.content.model import Issue, Text, TextList
from klastroviny.errors import Location, Report
from klastroviny.resources import FONTS_DIR

MAX_MISSING_SHOWN = 5  # characters reported one by one per field; the rest are counted


@cache
def _cmap(font_file: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(FONTS_DIR / font_file, lazy=True) as font:
        # Only the code points matter: placeholder glyph names spare reading the real ones.
        font.setGlyphOrder([f"g{index}" for index in range(font["maxp"].numGlyphs)])
        return frozenset(font.getBestCmap())


def check_glyphs(issue: Issue, font_files: tuple[str, ...], report: Report) -> None:
    """Report each character of the issue's texts that a font of the layout lacks."""
    covered = [(name, _cmap(name)) for name in font_files]
    fine: set[str] = set()  # characters already found in every font
    for source, field, text in _texts(issue):
        shown = 0
        for char in sorted(set(text) - fine):
            missing = [name for name, cmap in covered if ord(char) not in cmap]
            if not missing or char.isspace() or unicodedata.category(char) == "Cc":
                fine.add(char)
                continue
            shown += 1
            if shown > MAX_MISSING_SHOWN:
                continue
            report.error(
                Location(source),
                field,
                f"the character '{char}' (U+{ord(char):04X} {unicodedata.name(char, '?')}) "
                f"is not in the bundled font {', '.join(missing)}; replace it",
            )
        if shown > MAX_MISSING_SHOWN:
            report.error(
                Location(source),
                field,
                f"and {shown - MAX_MISSING_SHOWN} more characters that are not in the bundled "
                "fonts; is the text in the right script and encoding?",
            )


def _texts(issue: Issue):
    """(file, field, text) for every text the bulletin may print."""
    issue_file = issue.root / "issue.yaml"
    for field in ("title", "subtitle", "event", "publisher", "foreword"):
        yield from _expand(issue_file, field, getattr(issue, field))
    for entry in issue.entries:
        for field in ("name", "description", "offer", "keywords"):
            yield from _expand(entry.source, field, getattr(entry, field))
        for field in ("short_name", "city", "stand", "website"):
            yield from _expand(entry.source, field, getattr(entry, field))
        for index, contact in enumerate(entry.contacts):
            prefix = f"contacts[{index}]"
            for field in ("name", "title_before", "title_after", "email", "role"):
                yield from _expand(entry.source, f"{prefix}.{field}", getattr(contact, field))


def _expand(source, field, value):
    if value is None:
        return
    if isinstance(value, str):
        yield source, field, value
    elif isinstance(value, Text):
        for lang, text in value.values:
            yield source, field if lang == "*" else f"{field}.{lang}", text
    elif isinstance(value, TextList):
        for lang, items in value.values:
            yield source, field if lang == "*" else f"{field}.{lang}", " ".join(items)
