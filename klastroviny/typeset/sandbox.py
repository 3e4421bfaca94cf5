"""The environment WeasyPrint works in (units.py drives it).

Resources come only from the issue folder, the layout folders and assets/ (SandboxFetcher);
anything else is refused and reported. Fonts come only from assets/fonts (fontconfig is
pointed there). WeasyPrint's log records are captured so that its warnings are ours.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from klastroviny.resources import ASSETS_DIR, FONTS_DIR

# Fontconfig sees only the bundled fonts; set before WeasyPrint (Pango) first loads a font.
os.environ["FONTCONFIG_FILE"] = str(FONTS_DIR / "fonts.conf")

PX_PER_MM = 96 / 25.4
LINE_MM = 12.5 * 25.4 / 72  # one line of body text on A5


class SandboxFetcher:
    """Serves files under the allowed folders only; records every refused URL.

    Trusted roots are the issue folder, the layout folders and assets/. Everything else is
    refused without being opened: other schemes (http, https, ftp, data, …), file URLs outside
    the roots or on another host, symlinks that resolve outside, directories, devices and
    files that cannot be read. `issue:` and `assets:` URLs name a file relative to the issue
    folder (the first root) or assets/, so that no absolute path ends up in the output.
    Refusals are collected in `refused` and reported after rendering (units.py); WeasyPrint
    meanwhile gets an exception, which it turns into a warning and goes on.
    """

    # weasyprint.urls.fetch() reads this: False = our exception is not fatal to rendering.
    _fail_on_errors = False

    def __init__(self, roots: tuple[Path, ...], issue_root: Path | None = None):
        self.roots = tuple(root.resolve() for root in roots)
        self.issue_root = (issue_root or roots[0]).resolve() if roots or issue_root else None
        self.refused: list[str] = []

    def __call__(self, url: str, timeout: int = 10, ssl_context=None, **_):
        return self.fetch(url)

    def fetch(self, url: str, headers=None):
        from weasyprint.urls import URLFetcherResponse

        path = self._local_path(url)
        body = None
        if path is not None:
            try:
                body = path.read_bytes()
            except OSError:
                body = None
        if body is None:
            self.refused.append(url)
            raise ValueError(f"refused by the klastroviny sandbox: {url}")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url=path.as_uri(),
            body=body,
            headers={"Content-Type": mime or "application/octet-stream"},
        )

    def _local_path(self, url: str) -> Path | None:
        try:
            if url.startswith("assets:"):
                path = ASSETS_DIR / _relative(url.removeprefix("assets:"))
            elif url.startswith("issue:") and self.issue_root is not None:
                path = self.issue_root / _relative(url.removeprefix("issue:"))
            elif url.startswith("file:"):
                parts = urlsplit(url)
                if parts.netloc not in ("", "localhost"):
                    return None
                path = Path(unquote(parts.path))
            else:
                return None
            path = path.resolve()
            inside = any(path.is_relative_to(root) for root in self.roots)
            return path if inside and path.is_file() else None
        except (OSError, ValueError, RuntimeError):  # NUL byte, symlink loop, no permission
            return None


def _relative(reference: str) -> str:
    """The path part of an `assets:` or `issue:` URL, without query or fragment."""
    return unquote(reference.split("#", 1)[0].split("?", 1)[0]).lstrip("/")


class _Collect(logging.Handler):
    def __init__(self, on_record: Callable[[logging.LogRecord], None]):
        super().__init__(logging.INFO)
        self.on_record = on_record

    def emit(self, record: logging.LogRecord) -> None:
        self.on_record(record)


@contextmanager
def _listening(name: str, level: int, on_record):
    logger = logging.getLogger(name)
    handler = _Collect(on_record)
    handler.setLevel(level)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(min(level, old_level or level))
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
