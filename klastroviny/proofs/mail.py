"""A proof's e-mail, ready for the editor's mail program to open and send: an RFC 5322
message (Python's email package) with the proof PDF attached. Nothing is sent from here:
klastroviny never talks to a mail server."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

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


def proof_message(
    edition: Edition,
    entry: Entry,
    round_number: int,
    pages: list[int],
    changes: list[str],
    pdf: bytes,
    filename: str,
    on: dt.date,
) -> bytes:
    issue, lang = edition.issue, edition.lang
    words = wording()[lang]
    title = edition.text(issue.title)
    name = edition.craft(entry.display_short_name(lang, issue.fallback(lang)))
    page_word = words["proof_page"] if len(pages) == 1 else words["proof_pages"]
    body = render_template(
        edition,
        TEMPLATE,
        cluster=name,
        title=title,
        issue_line=issue_line(edition),
        round=round_number,
        pages=f"{page_word} {'–'.join(map(str, pages))}",
        deadline=typography.format_date(issue.proof_deadline, lang) if issue.proof_deadline else "",
        changes=changes,
        sender=edition.text(issue.publisher),
    )
    message = EmailMessage(policy=policy.SMTP)
    if issue.proof_from:
        message["From"] = issue.proof_from
    if to := proof_address(entry):
        message["To"] = to
    message["Subject"] = words["proof_subject"].format(title=title, name=name, round=round_number)
    message["Date"] = format_datetime(dt.datetime(on.year, on.month, on.day, 9, tzinfo=dt.UTC))
    domain = (issue.proof_from or "klastroviny.invalid").rpartition("@")[2]
    message["Message-ID"] = make_msgid(f"proof-{round_number}-{entry.id}-{lang}", domain)
    message["X-Unsent"] = "1"  # Outlook and others open it as a draft, ready to send
    message.set_content(body.strip() + "\n")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    message["Content-Language"] = lang  # after the parts: setting content clears Content-*
    return message.as_bytes()


def issue_line(edition: Edition) -> str:
    """', číslo 13 (Konference 2022, Praha)': what to add to the title to name the issue."""
    issue, words = edition.issue, wording()[edition.lang]
    line = f", {words['issue_number']} {issue.number}" if issue.number else ""
    if issue.event:
        line += f" ({edition.text(issue.event)})"
    return line
