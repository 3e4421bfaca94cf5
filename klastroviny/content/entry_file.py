"""One entry file, entries/<id>.yaml: its schema (ENTRY_FIELDS, CONTACT_FIELDS, LABEL_FIELDS)
and how its fields, contacts and logo are read into an Entry (or from the entry cache)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from klastroviny.caching import EntryCache
from klastroviny.content import logos, vocabulary
from klastroviny.content.load import Document, node_location, read_document
from klastroviny.content.model import Contact, Entry, Label
from klastroviny.content.reader import MAX_TEXT_CHARS, Reader, did_you_mean
from klastroviny.errors import Location, Report
from klastroviny.text import markup

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
    "website": False,
    "logo": False,
    "description": True,
    "offer": False,
    "keywords": False,
    "stand": False,
    "contacts": True,
    "proof_to": False,
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
CONSENT_FIELDS = {"given": True, "how": False}
MAX_CONTACTS = 20


def load_entry(path, root, languages, issue_date, report, cache, context, data=None):
    """One entry and where its name is written; from the cache if its file is unchanged.
    With `data`, the entry as the file would be with that content (never cached)."""
    cached = EntryCache(cache, path, context) if cache and data is None else None
    if cached and (hit := cached.get()) is not None:
        entry, problems, name_location = hit
        report.problems.extend(problems)
        return entry, name_location
    own = Report()
    document = read_document(path, own, data)
    entry = name_location = None
    if document is not None:
        entry = _read_entry(document, Reader(path, own, languages), root, issue_date)
    if entry is not None:
        name_location = _name_location(entry, document.root)
        if cached:
            cached.put((entry, own.problems, name_location))
    report.extend(own)
    return entry, name_location


def _name_location(entry: Entry, root: Node) -> dict[str, Location]:
    """Where the entry's name and short name are written: the checks across entries name
    them."""
    found = {"name": Location(entry.source), "short_name": Location(entry.source)}
    for key_node, value_node in root.value:
        if key_node.value in found:
            found[key_node.value] = node_location(entry.source, value_node)
    return found


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
        "short_name": r.text(get("short_name"), "short_name") if get("short_name") else None,
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
            fields["description"], "description", MAX_TEXT_CHARS, markup.link_problems, True
        )
        if "description" in fields
        else None,
        "offer": r.text_list(get("offer"), "offer", prose=True) if get("offer") else None,
        "keywords": r.text_list(get("keywords"), "keywords") if get("keywords") else None,
        "stand": r.string(get("stand"), "stand") if get("stand") else None,
        "contacts": _read_contacts(r, get("contacts"), country),
        "proof_to": read_email(r, get("proof_to"), "proof_to") if get("proof_to") else None,
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
    if region not in regions and (code := vocabulary.match_region(region, country)):
        name = regions.get(code, code)
        r.error(node, "region", f"'{region}' is not an ISO 3166-2 code; write {code} ({name})")
        return None
    if region not in regions:
        listing = (
            ", ".join(f"{code} {name}" for code, name in regions.items()) if country == "CZ" else ""
        )
        hint = did_you_mean(region, list(regions)) or (
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
        ecosystem = _read_ecosystem(r, item, field)
        if ecosystem in chosen:
            r.error(item, field, f"'{ecosystem}' is listed twice")
        elif ecosystem:
            chosen.append(ecosystem)
    return tuple(chosen)


def _read_ecosystem(r: Reader, node: Node, field: str) -> str | None:
    value = r.string(node, field)
    if value is None or value in vocabulary.ECOSYSTEMS:
        return value
    match = vocabulary.match_ecosystem(value)
    if match:
        ecosystem, named = match
        how = {"cs": "the Czech name of", "en": "the English name of"}.get(named, "close to")
        r.error(node, field, f"'{value}' is {how} {ecosystem}; write {ecosystem}")
    else:
        choices = vocabulary.ECOSYSTEMS
        r.error(
            node,
            field,
            f"'{value}' is not one of the 14 ecosystems"
            + did_you_mean(value, choices, show_all=True),
        )
    return None


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
    """The logo's resolved path, checked in three steps: the path as written, the file it
    names, then the file's content; each step reports its own problems."""
    value = r.string(node, "logo")
    if value is None:
        return None
    problem = _logo_path_problem(value)
    if problem:
        r.error(node, "logo", f"'{value}' {problem}")
        return None
    path = _logo_file(r, node, value, issue_root)
    if path is None:
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


def _logo_path_problem(value: str) -> str | None:
    """What is wrong with the logo path as written, before it is looked up."""
    relative = Path(value)
    if "://" in value or value.startswith(("data:", "file:")):
        return "is a URL; put the logo file into logos/ and give its path, e.g. logos/x.svg"
    if relative.is_absolute() or value.startswith("\\"):
        return "is an absolute path; give a path inside the issue folder, e.g. logos/x.svg"
    if ".." in relative.parts:
        return "leaves the issue folder ('..'); put the logo into logos/"
    if "\x00" in value:
        return "contains a NUL character; give a path like logos/x.svg"
    return None


def _logo_file(r: Reader, node: Node, value: str, issue_root: Path) -> Path | None:
    """The resolved logo path if it is a regular file inside the issue folder."""
    try:
        path = (issue_root / Path(value)).resolve()
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
    return path


def _unreadable(value: str, error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return f"'{value}' cannot be read ({reason}); check the file's permissions"


# --- contacts --------------------------------------------------------------------------------
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
        "role": optional("role", lambda n, f: r.text(n, f, prose=True)),
        "phone": optional("phone", lambda n, f: read_phone(r, n, f, country)),
        "email": optional("email", lambda n, f: read_email(r, n, f)),
        "in_index": optional("in_index", lambda n, f: _read_yes_no(r, n, f)),
    }
    if get("consent") is not None:
        contact.update(_read_consent(r, get("consent"), f"{field}.consent"))
    if contact["in_index"] is None:
        contact["in_index"] = True
    if contact.get("consent") is False:  # a decision: summed up, never a failure of --strict
        r.note(fields["consent"], f"{field}.consent", str(contact["name"]))
    _check_name_titles(r, fields, field, contact)
    if contact["name"] is None or contact.get("consent") is None:
        return None
    return Contact(**contact)


def _check_name_titles(r: Reader, fields: dict, field: str, contact: dict) -> None:
    """Titles typed into the name ('Ing. Petr Dvořák, Ph.D.') belong in their fields: the
    vCard would otherwise get N:Ph.D.;Ing. Petr Dvořák,."""
    name = contact["name"]
    if not name or contact["title_before"] or contact["title_after"]:
        return
    before, rest, after = vocabulary.split_titles(name)
    if before or after:
        fix = ", ".join(
            f"{key}: {value}"
            for key, value in (("title_before", before), ("name", rest), ("title_after", after))
            if value
        )
        r.warning(fields["name"], f"{field}.name", f"'{name}' has titles in it; write {fix}")


def _read_consent(r: Reader, node: Node, field: str) -> dict:
    """`consent: true|false`, or `{given: DATE, how: TEXT}`: agreed, and when and how."""
    if not isinstance(node, MappingNode):
        return {"consent": _read_yes_no(r, node, field)}
    fields = r.mapping(node, field, CONSENT_FIELDS)
    if fields is None or "given" not in fields:
        return {"consent": None}
    given = r.date(fields["given"], f"{field}.given")
    how = r.string(fields["how"], f"{field}.how") if fields.get("how") else None
    return {"consent": True if given else None, "consent_given": given, "consent_how": how}


def _read_yes_no(r: Reader, node: Node, field: str) -> bool | None:
    """true or false; a word a spreadsheet would take (ano, ne, x) gets a precise hint."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":str"):
        meaning = vocabulary.yes_no(node.value)
        if meaning is not None:
            word = "yes" if meaning else "no"
            r.error(node, field, f"'{node.value}' means {word}; write true or false")
            return None
    return r.boolean(node, field)


def read_phone(r: Reader, node: Node, field: str, country: str) -> str | None:
    import phonenumbers

    raw = r.string(node, field)
    if raw is None:
        return None
    found = list(phonenumbers.PhoneNumberMatcher(raw, country))
    if len(found) > 1:
        r.error(
            node, field,
            f"'{raw}' holds {len(found)} numbers; one number per contact (give another "
            "contact for the other)",
        )  # fmt: skip
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


def read_email(r: Reader, node: Node, field: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    raw = r.string(node, field)
    if raw is None:
        return None
    try:
        address = validate_email(raw, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        r.error(node, field, f"'{raw}' is not an e-mail address: {error}")
        return None
    if not address.local_part.isascii():
        r.warning(
            node, field,
            f"'{raw}': many mail servers refuse accents before the @; ask for an address "
            "without them",
        )  # fmt: skip
    return address.normalized
