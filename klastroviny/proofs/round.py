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
from klastroviny.content.model import Entry
from klastroviny.errors import KlastrovinyError, Location, Report, display_path
from klastroviny.options import BuildOptions
from klastroviny.proofs import pages
from klastroviny.proofs.changes import changes
from klastroviny.proofs.content import digest, printed_content
from klastroviny.proofs.mail import issue_line, proof_address, proof_message
from klastroviny.proofs.records import Records, Sent, today
from klastroviny.proofs.status import APPROVED, editions, state_of, unknown_ids
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
    first: bool  # the entry's first proof: nothing to compare with


@dataclass
class RoundResult:
    round: int | None  # None: nothing was sent
    files: list[ProofFile] = field(default_factory=list)
    table: Path | None = None
    skipped: list[str] = field(default_factory=list)  # approved in their current form
    report: Report = field(default_factory=Report)


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
    if chosen and (unknown := unknown_ids(issue, chosen)):
        raise KlastrovinyError("usage", "; ".join(unknown))
    languages = _languages(issue.languages, options.lang)
    result = RoundResult(None, report=report)
    todo = {
        edition.lang: _to_send(edition, records, chosen, every, result)
        for edition in editions(issue, languages)
    }
    if not any(todo.values()):
        return result
    bulletins = _bulletins(issue_dir, options, languages, report)
    number, on = records.next_round(), today()
    folder = output_folder(issue_dir, options) / "proofs" / str(number)
    made: list[tuple[Path, bytes]] = []
    sent: list[tuple[Sent, dict]] = []
    for edition in editions(issue, languages):
        if not todo[edition.lang]:
            continue
        entries, bulletin = todo[edition.lang], bulletins[edition.lang]
        proofs = _edition_proofs(edition, entries, records, bulletin, number)
        for proof, pdf, content in proofs:
            files = _proof_files(edition, proof, folder, report)
            eml = proof_message(
                edition, proof.entry, number, proof.pages, files.changes, pdf, files.pdf.name, on
            )
            made += [(files.pdf, pdf), (files.eml, eml)]
            result.files.append(files)
            record = Sent(
                proof.entry.id, edition.lang, number, on, files.to, digest(content),
                display_path(files.pdf), tuple(files.changes),
            )  # fmt: skip
            sent.append((record, content))
    result.round, result.table = number, folder / "proofs.csv"
    made.append((result.table, _table(number, result.files)))
    for path, data in made:  # everything made: now written
        write_atomically(path, data)
    records.write_round(number, on, sent)
    return result


def _languages(issue_languages: tuple[str, ...], requested: str | None) -> tuple[str, ...]:
    if requested in (None, "all"):
        return issue_languages
    if requested not in issue_languages:
        raise KlastrovinyError("usage", f"this issue has no '{requested}' edition")
    return (requested,)


def _bulletins(issue_dir: Path, options: BuildOptions, languages, report: Report) -> dict:
    """Each edition's bulletin as it will print (and as `build` writes it)."""
    lang = "all" if len(languages) > 1 else languages[0]
    built = build_issue(issue_dir, replace(options, lang=lang, output=None))
    report.extend(built.report)
    return {out.lang: out.path.read_bytes() for out in built.outputs}


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


def _to_send(
    edition: Edition, records: Records, chosen, every: bool, result: RoundResult
) -> list[Entry]:
    if chosen:
        return [entry for entry in edition.entries if entry.id in chosen]
    todo = []
    for entry in edition.entries:
        state = state_of(records, entry.id, edition.lang, printed_content(entry, edition))
        if every or state.state != APPROVED:
            todo.append(entry)
        elif entry.id not in result.skipped:
            result.skipped.append(entry.id)
    return todo


def _edition_proofs(
    edition: Edition, entries: list[Entry], records: Records, bulletin: bytes, number: int
):
    """(proof, its PDF, the content it shows) for each entry, in the bulletin's order."""
    import pypdf

    words = wording()[edition.lang]
    where = pages.entry_pages(bulletin, entries)
    proofs, contents = [], []
    for entry in entries:
        content = printed_content(entry, edition)
        proof = pages.Proof(
            entry, number, [], None, page_indexes=where[entry.id], issue_line=issue_line(edition)
        )
        base = records.base(entry.id, edition.lang)
        if base is not None:
            proof.base, proof.base_round, old = base
            proof.since = words[f"proof_since_{proof.base}"].format(round=proof.base_round)
            if old is not None:
                proof.changes = changes(old, content, edition.lang, words)
        proof.ecosystem_rows = _rows_of(entry, edition.ecosystem_rows)
        proof.index_rows = _rows_of(entry, edition.contact_groups)
        proofs.append(proof)
        contents.append(content)
    pages.place_marks(bulletin, proofs)
    typeset = pages.typeset_proofs(edition, proofs)
    reader = pypdf.PdfReader(io.BytesIO(bulletin))
    for proof, content in zip(proofs, contents, strict=True):
        yield proof, pages.proof_pdf(reader, typeset, proof), content


def _rows_of(entry: Entry, groups) -> list:
    """The entry's rows of an index, in the index's order."""
    return [row for _, rows in groups for row in rows if row.entry.id == entry.id]


def _table(number: int, files: list[ProofFile]) -> bytes:
    """proofs.csv: a row per proof (UTF-8 with a BOM, for spreadsheet programs)."""
    from klastroviny.workbook.cells import neutralised

    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for f in files:
        row = [number, f.entry, f.lang, f.to or "", display_path(f.pdf), "; ".join(f.changes)]
        writer.writerow([neutralised(v) if isinstance(v, str) else v for v in row])
    return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")
