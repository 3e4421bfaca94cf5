"""QR codes: the profiles' HTML carries a placeholder (the `qr` filter) that is replaced by
segno's vector QR code where the unit is typeset. Encoding one costs about 40 ms, a sixth of a
profile's time, so the codes are kept in the caches' qr/; on a cold build the workers encode
them while the front matter is still being laid out (and they would otherwise wait)."""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from klastroviny.caching import qr_key, store

if TYPE_CHECKING:
    from klastroviny.bulletin.edition import Edition
    from klastroviny.content.model import Entry

PLACEHOLDER = re.compile(
    r'<svg class="qr-code" data-qr="([A-Za-z0-9+/=]*)" data-qr-black="(cmyk|rgb)"></svg>'
)
PER_TASK = 25  # codes a worker encodes in one task (about a second)


def placeholder(encoded: str, black: str) -> str:
    """`encoded`: the data, base64; `black`: "cmyk" (100 % K) or "rgb"."""
    return f'<svg class="qr-code" data-qr="{encoded}" data-qr-black="{black}"></svg>'


def expand(html: str, folder: Path | None) -> str:
    """The HTML with each placeholder replaced by its QR code."""
    return PLACEHOLDER.sub(lambda match: svg(match.group(1), match.group(2), folder), html)


def missing(codes: list[tuple[str, str]], folder: Path) -> list[tuple[str, str]]:
    """The (encoded, black) codes not yet in the cache folder."""
    return [code for code in dict.fromkeys(codes) if not _path(folder, *code).is_file()]


def encode(codes: list[tuple[str, str]], folder: Path) -> None:
    """Encode codes into the cache folder (a task for a worker)."""
    for encoded, black in codes:
        svg(encoded, black, folder)


def svg(encoded: str, black: str, folder: Path | None) -> str:
    """The QR code's SVG, from the cache folder if it is there (else encoded and kept)."""
    if folder is None:
        return _encode(encoded, black)
    path = _path(folder, encoded, black)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = _encode(encoded, black)
    store(path, text.encode("utf-8"))
    return text


def _path(folder: Path, encoded: str, black: str) -> Path:
    key = qr_key(encoded, black)
    return folder / key[:2] / f"{key}.svg"


@lru_cache(maxsize=4096)
def _encode(encoded: str, black: str) -> str:
    import segno

    data = base64.b64decode(encoded).decode("utf-8")
    # ECI 26 declares UTF-8: without it scanners guess, and zbar reads Czech names as Shift-JIS
    code = segno.make(data, error="m", micro=False, encoding="utf-8", eci=True)
    svg = code.svg_inline(omitsize=True, border=0, dark="#000", svgclass="qr-code")
    if black == "cmyk":  # black as 100 % K, not four-colour black
        svg = svg.replace('stroke="#000"', 'stroke="device-cmyk(0 0 0 1)"')
    return svg


def qr_data(entry: Entry, edition: Edition) -> tuple[str, str] | None:
    """What a profile's QR code encodes (base64): the vCard of the first printed contact, else
    the website, else nothing (None); and how its black is written ("cmyk" in print, else
    "rgb")."""
    from segno import helpers

    contacts = entry.printed_contacts
    if contacts:
        person = contacts[0]
        given, _, family = person.name.rpartition(" ")
        data = helpers.make_vcard_data(
            name=f"{family};{given}",
            displayname=person.full_name,
            email=person.email,
            phone=person.phone,
            url=entry.website,
            org=entry.name.get(edition.lang, edition.issue.fallback(edition.lang)),
            title=person.role.get(edition.lang, edition.issue.fallback(edition.lang))
            if person.role
            else None,
        )
    elif entry.website:
        data = entry.website
    else:
        return None
    encoded = base64.b64encode(data.encode("utf-8")).decode("ascii")
    return encoded, "cmyk" if edition.print_mode else "rgb"
