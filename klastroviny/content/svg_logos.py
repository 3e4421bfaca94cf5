"""SVG logos: parsed as XML without DTDs or entities, and refused if anything in them reaches
outside the file (links, scripts, embedded pictures, CSS imports) or multiplies the work of
drawing them (deep nesting, #id references that loop or fan out). The CSS is read by svg_css.py.

The limits are documented in docs/security.md; keep the two in step.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from klastroviny.content.svg_css import CssFacts, bracket_depth, css_facts

MAX_SVG_DEPTH = 40  # elements nested inside each other
MAX_SVG_ELEMENTS = 20_000  # elements in the file
MAX_SVG_REFERENCE_NESTING = 6  # a mask in a mask …: rendering time grows steeply with it
MAX_SVG_DRAWN = 30_000  # elements drawn, each #id reference (<use>, mask, …) counting as its target
MAX_SVG_PROBLEMS = 10  # shown per file; the rest is counted
MAX_CSS_NESTING = 40  # brackets inside brackets in a <style> or an attribute
MAX_CSS_CHARS = 250_000  # CSS read in one SVG (<style> and attributes with a function or @)

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
# Elements drawn only where something refers to them (their content counts there).
_DEFINED = {
    "defs", "symbol", "mask", "clippath", "pattern", "marker", "lineargradient",
    "radialgradient", "filter", "style", "title", "desc", "metadata",
}  # fmt: skip


class _Refused(Exception):
    """Stops the XML parser at once: the file is not to be read any further."""


def check_svg(data: bytes) -> list[str]:
    """Parse the SVG as XML without DTDs or entities and look for anything that reaches outside
    the file or multiplies the work: every problem found (up to MAX_SVG_PROBLEMS, then a
    count), or none if the logo is safe to render."""
    checker = _SvgChecker()
    try:
        checker.parse(data)
    except _Refused as stop:
        checker.problems.append(str(stop))
    except expat.ExpatError as error:
        message = expat.errors.messages.get(error.code, str(error))
        return [
            f"is not well-formed XML ({message} at line {error.lineno}, column "
            f"{error.offset + 1}); export it again as SVG from your graphics program"
        ]
    problems = checker.problems[:MAX_SVG_PROBLEMS]
    if len(checker.problems) > MAX_SVG_PROBLEMS:
        problems.append(f"and {len(checker.problems) - MAX_SVG_PROBLEMS} more such problems")
    return problems


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
        drawn = self._count_drawn(targets)
        if drawn[0] >= MAX_SVG_DRAWN:
            raise _Refused(
                f"draws more than {MAX_SVG_DRAWN:,} elements when every <use>, mask and pattern "
                "is counted as what it draws; simplify the drawing or use a PNG"
            )

    def _count_drawn(self, targets: list[list[int]]) -> list[int]:
        """The elements each element draws, its children and targets counted before it; one
        met again while still being counted is a loop. A stack, not recursion: a chain of
        references can be thousands long."""
        deps = [children + refs for children, refs in zip(self.children, targets, strict=True)]
        drawn: list[int] = [0] * len(deps)
        nesting: list[int] = [0] * len(deps)  # references inside references
        state = bytearray(len(deps))  # 0 new, 1 being counted, 2 counted
        stack = [(0, False)]
        while stack:
            index, counted = stack.pop()
            if counted:
                self._count(index, targets, drawn, nesting)
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
        return drawn

    def _count(self, index: int, targets, drawn: list[int], nesting: list[int]) -> None:
        """drawn and nesting of one element, from those of its children and targets."""
        total = 1 + sum(drawn[other] for other in targets[index])
        total += sum(
            drawn[child] for child in self.children[index] if self.tags[child] not in _DEFINED
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


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
