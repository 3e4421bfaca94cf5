"""The immutable content model: an Issue holding Entry objects. Later stages see only this."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Text:
    """A text in one or more edition languages; a plain YAML string is the same in every one."""

    values: tuple[tuple[str, str], ...]  # (language, text); language "*" = every edition

    @classmethod
    def plain(cls, text: str) -> Text:
        return cls((("*", text),))

    def has(self, lang: str) -> bool:
        return any(code in (lang, "*") for code, _ in self.values)

    def get(self, lang: str, fallback: tuple[str, ...] = ()) -> str:
        """The text in `lang`, else in the first fallback language that has it, else the first."""
        return _in_language(self.values, lang, fallback, self.values[0][1])

    def all_strings(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.values)


@dataclass(frozen=True)
class TextList:
    """A list of short texts per language (offer, keywords)."""

    values: tuple[tuple[str, tuple[str, ...]], ...]

    def has(self, lang: str) -> bool:
        return any(code in (lang, "*") for code, _ in self.values)

    def get(self, lang: str, fallback: tuple[str, ...] = ()) -> tuple[str, ...]:
        return _in_language(self.values, lang, fallback, self.values[0][1] if self.values else ())


def _in_language(values: tuple, lang: str, fallback: tuple[str, ...], default):
    """The value for `lang`, or for every language ("*"), or for the first fallback that has
    one; else `default`."""
    found = dict(values)
    for code in (lang, "*", *fallback):
        if code in found:
            return found[code]
    return default


@dataclass(frozen=True)
class Label:
    """An ESCA cluster excellence label; printed only while valid on the issue's date."""

    level: str  # bronze | silver | gold
    valid_until: dt.date

    def valid_on(self, day: dt.date) -> bool:
        return day <= self.valid_until


@dataclass(frozen=True)
class Contact:
    name: str
    title_before: str | None
    title_after: str | None
    role: Text | None
    phone: str | None  # E.164, e.g. +420601123456
    email: str | None
    in_index: bool
    consent: bool
    consent_given: dt.date | None = None  # when and how the person agreed, if recorded:
    consent_how: str | None = None  # printed nowhere, exported with the contacts

    @property
    def full_name(self) -> str:
        """Titles placed as written: before without comma, after set off with a comma."""
        name = f"{self.title_before} {self.name}" if self.title_before else self.name
        return f"{name}, {self.title_after}" if self.title_after else name


PROFILE_CONTACTS = 2  # a profile's contact block has room for two people


@dataclass(frozen=True)
class Entry:
    """One cluster organisation: one file under entries/."""

    id: str
    source: Path
    name: Text
    short_name: Text | None
    sort_as: str | None
    country: str
    region: str
    city: str
    founded: int | None
    members: int | None
    ecosystems: tuple[str, ...]
    label: Label | None
    website: str | None
    logo: Path | None  # absolute path inside the issue folder
    description: Text
    offer: TextList | None
    keywords: TextList | None
    stand: str | None
    contacts: tuple[Contact, ...]
    proof_to: str | None = None  # where the proof round sends the entry's proof (else a contact)

    def display_short_name(self, lang: str, fallback: tuple[str, ...] = ()) -> str:
        return (self.short_name or self.name).get(lang, fallback)

    @property
    def printed_contacts(self) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.consent)

    @property
    def profile_contacts(self) -> tuple[Contact, ...]:
        """The contacts the profile prints at its foot: the first PROFILE_CONTACTS who agreed."""
        return self.printed_contacts[:PROFILE_CONTACTS]

    @property
    def index_contacts(self) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.consent and c.in_index)


@dataclass(frozen=True)
class Imprint:
    """issue.yaml's `imprint:`: what the back page states besides title, number, date and
    publisher (a periodical must state the legal ones: zákon 46/2000 Sb., § 8)."""

    periodical: bool = False
    periodicity: Text | None = None
    place: Text | None = None  # of publication
    publisher_seat: Text | None = None
    ico: str | None = None  # 8 digits, check digit verified
    registration: str | None = None  # evidenční číslo MK ČR, as "E 12345"
    issn: str | None = None  # as "1234-5679", check digit verified
    printer: Text | None = None
    print_run: int | None = None  # else each edition's print.quantity
    not_for_sale: bool = False


@dataclass(frozen=True)
class Paper:
    weight: int  # g/m²
    finish: str  # gloss | matt | silk | uncoated


@dataclass(frozen=True)
class PrintContact:
    name: str
    phone: str | None  # E.164
    email: str | None


@dataclass(frozen=True)
class PrintOrder:
    """issue.yaml's `print:`: what the printer needs to quote and schedule (the job ticket)."""

    quantity: tuple[tuple[str, int], ...] = ()  # (edition language, copies)
    cover_paper: Paper | None = None  # None: self-cover, the cover on the text paper
    text_paper: Paper | None = None
    binding: str | None = None  # saddle-stitch | perfect | wire-o; None: the layout's
    finishing: str | None = None
    proof: str | None = None  # digital | contract | none
    deliver_to: str | None = None
    deadline: dt.date | None = None  # of delivery
    contact: PrintContact | None = None

    def copies(self, lang: str) -> int | None:
        return dict(self.quantity).get(lang)


@dataclass(frozen=True)
class Issue:
    """One bulletin issue: a folder under issues/."""

    slug: str
    root: Path
    title: Text
    subtitle: Text | None
    number: int | None
    date: dt.date
    event: Text | None
    publisher: Text
    languages: tuple[str, ...]
    layout: str
    foreword: Text | None
    order: str  # name | manual
    manual_order: tuple[str, ...]
    entries: tuple[Entry, ...]  # sorted by id; use ordered_entries() for the printed order
    proof_from: str | None = None  # the proof round's e-mails: the editor's address
    proof_deadline: dt.date | None = None  # the day by which the clusters answer a proof
    require_approval: bool = False  # package and build --print refuse unapproved entries
    imprint: Imprint = Imprint()
    print_order: PrintOrder | None = None  # issue.yaml's print:, for the job ticket

    def print_run(self, lang: str) -> int | None:
        """The imprint's print run: as given, else the copies of the `lang` edition ordered."""
        if self.imprint.print_run:
            return self.imprint.print_run
        return self.print_order.copies(lang) if self.print_order else None

    def fallback(self, lang: str) -> tuple[str, ...]:
        """Where a missing translation falls back: the first (default) edition language."""
        return tuple(code for code in self.languages if code != lang)
