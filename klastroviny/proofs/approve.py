"""`klastroviny approve`: which approvals to record in approvals.yaml, and recording them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Issue
from klastroviny.content.naming import named_entries
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.proofs.content import digest
from klastroviny.proofs.records import Approval, Records
from klastroviny.proofs.status import contents


@dataclass(frozen=True)
class Recorded:
    approvals: list[Approval]
    report: Report  # notes: an edition never sent, an approval already there
    path: Path  # approvals.yaml


def record_approvals(
    issue_dir: Path,
    names: list[str],
    lang: str,
    by: str | None,
    on: dt.date,
    note: str | None,
    all_unchanged: bool = False,
) -> Recorded:
    """Approve the named entries (or, with `all_unchanged`, every entry whose latest proof is
    a version it approved before) in `lang` ("all": every edition); nothing is recorded if
    any of them cannot be."""
    issue, report = load_issue(Path(issue_dir))
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors", report)
    if lang not in ("all", *issue.languages):
        raise KlastrovinyError("usage", f"--lang: this issue has no '{lang}' edition")
    records = Records(issue.root)
    records.stop_on_errors("approve")
    languages = issue.languages if lang == "all" else (lang,)
    if all_unchanged:
        found, report = unchanged(issue, records, languages, by, on, note), Report()
    else:
        ids = [entry.id for entry in named_entries(issue, names)]
        found, report = approvals(issue, records, ids, languages, by, on, note)
    if report.errors:
        raise KlastrovinyError("approve", "nothing was recorded", report)
    if found:
        records.add_approvals(found)
    return Recorded(found, report, records.approvals_path)


def approvals(
    issue: Issue,
    records: Records,
    ids: list[str],
    languages: tuple[str, ...],
    by: str | None,
    on: dt.date,
    note: str | None,
) -> tuple[list[Approval], Report]:
    """Of each chosen entry (ids), the version last sent to it, in each edition that was sent
    one. Problems (an entry never sent a proof) and notes in the report."""
    report = Report()
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
