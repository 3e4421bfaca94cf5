"""Where the project's trusted resources live: layouts/ and assets/ beside the package."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAYOUTS_DIR = PROJECT_ROOT / "layouts"
ASSETS_DIR = PROJECT_ROOT / "assets"
FONTS_DIR = ASSETS_DIR / "fonts"
SCHEMAS_DIR = Path(__file__).resolve().parent / "content" / "schemas"


def layout_names() -> list[str]:
    if not LAYOUTS_DIR.is_dir():
        return []
    return sorted(
        path.name
        for path in LAYOUTS_DIR.iterdir()
        if (path / "layout.toml").is_file() and not path.name.startswith("_")
    )
