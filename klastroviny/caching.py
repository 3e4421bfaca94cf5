"""Every cache of klastroviny, in one place: where the caches live, what each is keyed by
(klastroviny's code with the libraries that render and typeset, the bundled fonts, files by
content) and how a file of theirs is stored (whole or not at all).

The caches of an issue live in `.cache/` inside its output folder (build/<slug>/.cache/
unless --out-dir says otherwise): units/ (typeset units, see typeset/render_cache.py),
entries/ (entries as read), fonts/ (font subsets), qr/ (QR codes). Deleting it only costs
time; `klastroviny clean` removes it with the outputs.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
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


CACHE_FOLDER = ".cache"
# Entry fields that only profiles print: the front and back matter are keyed without them,
# so that editing a description re-renders its profile only (tests/test_bulletin.py checks
# that the front and back matter's HTML does not change with them).
PROFILE_ONLY_FIELDS = ("description", "offer", "keywords", "logo")
_ISSUE_FILES = re.compile(r'\bsrc="issue:([^"]+)"')  # files of the issue a unit shows


def cache_folder(out_dir: Path) -> Path:
    return out_dir / CACHE_FOLDER


def source_digest(*parts: str, files: tuple[Path, ...] = ()) -> str:
    """A digest of the sources a unit's HTML is rendered from: texts (the entry, the page
    plan, …) and files (logos, the layout's files). A unit found by it skips rendering."""
    digest = hashlib.sha256()
    for part in (code_digest(), fonts_digest(), *parts):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    for path in files:
        digest.update(f"{path}\0{file_digest(path)}\0".encode())
    return digest.hexdigest()


def edition_sources(edition, sheets, *more: str) -> str:
    """What every unit's HTML depends on besides its own content: the issue's own fields, the
    edition, the layout's files and stylesheets (and `more`)."""
    layout_files = sorted(
        path
        for folder in edition.layout.search_path
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file()
    )
    return source_digest(
        repr(replace(edition.issue, entries=())),
        edition.lang,
        repr(edition.print_mode),
        repr(edition.parts),
        *more,
        repr([eco for eco, _ in edition.ecosystem_groups]),
        *(text for _, text in sheets),
        files=tuple(layout_files),
    )


def matter_sources(edition, sheets) -> str:
    """edition_sources of the front and back matter: the entries without PROFILE_ONLY_FIELDS."""
    blank = dict.fromkeys(PROFILE_ONLY_FIELDS)
    entries = [replace(entry, **blank) for entry in edition.issue.entries]
    return edition_sources(edition, sheets, repr(entries))


def unit_key(job) -> str:
    """A typeset unit's key: everything that affects its pages (its HTML, stylesheets, first
    page, the issue files it shows by content)."""
    digest = hashlib.sha256()
    for part in (
        code_digest(),
        job.name,
        repr(job.open_end),
        repr(job.layout_only),
        job.html,
        job.unit_css(),
        fonts_digest(),
        *(text for _, text in job.stylesheets),
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    for source in sorted(set(_ISSUE_FILES.findall(job.html))):
        digest.update(file_digest(job.issue_root / source).encode())
    return digest.hexdigest()


def qr_key(encoded: str, black: str) -> str:
    return hashlib.sha256(f"{code_digest()}\0{encoded}\0{black}".encode()).hexdigest()


def font_key(source: Path, glyphs) -> str:
    return hashlib.sha256(
        f"{code_digest()}\0{file_digest(source)}\0{sorted(glyphs)}".encode()
    ).hexdigest()


def remove_temp_files(folder: Path, writers: set[int]) -> None:
    """The temp files that killed processes (`writers`, by pid) left in a cache folder."""
    if not writers or not folder.is_dir():
        return
    endings = tuple(f".{pid}.tmp" for pid in writers)  # as store() names them
    for path in folder.rglob("*.tmp"):
        if path.name.endswith(endings):
            path.unlink(missing_ok=True)


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


class EntryCache:
    """A valid entry as read from its file (pickled under the caches' entries/), keyed by
    the file's bytes, the issue's languages and date, and klastroviny's code; the logo's
    digest is checked too, as reading an entry checks its logo."""

    def __init__(self, folder: Path, path: Path, context: str):
        self.entry_path = path
        self.data_digest = file_digest(path)
        key = f"{code_digest()}\0{path}\0{context}\0{self.data_digest}"
        self.key = hashlib.sha256(key.encode()).hexdigest()
        self.path = None if self.data_digest == "missing" else folder / self.key[:2] / self.key

    def get(self):
        import pickle

        if self.path is None:
            return None
        try:
            logo, logo_digest, record = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None  # missing or damaged: read the entry again
        if logo is not None and file_digest(logo) != logo_digest:
            return None
        return record

    def put(self, record) -> None:
        import pickle

        if self.path is None or file_digest(self.entry_path) != self.data_digest:
            return  # saved again while it was read: keep nothing
        logo = record[0].logo
        store(self.path, pickle.dumps((logo, file_digest(logo) if logo else None, record)))
