"""What a YAML syntax error means to the editor who made it, and where it was made.

libyaml reports where its parser gave up, often lines after the mistake: an unclosed quote
runs on to the next quote in the file. Here each error is traced back to its cause with the
scanner's tokens and the text's lines — the quote that opens a text running over lines, the
bracket never closed, the mis-indented line, the tab, the key without a colon — and told with
its fix. An error none of these explains is reported as libyaml says it.
"""

from __future__ import annotations

import re

import yaml
from yaml.tokens import ScalarToken

PREFIX = "YAML syntax error: "
_Scanner = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_FLOWS = {"flow sequence": ("[", "]", "list"), "flow mapping": ("{", "}", "mapping")}
_INDENT_PROBLEMS = (
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>",  # PyYAML's own parser, when libyaml is missing
    "mapping values are not allowed",
)
_FIELD_START = re.compile(r"\s*(?:-\s+)?[A-Za-z_][\w-]*:(\s|$)")  # a line that starts a field
_FIELD_LINE = re.compile(r"\s*(?:-\s+)?[^\s:#][^:#]*:\s+(?P<value>.*\S)\s*$")
TAB = "a tab character; YAML indents with spaces only: replace it with spaces"


def explain(text: str, error: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """(line, column, message) of a syntax error, 1-based, as the editor made it."""
    lines = text.splitlines()
    mark = error.problem_mark or error.context_mark
    found = None
    if isinstance(error, yaml.scanner.ScannerError | yaml.parser.ParserError) and mark:
        found = (
            _tab(lines, mark, error.problem or "")
            or _unclosed_quote(text, lines, error)
            or _unclosed_flow(error)
            or _missing_colon(lines, error)
            or _escape(lines, error)
            or _colon_in_value(text, lines, error)
            or _indentation(lines, mark, error.problem or "")
        )
    if found:
        line, column, message = found
        return line + 1, column + 1, PREFIX + message
    problem, context = error.problem, error.context
    shown = f"{problem} ({context})" if problem and context else problem or context
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return line, column, PREFIX + (shown or "invalid YAML")


def _tab(lines: list[str], mark, problem: str):
    """A tab where YAML wants spaces: at the tab itself."""
    line = _line(lines, mark.line)
    if line[mark.column : mark.column + 1] == "\t":
        return mark.line, mark.column, TAB
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    if "tab" in problem or "\t" in indentation:
        return mark.line, max(line.find("\t"), 0), TAB
    return None


def _unclosed_quote(text: str, lines: list[str], error):
    """A quote never closed, or closed by a quote meant as part of the text: at the quote.
    A text over lines is the first when it swallowed lines that start fields."""
    if "quoted scalar" in (error.context or "") and "end of stream" in (error.problem or ""):
        start = error.context_mark
        quote = _line(lines, start.line)[start.column : start.column + 1] or '"'
        message = f"the {quote} that opens here is never closed: end the text with {quote}"
        return start.line, start.column, message
    token = _quoted_before(lines, error.problem_mark, text)
    if token is None:
        return None
    start, end, quote = token.start_mark, token.end_mark, token.style
    inside = r'a " inside the text is written \"' if quote == '"' else "a ' inside it is ''"
    if any(_FIELD_START.match(line) for line in lines[start.line + 1 : end.line + 1]):
        message = (
            f"the {quote} that opens here is not closed on its line (the next {quote} is on "
            f"line {end.line + 1}): close it here; {inside}"
        )
        return start.line, start.column, message
    opens = f"column {start.column + 1}"
    if start.line < end.line:
        opens = f"line {start.line + 1}, {opens}"
    message = (
        f"this {quote} ends the text that opens at {opens}, yet the text goes on: {inside}, "
        "or leave the quotes out"
    )
    return end.line, end.column - 1, message


def _quoted_before(lines: list[str], mark, text: str) -> ScalarToken | None:
    """The quoted text the parser read just before it gave up at `mark`, if any: it ends on
    the mark's line with nothing but spaces before the mark."""
    last = _last_token(text, lambda token: _at(token.end_mark) <= _at(mark))
    if not (isinstance(last, ScalarToken) and last.style in ('"', "'")):
        return None
    end = last.end_mark
    if end.line != mark.line or _line(lines, end.line)[end.column : mark.column].strip(" "):
        return None
    return last


def _unclosed_flow(error):
    """An unclosed [ or {: at the bracket, when the parser gave up on a later line."""
    kind = next((kind for kind in _FLOWS if kind in (error.context or "")), None)
    if kind is None or "expected ','" not in (error.problem or ""):
        return None
    opening, closing, what = _FLOWS[kind]
    start, mark = error.context_mark, error.problem_mark
    if start.line < mark.line:
        message = f"the {opening} that opens here is never closed: end the {what} with {closing}"
        return start.line, start.column, message
    message = (
        f"expected ',' or '{closing}' here: separate the items with commas; an item that "
        "holds ':' or a quote goes in quotes"
    )
    return mark.line, mark.column, message


def _missing_colon(lines: list[str], error):
    """A key without its colon: at the key, with the line as it should be."""
    if "simple key" not in (error.context or "") or "':'" not in (error.problem or ""):
        return None
    start = error.context_mark
    key, _, value = _line(lines, start.line)[start.column :].strip().partition(" ")
    fixed = f"{key}: {value.strip() or '…'}"
    return start.line, start.column, f"no ':' after the field name; write {fixed[:60]}"


def _escape(lines: list[str], error):
    r"""A backslash in a "…" text that is no escape (a Windows path): at the backslash."""
    if "escape" not in (error.problem or ""):
        return None
    mark = error.problem_mark
    shown = _line(lines, mark.line)[mark.column : mark.column + 2]
    message = (
        f"'{shown}' is not an escape in a \"…\" text: write \\\\ for a backslash, or put the "
        "text in '…'"
    )
    return mark.line, mark.column, message


def _colon_in_value(text: str, lines: list[str], error):
    """': ' inside a value on the field's own line: the value needs quotes."""
    mark = error.problem_mark
    if "mapping values" not in (error.problem or "") or _continues(text, mark):
        return None
    match = _FIELD_LINE.match(_line(lines, mark.line))
    if match is None:
        return None
    value = match["value"][:58]
    quoted = f"'{value}'" if '"' in value else f'"{value}"'
    return mark.line, mark.column, f"': ' inside a value starts a field: write {quoted}"


def _continues(text: str, mark) -> bool:
    """Whether the plain text before `mark` started on an earlier line: YAML read the line
    as more of the value above."""
    last = _last_token(text, lambda token: _at(token.start_mark) < _at(mark))
    return isinstance(last, ScalarToken) and last.start_mark.line < mark.line


def _indentation(lines: list[str], mark, problem: str):
    """A line the parser cannot fit into the mappings and lists above it: at the line, with
    the indentation of the lines above."""
    line = _line(lines, mark.line)
    indent = len(line) - len(line.lstrip(" "))
    if not any(kind in problem for kind in _INDENT_PROBLEMS):
        return None
    if mark.column != indent and "mapping values" not in problem:
        return None  # the parser gave up inside the line: not its indentation
    above = _above(lines, mark.line)
    if above is None:
        return None
    number, above_indent, enclosing = above
    item = lines[number].lstrip(" ")
    if re.match(r"-[^\s-]", item):  # "-name: …" is a field named "-name"
        return number, above_indent, f"a space is missing after the '-'; write - {item[1:60]}"
    if indent > above_indent:
        message = (
            f"this line is indented more ({_spaces(indent)}) than line {number + 1} above "
            f"it ({above_indent}), so YAML reads it as more of that line's value: indent it "
            f"like line {number + 1} if it is a field of its own"
        )
        return mark.line, indent, message
    if indent not in enclosing:
        *deeper, least = sorted(enclosing, reverse=True)
        choices = f"{', '.join(map(str, deeper))} or {least}" if deeper else str(least)
        message = (
            f"this line is indented by {_spaces(indent)}, the fields above it by {choices}: "
            "indent it like the fields it belongs with"
        )
        return mark.line, indent, message
    return None


def _above(lines: list[str], index: int) -> tuple[int, int, set[int]] | None:
    """The nearest line above `index` with content (its number and indent), and the indents
    of the fields that enclose it (of a list item '- ': its own fields' indent too)."""
    nearest, enclosing, least = None, set(), None
    for number in range(index - 1, -1, -1):
        stripped = lines[number].lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(lines[number]) - len(stripped)
        nearest = nearest or (number, indent)
        if least is None or indent <= least:
            least = indent
            enclosing.add(indent)
            if item := re.match(r"-\s+", stripped):
                enclosing.add(indent + item.end())
    return (*nearest, enclosing) if nearest else None


def _last_token(text: str, before) -> yaml.Token | None:
    """The scanner's last token for which `before(token)` holds (tokens come in order)."""
    last = None
    try:
        for token in yaml.scan(text, Loader=_Scanner):
            if not before(token):
                break
            last = token
    except yaml.YAMLError:  # the scanner stops at an error of its own; the tokens so far count
        pass
    return last


def _at(mark) -> tuple[int, int]:
    return mark.line, mark.column


def _spaces(count: int) -> str:
    return f"{count} space" if count == 1 else f"{count} spaces"


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""
