"""The job ticket of the hand-off package (JOB-TICKET.txt): what a printer needs to quote and
schedule the job, in Czech and then in English.

Made from the layout (trim, bleed, binding), the print masters (pages, the cover/text split),
the build options (marks, PDF/X, output intent) and issue.yaml's print: section (quantities,
papers, finishing, proof, delivery, contact). What print: does not say is written NOT GIVEN,
so that nobody reads a gap as "none"; `package` warns about those that matter
(content/print_details.py: ticket_warnings).
"""

from __future__ import annotations

from pathlib import Path

from klastroviny.content.model import Issue, Paper, PrintOrder
from klastroviny.press.master import PDFX
from klastroviny.text.typography import NBSP, format_date, format_number, format_phone

COVER_PAGES = 4  # a cover on its own paper: outside and inside front and back
# What the ticket suggests when print.paper says nothing: (cover, text) per trim size.
SUGGESTED_PAPER = {
    "A5": (Paper(250, "gloss"), Paper(115, "matt")),
    "A4": (Paper(250, "gloss"), Paper(130, "matt")),
}
LANGUAGES = ("cs", "en")
WORDS = {
    "cs": {
        "heading": "ZAKÁZKOVÝ LIST",
        "publisher": "Vydavatel",
        "contact": "Kontaktní osoba",
        "date": "Datum vydání",
        "trim": "Čistý formát",
        "portrait": "na výšku",
        "bleed": "Spadávka",
        "bleed_value": "{mm} mm na každé straně (TrimBox a BleedBox nastaveny)",
        "marks": "Ořezové značky",
        "marks_yes": "ano, vně spadávky",
        "marks_no": "ne",
        "paper": "Papír",
        "cover": "obálka",
        "text": "blok",
        "self_cover": "obálka z papíru bloku",
        "colours": "Barevnost",
        "colours_value": "CMYK 4/4, výstupní profil {icc}",
        "fogra39": "FOGRA39 (ISO 12647-2, natíraný papír)",
        "pdf": "Standard PDF",
        "binding": "Vazba",
        "finishing": "Dokončovací práce",
        "proof": "Nátisk",
        "quantity": "Náklad",
        "deliver_to": "Dodací adresa",
        "deadline": "Termín dodání",
        "files": "Soubory (jednotlivé strany v pořadí čtení; *-booklet.pdf je jen náhled montáže):",
        "sums": "Ke každému PDF je zpráva z preflightu; SHA256SUMS uvádí kontrolní součty.",
        "not_given": "NEUVEDENO",
        "as_agreed": "podle dohody",
        "suggested": "návrh",
        "pages": ("strana", "strany", "stran"),
        "copies": ("výtisk", "výtisky", "výtisků"),
        "editions": {"cs": "české vydání", "en": "anglické vydání"},
        "finishes": {
            "gloss": "křídový lesklý",
            "matt": "křídový matný",
            "silk": "křídový satinovaný",
            "uncoated": "nenatíraný (ofsetový)",
        },
        "bindings": {
            "saddle-stitch": "V1, šitá drátem (2 skoby)",
            "perfect": "V2, lepená",
            "wire-o": "kroužková (Wire-O)",
        },
        "proofs": {
            "digital": "digitální náhled (PDF) ke schválení",
            "contract": "certifikovaný nátisk (ISO 12647-7)",
            "none": "bez nátisku",
        },
    },
    "en": {
        "heading": "JOB TICKET",
        "publisher": "Publisher",
        "contact": "Contact person",
        "date": "Date of issue",
        "trim": "Trim size",
        "portrait": "portrait",
        "bleed": "Bleed",
        "bleed_value": "{mm} mm on every side (TrimBox and BleedBox set)",
        "marks": "Crop marks",
        "marks_yes": "yes, outside the bleed",
        "marks_no": "none",
        "paper": "Paper",
        "cover": "cover",
        "text": "text",
        "self_cover": "self-cover",
        "colours": "Colours",
        "colours_value": "CMYK 4/4, output intent {icc}",
        "fogra39": "FOGRA39 (ISO 12647-2 coated)",
        "pdf": "PDF standard",
        "binding": "Binding",
        "finishing": "Finishing",
        "proof": "Proof",
        "quantity": "Quantity",
        "deliver_to": "Deliver to",
        "deadline": "Delivery deadline",
        "files": "Files (single pages in reading order; *-booklet.pdf is an imposed proof only):",
        "sums": "Each PDF has a preflight report beside it; SHA256SUMS lists checksums.",
        "not_given": "NOT GIVEN",
        "as_agreed": "as agreed",
        "suggested": "suggestion",
        "pages": ("page", "pages", "pages"),
        "copies": ("copy", "copies", "copies"),
        "editions": {"cs": "Czech edition", "en": "English edition"},
        "finishes": {
            "gloss": "gloss coated",
            "matt": "matt coated",
            "silk": "silk coated",
            "uncoated": "uncoated",
        },
        "bindings": {
            "saddle-stitch": "saddle stitch, 2 staples",
            "perfect": "perfect binding",
            "wire-o": "wire-o binding",
        },
        "proofs": {
            "digital": "digital (PDF) proof for approval",
            "contract": "contract proof (ISO 12647-7)",
            "none": "no proof",
        },
    },
}


def job_ticket(issue: Issue, layout, masters, marks: bool, pdfx: str, icc: Path | None) -> str:
    """The ticket in Czech, then in English. `masters` are the print masters (lang, path,
    pages); `icc` the printer's output profile, None for the bundled FOGRA39."""
    parts = [_ticket(issue, layout, masters, marks, pdfx, icc, lang) for lang in LANGUAGES]
    return ("\n" + "=" * 78 + "\n\n").join(parts).replace(NBSP, " ")


def _ticket(issue, layout, masters, marks, pdfx, icc, lang: str) -> str:
    w = WORDS[lang]
    order = issue.print_order or PrintOrder()
    fallback = tuple(code for code in issue.languages if code != lang)
    title = issue.title.get(lang, fallback) + (f" {issue.number}" if issue.number else "")
    rows = [
        (w["publisher"], issue.publisher.get(lang, fallback)),
        (w["contact"], _contact(order, w)),
        (w["date"], format_date(issue.date, lang)),
        (
            w["trim"],
            f"{layout.page_size} {w['portrait']}, {layout.width_mm:g} × {layout.height_mm:g} mm",
        ),
        (w["bleed"], w["bleed_value"].format(mm=f"{layout.bleed_mm:g}")),
        (w["marks"], w["marks_yes"] if marks else w["marks_no"]),
        (w["paper"], _papers(order, layout.page_size, w)),
        (w["colours"], w["colours_value"].format(icc=icc.name if icc else w["fogra39"])),
        (w["pdf"], PDFX[pdfx]["version"]),
        (w["binding"], _binding(order, layout, w)),
        (w["finishing"], order.finishing or w["not_given"]),
        (w["proof"], w["proofs"][order.proof] if order.proof else w["not_given"]),
        (w["quantity"], _quantities(order, [out.lang for out in masters], w, lang)),
        (w["deliver_to"], order.deliver_to or w["not_given"]),
        (w["deadline"], format_date(order.deadline, lang) if order.deadline else w["not_given"]),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [f"{w['heading']} — {title}", ""]
    lines += [f"{label + ':':<{width}}{value}" for label, value in rows]
    lines += ["", w["files"]]
    for out in masters:
        copies = order.copies(out.lang)
        quantity = f", {_count(copies, w['copies'], lang)}" if copies else ""
        lines.append(
            f"  {out.path.name}: {_extent(out.pages, order, w, lang)}, "
            f"{w['editions'][out.lang]}{quantity}"
        )
    lines += ["", w["sums"]]
    return "\n".join(lines) + "\n"


def _contact(order: PrintOrder, w: dict) -> str:
    person = order.contact
    if person is None:
        return w["not_given"]
    reach = [format_phone(person.phone)] if person.phone else []
    reach += [person.email] if person.email else []
    return ", ".join([person.name, *reach])


def _papers(order: PrintOrder, page_size: str, w: dict) -> str:
    if order.text_paper is None:
        if page_size not in SUGGESTED_PAPER:
            return w["not_given"]
        cover, text = SUGGESTED_PAPER[page_size]
        return f"{w['not_given']} ({w['suggested']}: {_two_papers(cover, text, w)})"
    if order.cover_paper is None:
        return f"{_paper(order.text_paper, w)}, {w['self_cover']}"
    return _two_papers(order.cover_paper, order.text_paper, w)


def _two_papers(cover: Paper, text: Paper, w: dict) -> str:
    return f"{w['cover']} {_paper(cover, w)}; {w['text']} {_paper(text, w)}"


def _paper(paper: Paper, w: dict) -> str:
    return f"{paper.weight} g/m² {w['finishes'][paper.finish]}"


def _binding(order: PrintOrder, layout, w: dict) -> str:
    binding = order.binding or ("saddle-stitch" if layout.pages_multiple == 4 else None)
    return w["bindings"][binding] if binding else w["as_agreed"]


def _quantities(order: PrintOrder, languages: list[str], w: dict, lang: str) -> str:
    shown = []
    for edition in languages:
        copies = order.copies(edition)
        amount = _count(copies, w["copies"], lang) if copies else w["not_given"]
        shown.append(f"{w['editions'][edition]} {amount}")
    return "; ".join(shown)


def _extent(pages: int, order: PrintOrder, w: dict, lang: str) -> str:
    """24 pages, and on two papers how they split: cover 4 + text 20."""
    extent = _count(pages, w["pages"], lang)
    if order.cover_paper is None or pages <= COVER_PAGES:
        return extent
    return f"{extent} ({w['cover']} {COVER_PAGES} + {w['text']} {pages - COVER_PAGES})"


def _count(number: int, words: tuple[str, str, str], lang: str) -> str:
    """'1 výtisk', '3 výtisky', '400 výtisků' (Czech: 1, 2–4, 5 and more)."""
    word = words[0] if number == 1 else words[1] if 2 <= number <= 4 else words[2]
    return f"{format_number(number, lang)} {word}"
