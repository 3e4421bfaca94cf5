"""Logo files are untrusted input: checked in full before anything is rendered.

A logo comes from a cluster by e-mail. Before the renderer sees it, it must be a real SVG, PNG
or JPEG (judged from its content), within the size limits below, decodable from start to end,
and, for an SVG, safe XML that refers to nothing outside itself. Every problem is returned as a
message that says what to do; entry_file.py reports it at the entry's `logo` field.

This module sniffs the kind, checks the size and decodes PNG and JPEG; svg_logos.py checks SVG.
The limits are documented in docs/security.md; keep the two in step.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

from klastroviny.content.svg_logos import check_svg

MAX_RASTER_BYTES = 5_000_000  # a PNG or JPEG logo file
MAX_SVG_BYTES = 2_000_000  # an SVG logo file
MAX_SIDE_PX = 6_000  # 300 ppi over 50 cm, far beyond the 60 mm a logo is printed at
MAX_PIXELS = 24_000_000  # e.g. 6,000 × 4,000: at most 96 MB decoded (RGBA)
SNIFF_BYTES = 1024

_RASTER = {"png": "PNG", "jpeg": "JPEG"}


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
        problems = check_svg(path.read_bytes())
        if problems:
            raise LogoProblem(problems)
    else:
        check_raster(path, kind)
    return kind


# --- PNG and JPEG ----------------------------------------------------------------------------
def raster_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG or JPEG logo, from its header; None for an SVG. For
    a logo check_logo accepted: it reads the header only."""
    kind = sniff_image(path)
    if kind not in _RASTER:
        return None
    from PIL import Image

    with Image.open(path, formats=[_RASTER[kind]]) as image:
        return image.size


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


# What print asks of a raster logo at its printed size (bulletin/checks.py before the build,
# press/preflight.py of the master).
PRINT_REFUSED_PPI = 150  # preflight refuses a print master with an image below it
PRINT_PPI = 300


def logo_wanted(width_px: int, height_px: int, ppi: float) -> str:
    """The fix for a logo of these pixels printed at `ppi`: an SVG, or enough pixels."""
    scale = PRINT_PPI / ppi
    return (
        f"ask the cluster for an SVG, or for the logo at {math.ceil(width_px * scale)} × "
        f"{math.ceil(height_px * scale)} px or more ({PRINT_PPI} ppi)"
    )
