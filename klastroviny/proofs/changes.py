"""What changed in an entry's printed content between two rounds, field by field, in words of
the edition's language (`popis: 2 věty změněny; Ing. Jan Novák – telefon: … → …`), and what to
mark on the proof's page. Prose is compared sentence by sentence (ICU's sentence breaks), never
character by character."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache

from klastroviny.content import vocabulary
from klastroviny.proofs.content import FIELDS, Content

LIST_FIELDS = ("ecosystems", "offer")
SILENT_FIELDS = ("qr",)  # reported only when nothing else explains its change


@dataclass(frozen=True)
class Change:
    field: str  # a field of content.FIELDS
    words: str  # for the cluster, in the edition's language
    # Printed texts on the profile to mark: a text, or (a text before it, the text), as a phone
    # is found after its person's name.
    marks: tuple[str | tuple[str, str], ...] = ()
    sentences: tuple[str, ...] = field(default=(), compare=False)  # prose: the new sentences


def changes(old: Content, new: Content, lang: str, words: dict) -> list[Change]:
    """Every change from `old` to `new`, in the order the profile prints the fields."""
    say = _Words(words)
    found: list[Change] = []
    for name in FIELDS:
        before, after = old.get(name), new.get(name)
        if before == after or name in SILENT_FIELDS:
            continue
        if name == "description":
            found.append(_prose(name, before or [], after or [], lang, say))
        elif name in LIST_FIELDS:
            found.append(_items(name, before or [], after or [], say))
        elif name == "contacts":
            found += _contacts(before or [], after or [], say)
        elif name == "logo":
            found.append(Change(name, f"{say.field(name)}: {say['proof_logo_changed']}"))
        else:
            found.append(_value(name, before, after, say, _printed(name, after, new, say)))
    if old.get("qr") != new.get("qr") and not any(
        c.field in ("contacts", "website", "name") for c in found
    ):
        found.append(Change("qr", f"{say.field('qr')}: {say['proof_qr_changed']}"))
    return found


def changed_fields(old: Content, new: Content) -> list[str]:
    """The fields that differ, for a status line."""
    return [name for name in FIELDS if old.get(name) != new.get(name)]


def field_name(name: str, words: dict) -> str:
    """A field as the edition's editors call it: popis, telefon."""
    return words.get(f"proof_field_{name}", name)


# --- the kinds of field ------------------------------------------------------------------------
def _printed(name: str, value, content: Content, say: _Words):
    """How the profile prints a fact, to find it on the page: after the seat, with its word."""
    if value is None:
        return None
    place = content.get("place", "")
    if name == "founded":
        return (place, f"{say['founded']} {value}")
    if name == "stand":
        return (place, f"{say['stand']} {value}")
    if name == "members":
        return (place, str(value))
    if name == "label":
        return say.value(name, value)
    return str(value)


def _value(name: str, before, after, say: _Words, mark=None) -> Change:
    words = f"{say.field(name)}: "
    if after is None:
        return Change(name, words + say["proof_removed"])
    marks = (mark,) if mark else ()
    if before is None:
        return Change(name, words + f"{say['proof_added']} {say.value(name, after)}", marks)
    return Change(name, words + f"{say.value(name, before)} → {say.value(name, after)}", marks)


def _items(name: str, before: list, after: list, say: _Words) -> Change:
    added = [item for item in after if item not in before]
    removed = [item for item in before if item not in after]
    parts = []
    if added:
        parts.append(f"{say['proof_added']} " + ", ".join(map(say.quoted, added)))
    if removed:
        parts.append(f"{say['proof_removed']} " + ", ".join(map(say.quoted, removed)))
    if not parts:  # the same items in another order
        parts.append(" → ".join(", ".join(items) for items in (before, after)))
    return Change(name, f"{say.field(name)}: " + "; ".join(parts), tuple(added))


def _prose(name: str, before: list[str], after: list[str], lang: str, say: _Words) -> Change:
    old = [s for paragraph in before for s in sentences(paragraph, lang)]
    new = [s for paragraph in after for s in sentences(paragraph, lang)]
    changed = added = removed = 0
    shown: list[str] = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "replace":
            changed += min(a1 - a0, b1 - b0)
            added += max(0, (b1 - b0) - (a1 - a0))
            removed += max(0, (a1 - a0) - (b1 - b0))
            shown += new[b0:b1]
        elif op == "insert":
            added += b1 - b0
            shown += new[b0:b1]
        elif op == "delete":
            removed += a1 - a0
    counts = [
        say.count(n, kind)
        for n, kind in ((changed, "changed"), (added, "added"), (removed, "removed"))
        if n
    ]
    # the same sentences in other paragraphs: the paragraphs changed
    words = f"{say.field(name)}: " + (", ".join(counts) or say["proof_paragraphs_changed"])
    return Change(name, words, tuple(shown), tuple(shown))


def _contacts(before: list[dict], after: list[dict], say: _Words) -> list[Change]:
    """Contacts are matched by name; a person whose name changed is a removed and a new one."""
    old = {person["name"]: person for person in before}
    new_names = [person["name"] for person in after]
    found = []
    for person in after:
        previous = old.get(person["name"])
        if previous is None:
            found.append(
                Change(
                    "contacts", f"{say['proof_new_contact']}: {person['name']}", (person["name"],)
                )
            )
            continue
        for key in ("role", "phone", "email", "in_index"):
            was, now = previous.get(key), person.get(key)
            if was != now:
                mark = (person["name"], now) if isinstance(now, str) else None
                value = _value(key, was, now, say, mark)
                found.append(Change("contacts", f"{person['name']} – {value.words}", value.marks))
    for person in before:
        if person["name"] not in new_names:
            found.append(Change("contacts", f"{say['proof_contact_removed']}: {person['name']}"))
    kept_old = [p["name"] for p in before if p["name"] in new_names]
    kept_new = [name for name in new_names if name in old]
    if kept_old != kept_new:
        found.append(Change("contacts", say["proof_contacts_reordered"]))
    return found


# --- words -------------------------------------------------------------------------------------
class _Words:
    def __init__(self, words: dict):
        self.words = words

    def __getitem__(self, key: str):
        return self.words[key]

    def field(self, name: str) -> str:
        return field_name(name, self.words)

    def value(self, name: str, value) -> str:
        if isinstance(value, bool):
            return self.words["proof_yes" if value else "proof_no"]
        if name == "label":
            return self.words.get(f"label_{value}", str(value))
        return str(value)

    def quoted(self, text: str) -> str:
        left, right = self.words["proof_quotes"]
        return f"{left}{text}{right}"

    def count(self, n: int, kind: str) -> str:
        """'2 věty změněny', '5 vět změněno', '1 sentence changed'."""
        form = plural_form(n)
        noun = self.words["proof_sentence"][form]
        return f"{n} {noun} {self.words[f'proof_sentence_{kind}'][form]}"


def plural_form(n: int) -> int:
    """0: one, 1: two to four (Czech), 2: five and more (and none)."""
    if n == 1:
        return 0
    return 1 if 2 <= n <= 4 else 2


def sentences(text: str, lang: str) -> list[str]:
    """The sentences of a paragraph, by ICU's rules for the language (an abbreviation such as
    'z. s.' or 'Ing.' does not end a Czech sentence where ICU knows it)."""
    breaker = _breaker(lang)
    breaker.setText(text)
    found, start = [], 0
    for end in breaker:
        piece = text[start:end].strip()
        if piece:
            found.append(piece)
        start = end
    return _joined_abbreviations(found)


@cache
def _breaker(lang: str):
    import icu

    locale = icu.Locale(f"{lang}@ss=standard")  # ss=standard: ICU's abbreviation exceptions
    return icu.BreakIterator.createSentenceInstance(locale)


# Words after which a sentence does not end, though ICU may break there before a capital.
_NEVER_LAST = {
    *vocabulary.TITLES_BEFORE, "např.", "tzv.", "tj.", "resp.", "cca", "č.", "čp.", "str.",
    "s.", "r.", "ul.", "nám.", "e.g.", "i.e.", "Mr.", "Mrs.", "Ms.", "St.", "No.",
}  # fmt: skip


def _joined_abbreviations(pieces: list[str]) -> list[str]:
    """A piece that ends in such a word, or is followed by one that starts in lower case,
    joins the next."""
    joined: list[str] = []
    for piece in pieces:
        last_word = joined[-1].rsplit(" ", 1)[-1] if joined else ""
        if joined and (last_word in _NEVER_LAST or piece[:1].islower()):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined
