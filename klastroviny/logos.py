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
from pathlib import Path
from xml.parsers import expat

MAX_RASTER_BYTES = 5_000_000  # a PNG or JPEG logo file
MAX_SVG_BYTES = 2_000_000  # an SVG logo file
MAX_SIDE_PX = 6_000  # 300 ppi over 50 cm, far beyond the 60 mm a logo is printed at
MAX_PIXELS = 24_000_000  # e.g. 6,000 × 4,000: at most 96 MB decoded (RGBA)
MAX_SVG_DEPTH = 40  # elements nested inside each other
MAX_SVG_ELEMENTS = 20_000  # in the file, and drawn: each <use> counts as what it copies
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
    the file. Raises LogoProblem with every problem found (up to MAX_SVG_PROBLEMS)."""
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


class _SvgChecker:
    def __init__(self):
        self.problems: list[str] = []
        self.depth = 0
        self.elements = 0
        self.root_seen = False
        self.style_depth = 0  # > 0 inside a <style> element
        self.style_text: list[str] = []
        self.css_chars = 0
        self.parser = None
        # For the <use> check: per element its id, the id its <use> copies, its children.
        self.ids: dict[str, int] = {}
        self.copies: dict[int, str] = {}
        self.children: list[list[int]] = []
        self.open: list[int] = []

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
        self.check_copies()

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
        self.elements += 1
        self.depth += 1
        if self.elements > MAX_SVG_ELEMENTS:
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
        for attribute, value in attributes.items():
            self.attribute(attribute.rpartition(" ")[2], value)
        if local in ("set", "animate") and _local_attribute(attributes, "attributeName").endswith(
            "href"
        ):
            self.refused(f"<{local}> of an href")
        self.remember(local, attributes)
        if local == "style":
            self.style_depth = self.depth
            self.style_text = []

    def attribute(self, local: str, value: str) -> None:
        if local in _REFERENCE_ATTRIBUTES:
            if not value.strip().startswith("#"):
                self.refused(f'{local}="{_short(value)}"')
            return
        if bracket_depth(value) > MAX_CSS_NESTING:  # the renderer parses some as CSS
            raise _Refused(
                f"has an attribute {local} with brackets nested more than {MAX_CSS_NESTING} "
                f"deep ({self.where()}); export the logo again"
            )
        if _MAY_REFER.search(value) and not _SAME_DOCUMENT_URL.fullmatch(value):
            for reference in self.css(value, declarations=True):
                self.refused(f'{local}="…{_short(reference)}…"')

    def css(self, text: str, declarations: bool) -> list[str]:
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
        return css_references(text, declarations)

    def characters(self, text: str) -> None:
        if self.style_depth:
            self.style_text.append(text)

    def end(self, name):
        if self.style_depth and self.depth == self.style_depth:
            for reference in self.css("".join(self.style_text), declarations=False):
                self.refused(f"<style> {_short(reference)}")
            self.style_depth = 0
        self.depth -= 1
        self.open.pop()

    # <use> copies an element: 12 levels of four copies each draw 4^12 elements from 50 lines.
    def remember(self, local: str, attributes: dict[str, str]) -> None:
        index = len(self.children)
        self.children.append([])
        if self.open:
            self.children[self.open[-1]].append(index)
        self.open.append(index)
        element_id = _local_attribute(attributes, "id")
        if element_id:
            self.ids.setdefault(element_id, index)
        if local == "use":
            target = _local_attribute(attributes, "href")
            if target.startswith("#"):
                self.copies[index] = target[1:]

    def check_copies(self) -> None:
        """Count the elements drawn, each <use> as the elements it copies; refuse a loop."""
        if not self.copies:
            return
        drawn: dict[int, int] = {}
        state: dict[int, int] = {}  # 1: being counted, 2: counted
        stack = [(0, False)]
        while stack:
            index, expanded = stack.pop()
            if expanded:
                total = 1 + sum(drawn[child] for child in self.children[index])
                target = self.ids.get(self.copies.get(index, ""))
                if target is not None:
                    total += drawn[target]
                drawn[index] = min(total, MAX_SVG_ELEMENTS + 1)
                state[index] = 2
                continue
            if state.get(index) == 2:
                continue
            if state.get(index) == 1:
                raise _Refused(
                    "has a <use> that copies itself (directly or through other elements); "
                    "remove the loop or export the logo again"
                )
            state[index] = 1
            stack.append((index, True))
            depends = list(self.children[index])
            target = self.ids.get(self.copies.get(index, ""))
            if target is not None:
                depends.append(target)
            for other in depends:
                if state.get(other) == 1:
                    raise _Refused(
                        "has a <use> that copies itself (directly or through other elements); "
                        "remove the loop or export the logo again"
                    )
                if state.get(other) != 2:
                    stack.append((other, False))
        if drawn[0] > MAX_SVG_ELEMENTS:
            raise _Refused(
                f"draws more than {MAX_SVG_ELEMENTS:,} elements when its <use> copies are "
                "counted; simplify the drawing or use a PNG"
            )

    def refused(self, what: str) -> None:
        self.problems.append(
            f"refers to something outside the file: {what} ({self.where()}); a logo may only "
            "refer to its own parts (#id): remove the reference or embed the shape"
        )


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


def css_references(css: str, declarations: bool) -> list[str]:
    """Every url(…), src(…), image(…) and @import in a stylesheet (or, with `declarations`, a
    style attribute or presentation attribute) that is not a same-document url(#id)."""
    import tinycss2

    if declarations:
        tokens = tinycss2.parse_component_value_list(css)
    else:
        tokens = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    found: list[str] = []
    _walk_css(tokens, found)
    return found


def _walk_css(tokens, found: list[str]) -> None:
    for token in tokens or ():
        kind = getattr(token, "type", None)
        if kind == "url":
            if not token.value.strip().startswith("#"):
                found.append(f"url({token.value})")
        elif kind == "function":
            if token.lower_name in _CSS_URL_FUNCTIONS:
                target = tinycss2_serialize(token.arguments).strip()
                if token.lower_name != "url" or not target.strip("'\" ").startswith("#"):
                    found.append(f"{token.lower_name}({target})")
            _walk_css(token.arguments, found)
        elif kind in ("at-rule", "at-keyword"):
            keyword = token.lower_at_keyword if kind == "at-rule" else token.lower_value
            if keyword == "import":
                prelude = tinycss2_serialize(getattr(token, "prelude", None) or ())
                found.append(f"@import {prelude.strip()}".strip())
                continue
            _walk_css(getattr(token, "prelude", None), found)
            _walk_css(getattr(token, "content", None), found)
        elif kind == "qualified-rule":
            _walk_css(token.prelude, found)
            _walk_css(token.content, found)
        elif kind in ("() block", "[] block", "{} block"):
            _walk_css(token.content, found)


def tinycss2_serialize(tokens) -> str:
    import tinycss2

    return tinycss2.serialize(tokens)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
