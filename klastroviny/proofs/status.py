"""Where each entry stands in the proof round, edition by edition: approved in its current form,
changed since its approval, sent and waiting, changed since it was sent, or never sent. What
`status` prints, and what package and build --print check."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from klastroviny.bulletin.edition import Edition
from klastroviny.content.model import Issue
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.proofs.changes import changed_fields
from klastroviny.proofs.content import Content, digest, printed_content
from klastroviny.proofs.records import Approval, Records
from klastroviny.render.layouts import load_layout, wording

APPROVED = "approved"
CHANGED = "changed since approval"
WAITING = "waiting"
CHANGED_SINCE_SENT = "changed since sent"
NEVER_SENT = "never sent"
STATES = (APPROVED, WAITING, CHANGED, CHANGED_SINCE_SENT, NEVER_SENT)


@dataclass(frozen=True)
class EditionState:
    lang: str
    state: str
    round: int | None = None
    on: str | None = None  # YYYY-MM-DD of the approval or of the sending
    by: str | None = None
    fields: tuple[str, ...] = ()  # with a change: the printed fields that changed

    def words(self) -> str:
        if self.state == APPROVED:
            by = f", {self.by}" if self.by else ""
            return f"approved (round {self.round}, {self.on}{by})"
        if self.state == WAITING:
            return f"sent and waiting since {self.on} (round {self.round})"
        if self.state in (CHANGED, CHANGED_SINCE_SENT):
            what = ", ".join(self.fields) or "(the record of that round is gone)"
            return f"{self.state}: {what} (round {self.round})"
        return NEVER_SENT


@dataclass(frozen=True)
class EntryStatus:
    entry: str
    editions: tuple[EditionState, ...]

    @property
    def state(self) -> str:
        """The entry's worst state over its editions."""
        return max((e.state for e in self.editions), key=lambda s: (STATES.index(s), s))

    def words(self) -> str:
        shown = {e.words() for e in self.editions}
        if len(shown) == 1:
            return shown.pop()
        return "; ".join(f"{e.lang}: {e.words()}" for e in self.editions)


@dataclass
class Standing:
    """The proof round of one issue, now."""

    issue: Issue
    records: Records
    entries: list[EntryStatus] = field(default_factory=list)

    @cached_property
    def gone(self) -> list[str]:
        """Ids with records but no entry any more (renamed or removed): their history stays in
        the records, and the entry of the new id has none."""
        ids = {entry.id for entry in self.issue.entries}
        recorded = {s.entry for s in self.records.sent} | {a.entry for a in self.records.approvals}
        return sorted(recorded - ids)

    def summary(self) -> str:
        counts = Counter(status.state for status in self.entries)
        return ", ".join(f"{counts[state]} {state}" for state in STATES if counts[state])

    def not_approved(self) -> list[EntryStatus]:
        return [status for status in self.entries if status.state != APPROVED]


def editions(issue: Issue, languages: tuple[str, ...] | None = None) -> list[Edition]:
    layout = load_layout(issue.layout, issue.root)
    return [Edition(issue, lang, layout) for lang in languages or issue.languages]


def standing(issue: Issue, records: Records | None = None) -> Standing:
    records = records or Records(issue.root)
    found = Standing(issue, records)
    contents = {
        (edition.lang, entry.id): printed_content(entry, edition)
        for edition in editions(issue)
        for entry in issue.entries
    }
    for entry in issue.entries:
        states = tuple(
            state_of(records, entry.id, lang, contents[lang, entry.id]) for lang in issue.languages
        )
        found.entries.append(EntryStatus(entry.id, states))
    return found


def state_of(records: Records, entry: str, lang: str, content: Content) -> EditionState:
    now = digest(content)
    approval, sent = records.last_approval(entry, lang), records.last_sent(entry, lang)
    if approval is not None:
        if approval.digest == now:
            return EditionState(lang, APPROVED, approval.round, str(approval.on), approval.by)
        return EditionState(
            lang, CHANGED, approval.round, str(approval.on), approval.by,
            _fields(records.content(approval.round, entry, lang), content, lang),
        )  # fmt: skip
    if sent is not None:
        if sent.digest == now:
            return EditionState(lang, WAITING, sent.round, str(sent.on))
        return EditionState(
            lang, CHANGED_SINCE_SENT, sent.round, str(sent.on), None,
            _fields(records.content(sent.round, entry, lang), content, lang),
        )  # fmt: skip
    return EditionState(lang, NEVER_SENT)


def _fields(old: Content | None, new: Content, lang: str) -> tuple[str, ...]:
    """The changed fields by the names the edition's editors use (popis, telefon)."""
    if old is None:
        return ()
    words = wording()[lang]
    return tuple(words.get(f"proof_field_{name}", name) for name in changed_fields(old, new))


def approval_gate(issue: Issue, report: Report, required: bool) -> None:
    """Before the print master: the entries not approved in their current form are a warning,
    or with `required` an error. An issue that never had a proof round is not asked."""
    records = Records(issue.root)
    if not (records.in_use or required):
        return
    records.stop_on_errors("approval")
    missing = standing(issue, records).not_approved()
    if not missing:
        return
    where = Location(records.approvals_path)
    message = f"{len(missing)} entries not approved in their current form: {_grouped(missing)}"
    if required:
        report.error(where, "", message + "; approve them (klastroviny approve) or drop the rule")
        raise KlastrovinyError("approval", "not every entry is approved for print", report)
    report.warning(where, "", message)


def _grouped(statuses: list[EntryStatus]) -> str:
    """'waiting: autoklastr, chemklastr; changed since approval: clutex (popis)'."""
    groups: dict[str, list[str]] = {}
    for status in statuses:
        fields = sorted({f for e in status.editions for f in e.fields})
        shown = f"{status.entry} ({', '.join(fields)})" if fields else status.entry
        groups.setdefault(status.state, []).append(shown)
    return "; ".join(f"{state}: {', '.join(ids)}" for state, ids in groups.items())


def unknown_ids(issue: Issue, ids: list[str]) -> list[str]:
    """A line per id that is no entry of the issue, with the nearest ids."""
    known = [entry.id for entry in issue.entries]
    lines = []
    for ident in ids:
        if ident not in known:
            near = difflib.get_close_matches(ident, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            lines.append(f"no entry '{ident}' in the issue{hint}")
    return lines


def approve(
    issue: Issue,
    records: Records,
    ids: list[str],
    languages: tuple[str, ...],
    by: str | None,
    on,
    note: str | None,
    all_unchanged: bool = False,
) -> tuple[list[Approval], Report]:
    """The approvals to record: of each chosen entry, the version last sent to it, in each
    edition; with `all_unchanged`, of every entry whose proof of a later round is what it
    approved before. Problems and notes in the report."""
    report = Report()
    if unknown := unknown_ids(issue, ids):
        raise KlastrovinyError("usage", "; ".join(unknown))
    contents = {
        (edition.lang, entry.id): printed_content(entry, edition)
        for edition in editions(issue, languages)
        for entry in issue.entries
    }
    found: list[Approval] = []
    chosen = ids or ([e.id for e in issue.entries] if all_unchanged else [])
    for ident in chosen:
        source = Location(next(e.source for e in issue.entries if e.id == ident))
        for lang in languages:
            sent, last = records.last_sent(ident, lang), records.last_approval(ident, lang)
            now = digest(contents[lang, ident])
            if all_unchanged and not ids:
                if last and sent and sent.round > last.round and sent.digest == last.digest == now:
                    found.append(Approval(ident, lang, sent.round, on, by, note, sent.digest))
                continue
            if sent is None:
                report.error(
                    source, "", f"{lang}: never sent a proof; make one: klastroviny proofs"
                )
            elif last and (last.round, last.digest) == (sent.round, sent.digest):
                report.warning(source, "", f"{lang}: already approved (round {sent.round})")
            else:
                if sent.digest != now:
                    report.warning(
                        source, "",
                        f"{lang}: changed since round {sent.round} was sent; recorded is the "
                        "approval of what was sent, and status shows the change",
                    )  # fmt: skip
                found.append(Approval(ident, lang, sent.round, on, by, note, sent.digest))
    return found, report
