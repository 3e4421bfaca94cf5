"""The proof round's records, in the issue folder (commit them with it):

- `.proofs/<round>/round.json` — what a `proofs` run sent: entry, edition, address, digest;
- `.proofs/<round>/<id>-<lang>.json` — the printed content sent (content.py), the base that
  the next round is compared with;
- `approvals.yaml` — one item per approval, readable and editable by people; read like every
  other file of the issue, a problem named by file and line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from klastroviny.content.load import node_location, read_document
from klastroviny.content.reader import Reader
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.proofs.content import Content, content_bytes
from klastroviny.write import write_atomically

PROOFS_DIR = ".proofs"
APPROVALS = "approvals.yaml"
APPROVAL_FIELDS = {
    "entry": True, "lang": True, "round": True, "date": True, "by": False, "note": False,
    "digest": True,
}  # fmt: skip
APPROVALS_HEADER = (
    "# Approvals of the proof round, written by `klastroviny approve` (docs/proofs.md).\n"
    "# One item per approval: the entry, its edition, the round whose proof was approved, when,\n"
    "# by whom, and the digest of the printed content approved. Commit it with the issue.\n"
)


@dataclass(frozen=True)
class Sent:
    """One proof of one round."""

    entry: str
    lang: str
    round: int
    on: dt.date
    to: str | None
    digest: str
    file: str  # the proof PDF, as the run wrote its path
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Approval:
    entry: str
    lang: str
    round: int
    on: dt.date
    by: str | None
    note: str | None
    digest: str
    where: Location | None = None  # its item in approvals.yaml


class Records:
    """The rounds and approvals of one issue; read once, problems in `report`."""

    def __init__(self, issue_root: Path):
        self.root = Path(issue_root)
        self.folder = self.root / PROOFS_DIR
        self.approvals_path = self.root / APPROVALS
        self.report = Report()
        self.sent: list[Sent] = self._read_rounds()
        self.approvals: list[Approval] = self._read_approvals()

    @property
    def in_use(self) -> bool:
        """Has this issue a proof round (a proof made or an approval recorded)?"""
        return self.folder.is_dir() or self.approvals_path.is_file()

    def rounds(self) -> list[int]:
        return sorted({sent.round for sent in self.sent})

    def next_round(self) -> int:
        return max(self.rounds(), default=0) + 1

    def last_sent(self, entry: str, lang: str) -> Sent | None:
        mine = [s for s in self.sent if (s.entry, s.lang) == (entry, lang)]
        return max(mine, key=lambda s: s.round, default=None)

    def last_approval(self, entry: str, lang: str) -> Approval | None:
        mine = [a for a in self.approvals if (a.entry, a.lang) == (entry, lang)]
        return max(mine, key=lambda a: (a.round, a.on), default=None)

    def content(self, round_number: int, entry: str, lang: str) -> Content | None:
        """The printed content sent in a round; None if that record is gone."""
        path = self.folder / str(round_number) / f"{entry}-{lang}.json"
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return content if isinstance(content, dict) else None

    def base(self, entry: str, lang: str) -> tuple[str, int, Content | None] | None:
        """What the next proof is compared with: the content last approved, else last sent;
        ("approved" | "sent", its round, the content)."""
        approval, sent = self.last_approval(entry, lang), self.last_sent(entry, lang)
        if approval is not None:
            return "approved", approval.round, self.content(approval.round, entry, lang)
        if sent is not None:
            return "sent", sent.round, self.content(sent.round, entry, lang)
        return None

    # --- writing -------------------------------------------------------------------------------
    def write_round(self, number: int, on: dt.date, proofs: list[tuple[Sent, Content]]) -> None:
        folder = self.folder / str(number)
        for sent, content in proofs:
            write_atomically(folder / f"{sent.entry}-{sent.lang}.json", content_bytes(content))
        record = {
            "round": number,
            "on": on.isoformat(),
            "proofs": [
                {
                    "entry": s.entry,
                    "lang": s.lang,
                    "to": s.to,
                    "digest": s.digest,
                    "file": s.file,
                    "changes": list(s.changes),
                }
                for s, _ in proofs
            ],
        }
        text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
        write_atomically(folder / "round.json", text.encode("utf-8"))
        self.sent += [sent for sent, _ in proofs]

    def add_approvals(self, approvals: list[Approval]) -> None:
        """Appended to approvals.yaml as it is (whatever people wrote there stays)."""
        path = self.approvals_path
        old = path.read_text(encoding="utf-8-sig") if path.is_file() else APPROVALS_HEADER
        if not self.approvals:  # no item yet: keep the comments, drop an empty list ([])
            old = "".join(line for line in old.splitlines(True) if _comment_only(line))
        if old and not old.endswith("\n"):
            old += "\n"
        items = "".join(_approval_yaml(approval) for approval in approvals)
        write_atomically(path, (old + items).encode("utf-8"))
        self.approvals += approvals

    # --- reading -------------------------------------------------------------------------------
    def _read_rounds(self) -> list[Sent]:
        sent: list[Sent] = []
        try:
            folders = sorted(p for p in self.folder.iterdir() if p.name.isdigit())
        except OSError:
            return sent
        for folder in folders:
            path = folder / "round.json"
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                on = dt.date.fromisoformat(record["on"])
                sent += [
                    Sent(
                        p["entry"],
                        p["lang"],
                        int(record["round"]),
                        on,
                        p.get("to"),
                        p["digest"],
                        p["file"],
                        tuple(p.get("changes", ())),
                    )  # fmt: skip
                    for p in record["proofs"]
                ]
            except (OSError, ValueError, KeyError, TypeError):
                self.report.error(
                    Location(path), "", "not a record of a proof round (klastroviny writes it); "
                    "restore it from version control, or delete its folder to forget that round",
                )  # fmt: skip
        return sent

    def _read_approvals(self) -> list[Approval]:
        path = self.approvals_path
        if not path.is_file():
            return []
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if all(_comment_only(line) for line in text.splitlines()):
            return []  # no approval yet
        document = read_document(path, self.report)
        if document is None:
            return []
        r = Reader(path, self.report, None)
        approvals = []
        for index, node in enumerate(r.sequence(document.root, "", max_items=100_000)):
            field = f"[{index}]"
            fields = r.mapping(node, field, APPROVAL_FIELDS)
            if not fields or len(fields) < sum(APPROVAL_FIELDS.values()):
                continue
            values = {
                "entry": r.string(fields["entry"], f"{field}.entry"),
                "lang": r.string(fields["lang"], f"{field}.lang"),
                "round": r.integer(fields["round"], f"{field}.round", 1),
                "on": r.date(fields["date"], f"{field}.date"),
                "by": r.string(fields["by"], f"{field}.by") if "by" in fields else None,
                "note": r.string(fields["note"], f"{field}.note", 2000)
                if "note" in fields
                else None,
                "digest": r.string(fields["digest"], f"{field}.digest"),
            }
            required = ("entry", "lang", "round", "on", "digest")
            if all(values[key] is not None for key in required):
                approvals.append(Approval(**values, where=node_location(path, node)))
        return approvals

    def stop_on_errors(self, command: str) -> None:
        if self.report.errors:
            raise KlastrovinyError(command, "the proof round's records have errors", self.report)


def _comment_only(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _approval_yaml(approval: Approval) -> str:
    """One item; texts quoted, as an id like `no` or `123` would be read as another type."""
    lines = [
        f"- entry: {json.dumps(approval.entry)}",
        f"  lang: {approval.lang}",
        f"  round: {approval.round}",
        f"  date: {approval.on.isoformat()}",
    ]
    if approval.by:
        lines.append(f"  by: {json.dumps(approval.by, ensure_ascii=False)}")
    if approval.note:
        lines.append(f"  note: {json.dumps(approval.note, ensure_ascii=False)}")
    lines.append(f"  digest: {approval.digest}")
    return "\n".join(lines) + "\n"


def today() -> dt.date:
    """The day of a round or an approval: SOURCE_DATE_EPOCH if set (reproducible tests), else
    the clock's (a round happens on a real day; the bulletin's own dates never use this)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()
