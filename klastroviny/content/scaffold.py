"""Scaffolding for editors: `klastroviny new` makes an issue folder, `klastroviny add` an entry.

The files written have a comment on every field (what it is, its form, an example) and, on
their first line, the yaml-language-server schema comment. A required field that nobody gave
is a commented-out line marked `<- required`, so that `klastroviny check` reports it as missing
until it is filled in; a field with a default is written with it (the value the build uses
anyway); any other field is commented out. `new --from` starts from an earlier issue: it copies
its entries and logos and takes the values of its issue.yaml as they are written there.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from klastroviny.content import vocabulary
from klastroviny.content.entry_file import CONTACT_FIELDS, ENTRY_FIELDS
from klastroviny.content.issue_file import DEFAULT_LAYOUT, ISSUE_FIELDS
from klastroviny.content.load import IMPORT_RECORD, entry_id_problem, read_document
from klastroviny.errors import KlastrovinyError, Location, Report, display_path
from klastroviny.resources import PACKAGE_DIR, SCHEMAS_DIR, layout_names
from klastroviny.write import write_atomically

REQUIRED = "# <- required"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LINE_BREAK = re.compile("\r\n|\r|\n|\x85|\u2028|\u2029")  # what YAML counts as a line break


@dataclass(frozen=True)
class _Field:
    about: str  # the comment above the field: what it is, its form, an example
    placeholder: str = ""  # the value on a required field's commented-out line
    default: str | None = None  # written as the value when not given: the build's default


# --- the schema comment ------------------------------------------------------------------------
def schema_reference(target: Path, kind: str) -> str:
    """Where the yaml-language-server of `target` (a file to write) finds the `kind` schema
    ("issue" or "entry"): a path relative to the file when both are in this repository
    checkout, else the schema's file:// URI (an installed package)."""
    schema = SCHEMAS_DIR / f"{kind}.schema.json"
    checkout = PACKAGE_DIR.parent
    target = Path(target).resolve()
    if (checkout / "pyproject.toml").is_file() and target.is_relative_to(checkout):
        return os.path.relpath(schema, target.parent).replace(os.sep, "/")
    return schema.as_uri()


def schema_line(target: Path, kind: str) -> str:
    return f"# yaml-language-server: $schema={schema_reference(target, kind)}"


# --- issue.yaml --------------------------------------------------------------------------------
ISSUE_HEADER = """\
The head of one KLASTROVINY issue. Every field is explained in docs/format.md.
A line "# field: ..." is a field left out: to use it, delete the "# " and write its value.
Fill in the fields marked "<- required". Then run: klastroviny check <issue folder>"""


def _issue_template() -> dict[str, _Field]:
    layouts = ", ".join(layout_names())
    return {
        "title": _Field(
            "Title of the bulletin (required). A text: one string for every edition, or one per\n"
            "language, e.g. KLASTROVINY or {cs: KLASTROVINY, en: KLASTROVINY}",
            placeholder="KLASTROVINY",
        ),
        "subtitle": _Field(
            "Subtitle (optional). A text, e.g.\n"
            "{cs: Klastry České republiky, en: Clusters of the Czech Republic}"
        ),
        "number": _Field("Number of the issue (optional). A whole number, 1 or more, e.g. 13"),
        "date": _Field(
            "Date of the issue (required): YYYY-MM-DD, e.g. 2026-10-06. It decides which labels\n"
            'are still valid, the latest "founded" year allowed and the printed "as of" date.',
            placeholder="YYYY-MM-DD",
        ),
        "event": _Field(
            "The event the issue is made for (optional). A text, e.g.\n"
            '{cs: "Klastrová konference 2026, Brno", en: "Cluster Conference 2026, Brno"}'
        ),
        "publisher": _Field(
            "Publisher (required). A text, e.g. Národní klastrová asociace",
            placeholder="Národní klastrová asociace",
        ),
        "languages": _Field(
            "Editions to build (optional; default [cs]): a list of cs and en, each once, e.g.\n"
            "[cs, en]. The first is the default edition and the fallback for missing texts.",
            default="[cs]",
        ),
        "layout": _Field(
            f"Layout (optional; default {DEFAULT_LAYOUT}): a folder under layouts/: {layouts}",
            default=DEFAULT_LAYOUT,
        ),
        "foreword": _Field(
            "Foreword (optional). Markdown (**bold**, *italic*, lists, links), best a block (|)\n"
            "per language, e.g.\n"
            "  foreword:\n"
            "    cs: |\n"
            "      Vítejte u stánku **Národní klastrové asociace**.\n"
            "    en: |\n"
            "      Welcome to the stand of the **Czech National Cluster Association**."
        ),
        "order": _Field(
            "Order of the entries (optional; default name): name (alphabetical, in Czech order\n"
            "in the cs edition) or manual (as listed in manual_order)",
            default="name",
        ),
        "manual_order": _Field(
            "With order: manual, every entry id (file name in entries/ without .yaml) exactly\n"
            "once, in printed order, e.g. [nabytkari, clutex, autoklastr]"
        ),
        "proof_from": _Field(
            "The proof round (optional): the editor's e-mail address, the sender of the proofs'\n"
            "e-mails, e.g. redakce@nca.example"
        ),
        "proof_deadline": _Field(
            "The day by which the clusters answer their proofs (optional), e.g. 2026-09-15"
        ),
        "require_approval": _Field(
            "With true, package and build --print refuse while an entry is not approved in\n"
            "its current form (optional; default false: they warn)"
        ),
        "imprint": _Field(
            "The imprint on the back page (optional; docs/format.md#imprint), e.g.\n"
            "  imprint: {periodical: true, periodicity: {cs: ročně, en: yearly}, place: Praha,\n"
            '    publisher_seat: "…", ico: "…", registration: E 12345, printer: "…"}'
        ),
        "print": _Field(
            "For the printer: the job ticket of package (optional; docs/format.md#print), e.g.\n"
            "  print: {quantity: {cs: 400, en: 300}, deadline: 2026-09-20, contact: {…}}"
        ),
    }


@dataclass
class NewIssue:
    """What `new_issue` made, for the command's message."""

    issue_dir: Path
    previous: Path | None = None
    entries: int = 0  # entry files copied
    import_record: bool = False  # entries/.imported.json copied
    logos: int = 0  # logo files copied
    number: int | None = None  # the new issue's number, when the earlier one had one
    to_fill: list[str] = field(default_factory=list)  # required fields left as placeholders
    kept: list[str] = field(default_factory=list)  # fields whose value --from took
    skipped: list[Path] = field(default_factory=list)  # links that lead outside --from


def new_issue(
    issue_dir: Path,
    *,
    title: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    event: str | None = None,
    languages: str | None = None,
    previous: Path | None = None,
) -> NewIssue:
    """Make the issue folder `issue_dir`: issue.yaml, entries/, logos/ (and, from `previous`,
    its entries and logos). Refuses a folder that has an issue.yaml. Nothing is written when
    an option or the earlier issue is wrong."""
    issue_dir = Path(issue_dir)
    given: dict[str, str] = {}
    for name, value in (("title", title), ("publisher", publisher), ("event", event)):
        if value is not None:
            given[name] = _text_field(name, value)
    if date is not None:
        given["date"] = f"date: {parse_date(date).isoformat()}"
    if languages is not None:
        given["languages"] = f"languages: [{', '.join(parse_languages(languages))}]"
    issue_path = issue_dir / "issue.yaml"
    if issue_dir.exists() and not issue_dir.is_dir():
        raise KlastrovinyError("input", f"{display_path(issue_dir)} is a file, not a folder")
    if issue_path.exists():
        raise KlastrovinyError(
            "input",
            f"{display_path(issue_path)} already exists; `klastroviny new` makes a new issue "
            "folder: give a folder without issue.yaml",
        )
    made = NewIssue(issue_dir, previous)
    copies: list[tuple[Path, Path]] = []
    extra: dict[str, str] = {}
    previous_date = None
    if previous is not None:
        earlier = _read_previous(Path(previous))
        made.kept = [name for name in earlier.fields if name not in given and name != "number"]
        given = {**earlier.fields, **given}
        extra = earlier.extra
        previous_date = earlier.date
        made.number = earlier.number
        copies, made.skipped = _files_to_copy(Path(previous), issue_dir)
        made.entries = sum(1 for src, _ in copies if _is_entry(src, Path(previous)))
        made.import_record = any(src.name == IMPORT_RECORD for src, _ in copies)
        made.logos = len(copies) - made.entries - made.import_record
    text = _issue_text(issue_path, given, extra, previous_date, made.to_fill)
    issue_dir.mkdir(parents=True, exist_ok=True)
    for source, target in copies:
        data = source.read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            write_atomically(target, data)
    (issue_dir / "entries").mkdir(exist_ok=True)
    (issue_dir / "logos").mkdir(exist_ok=True)
    write_atomically(issue_path, text.encode("utf-8"))  # last: a failed run can be repeated
    return made


def parse_date(value: str) -> dt.date:
    """--date: a real date written YYYY-MM-DD."""
    value = value.strip()
    if not _DATE.fullmatch(value):
        raise KlastrovinyError(
            "usage", f"--date: '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-10-06"
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise KlastrovinyError(
            "usage", f"--date: '{value}' is not a real date; write it as YYYY-MM-DD"
        ) from None


def parse_languages(value: str) -> list[str]:
    """--languages: editions separated by commas, each of cs, en once, e.g. cs,en."""
    languages: list[str] = []
    choices = ", ".join(vocabulary.EDITION_LANGUAGES)
    for item in value.split(","):
        lang = item.strip()
        if lang not in vocabulary.EDITION_LANGUAGES:
            shown = f"'{lang}' is not" if lang else "an empty item is not"
            raise KlastrovinyError(
                "usage",
                f"--languages: {shown} an edition language; give {choices} or both, "
                "separated by a comma, e.g. --languages cs,en",
            )
        if lang in languages:
            raise KlastrovinyError("usage", f"--languages: '{lang}' is listed twice")
        languages.append(lang)
    return languages


def _text_field(name: str, value: str) -> str:
    if not value.strip():
        raise KlastrovinyError("usage", f"--{name}: the text is empty; give one")
    return _yaml_line(name, value.strip())


def _yaml_line(name: str, value: str) -> str:
    """`name: value` in YAML that PyYAML reads back as the same string (quoted if needed)."""
    return yaml.safe_dump(
        {name: value}, allow_unicode=True, sort_keys=False, width=1_000_000
    ).rstrip("\n")


def _issue_text(
    path: Path,
    given: dict[str, str],
    extra: dict[str, str],
    previous_date: str | None,
    to_fill: list[str],
) -> str:
    lines = [schema_line(path, "issue"), *_comment(ISSUE_HEADER)]
    for name, spec in _issue_template().items():
        lines += ["", *_comment(spec.about)]
        if name in given:
            lines.append(given[name])
        elif spec.default is not None:
            lines.append(f"{name}: {spec.default}")
        elif ISSUE_FIELDS[name]:
            hint = (
                f" (the earlier issue: {previous_date})" if name == "date" and previous_date else ""
            )
            lines.append(f"# {name}: {spec.placeholder}  {REQUIRED}{hint}")
            to_fill.append(name)
        else:
            lines.append(f"# {name}:")
    if extra:
        lines += [
            "",
            "# Not fields of issue.yaml, kept from the earlier issue (check reports them):",
        ]
        lines += extra.values()
    return "\n".join(lines) + "\n"


def _comment(text: str) -> list[str]:
    return [f"# {line}".rstrip() for line in text.splitlines()]


# --- the earlier issue (--from) ----------------------------------------------------------------
@dataclass
class _Previous:
    fields: dict[str, str]  # field of issue.yaml -> its lines as the earlier issue wrote them
    extra: dict[str, str]  # other keys of the earlier issue.yaml, likewise
    number: int | None
    date: str | None


def _read_previous(folder: Path) -> _Previous:
    path = folder / "issue.yaml"
    if not folder.is_dir():
        raise KlastrovinyError("input", f"--from {display_path(folder)}: no such folder")
    if not path.is_file():
        raise KlastrovinyError(
            "input",
            f"--from {display_path(folder)}: the folder has no issue.yaml; give an earlier "
            "issue's folder",
        )
    report = Report()
    document = read_document(path, report)
    if document is not None and not isinstance(document.root, MappingNode):
        report.error(Location(path), "", "expected a mapping of fields (key: value lines)")
    if report.errors:
        raise KlastrovinyError(
            "input",
            f"--from: the earlier issue's {display_path(path)} cannot be read; fix it "
            f"(klastroviny check {display_path(folder)}) or leave out --from",
            report,
        )
    lines = _LINE_BREAK.split(path.read_text(encoding="utf-8-sig"))
    result = _Previous({}, {}, None, None)
    seen: set[str] = set()
    for key_node, value_node in document.root.value:
        if not isinstance(key_node, ScalarNode):  # check reports it
            continue
        key = key_node.value
        if key in seen:  # check reports the duplicate; the first one counts
            continue
        seen.add(key)
        value = _construct(value_node)
        if key == "date":
            result.date = value.isoformat() if isinstance(value, dt.date) else _shown(value_node)
            continue
        if key == "number" and isinstance(value, int) and not isinstance(value, bool):
            result.number = value + 1
            result.fields[key] = f"number: {result.number}"
            continue
        text = _as_written(lines, key_node, value_node, value)
        (result.fields if key in ISSUE_FIELDS else result.extra)[key] = text
    return result


_UNREADABLE = object()  # a value PyYAML cannot construct, e.g. the date 2022-13-01


def _construct(node: Node):
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return _UNREADABLE


def _shown(node: Node) -> str:
    return node.value if isinstance(node, ScalarNode) else "?"


def _as_written(lines: list[str], key_node: Node, value_node: Node, value) -> str:
    """The lines of `key: value` as the file has them (comments inside the value too), if they
    read back as the same value; else the value written anew."""
    key, column = key_node.value, key_node.start_mark.column
    end = value_node.end_mark.line - (value_node.end_mark.column == 0)
    chunk = lines[key_node.start_mark.line : end + 1]
    # A block value ends where the next key starts: drop the blank and comment lines before it.
    while chunk and not chunk[-1][:column].strip() and _blank_or_comment(chunk[-1][column:]):
        chunk.pop()
    text = "\n".join(line[column:] for line in chunk)
    if value is _UNREADABLE:  # as it is: check reports what is wrong with it
        return text
    try:
        same = isinstance(key_node, ScalarNode) and yaml.safe_load(text + "\n") == {key: value}
    except yaml.YAMLError:
        same = False
    if same and all(not line[:column].strip() for line in chunk):
        return text
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100).rstrip("\n")


def _blank_or_comment(line: str) -> bool:
    return not line.strip() or line.startswith("#")


def _files_to_copy(previous: Path, issue_dir: Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """(source, target) of every file --from copies, and the links it leaves out because they
    lead outside the earlier issue. Refuses a target that exists with other content."""
    root = previous.resolve()
    copies, skipped = [], []
    entries = previous / "entries"
    if entries.is_dir():
        for source in sorted(entries.iterdir()):
            if source.name == IMPORT_RECORD or (
                source.suffix == ".yaml" and not source.name.startswith(".")
            ):
                copies.append((source, issue_dir / "entries" / source.name))
    logos = previous / "logos"
    for folder, folders, files in os.walk(logos):
        folders.sort()
        for name in sorted(files):
            source = Path(folder) / name
            copies.append((source, issue_dir / "logos" / source.relative_to(logos)))
    copies += _logos_elsewhere(previous, issue_dir, [source for source, _ in copies])
    kept = []
    for source, target in copies:
        if not source.is_file():
            continue
        if not source.resolve().is_relative_to(root):
            skipped.append(source)
            continue
        if target.exists() and not (
            target.is_file() and target.read_bytes() == source.read_bytes()
        ):
            raise KlastrovinyError(
                "input",
                f"{display_path(target)} already exists; --from copies the earlier issue's "
                "entries and logos into a new folder",
            )
        kept.append((source, target))
    return kept, skipped


def _logos_elsewhere(
    previous: Path, issue_dir: Path, sources: list[Path]
) -> list[tuple[Path, Path]]:
    """The logos that entries name outside logos/ (a logo is a path in the issue folder)."""
    copies = []
    for source in sources:
        if not _is_entry(source, previous) or not source.is_file():
            continue
        try:
            logo = yaml.safe_load(source.read_text(encoding="utf-8-sig")).get("logo")
            relative = Path(logo).relative_to(".")  # a str that is a relative path
        except (AttributeError, TypeError, ValueError, UnicodeError, yaml.YAMLError):
            continue  # check reports what is wrong with the entry
        path = previous / relative
        elsewhere = relative.parts[:1] != ("logos",) and ".." not in relative.parts
        if elsewhere and path.is_file() and (path, issue_dir / relative) not in copies:
            copies.append((path, issue_dir / relative))
    return copies


def _is_entry(source: Path, previous: Path) -> bool:
    return source.parent == previous / "entries" and source.suffix == ".yaml"


# --- entries/<id>.yaml -------------------------------------------------------------------------
ENTRY_HEADER = """\
One cluster of a KLASTROVINY issue; its id is the file name without .yaml: {id}.
Every field is explained in docs/format.md. A line "# field:" is a field left out: to use it,
delete the "# " and write its value after the colon. Fill in the fields marked "<- required".
Then run: klastroviny check <issue folder>"""


def _wrapped(items: list[str], width: int = 92) -> str:
    """Items separated by commas, in indented lines of at most `width`; an item is never cut."""
    lines, line = [], ""
    for item in items:
        if line and len(line) + 2 + len(item) > width:
            lines.append(line + ",")
            line = ""
        line = f"{line}, {item}" if line else f"  {item}"
    return "\n".join([*lines, line])


def _entry_template(entry_id: str) -> dict[str, _Field]:
    """Every field of an entry, the required ones first."""
    regions = _wrapped([f"{code} {name}" for code, name in vocabulary.regions_of("CZ").items()])
    ecosystems = _wrapped(list(vocabulary.ECOSYSTEMS))
    return {
        "name": _Field(
            "Full name with the legal form (required), unique in the issue. A text: one string,\n"
            'or one per language, e.g. "Klastr českých nábytkářů, družstvo" or\n'
            '{cs: "Klastr českých nábytkářů, družstvo", en: Czech Furniture Cluster}'
        ),
        "region": _Field(
            "Region of the seat (required): its ISO 3166-2 code, e.g. CZ-64 (Jihomoravský kraj).\n"
            f"In CZ one of:\n{regions}\n"
            "Abroad, a code of that country (and set country below), e.g. SK-BC"
        ),
        "city": _Field("City of the seat (required), e.g. Brno"),
        "ecosystems": _Field(
            "Industrial ecosystems (required): a list of 1 to 3 ids, e.g. [construction, retail].\n"
            f"The ids:\n{ecosystems}"
        ),
        "description": _Field(
            "What the cluster does (required). Markdown (**bold**, *italic*, lists, links),\n"
            "best a block (|) per language, e.g.\n"
            "  description:\n"
            "    cs: |\n"
            "      **Klastr nábytkářů** sdružuje výrobce nábytku a dřevozpracující firmy.\n"
            "    en: |\n"
            "      The **Furniture Cluster** brings together furniture makers and woodworkers."
        ),
        "contacts": _Field(
            "People to contact (required): 1 to 20, each with the fields below. Print a person\n"
            'only if they agreed (consent). Delete the first "# " of each line you use; copy\n'
            'the lines from "- name:" on for one more person.'
        ),
        "short_name": _Field(
            "Short name for running heads, bookmarks and indexes (optional). A text, e.g.\n"
            "CLUTEX or {cs: Klastr nábytkářů, en: Furniture Cluster}"
        ),
        "sort_as": _Field(
            "Sort key instead of the name (optional), e.g. Mechatronika for the name\n"
            "Klastr MECHATRONIKA"
        ),
        "country": _Field(
            "Country of the seat (optional; default CZ): ISO 3166-1 alpha-2 code in capitals,\n"
            'e.g. SK. Write Norway in quotes: "NO"',
            default="CZ",
        ),
        "founded": _Field(
            "Year founded (optional): a whole number from 1900 to the issue's year, e.g. 2006"
        ),
        "members": _Field("Number of members (optional): a whole number, 0 or more, e.g. 29"),
        "label": _Field(
            "ESCA cluster excellence label (optional): level bronze, silver or gold, and the\n"
            "last day it is valid (it is printed only until then),\n"
            "e.g. {level: silver, valid_until: 2027-06-30}"
        ),
        "website": _Field(
            "Website (optional): an address starting with https:// or http://,\n"
            "e.g. https://www.klastr.example"
        ),
        "logo": _Field(
            "Logo (optional): path of an SVG (best), PNG or JPEG file in the issue folder,\n"
            f"e.g. logos/{entry_id}.svg"
        ),
        "offer": _Field(
            "What the cluster offers (optional): short items, as a list or one list per\n"
            "language, e.g. {cs: [Společné expozice, Školení], en: [Joint stands, Training]}"
        ),
        "keywords": _Field(
            "Keywords (optional): short items, as a list or one list per language,\n"
            "e.g. {cs: [nábytek, dřevo], en: [furniture, wood]}"
        ),
        "stand": _Field(
            'Stand number at the event (optional); quote it if it is only digits: "12", or B12'
        ),
        "proof_to": _Field(
            "Where the proof of this entry is sent (optional): an e-mail address; default: the\n"
            "first contact with an e-mail who agreed to be printed"
        ),
    }


# Each contact field: its note (a comment on the same line), and its default if it has one.
CONTACT_TEMPLATE: dict[str, tuple[str, str | None]] = {
    "name": ("the person's name, e.g. Jana Nováková", None),
    "title_before": ("academic title before the name, printed as written, e.g. Ing.", None),
    "title_after": ("academic title after the name, without a comma, e.g. Ph.D.", None),
    "role": ("a text, e.g. {cs: manažerka klastru, en: cluster manager}", None),
    "phone": ('in quotes, with the country code, e.g. "+420 601 123 456"', None),
    "email": ("e.g. jana.novakova@example.com", None),
    "in_index": ("false: printed with the entry, but not in the contact index", "true"),
    "consent": (
        "did the person agree to be printed? true, false (left out\n"
        "of print), or when and how: {given: 2026-09-01, how: e-mail}",
        None,
    ),
}


def _contact_lines() -> list[str]:
    lines = ["# contacts:"]
    for index, (name, (note, default)) in enumerate(CONTACT_TEMPLATE.items()):
        lead = "  - " if index == 0 else "    "
        if default is not None:
            code = f"{name}: {default}"
        elif CONTACT_FIELDS[name]:
            code, note = f"{name}:", f"<- required: {note}"
        else:
            code = f"# {name}:"
        first, *more = note.splitlines()
        lines.append(f"# {lead}{code:<18}# {first}")
        lines += [f"#     {'':<18}# {line}" for line in more]
    return lines


@dataclass
class AddedEntry:
    path: Path
    manual_order: bool  # the issue has order: manual, and its manual_order lacks the entry


def add_entry(issue_dir: Path, entry_id: str, name: str | None = None) -> AddedEntry:
    """Write entries/<entry_id>.yaml of the issue: every field with its comment, the required
    ones commented out until they are filled in (`name` fills the name)."""
    issue_dir = Path(issue_dir)
    issue_path = issue_dir / "issue.yaml"
    if not issue_path.is_file():
        raise KlastrovinyError(
            "input",
            f"{display_path(issue_dir)} has no issue.yaml; make the issue first: "
            f"klastroviny new {display_path(issue_dir)}",
        )
    path = issue_dir / "entries" / f"{entry_id}.yaml"
    problem = entry_id_problem(entry_id)
    if problem is not None:
        raise KlastrovinyError("input", f"{display_path(path)}: {problem}")
    if path.exists():
        raise KlastrovinyError(
            "input", f"{display_path(path)} already exists; choose another id or edit that file"
        )
    name_line = _text_field("name", name) if name is not None else None
    lines = [schema_line(path, "entry"), *_comment(ENTRY_HEADER.format(id=entry_id))]
    for field_name, spec in _entry_template(entry_id).items():
        lines += ["", *_comment(spec.about)]
        if field_name == "name" and name_line:
            lines.append(name_line)
        elif field_name == "contacts":
            lines += _contact_lines()
        elif spec.default is not None:
            lines.append(f"{field_name}: {spec.default}")
        elif ENTRY_FIELDS[field_name]:
            lines.append(f"# {field_name}:  {REQUIRED}")
        else:
            lines.append(f"# {field_name}:")
    write_atomically(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return AddedEntry(path, _missing_from_manual_order(issue_path, entry_id))


def _missing_from_manual_order(issue_path: Path, entry_id: str) -> bool:
    try:
        head = yaml.safe_load(issue_path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeError, yaml.YAMLError):
        return False
    if not isinstance(head, dict) or head.get("order") != "manual":
        return False
    listed = head.get("manual_order")
    return not (isinstance(listed, list) and entry_id in listed)
