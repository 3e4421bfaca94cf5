"""Where each entry stands in the proof round, edition by edition: approved in its current form,
sent and waiting, changed since it was sent, changed since its approval, or never sent. What
`status` prints, and what package and build --print check."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

from klastroviny.bulletin.edition import Edition
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Issue
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.proofs.changes import changed_fields, field_name
from klastroviny.proofs.content import Content, digest, printed_content
from klastroviny.proofs.records import Records
from klastroviny.render.layouts import load_layout, wording

APPROVED = "approved"
WAITING = "waiting"
CHANGED_SINCE_SENT = "changed since sent"
CHANGED = "changed since approval"
NEVER_SENT = "never sent"
STATES = (APPROVED, WAITING, CHANGED_SINCE_SENT, CHANGED, NEVER_SENT)  # best first


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
        return max((e.state for e in self.editions), key=STATES.index)

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

    def as_dict(self) -> dict:
        """What `status --json` prints."""
        entries = [asdict(status) | {"state": status.state} for status in self.entries]
        return {"entries": entries, "summary": self.summary(), "gone": self.gone}


def read_standing(issue_dir: Path) -> Standing:
    """The standing of the issue in a folder; a broken issue or record is an error."""
    issue, report = load_issue(Path(issue_dir))
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors", report)
    records = Records(issue.root)
    records.stop_on_errors("status")
    return standing(issue, records)


def editions(issue: Issue, languages: tuple[str, ...] | None = None) -> list[Edition]:
    layout = load_layout(issue.layout, issue.root)
    return [Edition(issue, lang, layout) for lang in languages or issue.languages]


def contents(issue: Issue, languages: tuple[str, ...] | None = None) -> dict:
    """(lang, entry id) → what the entry prints in that edition."""
    return {
        (edition.lang, entry.id): printed_content(entry, edition)
        for edition in editions(issue, languages)
        for entry in issue.entries
    }


def standing(
    issue: Issue, records: Records | None = None, languages: tuple[str, ...] | None = None
) -> Standing:
    records = records or Records(issue.root)
    languages = languages or issue.languages
    found = Standing(issue, records)
    now = contents(issue, languages)
    for entry in issue.entries:
        states = [state_of(records, entry.id, lang, now[lang, entry.id]) for lang in languages]
        found.entries.append(EntryStatus(entry.id, tuple(states)))
    return found


def state_of(records: Records, entry: str, lang: str, content: Content) -> EditionState:
    """A proof sent after the last approval decides, unless the content is what was approved."""
    now = digest(content)
    approval, sent = records.last_approval(entry, lang), records.last_sent(entry, lang)
    if approval is not None and approval.digest == now:
        return EditionState(lang, APPROVED, approval.round, str(approval.on), approval.by)
    if sent is not None and (approval is None or sent.round > approval.round):
        if sent.digest == now:
            return EditionState(lang, WAITING, sent.round, str(sent.on))
        old = records.content(sent.round, entry, lang)
        return EditionState(
            lang, CHANGED_SINCE_SENT, sent.round, str(sent.on), None, _fields(old, content, lang)
        )
    if approval is not None:
        old = records.content(approval.round, entry, lang)
        return EditionState(
            lang, CHANGED, approval.round, str(approval.on), approval.by,
            _fields(old, content, lang),
        )  # fmt: skip
    return EditionState(lang, NEVER_SENT)


def _fields(old: Content | None, new: Content, lang: str) -> tuple[str, ...]:
    """The changed fields by the names the edition's editors use (popis, telefon)."""
    if old is None:
        return ()
    words = wording()[lang]
    return tuple(field_name(name, words) for name in changed_fields(old, new))


def approval_gate(
    issue: Issue, report: Report, required: bool, languages: tuple[str, ...] | None = None
) -> None:
    """Before the print master of `languages`: the entries not approved in their current form
    are a warning, or with `required` an error. An issue that never had a proof round is not
    asked."""
    records = Records(issue.root)
    if not (records.in_use or required):
        return
    records.stop_on_errors("approval")
    missing = standing(issue, records, languages).not_approved()
    if not missing:
        return
    where = Location(records.approvals_path)
    count = f"{len(missing)} {'entry' if len(missing) == 1 else 'entries'}"
    message = f"{count} not approved in their current form: {_grouped(missing)}"
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
