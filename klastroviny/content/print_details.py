"""issue.yaml's `imprint:` (what the back page states) and `print:` (what the job ticket tells
the printer), read into the model with every problem at its file:line:col.

Also the check digits of an IČO and an ISSN, and the warnings about what the job ticket lacks
(`package` reports them: a ticket without a quantity or a deadline cannot be quoted).
"""

from __future__ import annotations

import datetime as dt
import re

from yaml.nodes import MappingNode, Node, ScalarNode

from klastroviny.content.entry_file import read_email, read_phone
from klastroviny.content.load import field_locations
from klastroviny.content.model import Imprint, Paper, PrintContact, PrintOrder
from klastroviny.content.reader import Reader, clip
from klastroviny.errors import Location, Report

IMPRINT_FIELDS = {
    "periodical": False,
    "periodicity": False,
    "place": False,
    "publisher_seat": False,
    "ico": False,
    "registration": False,
    "issn": False,
    "printer": False,
    "print_run": False,
    "not_for_sale": False,
}
# What a periodical must print (zákon 46/2000 Sb., § 8) besides the title, the date and the
# publisher's name, which every issue has: field → (what it is, an example to write).
LEGAL_FIELDS = {
    "periodicity": ("its periodicity", "{cs: čtvrtletník, en: quarterly}"),
    "place": ("the place of publication", "{cs: Praha, en: Prague}"),
    "registration": ("the registration number of the Ministry of Culture", "E 12345"),
    "publisher_seat": ("the publisher's seat", '"Ulice 1, 110 00 Praha 1"'),
    "ico": ("the publisher's IČO", '"12345678"'),
}
PRINT_FIELDS = {
    "quantity": False,
    "paper": False,
    "binding": False,
    "finishing": False,
    "proof": False,
    "deliver_to": False,
    "deadline": False,
    "contact": False,
}
PAPER_FIELDS = {"cover": False, "text": True}
PAPER_SPEC_FIELDS = {"weight": True, "finish": True}
CONTACT_FIELDS = {"name": True, "phone": False, "email": False}
FINISHES = ("gloss", "matt", "silk", "uncoated")
BINDINGS = ("saddle-stitch", "perfect", "wire-o")
PROOFS = ("digital", "contract", "none")
HEAVY_COVER_G = 170  # a cover over this cracks at the fold unless it is scored
_REGISTRATION = re.compile(r"(?:MK\s*ČR\s*)?E\s*([0-9]{1,6})", re.IGNORECASE)
_ISSN = re.compile(r"(?:ISSN\s*)?([0-9]{4})-?([0-9]{3}[0-9X])", re.IGNORECASE)


# --- imprint: ---------------------------------------------------------------------------------
def read_imprint(r: Reader, node: Node, number: int | None) -> Imprint:
    fields = r.mapping(node, "imprint", IMPRINT_FIELDS)
    if fields is None:
        return Imprint()

    def text(name):
        return r.text(fields[name], f"imprint.{name}") if name in fields else None

    def flag(name):
        return bool(r.boolean(fields[name], f"imprint.{name}")) if name in fields else False

    imprint = Imprint(
        periodical=flag("periodical"),
        periodicity=text("periodicity"),
        place=text("place"),
        publisher_seat=text("publisher_seat"),
        ico=_checked(r, fields, "ico", ico_problem, lambda v: v.replace(" ", "")),
        registration=_checked(r, fields, "registration", _registration_problem, _registration),
        issn=_checked(r, fields, "issn", issn_problem, _issn),
        printer=text("printer"),
        print_run=r.integer(fields["print_run"], "imprint.print_run", 1)
        if "print_run" in fields
        else None,
        not_for_sale=flag("not_for_sale"),
    )
    if imprint.periodical:
        for name, (what, example) in LEGAL_FIELDS.items():
            if name not in fields:
                r.warning(
                    node,
                    f"imprint.{name}",
                    f"missing; a periodical must print {what} (zákon 46/2000 Sb., § 8): "
                    f"add e.g. {name}: {example}, or set periodical: false if it is not one",
                )
        if number is None:
            r.warning(
                fields["periodical"],
                "number",
                "missing; a periodical must print the number of the issue: add number: …",
            )
    return imprint


def _checked(r: Reader, fields: dict, name: str, problem, normal) -> str | None:
    """A code (IČO, ISSN, registration number) written as text or a bare number."""
    node = fields.get(name)
    if node is None:
        return None
    if not (isinstance(node, ScalarNode) and node.tag.endswith((":str", ":int"))):
        r.wrong_type(node, f"imprint.{name}", "text")
        return None
    value = node.value.strip()
    message = problem(value)
    if message:
        r.error(node, f"imprint.{name}", message)
        return None
    return normal(value)


def ico_problem(value: str) -> str | None:
    """Why `value` is not an IČO: 8 digits, the last a mod-11 check digit of the others."""
    digits = value.replace(" ", "")
    if not (len(digits) == 8 and digits.isascii() and digits.isdigit()):
        return (
            f"'{clip(value)}' is not an IČO: it has 8 digits; write it in quotes with any "
            'leading zeros, e.g. "00216208"'
        )
    weighted = _weighted(digits)
    if (11 - weighted) % 10 != int(digits[7]):
        return (
            f"'{value}' is not a valid IČO (its check digit, the last, does not match); "
            "copy it from the business register"
        )
    return None


def issn_problem(value: str) -> str | None:
    """Why `value` is not an ISSN: NNNN-NNNC, C the mod-11 check digit (X for 10)."""
    found = _ISSN.fullmatch(value)
    if not found:
        return f"'{clip(value)}' is not an ISSN; write it as 1234-5679"
    digits = found[1] + found[2]
    weighted = _weighted(digits)
    check = (11 - weighted) % 11
    if ("X" if check == 10 else str(check)) != digits[7].upper():
        return (
            f"'{value}' is not a valid ISSN (its check digit, the last, does not match); "
            "copy it from the ISSN centre's confirmation"
        )
    return None


def _weighted(digits: str) -> int:
    """The first 7 digits weighted 8, 7, …, 2 and summed, mod 11: IČO and ISSN alike."""
    return (
        sum(int(digit) * weight for digit, weight in zip(digits[:7], range(8, 1, -1), strict=True))
        % 11
    )


def _issn(value: str) -> str:
    found = _ISSN.fullmatch(value)
    return f"{found[1]}-{found[2].upper()}"


def _registration_problem(value: str) -> str | None:
    if _REGISTRATION.fullmatch(value):
        return None
    return (
        f"'{clip(value)}' is not a registration number of the Ministry of Culture; write it "
        "as the ministry gave it, e.g. E 12345"
    )


def _registration(value: str) -> str:
    return f"E {_REGISTRATION.fullmatch(value)[1]}"


# --- print: -----------------------------------------------------------------------------------
def read_print_order(
    r: Reader, node: Node, languages: tuple[str, ...], issue_date: dt.date | None
) -> PrintOrder | None:
    fields = r.mapping(node, "print", PRINT_FIELDS)
    if fields is None:
        return None
    cover, text = _read_papers(r, fields["paper"]) if "paper" in fields else (None, None)
    deadline = r.date(fields["deadline"], "print.deadline") if "deadline" in fields else None
    if deadline and issue_date and deadline > issue_date:
        r.warning(
            fields["deadline"],
            "print.deadline",
            f"{deadline.isoformat()} is after the issue's date ({issue_date.isoformat()}): "
            "the copies would arrive too late; set an earlier deadline",
        )

    def choice(name, choices, what):
        return r.choice(fields[name], f"print.{name}", choices, what) if name in fields else None

    def string(name):
        return r.string(fields[name], f"print.{name}") if name in fields else None

    return PrintOrder(
        quantity=_read_quantity(r, fields["quantity"], languages) if "quantity" in fields else (),
        cover_paper=cover,
        text_paper=text,
        binding=choice("binding", BINDINGS, "a binding"),
        finishing=string("finishing"),
        proof=choice("proof", PROOFS, "a kind of proof"),
        deliver_to=string("deliver_to"),
        deadline=deadline,
        contact=_read_contact(r, fields["contact"]) if "contact" in fields else None,
    )


def _read_quantity(r: Reader, node: Node, languages: tuple[str, ...]):
    """Copies per edition: {cs: 400, en: 300}; a bare number when the issue has one edition."""
    if not isinstance(node, MappingNode):
        if len(languages) == 1:
            copies = r.integer(node, "print.quantity", 1)
            return ((languages[0], copies),) if copies else ()
        example = ", ".join(f"{lang}: 300" for lang in languages)
        r.error(node, "print.quantity", f"give the copies of each edition, e.g. {{{example}}}")
        return ()
    quantity = []
    for key_node, value_node in node.value:
        lang = str(key_node.value)
        if lang not in languages:
            r.error(
                key_node,
                f"print.quantity.{clip(lang)}",
                f"not an edition of this issue (languages: {', '.join(languages)})",
            )
        elif lang in dict(quantity):
            r.error(key_node, f"print.quantity.{lang}", "duplicate language")
        else:
            copies = r.integer(value_node, f"print.quantity.{lang}", 1)
            if copies:
                quantity.append((lang, copies))
    return tuple(quantity)


def _read_papers(r: Reader, node: Node) -> tuple[Paper | None, Paper | None]:
    fields = r.mapping(node, "print.paper", PAPER_FIELDS)
    if fields is None:
        return None, None
    text = _read_paper(r, fields["text"], "print.paper.text") if "text" in fields else None
    cover = _read_paper(r, fields["cover"], "print.paper.cover") if "cover" in fields else None
    return cover, text


def _read_paper(r: Reader, node: Node, field: str) -> Paper | None:
    fields = r.mapping(node, field, PAPER_SPEC_FIELDS)
    if fields is None or len(fields) < len(PAPER_SPEC_FIELDS):
        return None
    weight = r.integer(fields["weight"], f"{field}.weight", 40, 450)
    finish = r.choice(fields["finish"], f"{field}.finish", FINISHES, "a paper finish")
    return Paper(weight, finish) if weight and finish else None


def _read_contact(r: Reader, node: Node) -> PrintContact | None:
    fields = r.mapping(node, "print.contact", CONTACT_FIELDS)
    if fields is None or "name" not in fields:
        return None
    name = r.string(fields["name"], "print.contact.name")
    phone = (
        read_phone(r, fields["phone"], "print.contact.phone", "CZ") if "phone" in fields else None
    )
    email = read_email(r, fields["email"], "print.contact.email") if "email" in fields else None
    return PrintContact(name, phone, email) if name else None


# --- what the job ticket lacks ----------------------------------------------------------------
def ticket_warnings(issue, languages: tuple[str, ...]) -> Report:
    """The job ticket of `languages` without a quantity, a deadline, a contact, or with a heavy
    cover and no finishing: warnings at issue.yaml's print: (or the file), each with the fix."""
    report = Report()
    path = issue.root / "issue.yaml"
    order = issue.print_order or PrintOrder()
    nodes = field_locations(path, "print")
    where = nodes.get("", Location(path))
    missing = [lang for lang in languages if order.copies(lang) is None]
    if missing:
        example = ", ".join(f"{lang}: 300" for lang in missing)
        report.warning(
            nodes.get("quantity", where),
            "print.quantity",
            f"no quantity for the {', '.join(missing)} edition; the printer cannot quote "
            f"without it: add print: quantity: {{{example}}}",
        )
    if order.deadline is None:
        report.warning(
            where,
            "print.deadline",
            "no delivery deadline; the printer cannot schedule the job: add print: deadline: "
            "YYYY-MM-DD",
        )
    if order.contact is None or not (order.contact.phone or order.contact.email):
        report.warning(
            nodes.get("contact", where),
            "print.contact",
            "no contact person with a phone or e-mail for the printer's questions: add "
            "print: contact: {name: …, phone: …, email: …}",
        )
    cover = order.cover_paper or order.text_paper
    if cover and cover.weight > HEAVY_COVER_G and order.finishing is None:
        report.warning(
            nodes.get("paper", where),
            "print.finishing",
            f"a {cover.weight} g/m² cover with a colour flood cracks at the fold unless it is "
            "scored: add print: finishing: scoring of the cover",
        )
    return report
