"""The PDF's outline (one bookmark per part that has a title, one per profile) and its
document information."""

from __future__ import annotations

from dataclasses import dataclass

from klastroviny.bulletin.edition import Edition
from klastroviny.bulletin.parts import PROFILES
from klastroviny.content import vocabulary
from klastroviny.text import typography


@dataclass(frozen=True)
class Bookmark:
    title: str
    anchor: str


def bookmarks(edition: Edition, words: dict[str, str]) -> list[Bookmark]:
    """In printed order: the titled parts that print in this issue, and each profile."""
    fallback = edition.issue.fallback(edition.lang)
    marks = []
    for part in edition.parts:
        if part.matter == PROFILES:
            marks += [
                Bookmark(entry.display_short_name(edition.lang, fallback), f"entry-{entry.id}")
                for entry in edition.entries
            ]
        elif part.anchor and part.wording and part.prints_in(edition.issue):
            marks.append(Bookmark(words[part.wording], part.anchor))
    return marks


def metadata(edition: Edition) -> dict[str, str]:
    issue, lang = edition.issue, edition.lang
    text, date = edition.text, f"D:{issue.date.strftime('%Y%m%d')}000000Z"
    title = text(issue.title) + (f" {issue.number}" if issue.number else "")
    if issue.subtitle:
        title += f" – {text(issue.subtitle)}"
    subject = (f"{text(issue.event)}, " if issue.event else "") + typography.format_date(
        issue.date, lang
    )
    keywords = ", ".join(
        vocabulary.ecosystem_name(eco, lang) for eco, _ in edition.ecosystem_groups
    )
    return {
        "Title": title,
        "Author": text(issue.publisher),
        "Subject": subject,
        "Keywords": keywords,
        "Creator": "klastroviny",
        "Producer": "klastroviny (WeasyPrint, pypdf)",
        "CreationDate": date,
        "ModDate": date,
    }
