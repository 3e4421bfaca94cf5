"""Stage 2, model: turn the loaded YAML nodes into the immutable model, collecting every problem.

Each check reports at the position of the offending value (or of the mapping that lacks a
required field), as `file:line:col: field.path: message`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import pickle
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from klastroviny.caching import code_digest, file_digest, store
from klastroviny.content import logos, vocabulary
from klastroviny.content.load import Document, entry_files, node_location, read_document, unreadable
from klastroviny.content.model import Contact, Entry, Issue, Label, Text, TextList
from klastroviny.errors import Location, Report
from klastroviny.resources import layout_names
from klastroviny.text import markup

ISSUE_FIELDS = {
    "title": True,
    "subtitle": False,
    "number": False,
    "date": True,
    "event": False,
    "publisher": True,
    "languages": False,
    "layout": False,
    "foreword": False,
    "order": False,
    "manual_order": False,
}
ENTRY_FIELDS = {
    "name": True,
    "short_name": False,
    "sort_as": False,
    "country": False,
    "region": True,
    "city": True,
    "founded": False,
    "members": False,
    "ecosystems": True,
    "label": False,
    "website": True,
    "logo": False,
    "description": True,
    "offer": False,
    "keywords": False,
    "stand": False,
    "contacts": True,
}
CONTACT_FIELDS = {
    "name": True,
    "title_before": False,
    "title_after": False,
    "role": False,
    "phone": False,
    "email": False,
    "in_index": False,
    "consent": True,
}
LABEL_FIELDS = {"level": True, "valid_until": True}

DEFAULT_LAYOUT = "a5-booklet"
MAX_TEXT_CHARS = 20_000
MAX_LIST_ITEMS = 50
MAX_LIST_ITEM_CHARS = 200
MAX_CONTACTS = 20
MAX_INTEGER_DIGITS = 18
MAX_SHOWN_CHARS = 60  # of a wrong value quoted in a message
_DECIMAL = re.compile(r"[+-]?(0|[1-9][0-9]*)")
_YAML_TYPES = {
    "str": "text",
    "int": "number",
    "float": "number",
    "bool": "true/false value",
    "null": "empty value",
    "timestamp": "date",
    "binary": "binary value",
    "set": "set",
}


class Reader:
    """Reads typed values out of one document's nodes, reporting problems with positions."""

    def __init__(self, path: Path, report: Report, languages: tuple[str, ...] | None):
        self.path = path
        self.report = report
        self.languages = languages  # None: unknown (issue.yaml is broken), warn about none

    # --- reporting -------------------------------------------------------------------------
    def error(self, node: Node, field: str, message: str) -> None:
        self.report.error(node_location(self.path, node), field, message)

    def warning(self, node: Node, field: str, message: str) -> None:
        self.report.warning(node_location(self.path, node), field, message)

    def wrong_type(self, node: Node, field: str, expected: str) -> None:
        got = describe(node)
        hint = ""
        if isinstance(node, ScalarNode) and not node.style and expected == "text":
            if got in ("true/false value", "number", "date"):
                shown = _clip(node.value)
                hint = f'; YAML reads {shown} as a {got}: put it in quotes: "{shown}"'
        self.error(node, field, f"expected {expected}, got {_article(got)}{hint}")

    # --- structure -------------------------------------------------------------------------
    def mapping(self, node: Node, field: str, fields: dict[str, bool]) -> dict[str, Node] | None:
        """The known fields of a mapping; reports unknown, duplicate and missing ones."""
        if not isinstance(node, MappingNode):
            self.wrong_type(node, field, "a mapping of fields (key: value lines)")
            return None
        found: dict[str, Node] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key_path = _join(field, _clip(str(key_node.value)))
            if not (isinstance(key_node, ScalarNode) and key_node.tag.endswith(":str")):
                self.error(key_node, field, f"field names are words, not {describe(key_node)}")
                continue
            key = key_node.value
            if key in first_seen:
                line = first_seen[key].start_mark.line + 1
                self.error(key_node, key_path, f"duplicate field (first given on line {line})")
                continue
            first_seen[key] = key_node
            if key not in fields:
                hint = _did_you_mean(key, fields) if len(key) <= MAX_LIST_ITEM_CHARS else ""
                self.error(key_node, key_path, "unknown field" + hint)
                continue
            found[key] = value_node
        for name, required in fields.items():
            if required and name not in found:
                self.error(node, _join(field, name), "missing required field")
        return found

    def sequence(self, node: Node, field: str, max_items: int = MAX_LIST_ITEMS) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.wrong_type(node, field, "a list")
            return []
        if len(node.value) > max_items:
            self.error(node, field, f"{len(node.value)} items; at most {max_items} are allowed")
            return []
        return list(node.value)

    # --- scalars ---------------------------------------------------------------------------
    def string(self, node: Node, field: str, max_chars: int = MAX_LIST_ITEM_CHARS) -> str | None:
        if not (isinstance(node, ScalarNode) and node.tag.endswith(":str")):
            self.wrong_type(node, field, "text")
            return None
        value = node.value.strip()
        if not value:
            self.error(node, field, "must not be empty")
            return None
        if len(value) > max_chars:
            self.error(node, field, f"{len(value):,} characters; at most {max_chars:,} allowed")
            return None
        return value

    def integer(self, node: Node, field: str, low: int, high: int | None = None) -> int | None:
        if not (isinstance(node, ScalarNode) and node.tag.endswith(":int")):
            self.wrong_type(node, field, "a whole number")
            return None
        if not _DECIMAL.fullmatch(node.value.replace(" ", "")):
            self.error(
                node,
                field,
                f"'{_clip(node.value)}' is not a plain decimal number "
                "(YAML reads leading zeros as octal); write it like 2006",
            )
            return None
        upper = f" and {high}" if high is not None else ""
        between = f"between {low}{upper}" if upper else f"at least {low}"
        if len(node.value) > MAX_INTEGER_DIGITS:  # int() of a huge text is slow, then refused
            self.error(node, field, f"'{_clip(node.value)}' is out of range; it must be {between}")
            return None
        value = int(node.value)
        if value < low or (high is not None and value > high):
            self.error(node, field, f"{value} is out of range; it must be {between}")
            return None
        return value

    def date(self, node: Node, field: str) -> dt.date | None:
        if isinstance(node, ScalarNode) and node.tag.endswith((":timestamp", ":str")):
            try:
                return dt.date.fromisoformat(node.value.strip())
            except ValueError:
                pass
        if isinstance(node, ScalarNode) and node.tag.endswith((":timestamp", ":str")):
            self.error(node, field, f"'{_clip(node.value)}' is not a date; write it as YYYY-MM-DD")
        else:
            self.wrong_type(node, field, "a date (YYYY-MM-DD)")
        return None

    def boolean(self, node: Node, field: str) -> bool | None:
        if not (isinstance(node, ScalarNode) and node.tag.endswith(":bool")):
            self.wrong_type(node, field, "true or false")
            return None
        return node.value.lower() in ("true", "yes", "on", "y")

    def choice(self, node: Node, field: str, choices, what: str) -> str | None:
        value = self.string(node, field)
        if value is None:
            return None
        if value not in choices:
            self.error(
                node,
                field,
                f"'{value}' is not {what}" + _did_you_mean(value, choices, show_all=True),
            )
            return None
        return value

    # --- texts in edition languages --------------------------------------------------------
    def text(
        self,
        node: Node,
        field: str,
        max_chars: int = MAX_LIST_ITEM_CHARS,
        check: Callable[[str], list[str]] | None = None,
    ) -> Text | None:
        """A plain string (every edition) or a mapping language → string."""
        if isinstance(node, MappingNode):
            errors_before = len(self.report.errors)
            values = []
            for lang, value_node in self._language_items(node, field):
                value = self.string(value_node, _join(field, lang), max_chars)
                if value is not None:
                    values.append((lang, value))
                    self._check_text(value_node, _join(field, lang), value, check)
            if not values:
                if len(self.report.errors) == errors_before:
                    editions = ", ".join(self.languages or vocabulary.EDITION_LANGUAGES)
                    self.error(node, field, f"no text in a language of this issue ({editions})")
                return None
            text = Text(tuple(values))
            self._warn_missing_languages(node, field, text.has)
            return text
        value = self.string(node, field, max_chars)
        if value is None:
            return None
        self._check_text(node, field, value, check)
        return Text.plain(value)

    def text_list(self, node: Node, field: str) -> TextList | None:
        """A list of short texts, or a mapping language → list of short texts."""
        if isinstance(node, MappingNode):
            values = []
            for lang, value_node in self._language_items(node, field):
                values.append((lang, self._string_list(value_node, _join(field, lang))))
            text_list = TextList(tuple(values))
            self._warn_missing_languages(node, field, text_list.has)
            return text_list
        return TextList((("*", self._string_list(node, field)),))

    def _string_list(self, node: Node, field: str) -> tuple[str, ...]:
        items = []
        for index, item in enumerate(self.sequence(node, field)):
            value = self.string(item, f"{field}[{index}]")
            if value is not None:
                items.append(value)
        return tuple(items)

    def _language_items(self, node: MappingNode, field: str):
        seen = set()
        for key_node, value_node in node.value:
            lang = key_node.value if isinstance(key_node, ScalarNode) else None
            if lang not in vocabulary.EDITION_LANGUAGES:
                self.error(
                    key_node,
                    field,
                    f"'{_clip(str(lang))}' is not a language of the bulletin; "
                    f"use {' or '.join(vocabulary.EDITION_LANGUAGES)}",
                )
            elif lang in seen:
                self.error(key_node, _join(field, lang), "duplicate language")
            elif self.languages is not None and lang not in self.languages:
                seen.add(lang)
                self.warning(
                    key_node,
                    _join(field, lang),
                    f"'{lang}' is not an edition of this "
                    f"issue (languages: {', '.join(self.languages)}); it is not printed",
                )
            else:
                seen.add(lang)
                yield lang, value_node

    def _warn_missing_languages(self, node: Node, field: str, has: Callable[[str], bool]) -> None:
        for lang in self.languages or ():
            if not has(lang):
                fallback = next((code for code in self.languages if has(code)), None)
                if fallback:
                    self.warning(
                        node,
                        field,
                        f"no '{lang}' text; the {lang} edition prints the {fallback} text",
                    )

    def _check_text(self, node, field, value, check) -> None:
        for message in check(value) if check else ():
            self.error(node, field, message)


# --- issue.yaml ------------------------------------------------------------------------------
def load_issue(issue_dir: Path, cache: Path | None = None) -> tuple[Issue | None, Report]:
    """Read and validate a whole issue folder. The Issue is None when any error was found.
    With a cache folder, entries whose file (and logo) did not change are not read again."""
    report = Report()
    issue_dir = Path(issue_dir)
    issue_path = issue_dir / "issue.yaml"
    try:
        if not issue_dir.is_dir():
            report.error(Location(issue_dir), "", "no such issue folder")
            return None, report
        if not issue_path.is_file():
            report.error(Location(issue_path), "", "the issue folder has no issue.yaml")
            return None, report
    except OSError as error:
        report.error(Location(issue_dir), "", unreadable(error, "folder"))
        return None, report
    root = issue_dir.resolve()
    issue_doc = read_document(issue_path, report)
    head = _read_issue_head(issue_doc, report) if issue_doc else None
    languages = head["languages"] if head else None
    issue_date = head["date"] if head and head["date"] else None

    entries = []
    name_locations = {}
    paths = entry_files(issue_dir / "entries", report)
    context = repr((str(root), languages, issue_date))
    for path in paths:
        entry, name_location = _load_entry(
            path, root, languages, issue_date, report, cache, context
        )
        if entry is not None:
            entries.append(entry)
            name_locations[entry.id] = name_location
    _check_unique_names(entries, name_locations, report)
    if head is not None:
        # every well-named file, so that a broken entry is not also "missing" from manual_order
        _check_order(head, [path.stem for path in paths], issue_doc, report)
    if not entries and not report.errors:
        report.error(Location(issue_dir / "entries"), "", "the issue has no entries")
    if report.errors or head is None:
        return None, report
    issue = Issue(
        slug=issue_dir.resolve().name,
        root=root,
        entries=tuple(entries),
        **{key: value for key, value in head.items() if key not in ("nodes",)},
    )
    return issue, report


def _read_issue_head(document: Document, report: Report) -> dict | None:
    probe = Reader(document.path, report, ("cs",))
    fields = probe.mapping(document.root, "", ISSUE_FIELDS)
    if fields is None:
        return None
    languages = ("cs",)
    if "languages" in fields:
        languages = _read_languages(probe, fields["languages"]) or languages
    r = Reader(document.path, report, languages)
    text = r.text
    layout = DEFAULT_LAYOUT
    if "layout" in fields:
        layout = r.choice(fields["layout"], "layout", layout_names(), "a layout under layouts/")
    head = {
        "title": text(fields["title"], "title") if "title" in fields else None,
        "subtitle": text(fields["subtitle"], "subtitle") if "subtitle" in fields else None,
        "number": r.integer(fields["number"], "number", 1) if "number" in fields else None,
        "date": r.date(fields["date"], "date") if "date" in fields else None,
        "event": text(fields["event"], "event") if "event" in fields else None,
        "publisher": text(fields["publisher"], "publisher") if "publisher" in fields else None,
        "languages": languages,
        "layout": layout,
        "foreword": text(fields["foreword"], "foreword", MAX_TEXT_CHARS, markup.link_problems)
        if "foreword" in fields
        else None,
        "order": r.choice(fields["order"], "order", ("name", "manual"), "name or manual")
        if "order" in fields
        else "name",
        "manual_order": (),
        "nodes": fields,
    }
    return head


def _read_languages(r: Reader, node: Node) -> tuple[str, ...] | None:
    langs = []
    for index, item in enumerate(r.sequence(node, "languages")):
        lang = r.choice(
            item,
            f"languages[{index}]",
            vocabulary.EDITION_LANGUAGES,
            "a language the layouts are written in",
        )
        if lang in langs:
            r.error(item, f"languages[{index}]", f"'{lang}' is listed twice")
        elif lang:
            langs.append(lang)
    return tuple(langs) or None


def _check_order(head: dict, entry_ids: list[str], document: Document, report: Report) -> None:
    nodes = head.pop("nodes")
    r = Reader(document.path, report, head["languages"])
    node = nodes.get("manual_order")
    if head["order"] != "manual":
        if node is not None:
            r.warning(node, "manual_order", "ignored, because order is not 'manual'")
        return
    if node is None:
        r.error(
            document.root,
            "manual_order",
            "missing; 'order: manual' needs the list of entry ids in printed order",
        )
        return
    listed: list[str] = []
    for index, item in enumerate(r.sequence(node, "manual_order", max_items=100_000)):
        entry_id = r.string(item, f"manual_order[{index}]")
        if entry_id is None:
            continue
        if entry_id in listed:
            r.error(item, f"manual_order[{index}]", f"'{entry_id}' is listed twice")
        elif entry_id not in entry_ids:
            r.error(
                item,
                f"manual_order[{index}]",
                f"no entry '{entry_id}' in entries/" + _did_you_mean(entry_id, entry_ids),
            )
        else:
            listed.append(entry_id)
    missing = [entry_id for entry_id in entry_ids if entry_id not in listed]
    if missing:
        r.error(
            node,
            "manual_order",
            f"does not list {', '.join(missing)}; list every entry exactly once",
        )
    head["manual_order"] = tuple(listed)


# --- entries/<id>.yaml -----------------------------------------------------------------------
def _load_entry(path, root, languages, issue_date, report, cache, context):
    """One entry and where its name is written; from the cache if its file is unchanged."""
    cached = EntryCache(cache, path, context) if cache else None
    if cached and (hit := cached.get()) is not None:
        entry, problems, name_location = hit
        report.problems.extend(problems)
        return entry, name_location
    own = Report()
    document = read_document(path, own)
    entry = name_location = None
    if document is not None:
        entry = _read_entry(document, Reader(path, own, languages), root, issue_date)
    if entry is not None:
        name_location = _name_location(entry, document.root)
        if cached:
            cached.put((entry, own.problems, name_location))
    report.extend(own)
    return entry, name_location


class EntryCache:
    """A valid entry as read from its file (pickled under build/.cache/entries/), keyed by
    the file's bytes, the issue's languages and date, and klastroviny's code; the logo's
    digest is checked too, as reading an entry checks its logo."""

    def __init__(self, folder: Path, path: Path, context: str):
        self.entry_path = path
        self.data_digest = file_digest(path)
        key = f"{code_digest()}\0{path}\0{context}\0{self.data_digest}"
        self.key = hashlib.sha256(key.encode()).hexdigest()
        self.path = None if self.data_digest == "missing" else folder / self.key[:2] / self.key

    def get(self):
        if self.path is None:
            return None
        try:
            logo, logo_digest, record = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None  # missing or damaged: read the entry again
        if logo is not None and file_digest(logo) != logo_digest:
            return None
        return record

    def put(self, record) -> None:
        if self.path is None or file_digest(self.entry_path) != self.data_digest:
            return  # saved again while it was read: keep nothing
        logo = record[0].logo
        store(self.path, pickle.dumps((logo, file_digest(logo) if logo else None, record)))


def _read_entry(
    document: Document, r: Reader, issue_root: Path, issue_date: dt.date | None
) -> Entry | None:
    errors_before = len(r.report.errors)
    fields = r.mapping(document.root, "", ENTRY_FIELDS)
    if fields is None:
        return None
    get = fields.get
    country = r.string(fields["country"], "country") if "country" in fields else "CZ"
    if country and not vocabulary.is_country(country):
        r.error(
            fields["country"],
            "country",
            f"'{country}' is not an ISO 3166-1 alpha-2 country code (e.g. CZ, SK, PL)",
        )
        country = None
    year = issue_date.year if issue_date else dt.date.today().year
    values = {
        "name": r.text(fields["name"], "name") if "name" in fields else None,
        "short_name": r.string(get("short_name"), "short_name") if get("short_name") else None,
        "sort_as": r.string(get("sort_as"), "sort_as") if get("sort_as") else None,
        "country": country,
        "region": _read_region(r, get("region"), country),
        "city": r.string(fields["city"], "city") if "city" in fields else None,
        "founded": r.integer(get("founded"), "founded", 1900, year) if get("founded") else None,
        "members": r.integer(get("members"), "members", 0) if get("members") else None,
        "ecosystems": _read_ecosystems(r, get("ecosystems")),
        "label": _read_label(r, get("label"), issue_date) if get("label") else None,
        "website": _read_url(r, get("website"), "website") if get("website") else None,
        "logo": _read_logo(r, get("logo"), issue_root) if get("logo") else None,
        "description": r.text(
            fields["description"], "description", MAX_TEXT_CHARS, markup.link_problems
        )
        if "description" in fields
        else None,
        "offer": r.text_list(get("offer"), "offer") if get("offer") else None,
        "keywords": r.text_list(get("keywords"), "keywords") if get("keywords") else None,
        "stand": r.string(get("stand"), "stand") if get("stand") else None,
        "contacts": _read_contacts(r, get("contacts"), country),
    }
    if len(r.report.errors) > errors_before:
        return None
    return Entry(id=document.path.stem, source=document.path, **values)


def _read_region(r: Reader, node: Node | None, country: str | None) -> str | None:
    if node is None:
        return None
    region = r.string(node, "region")
    if region is None or country is None:
        return None
    regions = vocabulary.regions_of(country)
    if region not in regions:
        listing = (
            ", ".join(f"{code} {name}" for code, name in regions.items()) if country == "CZ" else ""
        )
        hint = _did_you_mean(region, list(regions)) or (
            f"; the regions are: {listing}" if listing else ""
        )
        r.error(node, "region", f"'{region}' is not an ISO 3166-2 region of {country}{hint}")
        return None
    return region


def _read_ecosystems(r: Reader, node: Node | None) -> tuple[str, ...]:
    if node is None:
        return ()
    items = r.sequence(node, "ecosystems")
    if isinstance(node, SequenceNode) and not 1 <= len(node.value) <= 3:
        r.error(node, "ecosystems", f"{len(node.value)} ecosystems; give 1 to 3")
    chosen: list[str] = []
    for index, item in enumerate(items):
        field = f"ecosystems[{index}]"
        ecosystem = r.choice(item, field, vocabulary.ECOSYSTEMS, "one of the 14 ecosystems")
        if ecosystem in chosen:
            r.error(item, field, f"'{ecosystem}' is listed twice")
        elif ecosystem:
            chosen.append(ecosystem)
    return tuple(chosen)


def _read_label(r: Reader, node: Node, issue_date: dt.date | None) -> Label | None:
    fields = r.mapping(node, "label", LABEL_FIELDS)
    if fields is None or len(fields) < 2:
        return None
    level = r.choice(
        fields["level"],
        "label.level",
        vocabulary.LABEL_LEVELS,
        "an ESCA label level (bronze, silver, gold)",
    )
    valid_until = r.date(fields["valid_until"], "label.valid_until")
    if level is None or valid_until is None:
        return None
    label = Label(level, valid_until)
    if issue_date and not label.valid_on(issue_date):
        r.warning(
            fields["valid_until"],
            "label.valid_until",
            f"the {level} label expired on "
            f"{valid_until.isoformat()}, before the issue date; it is not printed",
        )
    return label


def _read_url(r: Reader, node: Node, field: str) -> str | None:
    url = r.string(node, field)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [IPv6] host
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        r.error(node, field, f"'{url}' is not a web address; write it as https://www.example.cz")
        return None
    return url


def _read_logo(r: Reader, node: Node, issue_root: Path) -> Path | None:
    value = r.string(node, "logo")
    if value is None:
        return None
    relative = Path(value)
    if "://" in value or value.startswith(("data:", "file:")):
        problem = "is a URL; put the logo file into logos/ and give its path, e.g. logos/x.svg"
    elif relative.is_absolute() or value.startswith("\\"):
        problem = "is an absolute path; give a path inside the issue folder, e.g. logos/x.svg"
    elif ".." in relative.parts:
        problem = "leaves the issue folder ('..'); put the logo into logos/"
    elif "\x00" in value:
        problem = "contains a NUL character; give a path like logos/x.svg"
    else:
        problem = None
    if problem:
        r.error(node, "logo", f"'{value}' {problem}")
        return None
    try:
        path = (issue_root / relative).resolve()
        inside = path.is_relative_to(issue_root)
        exists = inside and path.exists()
        regular = exists and path.is_file()
    except RuntimeError:  # a symlink loop
        r.error(node, "logo", f"'{value}' cannot be resolved (a symlink loop?)")
        return None
    except OSError as error:
        r.error(node, "logo", _unreadable(value, error))
        return None
    if not inside:
        r.error(
            node,
            "logo",
            f"'{value}' points outside the issue folder (a symlink?); copy the file into logos/",
        )
        return None
    if not exists:
        r.error(node, "logo", f"'{value}' does not exist in the issue folder")
        return None
    if not regular:
        r.error(node, "logo", f"'{value}' is not a regular file; give the path of an image file")
        return None
    try:
        logos.check_logo(path)
    except logos.LogoProblem as problem:
        for message in problem.messages:
            r.error(node, "logo", f"'{value}' {message}")
        return None
    except OSError as error:
        r.error(node, "logo", _unreadable(value, error))
        return None
    return path


def _unreadable(value: str, error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return f"'{value}' cannot be read ({reason}); check the file's permissions"


sniff_image = logos.sniff_image  # kept for callers of the earlier name


def _read_contacts(r: Reader, node: Node | None, country: str | None) -> tuple[Contact, ...]:
    if node is None:
        return ()
    items = r.sequence(node, "contacts", MAX_CONTACTS)
    if isinstance(node, SequenceNode) and not node.value:
        r.error(node, "contacts", "give at least one contact")
    contacts = []
    for index, item in enumerate(items):
        contact = _read_contact(r, item, f"contacts[{index}]", country or "CZ")
        if contact:
            contacts.append(contact)
    return tuple(contacts)


def _read_contact(r: Reader, node: Node, field: str, country: str) -> Contact | None:
    fields = r.mapping(node, field, CONTACT_FIELDS)
    if fields is None:
        return None
    get = fields.get

    def optional(name, read):
        return read(get(name), f"{field}.{name}") if get(name) is not None else None

    contact = {
        "name": optional("name", r.string),
        "title_before": optional("title_before", r.string),
        "title_after": optional("title_after", r.string),
        "role": optional("role", r.text),
        "phone": optional("phone", lambda n, f: _read_phone(r, n, f, country)),
        "email": optional("email", lambda n, f: _read_email(r, n, f)),
        "in_index": optional("in_index", r.boolean),
        "consent": optional("consent", r.boolean),
    }
    if contact["in_index"] is None:
        contact["in_index"] = True
    if contact["consent"] is False:
        r.warning(
            fields["consent"],
            f"{field}.consent",
            f"{contact['name']} did not agree to be printed; the contact is left out of print",
        )
    if contact["name"] is None or contact["consent"] is None:
        return None
    return Contact(**contact)


def _read_phone(r: Reader, node: Node, field: str, country: str) -> str | None:
    import phonenumbers

    raw = r.string(node, field)
    if raw is None:
        return None
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        r.error(
            node,
            field,
            f"'{raw}' is not a valid phone number; write it with the country "
            "code, e.g. +420 601 123 456",
        )
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _read_email(r: Reader, node: Node, field: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    raw = r.string(node, field)
    if raw is None:
        return None
    try:
        return validate_email(raw, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as error:
        r.error(node, field, f"'{raw}' is not an e-mail address: {error}")
        return None


# --- across entries --------------------------------------------------------------------------
def _check_unique_names(
    entries: list[Entry], name_locations: dict[str, Location], report: Report
) -> None:
    seen: dict[str, Entry] = {}
    for entry in entries:
        for name in set(entry.name.all_strings()):
            key = " ".join(name.casefold().split())
            other = seen.get(key)
            if other is not None and other is not entry:
                report.error(
                    name_locations[entry.id],
                    "name",
                    f"'{name}' is also the name of {other.source.name}; names must be unique",
                )
            seen.setdefault(key, entry)


def _name_location(entry: Entry, root: Node) -> Location:
    for key_node, value_node in root.value:
        if key_node.value == "name":
            return node_location(entry.source, value_node)
    return Location(entry.source)


# --- helpers ---------------------------------------------------------------------------------
def describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "mapping"
    if isinstance(node, SequenceNode):
        return "list"
    return _YAML_TYPES.get(node.tag.rsplit(":", 1)[-1], "value")


def _article(noun: str) -> str:
    if noun.startswith("empty"):
        return "an empty value"
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _clip(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """A value as quoted in a message: at most `limit` characters, and control or formatting
    characters (e.g. a right-to-left override) shown as escapes, so no message misleads."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cf") else char
        for char in text
    )


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


def _did_you_mean(value: str, choices, show_all: bool = False) -> str:
    choices = [str(choice) for choice in choices]
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if show_all and len(choices) <= 20:
        return f"; choose one of: {', '.join(choices)}"
    return ""
