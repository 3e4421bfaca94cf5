"""What an entry prints, field by field, in one edition: the base of every comparison between
rounds. Taken from the model through the edition's own filters (typography, names of regions
and ecosystems, phone format), so that a change that prints the same is no change, and stored
as small JSON (.proofs/<round>/<id>-<lang>.json) that a diff can read."""

from __future__ import annotations

import hashlib
import html
import json
import re

from klastroviny.bulletin.edition import Edition
from klastroviny.content import vocabulary
from klastroviny.content.model import Contact, Entry
from klastroviny.render import qrcodes
from klastroviny.render.html import web_address
from klastroviny.text import typography

Content = dict[str, object]
# The fields in the order the profile prints them; a contact's fields after CONTACT_FIELDS.
FIELDS = (
    "name", "short_name", "place", "founded", "members", "stand", "ecosystems", "label",
    "logo", "description", "offer", "contacts", "website", "qr",
)  # fmt: skip
CONTACT_FIELDS = ("name", "role", "phone", "email", "in_index")
_BLOCK = re.compile(r"</(?:p|li|h\d)>|<br\s*/?>")
_TAG = re.compile(r"<[^>]+>")


def printed_content(entry: Entry, edition: Edition) -> Content:
    """The entry's printed fields in the edition's language; a field it does not print is
    absent."""
    lang, craft = edition.lang, edition.craft
    content: Content = {
        "name": edition.text(entry.name),
        "short_name": craft(entry.display_short_name(lang, edition.issue.fallback(lang))),
        "place": edition.place(entry),
        "founded": str(entry.founded) if entry.founded else None,
        "members": typography.format_number(entry.members, lang)
        if entry.members is not None
        else None,
        "stand": entry.stand,
        "ecosystems": [vocabulary.ecosystem_name(eco, lang) for eco in entry.ecosystems],
        "label": entry.label.level
        if entry.label and entry.label.valid_on(edition.issue.date)
        else None,
        "logo": _file_digest(entry) if entry.logo else None,
        "description": paragraphs(str(edition.markdown(entry.description))),
        "offer": edition.items(entry.offer) or None,
        "contacts": [_contact(contact, edition) for contact in _printed_contacts(entry)],
        "website": web_address(entry.website) if entry.website else None,  # as printed
        "qr": _qr(entry, edition),
    }
    return {name: content[name] for name in FIELDS if content[name] not in (None, [], "")}


def _printed_contacts(entry: Entry) -> list[Contact]:
    """Those the profile prints, and those the contact index does."""
    shown = set(entry.profile_contacts) | set(entry.index_contacts)
    return [contact for contact in entry.contacts if contact in shown]


def _contact(contact: Contact, edition: Edition) -> dict[str, object]:
    person = {
        "name": edition.craft(contact.full_name),
        "role": edition.text(contact.role) if contact.role else None,
        "phone": typography.format_phone(contact.phone) if contact.phone else None,
        "email": contact.email,
        "in_index": contact.in_index,
    }
    return {key: value for key, value in person.items() if value is not None}


def paragraphs(rendered: str) -> list[str]:
    """The text of rendered Markdown, a paragraph (or list item) a string."""
    text = html.unescape(_TAG.sub("", _BLOCK.sub("\n", rendered)))
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _file_digest(entry: Entry) -> str:
    try:
        return hashlib.sha256(entry.logo.read_bytes()).hexdigest()[:16]
    except OSError:
        return "unreadable"


def _qr(entry: Entry, edition: Edition) -> str | None:
    codes = qrcodes.profile_codes(entry, edition)
    data = " ".join(encoded for encoded, _ in codes)
    return hashlib.sha256(data.encode()).hexdigest()[:16] if codes else None


def digest(content: Content) -> str:
    """The same printed content gives the same digest, whatever the YAML looks like."""
    return hashlib.sha256(content_bytes(content)).hexdigest()


def content_bytes(content: Content) -> bytes:
    """As stored: one field a line or so, for a readable diff of two rounds."""
    return (json.dumps(content, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
