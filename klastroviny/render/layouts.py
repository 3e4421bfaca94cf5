"""Layouts: a folder under layouts/ with a manifest (layout.toml), Jinja templates and CSS.

Lookup is layered: issue-local overrides (issues/<slug>/layout/) → the layout → layouts/base.
A template extends the base explicitly with {% extends "base:profile.html.j2" %}.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.resources import LAYOUTS_DIR, layout_names

BASE = "base"
_PAGE_SIZES_MM = {"A5": (148.0, 210.0), "A4": (210.0, 297.0)}


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    inner: float
    outer: float


@dataclass(frozen=True)
class Layout:
    """A layout's manifest plus the folders its files are looked up in, first match wins."""

    name: str
    page_size: str
    width_mm: float
    height_mm: float
    bleed_mm: float
    margins: Margins
    profile_pages: int  # the page budget of one profile
    contact_zone_mm: float  # height reserved at the foot of a profile for the contact block
    logo_mm: tuple[float, float]  # (width, height) of the box a profile's logo fits into
    pages_multiple: int  # total page count must be a multiple of this (4 for saddle stitch)
    stylesheets: tuple[str, ...]
    coverage_fonts: tuple[str, ...]  # every printed character must be in each (assets/fonts)
    search_path: tuple[Path, ...]  # issue overrides, the layout, base

    @property
    def content_height_mm(self) -> float:
        return self.height_mm - self.margins.top - self.margins.bottom

    def find(self, name: str) -> Path:
        """The file `name` from the first folder of the search path that has it."""
        if name.startswith(f"{BASE}:"):
            folders: tuple[Path, ...] = (LAYOUTS_DIR / BASE,)
            name = name.removeprefix(f"{BASE}:")
        else:
            folders = self.search_path
        for folder in folders:
            if (folder / name).is_file():
                return folder / name
        raise KlastrovinyError(
            "layout",
            f"layout {self.name}: no file '{name}' in "
            + ", ".join(str(folder) for folder in folders),
        )

    def jinja_environment(self) -> jinja2.Environment:
        """The layout's template environment, made once per search path (compiling the
        templates costs more than rendering them)."""
        return _environment(self.search_path)


@lru_cache(maxsize=8)
def _environment(search_path: tuple[Path, ...]) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(folder)) for folder in search_path]
    prefixed = jinja2.PrefixLoader(
        {BASE: jinja2.FileSystemLoader(str(LAYOUTS_DIR / BASE))}, delimiter=":"
    )
    # Sandboxed: an issue may bring its own templates (issues/<slug>/layout/), and issue
    # content is not trusted to run code.
    return ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader([prefixed, *loaders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )


def load_layout(name: str, issue_root: Path | None = None) -> Layout:
    """Read layouts/<name>/layout.toml; an unknown name or a broken manifest is a clear error."""
    folder = LAYOUTS_DIR / name
    manifest_path = folder / "layout.toml"
    if name == BASE or not manifest_path.is_file():
        raise KlastrovinyError(
            "layout", f"no layout '{name}'; the layouts are: {', '.join(layout_names())}"
        )
    try:
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
        return _layout_from_manifest(name, manifest, folder, issue_root)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        report = Report()
        report.error(Location(manifest_path), "", f"broken layout manifest: {error!r}")
        raise KlastrovinyError("layout", f"layout '{name}' cannot be used", report) from None


def _layout_from_manifest(name: str, manifest: dict, folder: Path, issue_root: Path | None):
    page = manifest["page"]
    width, height = _PAGE_SIZES_MM[page["size"]]
    overrides = (issue_root / "layout",) if issue_root and (issue_root / "layout").is_dir() else ()
    return Layout(
        name=name,
        page_size=page["size"],
        width_mm=width,
        height_mm=height,
        bleed_mm=float(page["bleed_mm"]),
        margins=Margins(**{key: float(value) for key, value in page["margins_mm"].items()}),
        profile_pages=int(manifest["profile"]["pages"]),
        contact_zone_mm=float(manifest["profile"]["contact_zone_mm"]),
        logo_mm=(
            float(manifest["profile"]["logo_mm"]["width"]),
            float(manifest["profile"]["logo_mm"]["height"]),
        ),
        pages_multiple=int(manifest.get("binding", {}).get("pages_multiple", 1)),
        stylesheets=tuple(manifest["stylesheets"]),
        coverage_fonts=tuple(manifest.get("fonts", {}).get("coverage", ())),
        search_path=(*overrides, folder, LAYOUTS_DIR / BASE),
    )


def ecosystem_colours() -> dict[str, dict]:
    """The 14 ecosystem colours and the brand colour, defined once (RGB for screen, CMYK for
    print) in layouts/base/colours.toml."""
    return _parsed_toml((LAYOUTS_DIR / BASE / "colours.toml").read_text(encoding="utf-8"))


def wording() -> dict[str, dict[str, str]]:
    """Fixed wording of the layouts in every edition language."""
    return _parsed_toml((LAYOUTS_DIR / BASE / "wording.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _parsed_toml(text: str) -> dict:
    """Parsed once per content (every unit's rendering asks); callers must not modify it."""
    return tomllib.loads(text)
