"""Stage 3, text craft: Czech and English typography applied at render time (source YAML stays
plain). Rules from ÚJČ and ČSN 01 6910; see docs/format.md and ../shared/DOMAIN.md.
"""

from __future__ import annotations

import datetime as dt
import re

NBSP = "\u00a0"

_ONE_LETTER_WORD = re.compile(r"(?<![\w.\-])([ksvzouaiKSVZOUAI]) ")
_INITIAL = re.compile(r"(?<![\w.])([A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ]\.) (?=[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ])")
_TITLE = re.compile(
    r"\b(Ing|Mgr|MgA|Bc|BcA|MUDr|MVDr|MDDr|RNDr|PhDr|JUDr|PharmDr|PaedDr|ThDr|Dr|doc|prof)\. "
)
_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})((?: \d{3})+)(?![\d])")
_UNIT = re.compile(
    r"(\d) (%|‰|Kč|EUR|€|USD|kg|t|g|km|m|cm|mm|µm|nm|m²|m³|ha|l|°C|K|W|kW|MW|GW|kWh|MWh|GWh|"
    r"h|min|mil\.|mld\.|tis\.|ks|let|roků|rok|firem|členů|zaměstnanců)(?![\w])"
)
_SECTION = re.compile(r"(§|č\.|s\.|str\.|tel\.) (?=[\d+])")  # tel. +420 too
_DAY_MONTH = re.compile(
    r"\b(\d{1,2}\.) (?=\d{1,2}\.|ledna|února|března|dubna|května|června|července|srpna|září|"
    r"října|listopadu|prosince)"
)
_LEGAL_FORM = re.compile(r"\b(s\. r\. o\.|a\. s\.|z\. s\.|z\. ú\.|o\. p\. s\.|v\. o\. s\.|k\. s\.)")
# A legal form written without its spaces ('z.s.'), as Czech writes it with them ('z. s.').
_COMPACT_LEGAL_FORM = re.compile(
    r"(?<![\w.])(s\.r\.o|a\.s|z\.s|z\.ú|o\.p\.s|v\.o\.s|k\.s)\.(?!\w)", re.IGNORECASE
)
_EN_PERCENT = re.compile(r"(\d) %")  # English sets 25%, Czech 25 %
_EN_DATE = re.compile(
    r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|"
    r"November|December) (\d{4})\b"
)
_PHONE = re.compile(r"\+\d{1,3}(?: \d{2,4}){2,4}")
_NUMBER_RANGE = re.compile(r"(?<![\w\-+])(\d+)-(\d+)(?![\w\-])")
_SPACED_HYPHEN = re.compile(r"(?<=\S) - (?=\S)")

CZECH_MONTHS = (
    "ledna",
    "února",
    "března",
    "dubna",
    "května",
    "června",
    "července",
    "srpna",
    "září",
    "října",
    "listopadu",
    "prosince",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def craft(text: str, lang: str) -> str:
    """Typeset plain text for the edition language: quotes, dashes, no-break spaces."""
    text = text.replace("...", "…")
    text = _SPACED_HYPHEN.sub(NBSP + "– ", text)
    text = _NUMBER_RANGE.sub(r"\1–\2", text)
    text = _quotes(text, lang)
    text = _PHONE.sub(lambda m: m.group(0).replace(" ", NBSP), text)
    text = _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", NBSP), text)
    if lang == "en":
        text = _EN_PERCENT.sub(r"\1%", text)
        text = _EN_DATE.sub(rf"\1{NBSP}\2{NBSP}\3", text)
    text = _UNIT.sub(rf"\1{NBSP}\2", text)
    if lang == "cs":
        text = _czech_spaces(text)
    return text


def _czech_spaces(text: str) -> str:
    text = _COMPACT_LEGAL_FORM.sub(lambda m: m.group(0).replace(".", ". ").rstrip(), text)
    text = _LEGAL_FORM.sub(lambda m: m.group(0).replace(" ", NBSP), text)
    text = _SECTION.sub(rf"\1{NBSP}", text)
    text = _DAY_MONTH.sub(rf"\1{NBSP}", text)
    text = _TITLE.sub(rf"\1.{NBSP}", text)
    text = _INITIAL.sub(rf"\1{NBSP}", text)
    # Twice, because a chain ("a v Praze") shares the space between two matches.
    for _ in range(2):
        text = _ONE_LETTER_WORD.sub(rf"\1{NBSP}", text)
    return text


_QUOTE_MARKS = {
    "cs": {'"': ("„", "“"), "'": ("‚", "‘")},
    "en": {'"': ("“", "”"), "'": ("‘", "’")},
}


def _quotes(text: str, lang: str) -> str:
    """Straight quotes to the language's quotes; an apostrophe inside a word stays one."""
    marks = _QUOTE_MARKS.get(lang, _QUOTE_MARKS["en"])
    out = []
    for index, char in enumerate(text):
        if char not in marks:
            out.append(char)
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        opening, closing = marks[char]
        if char == "'" and before.isalnum() and after.isalnum():
            out.append("’")  # an apostrophe: don't, O'Neil
        elif before.isspace() or before in "([{„‚“‘–—/" + NBSP:
            out.append(opening)
        else:
            out.append(closing)
    return "".join(out)


def format_date(day: dt.date, lang: str) -> str:
    """26. září 2022 / 26 September 2022, with the day tied to the month."""
    if lang == "cs":
        return f"{day.day}.{NBSP}{CZECH_MONTHS[day.month - 1]} {day.year}"
    return f"{day.day}{NBSP}{ENGLISH_MONTHS[day.month - 1]} {day.year}"


def format_number(value: int, lang: str) -> str:
    """Thousands grouped with a no-break space (cs) or a comma (en); four digits stay whole."""
    if abs(value) < 10_000:
        return str(value)
    grouped = f"{value:,}"
    return grouped.replace(",", NBSP) if lang == "cs" else grouped


def format_phone(e164: str) -> str:
    """+420 601 123 456: the international format, with no-break spaces."""
    import phonenumbers

    number = phonenumbers.parse(e164, None)
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return text.replace(" ", NBSP)


# --- where lines may break -------------------------------------------------------------------
# An e-mail or web address breaks, if it must, only after '@' or before a '.' or '/' (Chicago
# Manual of Style), never at one of its own hyphens: a reader would take it for hyphenation.

_ADDRESS_BREAK = re.compile(r"(?=[./])")


def email_segments(address: str) -> list[str]:
    """'michal.sebesta@energeticky-klastr.example' → ['michal.sebesta@',
    'energeticky-klastr', '.example']: the parts that stay whole, in order. The local part (a
    person's name) stays whole."""
    local, at, domain = address.partition("@")
    if not at:
        return web_segments(address)
    return [local + at, *web_segments(domain)]


def web_segments(address: str) -> list[str]:
    """'example.com/cs/klastr-abc' → ['example', '.com', '/cs', '/klastr-abc']."""
    return [part for part in _ADDRESS_BREAK.split(address) if part]


# Proper names are not hyphenated. In Czech (and mostly in English) only proper names and the
# first word of a sentence are capitalised: every capitalised word is kept whole, which costs
# a sentence's first word its hyphenation and nothing else.
_WORD = re.compile(r"\w+(?:[-’']\w+)*")
_TAG = re.compile(r"(<[^>]*>|&#?\w+;)")  # tags and entities: never inside a word
_BLOCK_END = re.compile(r"</(?:p|li)>")
NO_HYPHENS = '<span class="no-hyphens">{}</span>'


def unhyphenated(html: str, names: tuple[str, ...] = ()) -> str:
    """HTML with what must not be hyphenated marked: the `names` (as they appear in the text,
    in any case), every capitalised word, and the last word of each paragraph and list item
    (and of the whole text), so that no fragment of a word stands alone on a last line.
    `html` is escaped text with tags (markdown-it's output); `names` are plain text."""
    pieces = _TAG.split(html)
    last_words = _last_word_pieces(pieces)
    phrases = [re.escape(_escape(name)) for name in sorted(names, key=len, reverse=True) if name]
    named = re.compile(rf"(?<!\w)(?:{'|'.join(phrases)})(?!\w)", re.I) if phrases else None
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag
            out.append(piece)
            continue
        spans = [m.span() for m in named.finditer(piece)] if named else []
        words = list(_WORD.finditer(piece))
        spans += [w.span() for w in words if w.group()[0].isupper()]
        if index in last_words and words:
            spans.append(words[-1].span())
        out.append(_wrap(piece, spans))
    return "".join(out)


def _last_word_pieces(pieces: list[str]) -> set[int]:
    """Indexes of the text pieces that hold the last word of a paragraph or list item."""
    found, last = set(), None
    for index, piece in enumerate(pieces):
        if index % 2 == 0 and _WORD.search(piece):
            last = index
        elif index % 2 and _BLOCK_END.fullmatch(piece) and last is not None:
            found.add(last)
            last = None
    if last is not None:
        found.add(last)
    return found


def _wrap(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each of the (merged) spans wrapped in NO_HYPHENS, the space before it
    inside: WeasyPrint 70 measures a text that ends in a space before an inline box with the
    space, and hyphenates the next line's first word alone on its line when it is a hair too
    wide (a line 'elek‐' above 'trárny')."""
    out, position = [], 0
    for start, end in _merged(spans):
        if start > position and text[start - 1] in " " + NBSP:
            start -= 1
        out += [text[position:start], NO_HYPHENS.format(text[start:end])]
        position = end
    out.append(text[position:])
    return "".join(out)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
