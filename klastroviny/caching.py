"""The caches under build/.cache/: what they are keyed by (klastroviny's code with the
libraries that render and typeset, the bundled fonts, files by content) and how a file of
theirs is stored."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from klastroviny import __version__
from klastroviny.resources import FONTS_DIR

TOOLCHAIN = ("weasyprint", "pydyf", "pypdf", "jinja2", "markdown-it-py", "phonenumbers", "segno")
TOOLCHAIN += ("pycountry", "PyICU", "fonttools", "tinycss2", "cssselect2")


@cache
def code_digest() -> str:
    """klastroviny's own code and the versions of the libraries that render and typeset, so
    that a changed renderer never reuses old units."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):  # every sub-package too
        digest.update(f"{path.relative_to(package).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    for package in TOOLCHAIN:
        try:
            digest.update(f"{package} {version(package)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{package} -\0".encode())
    return digest.hexdigest()


@cache
def fonts_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(FONTS_DIR.iterdir()):
        digest.update(path.name.encode())
        digest.update(file_digest(path).encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def store(path: Path, data: bytes) -> bool:
    """Write a cache file whole or not at all (a temp file, then os.replace), so that another
    process never reads half of one. A cache that cannot be written only costs time: False."""
    temp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, path)
        return True
    except OSError:
        temp.unlink(missing_ok=True)
        return False
    except BaseException:
        temp.unlink(missing_ok=True)  # interrupted: leave no temp file behind
        raise
