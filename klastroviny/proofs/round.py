"""`klastroviny proofs`: one round of proofs.

1. build the editions as they will print (the build's render cache: an unchanged profile is not
   typeset again);
2. for each entry to send, compare what it prints with what the cluster last approved (else was
   last sent): the changes in words, and the texts to mark on its page;
3. typeset the letters and overlays, cut each proof from the bulletin, write its e-mail;
4. only then write the files (build/<slug>/proofs/<round>/) and the round's record (.proofs/).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from klastroviny.build import build_issue, output_folder
from klastroviny.bulletin.edition import Edition
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Entry, Issue
from klastroviny.content.naming import named_entries
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.options import BuildOptions
from klastroviny.pdf.pages import entry_pages
from klastroviny.proofs import pages
from klastroviny.proofs.changes import changes
from klastroviny.proofs.content import Content, digest, printed_content
from klastroviny.proofs.mail import issue_line, proof_address, proof_message
from klastroviny.proofs.records import Records, Sent, today
from klastroviny.proofs.status import APPROVED, editions, state_of
from klastroviny.render.layouts import wording
from klastroviny.write import write_atomically

CSV_COLUMNS = ("round", "entry", "lang", "to", "file", "changes")


@dataclass
class ProofFile:
    entry: str
    lang: str
    to: str | None
    pdf: Path
    eml: Path
    changes: list[str]
    first: bool  # nothing to compare with: the entry's first proof


@dataclass
class RoundResult:
    round: int | None  # None: nothing was sent
    files: list[ProofFile] = field(default_factory=list)
    table: Path | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (id, lang) approved as is
    report: Report = field(default_factory=Report)


@dataclass
class _Todo:
    """An entry to proof in an edition, with what it prints now."""

    entry: Entry
    content: Content


def make_proofs(
    issue_dir: Path,
    options: BuildOptions,
    chosen: list[str] | None = None,
    every: bool = False,
) -> RoundResult:
    """Proofs of the chosen entries, else of every entry not approved in its current form
    (`every`: of all)."""
    issue_dir = Path(issue_dir)
    issue, report = load_issue(issue_dir)
    if issue is None:
        raise KlastrovinyError("validation", "the issue has errors; no proof was made", report)
    records = Records(issue.root)
    records.stop_on_errors("proofs")
    if chosen:
        chosen = [entry.id for entry in named_entries(issue, chosen)]
    result = RoundResult(None, report=report)
    todo = [
        (edition, _to_send(edition, records, chosen, every, result))
        for edition in editions(issue, _languages(issue, options.lang))
    ]
    todo = [(edition, entries) for edition, entries in todo if entries]
    if not todo:
        return result
    _check_sender(issue, report)
    bulletins = _bulletins(issue_dir, options, tuple(e.lang for e, _ in todo), report)
    number, on = records.next_round(), today()
    folder = output_folder(issue_dir, options) / "proofs" / str(number)
    made: list[tuple[Path, bytes]] = []
    sent: list[tuple[Sent, Content]] = []
    for edition, entries in todo:
        for proof, pdf, content in _edition_proofs(
            edition, entries, records, bulletins[edition.lang], number, report
        ):
            files = _proof_files(edition, proof, folder, report)
            eml = proof_message(edition, proof, files.to, pdf, files.pdf.name, on)
            made += [(files.pdf, pdf), (files.eml, eml)]
            result.files.append(files)
            record = Sent(
                proof.entry.id, edition.lang, number, on, files.to, digest(content),
                f"proofs/{number}/{files.pdf.name}", tuple(files.changes),
            )  # fmt: skip
            sent.append((record, content))
    result.round, result.table = number, folder / "proofs.csv"
    made.append((result.table, _table(number, result.files)))
    for path, data in made:  # everything made: now written
        write_atomically(path, data)
    records.write_round(number, on, sent)
    return result


def _languages(issue: Issue, requested: str | None) -> tuple[str, ...]:
    if requested in (None, "all"):
        return issue.languages
    if requested not in issue.languages:
        raise KlastrovinyError("usage", f"this issue has no '{requested}' edition")
    return (requested,)


def _to_send(edition: Edition, records: Records, chosen, every: bool, result) -> list[_Todo]:
    todo = []
    for entry in edition.entries:
        if chosen and entry.id not in chosen:
            continue
        content = printed_content(entry, edition)
        state = state_of(records, entry.id, edition.lang, content)
        if chosen or every or state.state != APPROVED:
            todo.append(_Todo(entry, content))
        else:
            result.skipped.append((entry.id, edition.lang))
    return todo


def _check_sender(issue: Issue, report: Report) -> None:
    if issue.proof_from is None:
        report.warning(
            Location(issue.root / "issue.yaml"), "proof_from",
            "not given: the e-mails have no sender; add proof_from: with your address",
        )  # fmt: skip


def _bulletins(issue_dir: Path, options: BuildOptions, languages, report: Report) -> dict:
    """Each edition's bulletin as it will print (and as `build` writes it)."""
    lang = "all" if len(languages) > 1 else languages[0]
    built = build_issue(issue_dir, replace(options, lang=lang, output=None))
    report.extend(built.report)
    return {out.lang: out.path.read_bytes() for out in built.outputs}


def _edition_proofs(edition: Edition, todo: list[_Todo], records, bulletin, number, report):
    """(proof, its PDF, the content it shows) for each entry, in the bulletin's order."""
    import pypdf

    words = wording()[edition.lang]
    where = entry_pages(bulletin, [item.entry.id for item in todo])
    proofs = []
    for item in todo:
        entry = item.entry
        proof = pages.Proof(
            entry, number, [], None, page_indexes=where[entry.id], issue_line=issue_line(edition)
        )
        base = records.base(entry.id, edition.lang)
        if base is not None and base[2] is None:
            report.warning(
                Location(records.folder / str(base[1])), "",
                f"the record of {entry.id} ({edition.lang}) in round {base[1]} is gone: its "
                "proof shows no changes, as a first proof",
            )  # fmt: skip
        elif base is not None:
            proof.base, proof.base_round, old = base
            proof.since = words[f"proof_since_{proof.base}"].format(round=proof.base_round)
            proof.changes = changes(old, item.content, edition.lang, words)
        proof.ecosystem_rows = _rows_of(entry, edition.ecosystem_rows)
        proof.index_rows = _rows_of(entry, edition.contact_groups)
        proofs.append(proof)
    pages.place_marks(bulletin, proofs)
    typeset = pages.typeset_proofs(edition, proofs)
    reader = pypdf.PdfReader(io.BytesIO(bulletin))
    for proof, item in zip(proofs, todo, strict=True):
        yield proof, pages.proof_pdf(reader, typeset, proof), item.content


def _proof_files(edition: Edition, proof: pages.Proof, folder: Path, report: Report) -> ProofFile:
    name = f"{proof.entry.id}-{edition.lang}"
    to = proof_address(proof.entry)
    if to is None:
        report.warning(
            Location(proof.entry.source), "proof_to",
            "no address to send the proof to: add proof_to, or an e-mail to a contact who "
            "agreed to be printed; the proof is made",
        )  # fmt: skip
    words = [change.words for change in proof.changes]
    return ProofFile(
        proof.entry.id, edition.lang, to, folder / f"{name}.pdf", folder / f"{name}.eml", words,
        proof.base is None,
    )  # fmt: skip


def _rows_of(entry: Entry, groups) -> list:
    """The entry's rows of an index, in the index's order."""
    return [row for _, rows in groups for row in rows if row.entry.id == entry.id]


def _table(number: int, files: list[ProofFile]) -> bytes:
    """proofs.csv: a row per proof (UTF-8 with a BOM, for spreadsheet programs)."""
    from klastroviny.errors import display_path
    from klastroviny.workbook.cells import neutralised

    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for f in files:
        row = [number, f.entry, f.lang, f.to or "", display_path(f.pdf), "; ".join(f.changes)]
        writer.writerow([neutralised(v) if isinstance(v, str) else v for v in row])
    return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")
