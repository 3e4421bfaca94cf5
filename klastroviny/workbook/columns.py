"""The workbook's contract: its two sheets, their columns, and the Czech names they may have.

Headers are matched with accents, case, spaces and underscores ignored (`Název CS` is
`name_cs`). A column of a text in the editions' languages is `<field>_<lang>`; the same field
without a language (`name`) holds one text for every edition.
"""

from __future__ import annotations

from dataclasses import dataclass

from klastroviny.content import vocabulary

CLUSTERS, CONTACTS = "clusters", "contacts"

# field → Czech names, in the order of the exported sheet. Per-language fields are in
# LANGUAGE_FIELDS; their Czech names take the same `_<lang>` suffix.
CLUSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("identifikátor", "kód"),
    "name": ("název", "jméno"),
    "short_name": ("krátký_název", "zkratka"),
    "sort_as": ("řadit_jako",),
    "country": ("země", "stát"),
    "region": ("kraj",),
    "city": ("město", "sídlo"),
    "founded": ("založen", "rok_založení"),
    "members": ("členové", "počet_členů"),
    "ecosystems": ("ekosystémy",),
    "label_level": ("certifikát", "značka"),
    "label_valid_until": ("certifikát_platí_do", "značka_platí_do"),
    "website": ("web", "webové_stránky"),
    "logo": (),
    "stand": ("stánek",),
    "description": ("popis",),
    "offer": ("nabídka",),
    "keywords": ("klíčová_slova",),
}
CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "cluster_id": ("klastr", "id_klastru"),
    "name": ("jméno", "jméno_a_příjmení"),
    "title_before": ("titul_před", "titul_před_jménem"),
    "title_after": ("titul_za", "titul_za_jménem"),
    "role": ("funkce", "pozice"),
    "phone": ("telefon",),
    "email": ("e-mail", "mail"),
    "in_index": ("v_rejstříku", "do_rejstříku"),
    "consent": ("souhlas",),
}
LANGUAGE_FIELDS = {
    CLUSTERS: ("name", "short_name", "description", "offer", "keywords"),
    CONTACTS: ("role",),
}
COLUMNS = {CLUSTERS: CLUSTER_COLUMNS, CONTACTS: CONTACT_COLUMNS}
SHEET_NAMES = {CLUSTERS: ("klastry",), CONTACTS: ("kontakty",)}


@dataclass(frozen=True)
class Column:
    field: str
    lang: str | None  # a language column's language; None: the same in every edition


def headers(sheet: str, languages: tuple[str, ...]) -> list[str]:
    """The exported header row: English names, language columns for the issue's editions."""
    names = []
    for field in COLUMNS[sheet]:
        if field in LANGUAGE_FIELDS[sheet]:
            names += [f"{field}_{lang}" for lang in languages]
        else:
            names.append(field)
    return names


def known_headers(sheet: str, languages: tuple[str, ...]) -> dict[str, Column]:
    """Every accepted header, folded, → its column."""
    known: dict[str, Column] = {}
    for field, czech in COLUMNS[sheet].items():
        for name in (field, *czech):
            known[vocabulary.fold(name, fillers=True)] = Column(field, None)
            if field in LANGUAGE_FIELDS[sheet]:
                for lang in languages:
                    known[vocabulary.fold(f"{name}_{lang}", fillers=True)] = Column(field, lang)
    return known


def sheet_kind(name: str) -> str | None:
    """clusters or contacts for a sheet (or CSV file) named so, in English or Czech."""
    folded = vocabulary.fold(name, fillers=True)
    for kind in (CLUSTERS, CONTACTS):
        if folded in (kind, *(vocabulary.fold(n, fillers=True) for n in SHEET_NAMES[kind])):
            return kind
    return None
