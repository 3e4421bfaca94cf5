"""Writing what the workbook says into entry files: field by field into the file as it is
(ruamel.yaml's round trip keeps comments, key order and quoting), only where the meaning
changed, so that a second import of the same table leaves every byte as it was.

`entries/.imported.json` records a digest of every file as the last import wrote it (or as the
last export read it: then too the table and the file agree). A file whose content differs from
that was edited by hand, and is not overwritten without --force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from klastroviny.content.entry_file import CONTACT_FIELDS, ENTRY_FIELDS
from klastroviny.content.load import IMPORT_RECORD
from klastroviny.content.scaffold import schema_line
from klastroviny.content.vocabulary import fold, split_titles
from klastroviny.workbook.convert import Draft, Partial, tidy_text

STATE_FILE = IMPORT_RECORD  # in entries/; hidden, so check skips it
TEXT_FIELDS = {"name", "short_name", "description", "role"}
LIST_FIELDS = {"offer", "keywords"}
BLOCK_FIELDS = {"description"}  # written as a literal block (|), as editors write them
FLOW_WIDTH = 90  # a mapping or list that fits is written on one line: {cs: …, en: …}


@dataclass
class EntryChange:
    """What an import does to one entry file."""

    id: str
    path: Path
    old: bytes | None  # None: a new file
    new: bytes
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new != self.old


class UnreadableEntry(Exception):
    """An existing entry file that is not YAML: the import cannot update it."""


def yaml_round_trip(old_text: str | None = None) -> YAML:
    """ruamel.yaml's round trip, indenting lists as the file's first block list under a key
    does (default: as the sample, `  - `). Not ruamel's own guess, which a Markdown list inside
    a | block misleads."""
    mapping, sequence, offset = 2, 4, 2
    if old_text and (found := _FIRST_BLOCK_LIST.search(old_text)):
        key_indent, dash_indent = len(found[1]), len(found[2])
        if dash_indent >= key_indent:
            offset = dash_indent - key_indent
            sequence = offset + 2
    y = YAML()
    y.preserve_quotes = True
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    y.width = 4096  # never fold a long line: editors search for whole sentences
    return y


def plan_change(draft: Draft, path: Path, languages: tuple[str, ...]) -> EntryChange:
    """The entry file as it would be with the draft's values.

    ruamel.yaml's round trip costs about 20 ms a file, so it runs only on a file whose meaning
    changes; whether it does is found on libyaml's reading, and a new file is written by libyaml.
    """
    old = path.read_bytes() if path.is_file() else None
    if old is None:
        document = CommentedMap()
        merger = _Merger(languages)
        merger.merge(document, draft.fields, ENTRY_FIELDS, "")
        merger.merge_contacts(document, draft.contacts or [])
        text = f"{schema_line(path, 'entry')}\n{new_file_text(document)}"
        return EntryChange(draft.id, path, None, text.encode(), ["new entry"])
    try:
        text = old.decode("utf-8-sig")
        probe = _commented(pyyaml.load(text, Loader=_FastLoader))
    except (UnicodeDecodeError, pyyaml.YAMLError):
        raise UnreadableEntry(path) from None
    if not _changes(probe, draft, languages):
        return EntryChange(draft.id, path, old, old)
    y = yaml_round_trip(text)
    document = y.load(text)
    merger = _Merger(languages, yaml12=True, dash_offset=y.sequence_dash_offset)
    merger.merge(document, draft.fields, ENTRY_FIELDS, "")
    if draft.contacts is not None:
        merger.merge_contacts(document, draft.contacts)
    out = io.StringIO()
    y.dump(document, out)
    return EntryChange(draft.id, path, old, out.getvalue().encode("utf-8"), merger.changes)


_FIRST_BLOCK_LIST = re.compile(r"^( *)[\w-]+:[ \t]*(?:#.*)?\n( *)- ", re.MULTILINE)
_FastLoader = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
_FastDumper = getattr(pyyaml, "CSafeDumper", pyyaml.SafeDumper)


def _changes(document, draft: Draft, languages) -> list[str]:
    merger = _Merger(languages)
    if not isinstance(document, CommentedMap):
        return ["the file is not a mapping"]
    merger.merge(document, draft.fields, ENTRY_FIELDS, "")
    if draft.contacts is not None:
        merger.merge_contacts(document, draft.contacts)
    return merger.changes


def _commented(value):
    """Plain data as ruamel's types, for a merge that only counts the changes."""
    if isinstance(value, dict):
        return CommentedMap((key, _commented(item)) for key, item in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(item) for item in value)
    return value


# --- a new entry file, written by libyaml ------------------------------------------------------
class _NewFileDumper(_FastDumper):
    pass


_NewFileDumper.add_representer(
    CommentedMap,
    lambda d, m: d.represent_mapping(
        "tag:yaml.org,2002:map", m.items(), flow_style=bool(m.fa.flow_style())
    ),
)
_NewFileDumper.add_representer(
    CommentedSeq,
    lambda d, s: d.represent_sequence(
        "tag:yaml.org,2002:seq", s, flow_style=bool(s.fa.flow_style())
    ),
)
_NewFileDumper.add_representer(
    LiteralScalarString, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style="|")
)
_NewFileDumper.add_representer(
    DoubleQuotedScalarString,
    lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'),
)


def new_file_text(document: CommentedMap) -> str:
    """The YAML of a new entry, its lists indented under their key as in the sample issue."""
    text = pyyaml.dump(
        document, Dumper=_NewFileDumper, allow_unicode=True, sort_keys=False, width=4096
    )
    indented = _indent_sequences(text)
    same = pyyaml.load(indented, Loader=_FastLoader) == pyyaml.load(text, Loader=_FastLoader)
    return indented if same else text


def _indent_sequences(text: str) -> str:
    """libyaml writes a block list at its key's indent (`contacts:` then `- name:`); indent
    each such list, with everything inside it, by two spaces."""
    out: list[str] = []
    inside: int | None = None  # the indent of the key whose list is being indented
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if (
            inside is not None
            and line.strip()
            and (indent < inside or (indent == inside and not line.startswith("- ", indent)))
        ):
            inside = None
        if inside is None and line.startswith("- ", indent) and out and out[-1].endswith(":"):
            inside = indent
        out.append("  " + line if inside is not None and line.strip() else line)
    return "\n".join(out)


class _Merger:
    def __init__(self, languages: tuple[str, ...], yaml12: bool = False, dash_offset: int = 2):
        self.languages = languages
        self.dash_offset = dash_offset  # the indent of a list's `- ` under its key
        self.yaml12 = yaml12  # the file was read by ruamel (YAML 1.2): `yes` came as text
        self.changes: list[str] = []

    def merge(self, mapping: CommentedMap, values: dict, order: dict, prefix: str) -> None:
        for name, value in sorted(values.items(), key=lambda item: _rank(item[0], order)):
            path = f"{prefix}{name}"
            if isinstance(value, Partial):
                value = self.completed(name, mapping.get(name), value)
            if value is None:
                if name in mapping:
                    del mapping[name]
                    self.changes.append(f"{path} removed")
                continue
            if name not in mapping:
                _insert(mapping, name, self.node(name, value), order)
                self.changes.append(f"{path} added")
            elif not self.same(name, mapping[name], value):
                self.changes += self.describe(path, name, mapping[name], value)
                mapping[name] = self.node(name, value)

    def completed(self, name: str, old, part: Partial):
        """The file's value with the parts the table gives put in (or taken out)."""
        old = self.plain(old)
        texts = name in TEXT_FIELDS or name in LIST_FIELDS
        if texts and old is not None and not isinstance(old, dict):
            old = {lang: old for lang in self.languages}  # one text for all languages
        value = dict(old) if isinstance(old, dict) else {}
        for key, item in part.items():
            if item is None:
                value.pop(key, None)
            else:
                value[key] = item
        if texts:
            value = dict(sorted(value.items(), key=lambda kv: _rank(kv[0], self.languages)))
            if list(value) == list(self.languages) and len({repr(v) for v in value.values()}) == 1:
                return value[self.languages[0]]  # the same in every language: one text
        return value or None

    def merge_contacts(self, document: CommentedMap, contacts: list[dict]) -> None:
        """Each row is matched to a contact of the file (see `_matching`), so that a new first
        contact is one added contact, not every contact changed; the table's order is the
        printed order, and a contact's comments move with it."""
        old = document.get("contacts")
        old = old if isinstance(old, list) else []
        unused = [item for item in old if isinstance(item, CommentedMap)]
        merged, moved = CommentedSeq(), []
        for index, contact in enumerate(contacts):
            match = _matching(contact, unused)
            prefix = f"contacts[{index}]."
            if match is None:
                match = CommentedMap()
                self.changes.append(f"contacts[{index}] added")
                before = len(self.changes)
                self.merge(match, contact, CONTACT_FIELDS, prefix)
                del self.changes[before:]
            else:
                unused.remove(match)
                contact = _titles_as_written(contact, match)
                if _folded(match.get("name")) != _folded(contact.get("name")):
                    self.changes.append(
                        f"contacts[{index}] renamed: {match.get('name')} → {contact.get('name')}"
                    )
                self.merge(match, contact, CONTACT_FIELDS, prefix)
            merged.append(match)
            moved.append(next((i for i, item in enumerate(old) if item is match), None))
        for item in unused:
            self.changes.append(f"contact {item.get('name', '?')} removed")
        kept = [i for i in moved if i is not None]
        if kept != sorted(kept):
            self.changes.append("contacts reordered")
        if [id(m) for m in merged] == [id(m) for m in old]:
            return
        if "contacts" in document:
            if isinstance(old, CommentedSeq):
                _carry_comments(document, old, merged, self.dash_offset)
            document["contacts"] = merged
        else:
            _insert(document, "contacts", merged, ENTRY_FIELDS)

    # --- meaning -------------------------------------------------------------------------------
    def same(self, name: str, old, new) -> bool:
        if name == "consent" and new is True and isinstance(old, dict):
            return True  # the workbook says yes; the file also says when and how
        return self.meaning(name, old) == self.meaning(name, new)

    def plain(self, value):
        """A value of the file as plain Python, read as our reader (PyYAML) reads it."""
        return _plain(value, yaml11=self.yaml12)

    def meaning(self, name: str, value):
        """What a value means, whatever way it is written."""
        value = self.plain(value)
        if name in TEXT_FIELDS or name in LIST_FIELDS:
            if not isinstance(value, dict):
                value = {lang: value for lang in self.languages}
            return {lang: _normal(text) for lang, text in value.items()}
        if name == "phone" and isinstance(value, str):
            return _e164(value)
        if name in ("label", "consent") and isinstance(value, dict):
            return {key: str(item) for key, item in value.items()}
        return _normal(value)

    def describe(self, path: str, name: str, old, new) -> list[str]:
        old_meaning, new_meaning = self.meaning(name, old), self.meaning(name, new)
        if isinstance(old_meaning, dict) and name in TEXT_FIELDS | LIST_FIELDS:
            langs = [
                lang for lang in self.languages if old_meaning.get(lang) != new_meaning.get(lang)
            ]
            return [f"{path}.{lang} changed" for lang in langs] or [f"{path} changed"]
        return [f"{path} changed"]

    # --- writing a value -----------------------------------------------------------------------
    def node(self, name: str, value):
        if isinstance(value, dict):
            mapping = CommentedMap((lang, self.node(name, item)) for lang, item in value.items())
            if name not in BLOCK_FIELDS and _fits_one_line(value):
                mapping.fa.set_flow_style()
            return mapping
        if isinstance(value, list):
            seq = CommentedSeq(self.node(name, item) for item in value)
            if name == "ecosystems" or _fits_one_line(value):
                seq.fa.set_flow_style()
            return seq
        if isinstance(value, str):
            if name in BLOCK_FIELDS or "\n" in value:
                return LiteralScalarString(value + "\n")
            if name == "phone" or not _reads_as_text(value):
                return DoubleQuotedScalarString(value)
        return value


def _carry_comments(document: CommentedMap, old: CommentedSeq, new: CommentedSeq, indent: int):
    """The comment lines above a contact go where the contact goes. ruamel keeps them in the
    previous contact's last value (after that value's own end-of-line comment), and those above
    the first contact in the list's comment, shared with the `contacts` key."""
    above: dict[int, list[str]] = {}
    first = old.ca.comment[1] if old.ca.comment and len(old.ca.comment) > 1 else None
    if old:
        above[id(old[0])] = _comment_lines("".join(t.value for t in first or ()))
    for item, following in zip(old, old[1:], strict=False):
        token = _end_comment(item)
        own, _, lines = (token.value if token else "").partition("\n")
        if token is not None:
            token.value = own + "\n" if own.strip() else "\n"
        above[id(following)] = _comment_lines(lines)
    lead = [f"{' ' * indent}{line}\n" for line in above.get(id(new[0]), [])] if new else []
    tokens = [CommentToken("".join(lead).lstrip(" "), CommentMark(indent))] if lead else None
    new.ca.comment = [None, tokens] if tokens else None
    key_comment = document.ca.items.get("contacts")
    if key_comment and len(key_comment) > 3:
        key_comment[3] = tokens
    for item, following in zip(new, new[1:], strict=False):
        lines = above.get(id(following), [])
        if not lines or not isinstance(item, CommentedMap) or not item:
            continue
        text = "".join(f"{' ' * indent}{line}\n" for line in lines)
        token = _end_comment(item)
        if token is None:
            slot = item.ca.items.setdefault(list(item)[-1], [None, None, None, None])
            slot[2] = CommentToken("\n" + text, CommentMark(0))
        else:
            token.value = (
                token.value.rstrip("\n") + "\n" + text if token.value.strip() else ("\n" + text)
            )


def _end_comment(item):
    """The comment token after a contact's last value (its own comment, then the lines below)."""
    if not isinstance(item, CommentedMap) or not item:
        return None
    slot = item.ca.items.get(list(item)[-1])
    return slot[2] if slot and len(slot) > 2 else None


def _comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip().startswith("#")]


def _insert(mapping: CommentedMap, name: str, node, order: dict) -> None:
    """Put a new field where the format's order puts it among the fields already there."""
    position = sum(1 for key in mapping if _rank(key, order) < _rank(name, order))
    mapping.insert(position, name, node)


def _rank(name: str, order: dict) -> int:
    names = list(order)
    return names.index(name) if name in names else len(names)


def _plain(value, yaml11: bool = False):
    """ruamel's commented types as plain Python; with yaml11, a plain (unquoted) scalar that
    YAML 1.1 reads otherwise than text (`yes`, `off`) as YAML 1.1 reads it."""
    if isinstance(value, dict):
        return {str(key): _plain(item, yaml11) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, yaml11) for item in value]
    if type(value) is str and yaml11 and not _reads_as_text(value):
        return pyyaml.safe_load(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _normal(value):
    if isinstance(value, str):
        return tidy_text(value)
    if isinstance(value, list):
        return [_normal(item) for item in value]
    return value


def _e164(text: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "CZ")
    except phonenumbers.NumberParseException:
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _folded(name) -> str:
    return " ".join(str(name or "").casefold().split())


def _matching(contact: dict, candidates: list[CommentedMap]) -> CommentedMap | None:
    """The file's contact that a row speaks of: the same name (titles aside, accents and case
    ignored), else the same e-mail (a renamed person)."""
    name = _person(contact.get("name"))
    for candidate in candidates:
        if _person(candidate.get("name")) == name:
            return candidate
    email = _folded(contact.get("email"))
    for candidate in candidates:
        if email and _folded(candidate.get("email")) == email:
            return candidate
    return None


def _titles_as_written(contact: dict, written: CommentedMap) -> dict:
    """A file that types the titles into the name ('Ing. Karel Starý') is exported so; the
    import splits them again. Where that is all the difference, the file's form stays."""
    if "title_before" in written or "title_after" in written:
        return contact
    before, name, after = split_titles(str(written.get("name") or ""))
    if (before, name, after) != (
        contact.get("title_before"),
        contact.get("name"),
        contact.get("title_after"),
    ) or not (before or after):
        return contact
    return {**contact, "name": written["name"], "title_before": None, "title_after": None}


def _person(name) -> str:
    return fold(split_titles(str(name or ""))[1])


def _reads_as_text(value: str) -> bool:
    """Would our YAML reader (PyYAML, YAML 1.1) read this plain scalar as text? ruamel writes
    YAML 1.2, where `yes`, `on` or `0755` are plain text; for us they are not."""
    resolver = pyyaml.resolver.Resolver()
    tag = resolver.resolve(pyyaml.ScalarNode, value, (True, False))
    return tag == "tag:yaml.org,2002:str"


def _fits_one_line(value) -> bool:
    items = list(value.values()) if isinstance(value, dict) else list(value)
    if any(isinstance(item, dict | list) for item in items):
        return False
    texts = [str(item) for item in items]
    return "\n" not in "".join(texts) and sum(len(text) + 6 for text in texts) <= FLOW_WIDTH


# --- the record of the last import -------------------------------------------------------------
def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_state(entries_dir: Path) -> dict[str, str]:
    try:
        state = json.loads((entries_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def state_bytes(state: dict[str, str]) -> bytes:
    return (json.dumps(dict(sorted(state.items())), indent=1) + "\n").encode("utf-8")


def edited_by_hand(change: EntryChange, state: dict[str, str]) -> bool:
    """Was the file changed since the last import wrote it (or never written by one)?"""
    return change.old is not None and state.get(change.id) != digest(change.old)
