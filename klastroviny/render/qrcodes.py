"""QR codes: a profile prints one per contact at its foot, each the contact's vCard (or the
website when it has no contact). The profiles' HTML carries a placeholder (the `qr` filter)
that is replaced by segno's vector QR code where the unit is typeset. Encoding one costs about
40 ms, a sixth of a profile's time, so the codes are kept in the caches' qr/; on a cold build
the workers encode them while the front matter is still being laid out (and they would
otherwise wait)."""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from klastroviny.caching import qr_key, store

if TYPE_CHECKING:
    from klastroviny.bulletin.edition import Edition
    from klastroviny.content.model import Contact, Entry

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
    # ECI 26 declares UTF-8: without it scanners guess, and zbar reads Czech names as Shift-JIS.
    # Level L, raised by segno to M where the same size holds it: small codes stay scannable.
    code = segno.make(data, error="l", micro=False, encoding="utf-8", eci=True)
    svg = code.svg_inline(omitsize=True, border=0, dark="#000", svgclass="qr-code")
    if black == "cmyk":  # black as 100 % K, not four-colour black
        svg = svg.replace('stroke="#000"', 'stroke="device-cmyk(0 0 0 1)"')
    return svg


# A profile prints a code per contact, 18 mm wide in the A5 layout (bulletin.css), two side by
# side: version 9 (53 modules) keeps a module 0.34 mm, above the 0.33 mm a phone reads at arm's
# length. A vCard longer than that version holds at level L loses what matters least first:
# the website (printed beside the codes), the role, the cluster's full name for its short one.
MAX_BYTES = 229  # version 9, level L, byte mode after the ECI header (tests/test_render.py)


def profile_codes(entry: Entry, edition: Edition) -> list[tuple[str, str]]:
    """The codes a profile prints, as (encoded, black): the vCard of each contact at its foot,
    else the website, else none."""
    if entry.profile_contacts:
        return [code(entry, edition, contact) for contact in entry.profile_contacts]
    return [code(entry, edition)] if entry.website else []


def code(entry: Entry, edition: Edition, contact: Contact | None = None) -> tuple[str, str]:
    """What one code encodes (base64): the contact's vCard, or without a contact the website;
    and how its black is written ("cmyk" in print, else "rgb")."""
    data = vcard(entry, edition, contact) if contact else entry.website or ""
    encoded = base64.b64encode(data.encode("utf-8")).decode("ascii")
    return encoded, "cmyk" if edition.print_mode else "rgb"


def vcard(entry: Entry, edition: Edition, contact: Contact) -> str:
    """The contact's vCard: name, phone, e-mail, and as much of the website, role and
    cluster as fits in MAX_BYTES."""
    from segno import helpers

    lang, fallback = edition.lang, edition.issue.fallback(edition.lang)
    given, _, family = contact.name.rpartition(" ")
    role = contact.role.get(lang, fallback) if contact.role else None
    name, short = entry.name.get(lang, fallback), entry.display_short_name(lang, fallback)
    fuller_first = [(entry.website, role, name), (None, role, name), (None, None, name)]
    for url, title, org in [*fuller_first, (None, None, short)]:
        data = helpers.make_vcard_data(
            name=f"{family};{given}",
            displayname=contact.full_name,
            email=contact.email,
            phone=contact.phone,
            url=url,
            title=title,
            org=org,
        )
        if len(data.encode("utf-8")) <= MAX_BYTES:
            break
    return data
