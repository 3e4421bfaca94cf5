"""What is still RGB in the print edition, converted to CMYK with LittleCMS (Pillow's ImageCms).

The layout's colours are DeviceCMYK already; what is RGB comes from the logos: `rg`/`RG` in
the content an SVG logo draws, raster logos, and gradients (shadings). Everything else —
fonts and their ToUnicode, boxes, text — is left as WeasyPrint wrote it. Colours are taken
as sRGB (an image's own ICC profile where it has one) into the output profile, relative
colorimetric with black point compensation. Anything RGB this cannot convert stops the build
with its page: nothing RGB is left in the master silently.
"""

from __future__ import annotations

import io
import re
from functools import cache

from PIL import Image, ImageCms
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

from klastroviny.errors import KlastrovinyError

_NUM = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_AFTER_DELIMITER, _BEFORE_DELIMITER = rb"(?<![^\s\[\]()<>{}/%])", rb"(?![^\s\[\]()<>{}/%])"
# What the scanner stops at: a literal string, a comment, an inline image (which may hold
# anything), an RGB colour operator, or a device RGB colour space named in the content. Hex
# strings hold only hex digits: nothing to skip. An operator's operands are read back from it.
_TOKEN = re.compile(
    rb"(?P<string>\()|%[^\r\n]*|(?P<device>/DeviceRGB|/CalRGB)"
    + _BEFORE_DELIMITER
    + rb"|"
    + _AFTER_DELIMITER
    + rb"(?:(?P<inline>BI)(?=\s)|(?P<op>rg|RG)"
    + _BEFORE_DELIMITER
    + rb")"
)
_OPERANDS = re.compile(
    _AFTER_DELIMITER + rb"\s+".join(rb"(%s)" % _NUM for _ in range(3)) + rb"\s+\Z"
)
_PAREN = re.compile(rb"[\\()]")
_END_INLINE = re.compile(rb"\sEI(?=\s|$)")
RGB_NAMES = ("/DeviceRGB", "/CalRGB")


class RgbLeft(KlastrovinyError):
    def __init__(self, where: str, what: str):
        super().__init__(
            "print",
            f"{where}: {what} cannot be converted to CMYK for the print master; "
            "give the logo as a plain RGB or CMYK PNG/JPEG, or an SVG with flat colours",
        )


class CmykConversion:
    """Converts one writer's RGB content in place; each object once, however many pages share
    it (WeasyPrint gives all pages one resource dictionary)."""

    def __init__(self, writer: PdfWriter, output_profile: bytes):
        self.writer = writer
        self.profile = ImageCms.ImageCmsProfile(io.BytesIO(output_profile))
        self.colours: dict[tuple[float, float, float], tuple[float, ...]] = {}
        self.done: set[int] = set()

    def run(self) -> None:
        for number, page in enumerate(self.writer.pages, start=1):
            where = f"page {number}"
            group = page.get("/Group")
            if group is not None:
                self._group(group)
            contents = page.get("/Contents")
            for stream in contents.get_object() if _is_array(contents) else [contents]:
                if stream is not None:
                    self._content(stream, where)
            self._resources(page.get("/Resources"), where)

    # --- content streams ---------------------------------------------------------------------

    def _content(self, reference, where: str) -> None:
        """rg/RG become k/K with the converted values; the rest of the bytes stay as they are."""
        if not self._first(reference):
            return
        data = reference.get_object().get_data()
        if b"rg" not in data and b"RG" not in data:  # RG: also /DeviceRGB, /CalRGB
            return
        converted = self._operators(data, where)
        if converted != data:
            self._replace_data(reference, converted)

    def _operators(self, data: bytes, where: str) -> bytes:
        out, start, position = [], 0, 0
        while match := _TOKEN.search(data, position):
            position = match.end()
            if match["string"]:
                position = _string_end(data, match.start())
            elif match["inline"]:
                found = _END_INLINE.search(data, position)
                position = found.end() if found else len(data)
            elif match["op"]:
                window = max(start, match.start() - 80)
                operands = _OPERANDS.search(data, window, match.start())
                if operands is None:
                    raise RgbLeft(where, "an rg or RG operator without three numbers")
                rgb = tuple(float(value) for value in operands.groups())
                cmyk = " ".join(f"{v:.4g}" for v in self.cmyk(rgb))
                operator = "k" if match["op"] == b"rg" else "K"
                out += [data[start : operands.start()], f"{cmyk} {operator}".encode()]
                start = position
            elif match["device"]:
                raise RgbLeft(where, f"a colour set in {match['device'].decode()}")
        out.append(data[start:])
        return b"".join(out)

    # --- resources -----------------------------------------------------------------------------

    def _resources(self, resources, where: str) -> None:
        resources = _resolve(resources)
        if not resources or not self._first(resources):
            return
        for name, space in (_resolve(resources.get("/ColorSpace")) or {}).items():
            if _rgb(space):
                raise RgbLeft(where, f"the RGB colour space {name}")
        for name, reference in (_resolve(resources.get("/XObject")) or {}).items():
            xobject = _resolve(reference)
            if xobject.get("/Subtype") == "/Image":
                self._image(reference, f"{where}, image {name}")
            elif xobject.get("/Subtype") == "/Form":
                self._form(reference, f"{where}, form {name}")
        for name, reference in (_resolve(resources.get("/Pattern")) or {}).items():
            pattern = _resolve(reference)
            if pattern.get("/PatternType") == 1:  # tiling: content of its own
                self._form(reference, f"{where}, pattern {name}")
            else:
                self._shading(pattern.get("/Shading"), f"{where}, pattern {name}")
        for name, shading in (_resolve(resources.get("/Shading")) or {}).items():
            self._shading(shading, f"{where}, shading {name}")
        for state in (_resolve(resources.get("/ExtGState")) or {}).values():
            mask = _resolve(_resolve(state).get("/SMask"))
            if isinstance(mask, DictionaryObject) and "/G" in mask:
                self._form(mask.get("/G"), f"{where}, soft mask")

    def _form(self, reference, where: str) -> None:
        form = _resolve(reference)
        if "/Group" in form:
            self._group(form["/Group"])
        self._content(reference, where)
        self._resources(form.get("/Resources"), where)

    def _group(self, group) -> None:
        group = _resolve(group)
        if _rgb(group.get("/CS")):  # the blending space of a transparency group
            group[NameObject("/CS")] = NameObject("/DeviceCMYK")

    def _shading(self, reference, where: str) -> None:
        shading = _resolve(reference)
        if shading is None or not self._first(shading) or not _rgb(shading.get("/ColorSpace")):
            return
        if isinstance(shading.get("/ColorSpace"), ArrayObject):  # ICCBased: its own profile
            raise RgbLeft(where, "an ICC-based RGB gradient")
        if "/Function" not in shading or "/Background" in shading:
            raise RgbLeft(where, "an RGB mesh gradient")
        functions = shading.get("/Function")
        for function in _resolve(functions) if _is_array(functions) else [functions]:
            self._function(function, where)
        shading[NameObject("/ColorSpace")] = NameObject("/DeviceCMYK")

    def _function(self, reference, where: str) -> None:
        """Exponential (type 2) functions give colours at their ends; stitching (type 3) ones
        join them. Sampled or PostScript functions would need sampling again."""
        if not self._first(reference):  # shared by another gradient: converted once
            return
        function = _resolve(reference)
        kind = function.get("/FunctionType")
        if kind == 3:
            for part in _resolve(function.get("/Functions")):
                self._function(part, where)
        elif kind == 2:
            for end, default in (("/C0", (0.0, 0.0, 0.0)), ("/C1", (1.0, 1.0, 1.0))):
                rgb = tuple(float(v) for v in function.get(end, default))
                function[NameObject(end)] = ArrayObject(
                    FloatObject(round(v, 4)) for v in self.cmyk(rgb)
                )
            if "/Range" in function:
                function[NameObject("/Range")] = ArrayObject([NumberObject(0), NumberObject(1)] * 4)
        else:
            raise RgbLeft(where, f"an RGB gradient of function type {kind}")

    def _image(self, reference, where: str) -> None:
        image = _resolve(reference)
        if not self._first(reference) or not _rgb(image.get("/ColorSpace")):
            return
        space = _resolve(image.get("/ColorSpace"))
        source = None
        if isinstance(space, ArrayObject) and str(space[0]) == "/ICCBased":
            source = _resolve(space[1]).get_data()
        try:
            pixels = image.decode_as_image()
        except Exception as error:  # pypdf raises many kinds for an image it cannot decode
            raise RgbLeft(where, f"an RGB image that cannot be decoded ({error})") from None
        cmyk = ImageCms.applyTransform(pixels.convert("RGB"), self._transform(source))
        stream = DecodedStreamObject()
        stream.set_data(cmyk.tobytes())
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(cmyk.width),
                NameObject("/Height"): NumberObject(cmyk.height),
                NameObject("/ColorSpace"): NameObject("/DeviceCMYK"),
                NameObject("/BitsPerComponent"): NumberObject(8),
            }
        )
        if _is_array(image.get("/Mask")) or "/Decode" in image:  # colour-key or inverted
            raise RgbLeft(where, "an RGB image with a colour-key mask or a /Decode array")
        for key in ("/SMask", "/Mask", "/Interpolate", "/Intent"):  # alpha or stencil: kept
            if key in image:
                stream[NameObject(key)] = image.raw_get(key)
        self.writer._replace_object(reference, stream.flate_encode())

    # --- colour ------------------------------------------------------------------------------

    def cmyk(self, rgb: tuple[float, float, float]) -> tuple[float, ...]:
        """One sRGB colour (0–1) as CMYK (0–1) in the output condition. A grey (black too)
        prints on the K plate alone, as DeviceGray does: black text in a logo is not set in
        four colours that must register."""
        if rgb[0] == rgb[1] == rgb[2]:
            return (0.0, 0.0, 0.0, round(1 - min(max(rgb[0], 0.0), 1.0), 4))
        if rgb not in self.colours:
            value = tuple(round(min(max(v, 0.0), 1.0) * 255) for v in rgb)
            pixel = Image.new("RGB", (1, 1), value)
            cmyk = ImageCms.applyTransform(pixel, self._transform(None)).getpixel((0, 0))
            self.colours[rgb] = tuple(round(v / 255, 4) for v in cmyk)
        return self.colours[rgb]

    def _transform(self, source_profile: bytes | None):
        return _transform(self.profile, source_profile)

    # --- bookkeeping ---------------------------------------------------------------------------

    def _first(self, item) -> bool:
        """Whether this object is met for the first time (by identity: direct objects too)."""
        key = item.idnum if isinstance(item, IndirectObject) else id(item)
        if key in self.done:
            return False
        self.done.add(key)
        return True

    def _replace_data(self, reference, data: bytes) -> None:
        old = reference.get_object()
        stream = DecodedStreamObject()
        stream.set_data(data)
        stream.update(
            {k: v for k, v in old.items() if k not in ("/Length", "/Filter", "/DecodeParms")}
        )
        self.writer._replace_object(reference, stream.flate_encode())


@cache
def _transform(output: ImageCms.ImageCmsProfile, source_profile: bytes | None):
    source = (
        ImageCms.ImageCmsProfile(io.BytesIO(source_profile))
        if source_profile
        else ImageCms.createProfile("sRGB")
    )
    return ImageCms.buildTransform(
        source,
        output,
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


def _string_end(data: bytes, start: int) -> int:
    """The end of the literal string opening at `start`: balanced parentheses, \\ escapes."""
    depth, position = 0, start
    while match := _PAREN.search(data, position):
        position = match.end()
        if match.group() == b"\\":
            position += 1
        elif match.group() == b"(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return position
    return len(data)


def _rgb(space) -> bool:
    space = _resolve(space)
    if space is None:
        return False
    if not _is_array(space):
        return str(space) in RGB_NAMES
    family = str(space[0])
    if family == "/ICCBased":
        return int(_resolve(space[1]).get("/N", 0)) == 3
    if family == "/Indexed":
        return _rgb(space[1])
    if family in ("/Separation", "/DeviceN"):
        return _rgb(space[2])
    return family in RGB_NAMES


def _is_array(value) -> bool:
    return isinstance(_resolve(value), ArrayObject)


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value
