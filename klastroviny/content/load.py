"""Stage 1, load: read an issue folder's YAML files into node trees that keep source positions.

Nothing here interprets the content; issue_file.py and entry_file.py turn nodes into the model.
Every failure is a Problem with file:line:col, so that an editor sees all broken files of a run
at once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import Node

from klastroviny.content import yaml_syntax
from klastroviny.errors import Location, Report

MAX_YAML_BYTES = 1_000_000  # an entry is a page of text; more is a mistake or an attack
MAX_YAML_NODES = 20_000
MAX_YAML_DEPTH = 50  # the formats nest four levels; PyYAML's composer recurses per level
ENTRY_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
# entries/: what the last spreadsheet import wrote (workbook/entries.py); hidden, so not an entry
IMPORT_RECORD = ".imported.json"


@dataclass(frozen=True)
class Document:
    path: Path
    root: Node


# libyaml's parser (PyYAML's wheels carry it) is several times faster than the Python one.
_Parser = yaml.cyaml.CParser if yaml.__with_libyaml__ else None


class _PositionLoader(
    *((_Parser,) if _Parser else (yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser)),
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """Composes nodes only (libyaml's parser when present, Python's composer for the checks),
    refuses aliases, bounds the node count and depth."""

    # libyaml's parser class brings its own composer; ours must win.
    get_single_node = yaml.composer.Composer.get_single_node
    compose_document = yaml.composer.Composer.compose_document
    compose_scalar_node = yaml.composer.Composer.compose_scalar_node
    compose_sequence_node = yaml.composer.Composer.compose_sequence_node
    compose_mapping_node = yaml.composer.Composer.compose_mapping_node

    def __init__(self, stream):
        if _Parser:
            _Parser.__init__(self, stream)
        else:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.node_count = 0
        self.depth = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"YAML aliases (*{event.anchor}) are not allowed; write the value out",
                event.start_mark,
            )
        self.node_count += 1
        if self.node_count > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"more than {MAX_YAML_NODES} values in one file",
                self.peek_event().start_mark,
            )
        if self.depth >= MAX_YAML_DEPTH:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"values nested more than {MAX_YAML_DEPTH} levels deep",
                self.peek_event().start_mark,
            )
        self.depth += 1
        try:
            return yaml.composer.Composer.compose_node(self, parent, index)
        finally:
            self.depth -= 1


def read_document(path: Path, report: Report, data: bytes | None = None) -> Document | None:
    """Parse one YAML file (or `data`, what the file would hold); on failure add an error to
    the report and return None."""
    whole_file = Location(path)
    try:
        if data is None:
            with path.open("rb") as file:
                size = os.fstat(file.fileno()).st_size
                # Never more than the limit (+1 to notice a file that grows while it is read).
                data = file.read(MAX_YAML_BYTES + 1) if size <= MAX_YAML_BYTES else b""
        else:
            size = len(data)
    except OSError as error:
        report.error(whole_file, "", unreadable(error))
        return None
    if size > MAX_YAML_BYTES or len(data) > MAX_YAML_BYTES:
        report.error(
            whole_file,
            "",
            f"the file has {max(size, len(data)):,} bytes, more than the limit of "
            f"{MAX_YAML_BYTES:,}; an entry is a page of text: shorten it",
        )
        return None
    text = _decode(path, data, report)
    if text is None:
        return None
    try:
        loader = _PositionLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        line, column, message = yaml_syntax.explain(text, error)
        report.error(Location(path, line, column), "", message)
        return None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        report.error(
            Location(path, line, column),
            "",
            f"YAML syntax error: {error.reason} (character U+{error.character:04X})",
        )
        return None
    except yaml.YAMLError as error:
        report.error(whole_file, "", f"YAML syntax error: {error}")
        return None
    if root is None:
        report.error(whole_file, "", "the file is empty; fill it in or delete it")
        return None
    return Document(path, root)


def _decode(path: Path, data: bytes, report: Report) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]  # valid UTF-8 up to the first bad byte
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        hint = "a Windows-1250 file from a Czech editor is likely"
        report.error(
            Location(path, line, column),
            "",
            f"the file is not UTF-8 (byte 0x{data[error.start]:02X}; {hint}); save it as UTF-8",
        )
        return None
    if "\x00" in text:
        report.error(Location(path), "", "the file contains NUL bytes; it is not a text file")
        return None
    special = _NON_PRINTABLE.search(text)
    if special:  # found here, where the position is exact (libyaml reports the line's end)
        line = text.count("\n", 0, special.start()) + 1
        column = special.start() - (text.rfind("\n", 0, special.start()) + 1) + 1
        report.error(
            Location(path, line, column),
            "",
            "YAML syntax error: special characters "
            f"are not allowed (character U+{ord(special.group()):04X})",
        )
        return None
    return text


# What YAML allows in a document (PyYAML's reader uses the same set).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _mark_location(path: Path, mark) -> Location:
    if mark is None:
        return Location(path)
    return Location(path, mark.line + 1, mark.column + 1)


def node_location(path: Path, node: Node) -> Location:
    return _mark_location(path, node.start_mark)


def field_locations(path: Path, under: str = "") -> dict[str, Location]:
    """Where each top-level field of a YAML file is (or each field of the mapping `under`,
    itself at ""), for a problem found after reading; {} when the file has no such mapping."""
    document = read_document(path, Report())
    node = document.root if document else None
    if under:
        found = _field_nodes(node).get(under)
        if found is None:
            return {}
        node = found[1]
        located = {"": node_location(path, found[0])}
    else:
        located = {}
    return located | {
        name: node_location(path, key) for name, (key, _) in _field_nodes(node).items()
    }


def _field_nodes(node: Node | None) -> dict[str, tuple[Node, Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): (key, value) for key, value in reversed(node.value)}


def entry_files(entries_dir: Path, report: Report) -> list[Path]:
    """The entry files of an issue, sorted by name so that builds do not depend on the disk."""
    try:
        if not entries_dir.is_dir():
            report.error(Location(entries_dir), "", "the issue has no entries/ folder")
            return []
        names = sorted(entries_dir.iterdir())
    except OSError as error:
        report.error(Location(entries_dir), "", unreadable(error, "folder"))
        return []
    issue_root = entries_dir.resolve().parent
    found = []
    for path in names:
        if path.name.startswith("."):
            continue
        try:
            regular = path.is_file()
        except OSError as error:
            report.error(Location(path), "", unreadable(error))
            continue
        if path.suffix in (".yml", ".YAML", ".YML") or (path.suffix == ".yaml" and not regular):
            report.error(Location(path), "", "entry files are regular files ending in .yaml")
        elif path.suffix == ".yaml" and path.is_symlink() and not _inside(path, issue_root):
            report.error(
                Location(path),
                "",
                "a symbolic link that leads outside the issue folder; copy the file into entries/",
            )
        elif path.suffix != ".yaml":
            report.warning(
                Location(path), "", "not an entry file (entries end in .yaml); it is ignored"
            )
        elif (problem := entry_id_problem(path.stem)) is not None:
            report.error(Location(path), "", problem)
        else:
            found.append(path)
    return found


def entry_id_problem(entry_id: str) -> str | None:
    """Why `entry_id`, an entry file's name without .yaml, is not a valid id; None if it is.
    check reports it at the file, `klastroviny add` before it makes one."""
    if entry_id and set(entry_id) <= ENTRY_ID_CHARS:
        return None
    return f"the file name '{entry_id}' is the entry id: use only a-z, 0-9 and '-'"


def unreadable(error: OSError, what: str = "file") -> str:
    """The message for a file or folder the operating system will not let us read."""
    reason = error.strerror or type(error).__name__
    return f"cannot read the {what} ({reason}); check its permissions"


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
        return False
