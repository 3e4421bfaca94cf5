"""The reader of typed values: text, numbers, dates, lists, mappings and texts per edition
language out of YAML nodes, each problem reported at its node as `file:line:col: field: message`.

Also the limits every document shares (MAX_*) and the helpers that phrase messages. The issue
and entry schemas are in issue_file.py and entry_file.py.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from klastroviny.content import vocabulary
from klastroviny.content.load import node_location
from klastroviny.content.model import Text, TextList
from klastroviny.errors import Report

MAX_TEXT_CHARS = 20_000
MAX_LIST_ITEMS = 50
MAX_LIST_ITEM_CHARS = 200
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

    def note(self, node: Node, field: str, message: str) -> None:
        self.report.note(node_location(self.path, node), field, message)

    def wrong_type(self, node: Node, field: str, expected: str) -> None:
        got = describe(node)
        hint = ""
        if isinstance(node, ScalarNode) and not node.style and expected == "text":
            if got in ("true/false value", "number", "date"):
                shown = clip(node.value)
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
            key_path = _join(field, clip(str(key_node.value)))
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
                hint = did_you_mean(key, fields) if len(key) <= MAX_LIST_ITEM_CHARS else ""
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
                f"'{clip(node.value)}' is not a plain decimal number "
                "(YAML reads leading zeros as octal); write it like 2006",
            )
            return None
        upper = f" and {high}" if high is not None else ""
        between = f"between {low}{upper}" if upper else f"at least {low}"
        if len(node.value) > MAX_INTEGER_DIGITS:  # int() of a huge text is slow, then refused
            self.error(node, field, f"'{clip(node.value)}' is out of range; it must be {between}")
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
            self.error(node, field, f"'{clip(node.value)}' is not a date; write it as YYYY-MM-DD")
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
                f"'{value}' is not {what}" + did_you_mean(value, choices, show_all=True),
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
        prose: bool = False,
    ) -> Text | None:
        """A plain string (every edition) or a mapping language → string. `prose` (not a
        name): a plain string is a translation missing in all but the first edition."""
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
        if prose:
            self._warn_untranslated(node, field)
        return Text.plain(value)

    def text_list(self, node: Node, field: str, prose: bool = False) -> TextList | None:
        """A list of short texts, or a mapping language → list of short texts; `prose` as
        for text()."""
        if isinstance(node, MappingNode):
            values = []
            for lang, value_node in self._language_items(node, field):
                values.append((lang, self._string_list(value_node, _join(field, lang))))
            text_list = TextList(tuple(values))
            self._warn_missing_languages(node, field, text_list.has)
            return text_list
        items = self._string_list(node, field)
        if prose and items:
            self._warn_untranslated(node, field)
        return TextList((("*", items),))

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
                    f"'{clip(str(lang))}' is not a language of the bulletin; "
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

    def _warn_missing_languages(
        self, node: Node, field: str, has: Callable[[str], bool], fix: str = ""
    ) -> None:
        for lang in self.languages or ():
            if not has(lang):
                fallback = next((code for code in self.languages if has(code)), None)
                if fallback:
                    self.warning(
                        node,
                        field,
                        f"no '{lang}' text; the {lang} edition prints the {fallback} text{fix}",
                    )

    def _warn_untranslated(self, node: Node, field: str) -> None:
        """A prose text written once in an issue of several editions: taken as the first
        edition's text, the others lack their translation."""
        if self.languages and len(self.languages) > 1:
            first = self.languages[0]
            shape = ", ".join(f"{lang}: …" for lang in self.languages)
            fix = f"; write it per language, {{{shape}}}"
            self._warn_missing_languages(node, field, lambda lang: lang == first, fix)

    def _check_text(self, node, field, value, check) -> None:
        for message in check(value) if check else ():
            self.error(node, field, message)


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


def clip(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
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


def did_you_mean(value: str, choices, show_all: bool = False) -> str:
    choices = [str(choice) for choice in choices]
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if show_all and len(choices) <= 20:
        return f"; choose one of: {', '.join(choices)}"
    return ""
