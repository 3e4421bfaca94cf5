"""What a piece of CSS in an SVG logo refers to: outside the file (refused), or ids inside it,
and which selectors those ids are attached to. Built on tinycss2's tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

_CSS_URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"}
_GROUPING_RULES = {"media", "supports", "document", "-moz-document", "layer", "container", "scope"}


@dataclass
class CssFacts:
    """What a piece of CSS refers to."""

    external: list[str] = field(default_factory=list)  # outside the file: refused
    internal: list[str] = field(default_factory=list)  # ids, from url(#id)
    # (selectors, ids their declarations refer to); a selector is (tag, ids, classes)
    rules: list[tuple[list[tuple], list[str]]] = field(default_factory=list)


def bracket_depth(css: str) -> int:
    """How deep (), [] and {} nest in a piece of CSS (strings not told apart: an upper bound)."""
    if "(" not in css and "[" not in css and "{" not in css:
        return 0
    depth = deepest = 0
    for char in css:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth = max(depth - 1, 0)
    return deepest


def css_facts(css: str, declarations: bool) -> CssFacts:
    """What the CSS refers to. Call it on CSS whose brackets nest at most MAX_CSS_NESTING deep
    (svg_logos.py checks that first): the walk recurses once per bracket."""
    import tinycss2

    facts = CssFacts()
    if declarations:
        _walk_css(tinycss2.parse_component_value_list(css), facts)
    else:
        _walk_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), facts)
    return facts


def _walk_rules(rules, facts: CssFacts) -> None:
    import tinycss2

    for rule in rules:
        if rule.type == "qualified-rule":
            before = len(facts.internal)
            _walk_css(rule.prelude, facts)
            _walk_css(rule.content, facts)
            if len(facts.internal) > before:
                facts.rules.append((_selectors(rule.prelude), facts.internal[before:]))
        elif rule.type == "at-rule":
            if rule.lower_at_keyword == "import":
                facts.external.append(f"@import {serialize(rule.prelude).strip()}".strip())
                continue
            if rule.lower_at_keyword in _GROUPING_RULES and rule.content is not None:
                _walk_css(rule.prelude, facts)
                nested = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                _walk_rules(nested, facts)
                continue
            before = len(facts.internal)
            _walk_css(rule.prelude, facts)
            _walk_css(rule.content, facts)
            if len(facts.internal) > before:  # e.g. @page: assume it may apply to anything
                facts.rules.append(([(None, frozenset(), frozenset())], facts.internal[before:]))


def _walk_css(tokens, facts: CssFacts) -> None:
    for token in tokens or ():
        kind = getattr(token, "type", None)
        if kind == "url":
            _url(token.value, "url", facts)
        elif kind == "function":
            if token.lower_name in _CSS_URL_FUNCTIONS:
                target = serialize(token.arguments).strip()
                if token.lower_name == "url":
                    _url(target.strip("'\" "), "url", facts, shown=target)
                else:
                    facts.external.append(f"{token.lower_name}({target})")
            _walk_css(token.arguments, facts)
        elif kind == "at-keyword":
            if token.lower_value == "import":
                facts.external.append("@import")
        elif kind in ("() block", "[] block", "{} block"):
            _walk_css(token.content, facts)


def _url(target: str, function: str, facts: CssFacts, shown: str | None = None) -> None:
    target = target.strip()
    if target.startswith("#"):
        facts.internal.append(target[1:])
    else:
        facts.external.append(f"{function}({shown if shown is not None else target})")


def _selectors(prelude) -> list[tuple]:
    """Each comma-separated selector as (tag, ids, classes) of its last compound selector;
    pseudo-classes and attribute selectors are left out, so the match is looser, not tighter."""
    selectors = []
    current: list = []
    for token in [*prelude, None]:
        if token is None or (token.type == "literal" and token.value == ","):
            selectors.append(_compound(current))
            current = []
        elif token.type == "whitespace" or (token.type == "literal" and token.value in ">+~"):
            current.append(None)  # a combinator: a new compound starts
        else:
            current.append(token)
    return selectors


def _compound(tokens: list) -> tuple:
    while tokens and tokens[-1] is None:
        tokens = tokens[:-1]
    if None in tokens:
        last = len(tokens) - 1 - tokens[::-1].index(None)
        tokens = tokens[last + 1 :]
    tag, ids, classes, expect = None, set(), set(), None
    for token in tokens:
        if token.type == "literal" and token.value in (".", ":"):
            expect = token.value
            continue
        if token.type == "ident":
            if expect == ".":
                classes.add(token.value)
            elif expect is None and tag is None and not ids and not classes:
                tag = token.lower_value
        elif token.type == "hash":
            ids.add(token.value)
        expect = None
    return (tag, frozenset(ids), frozenset(classes))


def serialize(tokens) -> str:
    import tinycss2

    return tinycss2.serialize(tokens or ())
