"""A proof's e-mail, ready for the editor's mail program to open and send: an RFC 5322
message (Python's email package) with the proof PDF attached. Nothing is sent from here:
klastroviny never talks to a mail server."""

from __future__ import annotations

import datetime as dt
import hashlib
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from klastroviny.bulletin.edition import Edition
from klastroviny.content.model import Entry
from klastroviny.render.html import render_template
from klastroviny.render.layouts import wording
from klastroviny.text import typography

TEMPLATE = "proof-mail.txt.j2"


def proof_address(entry: Entry) -> str | None:
    """`proof_to`, else the first contact with an e-mail who agreed to be printed."""
    if entry.proof_to:
        return entry.proof_to
    return next((c.email for c in entry.contacts if c.email and c.consent), None)


def proof_message(edition: Edition, proof, to: str | None, pdf: bytes, filename: str, on) -> bytes:
    """The e-mail of one proof (pages.Proof), its text from the layout's proof-mail.txt.j2."""
    issue, lang = edition.issue, edition.lang
    words = wording()[lang]
    title = edition.text(issue.title)
    name = edition.craft(proof.entry.display_short_name(lang, issue.fallback(lang)))
    body = render_template(
        edition,
        TEMPLATE,
        cluster=name,
        title=title,
        issue_line=issue_line(edition),
        round=proof.round,
        pages=pages_words(proof.pages, words),
        deadline=typography.format_date(issue.proof_deadline, lang) if issue.proof_deadline else "",
        since=proof.since,
        changes=[change.words for change in proof.changes],
        first=proof.base is None,
        sender=edition.text(issue.publisher),
    )
    message = EmailMessage(policy=policy.SMTP)
    if issue.proof_from:
        message["From"] = issue.proof_from
    if to:
        message["To"] = to
    message["Subject"] = words["proof_subject"].format(title=title, name=name, round=proof.round)
    message["Date"] = format_datetime(dt.datetime(on.year, on.month, on.day, 9, tzinfo=dt.UTC))
    message["Message-ID"] = _message_id(issue.proof_from, proof.round, proof.entry.id, lang, pdf)
    message["X-Unsent"] = "1"  # Outlook and others open it as a draft, ready to send
    message.set_content(body.strip() + "\n")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    message.set_boundary(f"=_klastroviny_{hashlib.sha256(pdf + body.encode()).hexdigest()[:24]}")
    message["Content-Language"] = lang  # after the parts: setting content clears Content-*
    return message.as_bytes()


def pages_words(pages: list[int], words: dict) -> str:
    """'strana 7', 'strany 7–8'."""
    if len(pages) == 1:
        return f"{words['proof_page']} {pages[0]}"
    return f"{words['proof_pages']} {pages[0]}–{pages[-1]}"


def issue_line(edition: Edition) -> str:
    """', číslo 13 (Konference 2022, Praha)': what to add to the title to name the issue."""
    issue, words = edition.issue, wording()[edition.lang]
    line = f", {words['issue_number']} {issue.number}" if issue.number else ""
    if issue.event:
        line += f" ({edition.text(issue.event)})"
    return line


def _message_id(sender: str | None, round_number: int, entry: str, lang: str, pdf: bytes) -> str:
    """Unique for the proof, and the same for the same proof (no clock, no random)."""
    domain = (sender or "klastroviny.invalid").rpartition("@")[2]
    return f"<proof-{round_number}-{entry}-{lang}-{hashlib.sha256(pdf).hexdigest()[:12]}@{domain}>"
