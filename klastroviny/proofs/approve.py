"""`klastroviny approve`: which approvals to record in approvals.yaml."""

from __future__ import annotations

import datetime as dt

from klastroviny.content.model import Issue
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.proofs.content import digest
from klastroviny.proofs.records import Approval, Records
from klastroviny.proofs.status import contents, unknown_ids


def approvals(
    issue: Issue,
    records: Records,
    ids: list[str],
    languages: tuple[str, ...],
    by: str | None,
    on: dt.date,
    note: str | None,
) -> tuple[list[Approval], Report]:
    """Of each chosen entry, the version last sent to it, in each edition that was sent one.
    Problems (an entry never sent a proof) and notes in the report."""
    report = Report()
    if unknown := unknown_ids(issue, ids):
        raise KlastrovinyError("usage", "; ".join(unknown))
    now = contents(issue, languages)
    found: list[Approval] = []
    for ident in dict.fromkeys(ids):
        source = Location(next(e.source for e in issue.entries if e.id == ident))
        sent_in = [lang for lang in languages if records.last_sent(ident, lang)]
        if not sent_in:
            report.error(source, "", "never sent a proof; make one first: klastroviny proofs")
            continue
        for lang in languages:
            sent, last = records.last_sent(ident, lang), records.last_approval(ident, lang)
            if sent is None:
                report.warning(source, "", f"{lang}: never sent a proof; not approved")
            elif last and (last.round, last.digest) == (sent.round, sent.digest):
                report.warning(source, "", f"{lang}: already approved (round {sent.round})")
            else:
                if sent.digest != digest(now[lang, ident]):
                    report.warning(
                        source, "",
                        f"{lang}: changed since round {sent.round} was sent; recorded is the "
                        "approval of what was sent, and status shows the change",
                    )  # fmt: skip
                found.append(Approval(ident, lang, sent.round, on, by, note, sent.digest))
    return found, report


def unchanged(
    issue: Issue,
    records: Records,
    languages: tuple[str, ...],
    by: str | None,
    on: dt.date,
    note: str | None,
) -> list[Approval]:
    """--all-unchanged: every entry whose proof of a later round is, unchanged, the version it
    approved before."""
    now = contents(issue, languages)
    found = []
    for entry in issue.entries:
        for lang in languages:
            sent, last = records.last_sent(entry.id, lang), records.last_approval(entry.id, lang)
            same = last and sent and sent.digest == last.digest == digest(now[lang, entry.id])
            if same and sent.round > last.round:
                found.append(Approval(entry.id, lang, sent.round, on, by, note, sent.digest))
    return found
