"""Logo files are untrusted input: checked in full before anything is rendered.

A logo comes from a cluster by e-mail. Before the renderer sees it, it must be a real SVG, PNG
or JPEG (judged from its content), within the size limits below, decodable from start to end,
and, for an SVG, safe XML that refers to nothing outside itself. Every problem is returned as a
message that says what to do; validate.py reports it at the entry's `logo` field.

The limits are documented in docs/security.md; keep the two in step.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

MAX_RASTER_BYTES = 5_000_000  # a PNG or JPEG logo file
MAX_SVG_BYTES = 2_000_000  # an SVG logo file
MAX_SIDE_PX = 6_000  # 300 ppi over 50 cm, far beyond the 60 mm a logo is printed at
MAX_PIXELS = 24_000_000  # e.g. 6,000 × 4,000: at most 96 MB decoded (RGBA)
MAX_SVG_DEPTH = 40  # elements nested inside each other
MAX_SVG_ELEMENTS = 20_000  # elements in the file
MAX_SVG_REFERENCE_NESTING = 6  # a mask in a mask …: rendering time grows steeply with it
MAX_SVG_DRAWN = 30_000  # elements drawn, each #id reference (<use>, mask, …) counting as its target
MAX_SVG_PROBLEMS = 10  # shown per file; the rest is counted
MAX_CSS_NESTING = 40  # brackets inside brackets in a <style> or an attribute
MAX_CSS_CHARS = 250_000  # CSS read in one SVG (<style> and attributes with a function or @)
SNIFF_BYTES = 1024

_RASTER = {"png": "PNG", "jpeg": "JPEG"}
# Elements that load, embed or run something outside the logo's own vector shapes.
_REFUSED_ELEMENTS = {
    "script": "a script (<script>)",
    "foreignObject": "embedded HTML (<foreignObject>)",
    "image": "an embedded or linked picture (<image>)",
    "iframe": "an embedded page (<iframe>)",
    "object": "an embedded object (<object>)",
    "embed": "an embedded object (<embed>)",
    "audio": "audio (<audio>)",
    "video": "video (<video>)",
}
_REFERENCE_ATTRIBUTES = {"href", "src"}  # also xlink:href, which parses to (xlink, href)
# The public DOCTYPEs graphics programs write; never fetched (expat loads no external DTD).
_SVG_DTD_PREFIXES = ("http://www.w3.org/Graphics/SVG/", "http://www.w3.org/TR/2001/REC-SVG")
# An attribute is read as CSS only if it may refer to something: a url-like function, an
# at-rule or an escape. The common fill="url(#gradient)" is allowed without parsing.
_MAY_REFER = re.compile(r"url|src|image|@|\\", re.IGNORECASE)
_SAME_DOCUMENT_URL = re.compile(r"\s*url\(\s*(['\"]?)#[^'\"()\\\s]*\1\s*\)\s*", re.IGNORECASE)
_URL_FRAGMENT = re.compile(r"url\(\s*['\"]?#([^'\"()\\\s]+)", re.IGNORECASE)
_CSS_URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"}


class LogoProblem(Exception):
    """What is wrong with a logo file and how to fix it; `messages` has one line per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def sniff_image(path: Path) -> str | None:
    """svg, png or jpeg judged from the file's first bytes, not its name; None for anything
    else. OSError (e.g. permission denied) propagates: that is a different problem."""
    with path.open("rb") as file:
        head = file.read(SNIFF_BYTES)
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in head:
        return "svg"
    return None


def check_logo(path: Path) -> str:
    """The logo's kind (svg, png, jpeg) if it is safe to render; else raise LogoProblem.

    OSError (unreadable file) propagates so that the caller can say so in its own words.
    """
    kind = sniff_image(path)
    if kind is None:
        raise LogoProblem(["is not an SVG, PNG or JPEG file (by its content)"])
    size = path.stat().st_size
    limit = MAX_SVG_BYTES if kind == "svg" else MAX_RASTER_BYTES
    if size > limit:
        advice = (
            "simplify the drawing or save it without embedded pictures"
            if kind == "svg"
            else "scale it down (about 1,000 px wide is plenty at 300 ppi) or use an SVG"
        )
        raise LogoProblem(
            [f"has {size:,} bytes, more than the {kind.upper()} limit of {limit:,}; {advice}"]
        )
    if kind == "svg":
        check_svg(path.read_bytes())
    else:
        check_raster(path, kind)
    return kind


# --- PNG and JPEG ----------------------------------------------------------------------------
def check_raster(path: Path, kind: str) -> tuple[int, int]:
    """Dimensions from the header first, then a full decode: (width, height) or LogoProblem."""
    from PIL import Image

    name = _RASTER[kind]
    damaged = f"is a damaged {name} file ({{}}); export it again from the original"
    with warnings.catch_warnings():
        # Pillow warns above its own pixel limit; ours is lower and checked below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[name]) as image:
                width, height = image.size
        except Image.DecompressionBombError as error:  # Pillow's own limit, far above ours
            pixels = re.search(r"\((\d+) pixels\)", str(error))
            raise LogoProblem([_too_large(None, int(pixels[1]) if pixels else None)]) from None
        except Image.UnidentifiedImageError:
            raise LogoProblem([damaged.format("its header cannot be read")]) from None
        except (FileNotFoundError, PermissionError):
            raise
        except Exception as error:  # Pillow raises many kinds on malformed headers
            raise LogoProblem([damaged.format(_reason(error))]) from None
        if width > MAX_SIDE_PX or height > MAX_SIDE_PX or width * height > MAX_PIXELS:
            raise LogoProblem([_too_large(width, height)])
        if width < 1 or height < 1:
            raise LogoProblem([damaged.format(f"{width} × {height} px")])
        try:
            with Image.open(path, formats=[name]) as image:
                image.verify()  # chunk structure and checksums, without decoding
            with Image.open(path, formats=[name]) as image:
                image.load()  # every pixel: a truncated or corrupt stream fails here
        except (FileNotFoundError, PermissionError):
            raise
        except Exception as error:
            raise LogoProblem([damaged.format(_reason(error))]) from None
    return width, height


def _too_large(width: int | None, height_or_pixels: int | None) -> str:
    if width:
        size = f"is {width:,} × {height_or_pixels:,} px"
    elif height_or_pixels:
        size = f"has {height_or_pixels:,} pixels"
    else:
        size = "has far too many pixels"
    return (
        f"{size}; the limits are {MAX_SIDE_PX:,} px on a side and {MAX_PIXELS // 1_000_000} "
        "megapixels: scale it down (about 1,000 px wide is plenty at 300 ppi) or use an SVG"
    )


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "…"


# --- SVG -------------------------------------------------------------------------------------
class _Refused(Exception):
    """Stops the XML parser at once: the file is not to be read any further."""


def check_svg(data: bytes) -> None:
    """Parse the SVG as XML without DTDs or entities and look for anything that reaches outside
    the file or multiplies the work. Raises LogoProblem with every problem found (up to
    MAX_SVG_PROBLEMS)."""
    checker = _SvgChecker()
    try:
        checker.parse(data)
    except _Refused as stop:
        checker.problems.append(str(stop))
    except expat.ExpatError as error:
        message = expat.errors.messages.get(error.code, str(error))
        raise LogoProblem(
            [
                f"is not well-formed XML ({message} at line {error.lineno}, column "
                f"{error.offset + 1}); export it again as SVG from your graphics program"
            ]
        ) from None
    if checker.problems:
        problems = checker.problems[:MAX_SVG_PROBLEMS]
        if len(checker.problems) > MAX_SVG_PROBLEMS:
            problems.append(f"and {len(checker.problems) - MAX_SVG_PROBLEMS} more such problems")
        raise LogoProblem(problems)


@dataclass
class CssFacts:
    """What a piece of CSS refers to."""

    external: list[str] = field(default_factory=list)  # outside the file: refused
    internal: list[str] = field(default_factory=list)  # ids, from url(#id)
    # (selectors, ids their declarations refer to); a selector is (tag, ids, classes)
    rules: list[tuple[list[tuple], list[str]]] = field(default_factory=list)


class _SvgChecker:
    def __init__(self):
        self.problems: list[str] = []
        self.depth = 0
        self.root_seen = False
        self.style_depth = 0  # > 0 inside a <style> element
        self.style_text: list[str] = []
        self.css_chars = 0
        self.parser = None
        # The elements in document order, for the references check.
        self.tags: list[str] = []
        self.classes: list[frozenset[str]] = []
        self.element_ids: list[str] = []
        self.refs: list[list[str]] = []  # ids each element refers to (#id, url(#id))
        self.children: list[list[int]] = []
        self.open: list[int] = []
        self.ids: dict[str, int] = {}
        self.rules: list[tuple[list[tuple], list[str]]] = []

    def parse(self, data: bytes) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        self.parser = parser
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.entity
        parser.ExternalEntityRefHandler = self.external_entity
        parser.SkippedEntityHandler = self.skipped_entity
        parser.ProcessingInstructionHandler = self.processing_instruction
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.Parse(data, True)
        if not self.root_seen:
            raise _Refused("has no <svg> element; it is not an SVG file")
        self.check_references()

    def where(self) -> str:
        return f"line {self.parser.CurrentLineNumber} of the SVG"

    # A DTD can declare entities (the "billion laughs" bomb) or pull in other files.
    def doctype(self, name, system_id, public_id, has_internal_subset):
        if system_id and not system_id.startswith(_SVG_DTD_PREFIXES):
            raise _Refused(
                f"has a DOCTYPE that points to '{_short(system_id)}' ({self.where()}); it is "
                "never loaded, but a logo may not refer to other files: delete the <!DOCTYPE …>"
            )
        if has_internal_subset:
            raise _Refused(
                f"has a DOCTYPE with declarations ({self.where()}); SVG logos may not declare "
                "entities: delete the <!DOCTYPE …> line and export the logo again"
            )

    def entity(self, name, *_):
        raise _Refused(
            f"declares an XML entity '{_short(name)}' ({self.where()}); delete the <!DOCTYPE …>"
        )

    def external_entity(self, context, base, system_id, public_id):
        raise _Refused(f"refers to an external entity '{_short(str(system_id))}' ({self.where()})")

    def skipped_entity(self, name, is_parameter_entity):
        raise _Refused(
            f"uses an undefined entity '&{_short(name)};' ({self.where()}); write the character "
            "itself"
        )

    def processing_instruction(self, target, data):
        if target.lower() == "xml-stylesheet":
            self.problems.append(
                f"links a stylesheet (<?xml-stylesheet {_short(data)}?>, {self.where()}); "
                "logos may not load other files: delete it"
            )

    def start(self, name, attributes):
        self.depth += 1
        if len(self.tags) >= MAX_SVG_ELEMENTS:
            raise _Refused(
                f"has more than {MAX_SVG_ELEMENTS:,} elements; simplify the drawing "
                "(e.g. merge paths) or use a PNG"
            )
        if self.depth > MAX_SVG_DEPTH:
            raise _Refused(
                f"has elements nested more than {MAX_SVG_DEPTH} deep ({self.where()}); "
                "ungroup the drawing or use a PNG"
            )
        local = name.rpartition(" ")[2]
        if not self.root_seen:
            self.root_seen = True
            if local != "svg":
                raise _Refused(f"starts with <{_short(local)}>, not <svg>; it is not an SVG file")
        if local in _REFUSED_ELEMENTS:
            self.problems.append(
                f"contains {_REFUSED_ELEMENTS[local]} ({self.where()}); a logo must be vector "
                "shapes only: remove it, or use a PNG"
            )
        index = self.remember(local, attributes)
        for attribute, value in attributes.items():
            self.attribute(index, local, attribute.rpartition(" ")[2], value)
        if local in ("set", "animate") and _local_attribute(attributes, "attributeName").endswith(
            "href"
        ):
            self.refused(f"<{local}> of an href")
        if local == "style":
            self.style_depth = self.depth
            self.style_text = []

    def remember(self, local: str, attributes: dict[str, str]) -> int:
        index = len(self.tags)
        self.tags.append(local.lower())
        self.classes.append(frozenset(_local_attribute(attributes, "class").split()))
        element_id = _local_attribute(attributes, "id")
        self.element_ids.append(element_id)
        if element_id:
            self.ids.setdefault(element_id, index)
        self.refs.append([])
        self.children.append([])
        if self.open:
            self.children[self.open[-1]].append(index)
        self.open.append(index)
        return index

    def attribute(self, index: int, element: str, local: str, value: str) -> None:
        if local in _REFERENCE_ATTRIBUTES:
            target = value.strip()
            if not target.startswith("#"):
                self.refused(f'{local}="{_short(value)}"')
            elif element != "a":  # a link is not drawn
                self.refs[index].append(target[1:])
            return
        if bracket_depth(value) > MAX_CSS_NESTING:  # the renderer parses some as CSS
            raise _Refused(
                f"has an attribute {local} with brackets nested more than {MAX_CSS_NESTING} "
                f"deep ({self.where()}); export the logo again"
            )
        if _MAY_REFER.search(value) and not _SAME_DOCUMENT_URL.fullmatch(value):
            facts = self.css(value, declarations=True)
            for reference in facts.external:
                self.refused(f'{local}="…{_short(reference)}…"')
            self.refs[index].extend(facts.internal)
        else:  # no escapes here (a backslash would have been parsed above)
            self.refs[index].extend(_URL_FRAGMENT.findall(value))

    def css(self, text: str, declarations: bool) -> CssFacts:
        self.css_chars += len(text)
        if self.css_chars > MAX_CSS_CHARS:
            raise _Refused(
                f"has more than {MAX_CSS_CHARS:,} characters of CSS (styles and attributes "
                "with url(…) or another function); simplify the drawing or use a PNG"
            )
        if bracket_depth(text) > MAX_CSS_NESTING:
            raise _Refused(
                f"has CSS with brackets nested more than {MAX_CSS_NESTING} deep "
                f"({self.where()}); export the logo again"
            )
        return css_facts(text, declarations)

    def characters(self, text: str) -> None:
        if self.style_depth:
            self.style_text.append(text)

    def end(self, name):
        if self.style_depth and self.depth == self.style_depth:
            facts = self.css("".join(self.style_text), declarations=False)
            for reference in facts.external:
                self.refused(f"<style> {_short(reference)}")
            self.rules.extend(facts.rules)
            self.style_depth = 0
        self.depth -= 1
        self.open.pop()

    def refused(self, what: str) -> None:
        self.problems.append(
            f"refers to something outside the file: {what} ({self.where()}); a logo may only "
            "refer to its own parts (#id): remove the reference or embed the shape"
        )

    # --- #id references multiply the work ------------------------------------------------
    # A <use>, a mask or a pattern draws the element it refers to. Twelve levels of four
    # <use> each draw 4^12 elements from 50 lines; a mask that refers to itself never ends.
    def check_references(self) -> None:
        """Refuse a loop of #id references, and count the elements drawn with every reference
        counted as the element it refers to (with its children)."""
        self._apply_style_rules()
        if not any(refs for refs in self.refs):
            return
        targets = [[self.ids[ref] for ref in refs if ref in self.ids] for refs in self.refs]
        deps = [children + refs for children, refs in zip(self.children, targets, strict=True)]
        drawn: list[int] = [0] * len(deps)
        nesting: list[int] = [0] * len(deps)  # references inside references
        state = bytearray(len(deps))  # 0 new, 1 being counted, 2 counted
        stack = [(0, False)]
        while stack:
            index, counted = stack.pop()
            if counted:
                total = 1 + sum(drawn[other] for other in targets[index])
                total += sum(
                    drawn[child]
                    for child in self.children[index]
                    if self.tags[child] not in _DEFINED
                )
                drawn[index] = min(total, MAX_SVG_DRAWN)
                nesting[index] = max(
                    [nesting[child] for child in self.children[index]]
                    + [1 + nesting[target] for target in targets[index]],
                    default=0,
                )
                if nesting[index] > MAX_SVG_REFERENCE_NESTING:
                    what = self.element_ids[index] or self.tags[index]
                    raise _Refused(
                        f"nests #id references more than {MAX_SVG_REFERENCE_NESTING} deep (at "
                        f"'{_short(what)}': a <use>, mask or pattern inside one inside another "
                        "…); simplify the drawing or use a PNG"
                    )
                state[index] = 2
                continue
            if state[index]:
                continue
            state[index] = 1
            stack.append((index, True))
            for other in deps[index]:
                if state[other] == 1:
                    what = self.element_ids[other] or self.tags[other]
                    raise _Refused(
                        f"refers to itself: '#{_short(what)}' is used inside itself (through "
                        "<use>, a mask, a pattern, a clip path or a gradient); remove the loop or "
                        "export the logo again"
                    )
                if not state[other]:
                    stack.append((other, False))
        if drawn[0] >= MAX_SVG_DRAWN:
            raise _Refused(
                f"draws more than {MAX_SVG_DRAWN:,} elements when every <use>, mask and pattern "
                "is counted as what it draws; simplify the drawing or use a PNG"
            )

    def _apply_style_rules(self) -> None:
        """The ids that <style> rules with url(#id) add to the elements their selectors match
        (roughly: by the last compound selector; a loose match only adds references)."""
        if not self.rules:
            return
        by_key: dict[tuple[str, str], list[tuple[tuple, list[str]]]] = {}
        for selectors, targets in self.rules:
            for selector in selectors:
                tag, ids, classes = selector
                key = (
                    ("id", min(ids))
                    if ids
                    else ("class", min(classes))
                    if classes
                    else ("tag", tag)
                    if tag
                    else ("any", "")
                )
                by_key.setdefault(key, []).append((selector, targets))
        for index, tag in enumerate(self.tags):
            keys = [("tag", tag), ("any", "")]
            keys += [("class", name) for name in self.classes[index]]
            if self.element_ids[index]:
                keys.append(("id", self.element_ids[index]))
            for key in keys:
                for (rule_tag, ids, classes), targets in by_key.get(key, ()):
                    if (
                        (rule_tag is None or rule_tag == tag)
                        and ids <= {self.element_ids[index]}
                        and classes <= self.classes[index]
                    ):
                        self.refs[index].extend(targets)


def _local_attribute(attributes: dict[str, str], name: str) -> str:
    for attribute, value in attributes.items():
        if attribute.rpartition(" ")[2] == name:
            return value.strip()
    return ""


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
    (the walk recurses once per bracket)."""
    import tinycss2

    facts = CssFacts()
    if declarations:
        _walk_css(tinycss2.parse_component_value_list(css), facts)
    else:
        _walk_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), facts)
    return facts


# Elements drawn only where something refers to them (their content counts there).
_DEFINED = {
    "defs", "symbol", "mask", "clippath", "pattern", "marker", "lineargradient",
    "radialgradient", "filter", "style", "title", "desc", "metadata",
}  # fmt: skip
_GROUPING_RULES = {"media", "supports", "document", "-moz-document", "layer", "container", "scope"}


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


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
