"""Where the program's trusted resources live: the layouts and assets bundled with the package.

The repository keeps them at its top level (layouts/, assets/). The package reaches them as
klastroviny/_bundled/layouts and klastroviny/_bundled/assets, and only there: in a checkout
(and so in an editable install) these two are symlinks to the top-level folders, in a wheel or
a non-editable install they are the copied folders (setuptools follows the links when it
builds; see package-data in pyproject.toml). The paths are resolved, so that in a checkout
they are the top-level folders themselves.
"""

from __future__ import annotations

from pathlib import Path

from klastroviny.errors import KlastrovinyError

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_bundled"


def _bundled(name: str) -> Path:
    folder = BUNDLED_DIR / name
    if not folder.resolve().is_dir():
        raise KlastrovinyError(
            "install",
            f"klastroviny is incomplete: its bundled folder {folder} is missing. Reinstall the "
            f"package; in a checkout, klastroviny/_bundled/{name} must be a symlink to "
            f"../../{name} (git with core.symlinks=true).",
        )
    return folder.resolve()


LAYOUTS_DIR = _bundled("layouts")
ASSETS_DIR = _bundled("assets")
FONTS_DIR = ASSETS_DIR / "fonts"
SCHEMAS_DIR = PACKAGE_DIR / "content" / "schemas"


def layout_names() -> list[str]:
    return sorted(
        path.name
        for path in LAYOUTS_DIR.iterdir()
        if (path / "layout.toml").is_file() and not path.name.startswith("_")
    )
