"""The proof round (docs/proofs.md): proofs and their e-mails, what changed between rounds in
words and on the page, approvals, status, and the gate before print.

One small issue (four entries of the sample, both editions) goes through two rounds once for
the module; the tests read what each step left."""

from __future__ import annotations

import email
import json
import shutil
from email import policy
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from builders import PROJECT_ROOT
from builders import invoke as run

from klastroviny.content.issue_file import load_issue
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.proofs.changes import changes, sentences
from klastroviny.proofs.content import printed_content
from klastroviny.proofs.status import approval_gate, editions
from klastroviny.render.layouts import wording

SAMPLE = PROJECT_ROOT / "issues" / "2022-09-prague"
KEPT = ("clutex", "nabytkari", "plastr", "smart-city")
OLD_SENTENCE = "Klastr podporuje spolupráci firem s výzkumem"
NEW_SENTENCE = "Klastr podporuje spolupráci firem s univerzitami"


def small_issue(folder: Path) -> Path:
    issue = folder / "issue"
    shutil.copytree(SAMPLE, issue)
    for path in (issue / "entries").glob("*.yaml"):
        if path.stem not in KEPT:
            path.unlink()
    return issue


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """Round 1 of every proof; a sentence and a phone of clutex changed, plastr's keys
    reordered and a comment added; round 2; clutex approved; its description changed again."""
    folder = tmp_path_factory.mktemp("proofs")
    issue, out = small_issue(folder), folder / "out"
    seen = {"issue": issue, "out": out}
    seen["round1"] = run("proofs", issue, "--out-dir", out)
    clutex = issue / "entries" / "clutex.yaml"
    edit(clutex, OLD_SENTENCE, NEW_SENTENCE)
    edit(clutex, '"+420 485 555 120"', '"+420485555121"')
    plastr = issue / "entries" / "plastr.yaml"
    text = plastr.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    plastr.write_text("# ověřeno s klastrem\n" + lines[1] + lines[0] + "".join(lines[2:]), "utf-8")
    seen["round2"] = run("proofs", issue, "--out-dir", out)
    seen["approve"] = run(
        "approve", issue, "clutex", "--by", "Markéta Horáková", "--on", "2026-09-10"
    )
    seen["status_approved"] = run("status", issue)
    seen["status_json"] = run("status", issue, "--json")
    edit(clutex, "Sleduje také trendy", "Sleduje i trendy")
    seen["status_changed"] = run("status", issue)
    return seen


def proof_file(rounds, number: int, name: str) -> Path:
    return rounds["out"] / "proofs" / str(number) / name


# --- round 1 -----------------------------------------------------------------------------------
def test_the_first_round_makes_a_proof_and_an_email_per_entry_and_edition(rounds):
    assert rounds["round1"].exit_code == 0, rounds["round1"].output
    made = sorted(p.name for p in (rounds["out"] / "proofs" / "1").iterdir())
    expected = sorted(
        f"{e}-{lang}.{ext}" for e in KEPT for lang in ("cs", "en") for ext in ("pdf", "eml")
    )
    assert made == sorted([*expected, "proofs.csv"])
    assert "round 1: 8 proofs" in rounds["round1"].output


def test_the_email_is_addressed_and_carries_the_proof(rounds):
    message = email.message_from_bytes(
        proof_file(rounds, 1, "clutex-cs.eml").read_bytes(), policy=policy.default
    )
    assert message["To"] == "marketa.horakova@clutex.example"  # the first consenting contact
    assert message["Subject"] == "KLASTROVINY: korektura profilu CLUTEX (1. kolo)"
    assert message["X-Unsent"] == "1" and message["Content-Language"] == "cs"
    body = message.get_body(("plain",)).get_content()
    assert "korekturu profilu CLUTEX" in body and "Schvaluji" in body
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "clutex-cs.pdf"
    assert attachment.get_content() == proof_file(rounds, 1, "clutex-cs.pdf").read_bytes()
    english = email.message_from_bytes(
        proof_file(rounds, 1, "clutex-en.eml").read_bytes(), policy=policy.default
    )
    assert english["Subject"] == "KLASTROVINY: proof of the profile of CLUTEX (round 1)"


def test_the_proofs_profile_page_is_the_bulletins_with_its_page_number(rounds):
    bulletin = pdfium.PdfDocument(rounds["out"] / "issue-cs.pdf")
    proof = pdfium.PdfDocument(proof_file(rounds, 1, "nabytkari-cs.pdf"))
    page_index = bulletin.get_page(0)  # the cover; the profile is found by its text below
    del page_index
    texts = [bulletin[i].get_textpage().get_text_range() for i in range(len(bulletin))]
    proof_text = proof[len(proof) - 1].get_textpage().get_text_range()
    watermark = wording()["cs"]["proof_watermark"]
    assert watermark.split()[0] in proof_text.replace("\r\n", " ")
    on_page = [i for i, text in enumerate(texts) if text and text in proof_text]
    assert len(on_page) == 1  # the bulletin's page, whole, and no other
    assert texts[on_page[0]].rstrip().endswith(str(on_page[0] + 1))  # its folio
    letter = proof[0].get_textpage().get_text_range()
    assert f"strana {on_page[0] + 1}" in letter


# --- round 2 -----------------------------------------------------------------------------------
def test_round_two_tells_exactly_the_two_changes_in_words(rounds):
    assert rounds["round2"].exit_code == 0, rounds["round2"].output
    table = proof_file(rounds, 2, "proofs.csv").read_text(encoding="utf-8-sig").splitlines()
    row = next(line for line in table if line.startswith("2,clutex,cs,"))
    assert row.endswith(
        "popis: 1 věta změněna; Ing.\xa0Markéta Horáková – telefon: "
        "+420\xa0485\xa0555\xa0120 → +420\xa0485\xa0555\xa0121"
    )
    english = next(line for line in table if line.startswith("2,clutex,en,"))
    assert english.endswith("phone: +420\xa0485\xa0555\xa0120 → +420\xa0485\xa0555\xa0121")
    plastr = next(line for line in table if line.startswith("2,plastr,cs,"))
    assert plastr.endswith(",")  # keys reordered, a comment added: no change


def test_the_letter_shows_the_changed_sentence(rounds):
    letter = pdfium.PdfDocument(proof_file(rounds, 2, "clutex-cs.pdf"))[0]
    text = " ".join(letter.get_textpage().get_text_range().split())
    assert "CO SE ZMĚNILO" in text.upper() and "od znění, které jsme vám poslali v 1. kole" in text
    assert NEW_SENTENCE in text.replace("‐ ", "").replace("- ", "")


def test_the_changed_text_is_marked_on_the_page_and_nothing_else(rounds):
    def marked(path: Path) -> int:
        document = pdfium.PdfDocument(path)
        image = document[len(document) - 1].render(scale=1).to_pil().convert("RGB")
        data = image.tobytes()
        pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
        # the highlight, rgba(255, 214, 0, 0.38) over white: (255, 239, 158)
        return sum(1 for r, g, b in pixels if r > 245 and 228 < g < 248 and 140 < b < 175)

    assert marked(proof_file(rounds, 1, "clutex-cs.pdf")) == 0
    assert marked(proof_file(rounds, 2, "clutex-cs.pdf")) > 500  # a sentence and a phone
    assert marked(proof_file(rounds, 2, "plastr-cs.pdf")) == 0


def test_the_round_is_recorded_in_the_issue(rounds):
    record = json.loads((rounds["issue"] / ".proofs" / "2" / "round.json").read_text("utf-8"))
    assert record["round"] == 2 and len(record["proofs"]) == 8
    content = json.loads((rounds["issue"] / ".proofs" / "2" / "clutex-cs.json").read_text("utf-8"))
    assert content["contacts"][0]["phone"] == "+420\xa0485\xa0555\xa0121"


# --- approvals and status ----------------------------------------------------------------------
def test_approve_then_status_says_approved(rounds):
    assert rounds["approve"].exit_code == 0, rounds["approve"].output
    assert "clutex (cs): approved round 2 on 2026-09-10" in rounds["approve"].output
    line = next(s for s in rounds["status_approved"].output.splitlines() if s.startswith("clutex"))
    assert line.endswith("approved (round 2, 2026-09-10, Markéta Horáková)")
    assert "1 approved, 3 waiting" in rounds["status_approved"].output
    data = json.loads(rounds["status_json"].output)
    states = {entry["entry"]: entry["state"] for entry in data["entries"]}
    assert states == {"clutex": "approved", "nabytkari": "waiting", "plastr": "waiting",
                      "smart-city": "waiting"}  # fmt: skip


def test_a_change_after_approval_is_named_by_its_field(rounds):
    line = next(s for s in rounds["status_changed"].output.splitlines() if s.startswith("clutex"))
    assert "cs: changed since approval: popis (round 2)" in line
    assert "en: approved" in line  # the English text did not change


def test_the_approvals_file_is_for_people(rounds):
    text = (rounds["issue"] / "approvals.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Approvals of the proof round")
    assert '- entry: "clutex"\n  lang: cs\n  round: 2\n  date: 2026-09-10\n' in text


def test_the_gate_before_print_blocks_then_lets_through(rounds, tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(rounds["issue"], issue)
    loaded, _ = load_issue(issue)
    warned = Report()
    approval_gate(loaded, warned, required=False)
    assert "4 entries not approved in their current form" in warned.warnings[0].message
    with pytest.raises(KlastrovinyError):
        approval_gate(loaded, Report(), required=True)
    refused = run("build", issue, "--print", "--require-approval", "--out-dir", tmp_path / "o")
    assert refused.exit_code == 1 and "not every entry is approved" in refused.output
    sent = run("proofs", issue, "--entries", "clutex", "--out-dir", tmp_path / "o")
    assert sent.exit_code == 0, sent.output
    after_resend = run("status", issue).output
    assert "clutex      cs: sent and waiting since" in after_resend  # round 3 decides now
    assert run("approve", issue, *KEPT, "--by", "NCA", "--lang", "cs").exit_code == 0
    loaded, _ = load_issue(issue)
    passed = Report()
    approval_gate(loaded, passed, required=True, languages=("cs",))  # build --print --lang cs
    assert not passed.problems
    with pytest.raises(KlastrovinyError):
        approval_gate(loaded, Report(), required=True)  # the English edition is not approved


# --- what counts as a change ---------------------------------------------------------------------
def test_reordered_keys_comments_and_phone_formats_are_no_change(tmp_path):
    issue = small_issue(tmp_path)
    before = _contents(issue)
    path = issue / "entries" / "clutex.yaml"
    edit(path, '"+420 485 555 120"', '"00420485555120"  # ústředna')
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("# poznámka\n" + text[2] + text[1] + text[0] + "".join(text[3:]), "utf-8")
    assert _contents(issue) == before


def _contents(issue: Path) -> dict:
    loaded, report = load_issue(issue)
    assert loaded is not None, report.problems
    return {
        (edition.lang, entry.id): printed_content(entry, edition)
        for edition in editions(loaded)
        for entry in loaded.entries
    }


def test_changes_in_words_count_sentences_as_czech_does():
    words = wording()["cs"]
    old = {"description": ["První věta. Druhá věta. Třetí věta. Čtvrtá věta."]}
    new = {"description": ["První věta. Nová druhá. Nová třetí. Čtvrtá věta. Pátá věta."]}
    (change,) = changes(old, new, "cs", words)
    assert change.words == "popis: 2 věty změněny, 1 věta přidána"
    assert change.sentences == ("Nová druhá.", "Nová třetí.", "Pátá věta.")
    assert sentences("Sdružuje firmy, např. Ing. Nováka. Konec.", "cs") == [
        "Sdružuje firmy, např. Ing. Nováka.",
        "Konec.",
    ]


def test_contacts_and_lists_in_words():
    words = wording()["cs"]
    person = {"name": "Jana Nová", "phone": "+420 601 123 456", "in_index": True}
    old = {"contacts": [person], "offer": ["Školení", "Veletrhy"]}
    new = {
        "contacts": [{**person, "in_index": False}, {"name": "Petr Malý", "in_index": True}],
        "offer": ["Školení", "Exkurze"],
    }
    assert [c.words for c in changes(old, new, "cs", words)] == [
        "nabídka: přidáno „Exkurze“; odebráno „Veletrhy“",
        "Jana Nová – v rejstříku kontaktů: ano → ne",
        "nový kontakt: Petr Malý",
    ]


# --- bad input -----------------------------------------------------------------------------------
def test_a_broken_approvals_file_is_an_error_with_its_line(tmp_path):
    issue = small_issue(tmp_path)
    (issue / "approvals.yaml").write_text(
        "- entry: clutex\n  lang: cs\n  round: první\n  date: 2026-09-10\n  digest: abc\n",
        encoding="utf-8",
    )
    result = run("status", issue)
    assert result.exit_code == 1
    assert "approvals.yaml:3:10: error: [0].round: expected a whole number" in result.output


def test_approving_an_unknown_or_unsent_entry_is_a_clear_error(tmp_path):
    issue = small_issue(tmp_path)
    unknown = run("approve", issue, "clutexx")
    assert unknown.exit_code == 1
    assert "--entries: no entry 'clutexx'; the closest: clutex" in unknown.output
    unsent = run("approve", issue, "clutex")
    assert unsent.exit_code == 1 and "never sent a proof" in unsent.output


def test_a_renamed_entry_has_no_approval_and_its_history_stays(rounds, tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(rounds["issue"], issue)
    (issue / "entries" / "clutex.yaml").rename(issue / "entries" / "clutex-liberec.yaml")
    result = run("status", issue)
    assert "clutex-liberec" in result.output and "never sent" in result.output
    assert "records of entries no longer in the issue: clutex" in result.output


def test_an_entry_without_an_address_is_warned_and_still_proofed(rounds, tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(rounds["issue"], issue)
    path = issue / "entries" / "smart-city.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        "\n".join(s for s in text.splitlines() if "email:" not in s) + "\n", encoding="utf-8"
    )
    result = run("proofs", issue, "--entries", "smart-city", "--lang", "cs",
                 "--out-dir", rounds["out"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "smart-city.yaml: warning: proof_to: no address to send the proof to" in result.output
    assert "(no address)" in result.output


def test_an_approvals_file_of_comments_only_is_no_approval(tmp_path):
    issue = small_issue(tmp_path)
    (issue / "approvals.yaml").write_text("# zatím nic\n\n# ani tady\n", encoding="utf-8")
    result = run("status", issue)
    assert result.exit_code == 0, result.output
    assert "4 never sent" in result.output


def test_an_id_that_yaml_reads_as_another_type_is_kept_as_text(tmp_path):
    import datetime as dt

    from klastroviny.proofs.records import Approval, Records

    records = Records(tmp_path)
    (tmp_path / "approvals.yaml").write_text("[]\n", encoding="utf-8")
    records.add_approvals([Approval("no", "cs", 1, dt.date(2026, 9, 1), "Ota", None, "ab")])
    again = Records(tmp_path)
    assert not again.report.problems
    assert [(a.entry, a.by) for a in again.approvals] == [("no", "Ota")]


def test_the_email_text_is_plain_text_not_html(tmp_path):
    from klastroviny.proofs.mail import proof_message
    from klastroviny.proofs.pages import Proof

    issue = small_issue(tmp_path)
    edit(issue / "entries" / "clutex.yaml", "short_name: CLUTEX", 'short_name: "R&D <Textil>"')
    loaded, _ = load_issue(issue)
    edition = editions(loaded, ("cs",))[0]
    entry = next(e for e in loaded.entries if e.id == "clutex")
    proof = Proof(entry, 2, [], "sent", 1, "od znění, které jsme vám poslali v 1. kole", [3])
    message = email.message_from_bytes(
        proof_message(edition, proof, "a@example.com", b"%PDF-", "x.pdf", loaded.date),
        policy=policy.default,
    )
    body = message.get_body(("plain",)).get_content()
    assert "korekturu profilu R&D <Textil> do bulletinu KLASTROVINY" in body
    assert "Od znění, které jste viděli naposledy, se nic nezměnilo." in body
    assert "&amp;" not in body and message["Subject"].endswith("R&D <Textil> (2. kolo)")
