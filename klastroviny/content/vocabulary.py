"""Fixed vocabularies of the domain: the 14 EU industrial ecosystems, regions, label levels."""

from __future__ import annotations

from functools import cache

# The 14 industrial ecosystems of the updated EU industrial strategy, in the EU's order (the
# indexes list them in the edition's alphabetical order: bulletin/edition.py).
ECOSYSTEMS: dict[str, dict[str, str]] = {
    "aerospace-defence": {"cs": "letectví a obrana", "en": "aerospace & defence"},
    "agri-food": {"cs": "zemědělství a potraviny", "en": "agri-food"},
    "construction": {"cs": "stavebnictví", "en": "construction"},
    "cultural-creative": {
        "cs": "kulturní a kreativní odvětví",
        "en": "cultural & creative industries",
    },
    "digital": {"cs": "digitální technologie", "en": "digital"},
    "electronics": {"cs": "elektronika", "en": "electronics"},
    "energy-intensive": {"cs": "energeticky náročná odvětví", "en": "energy-intensive industries"},
    "renewable-energy": {"cs": "obnovitelná energie", "en": "energy – renewables"},
    "health": {"cs": "zdravotnictví", "en": "health"},
    "mobility-transport-automotive": {
        "cs": "mobilita, doprava a automobilový průmysl",
        "en": "mobility – transport – automotive",
    },
    "proximity-social-economy": {
        "cs": "sociální ekonomika a civilní bezpečnost",
        "en": "proximity, social economy & civil security",
    },
    "retail": {"cs": "maloobchod", "en": "retail"},
    "textiles": {"cs": "textil", "en": "textiles"},
    "tourism": {"cs": "cestovní ruch", "en": "tourism"},
}

# The 14 Czech regions (kraje) by ISO 3166-2 code, as Czech and English readers name them.
CZECH_REGIONS: dict[str, dict[str, str]] = {
    "CZ-10": {"cs": "Hlavní město Praha", "en": "Prague"},
    "CZ-20": {"cs": "Středočeský kraj", "en": "Central Bohemian Region"},
    "CZ-31": {"cs": "Jihočeský kraj", "en": "South Bohemian Region"},
    "CZ-32": {"cs": "Plzeňský kraj", "en": "Plzeň Region"},
    "CZ-41": {"cs": "Karlovarský kraj", "en": "Karlovy Vary Region"},
    "CZ-42": {"cs": "Ústecký kraj", "en": "Ústí nad Labem Region"},
    "CZ-51": {"cs": "Liberecký kraj", "en": "Liberec Region"},
    "CZ-52": {"cs": "Královéhradecký kraj", "en": "Hradec Králové Region"},
    "CZ-53": {"cs": "Pardubický kraj", "en": "Pardubice Region"},
    "CZ-63": {"cs": "Kraj Vysočina", "en": "Vysočina Region"},
    "CZ-64": {"cs": "Jihomoravský kraj", "en": "South Moravian Region"},
    "CZ-71": {"cs": "Olomoucký kraj", "en": "Olomouc Region"},
    "CZ-72": {"cs": "Zlínský kraj", "en": "Zlín Region"},
    "CZ-80": {"cs": "Moravskoslezský kraj", "en": "Moravian-Silesian Region"},
}

LABEL_LEVELS = ("bronze", "silver", "gold")

# Languages for which the layouts carry all fixed wording.
EDITION_LANGUAGES = ("cs", "en")


def ecosystem_name(ecosystem: str, lang: str) -> str:
    """The name as it reads in running text and on a profile's labels: lower case."""
    return ECOSYSTEMS[ecosystem][lang]


def ecosystem_heading(ecosystem: str, lang: str) -> str:
    """The name as a heading of the indexes: the first letter capital, the rest as written
    ('Letectví a obrana', 'Aerospace & defence'), as Czech headings are set."""
    name = ecosystem_name(ecosystem, lang)
    return name[:1].upper() + name[1:]


@cache
def _subdivisions(country: str) -> dict[str, str]:
    import pycountry

    return {s.code: s.name for s in pycountry.subdivisions.get(country_code=country) or ()}


def is_country(code: str) -> bool:
    import pycountry

    return pycountry.countries.get(alpha_2=code) is not None


def regions_of(country: str) -> dict[str, str]:
    """ISO 3166-2 codes valid for the seat of a cluster in `country` (top-level units for CZ)."""
    if country == "CZ":
        return {code: names["cs"] for code, names in CZECH_REGIONS.items()}
    return _subdivisions(country)


def region_name(code: str, lang: str) -> str:
    if code in CZECH_REGIONS:
        return CZECH_REGIONS[code][lang]
    return _subdivisions(code.split("-")[0]).get(code, code)


def country_name(code: str, lang: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if lang == "cs":
        import gettext

        try:
            translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["cs"])
            return translation.gettext(country.name)
        except OSError:
            pass
    return country.name


# --- matching what people type (check's hints and the spreadsheet import) ---------------------
# Academic and professional titles, as written in Czech (Bc., Ing., … before the name; Ph.D.,
# CSc., … after it, set off with a comma). Matched longest first ("Ing. arch." before "Ing.").
TITLES_BEFORE = (
    "Ing. arch.", "Mgr. art.", "akad. mal.", "akad. soch.", "prof.", "doc.", "Bc.", "BcA.",
    "Ing.", "Mgr.", "MgA.", "MUDr.", "MDDr.", "MVDr.", "RNDr.", "PhDr.", "JUDr.", "PharmDr.",
    "ThDr.", "ThLic.", "PaedDr.", "RSDr.", "ICDr.", "Dr.", "PhMr.", "ak. mal.",
)  # fmt: skip
TITLES_AFTER = (
    "Ph.D.", "Th.D.", "CSc.", "DrSc.", "DSc.", "DiS.", "MBA", "MPA", "LL.M.", "LL.B.", "MSc.",
    "BSc.", "M.A.", "B.A.", "dr. h. c.",
)  # fmt: skip

_YES = {"true", "yes", "ano", "a", "y", "1", "x", "✓", "✔"}
_NO = {"false", "no", "ne", "n", "0"}
_FILLER_WORDS = {"kraj", "region", "and", "a"}


def fold(text: str, fillers: bool = False) -> str:
    """A key for matching what people type: no accents, no case, words of letters and digits
    only; without the filler words (kraj, region, and) that people leave out or add, unless
    `fillers`."""
    import unicodedata

    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return " ".join(word for word in words if fillers or word not in _FILLER_WORDS)


def yes_no(text: str) -> bool | None:
    """ano/ne, yes/no, true/false, 1/0, x → True/False; anything else None."""
    word = fold(text) if text.strip() not in ("✓", "✔") else "x"
    if not word and text.strip().casefold() == "a":  # fold drops the Czech "a" (= and)
        return True
    return True if word in _YES else False if word in _NO else None


@cache
def _region_names(country: str) -> dict[str, str]:
    """Folded code and Czech/English names → ISO 3166-2 code."""
    names: dict[str, str] = {}
    if country == "CZ":
        for code, by_lang in CZECH_REGIONS.items():
            for name in (code, *by_lang.values()):
                names[fold(name)] = code
        names[fold("Praha")] = "CZ-10"
        return names
    for code, name in _subdivisions(country).items():
        names.setdefault(fold(code), code)
        names.setdefault(fold(name), code)
    return names


def match_region(text: str, country: str) -> str | None:
    """The region code that `text` names (a code, or a Czech or English name), or None."""
    return _region_names(country).get(fold(text))


@cache
def _ecosystem_names() -> dict[str, tuple[str, str]]:
    """Folded id and display names → (id, "id"|language of the name)."""
    names: dict[str, tuple[str, str]] = {}
    for ecosystem, by_lang in ECOSYSTEMS.items():
        for lang, name in by_lang.items():
            names.setdefault(fold(name), (ecosystem, lang))
    for ecosystem in ECOSYSTEMS:
        names.setdefault(fold(ecosystem), (ecosystem, "id"))
    return names


def match_ecosystem(text: str) -> tuple[str, str] | None:
    """(id, how it was named: "id", "cs" or "en") for an id or a display name, or None."""
    return _ecosystem_names().get(fold(text))


def split_titles(full_name: str) -> tuple[str | None, str, str | None]:
    """'Ing. Petr Dvořák, Ph.D.' → ('Ing.', 'Petr Dvořák', 'Ph.D.'), by the title lists."""
    rest = " ".join(full_name.split())
    before: list[str] = []
    while match := next(
        (t for t in _longest_first(TITLES_BEFORE) if _starts_with_title(rest, t)), None
    ):
        before.append(match)
        rest = rest[len(match) :].lstrip(" ,")
    name, _, after_part = rest.partition(",")
    after = [t.strip() for t in after_part.split(",") if t.strip()]
    if not all(t in TITLES_AFTER for t in after):
        name, after = rest, []  # 'Dvořák, Petr' or 'Petr Dvořák, ředitel': no titles there
    while match := next((t for t in _longest_first(TITLES_AFTER) if name.endswith(" " + t)), None):
        after.insert(0, match)
        name = name[: -len(match)].rstrip(" ,")
    return (" ".join(before) or None, name.strip(), ", ".join(after) or None)


@cache
def _longest_first(titles: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(titles, key=len, reverse=True))


def _starts_with_title(text: str, title: str) -> bool:
    return text.casefold().startswith(title.casefold() + " ") and len(text) > len(title) + 1
