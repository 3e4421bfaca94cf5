"""Fixed vocabularies of the domain: the 14 EU industrial ecosystems, regions, label levels."""

from __future__ import annotations

from functools import cache

# The 14 industrial ecosystems of the updated EU industrial strategy, in the EU's order.
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
    return ECOSYSTEMS[ecosystem][lang]


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
