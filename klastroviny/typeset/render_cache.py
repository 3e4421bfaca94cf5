"""The render cache: typeset units kept on disk between builds. What to look up and when is
decided in one place, Typesetter.unit (workers.py)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from klastroviny.caching import store
from klastroviny.typeset.units import UnitJob, UnitResult


class RenderCache:
    """Typeset units on disk under the cache's units/ (a unit's fragment as <key>.unit, its
    page count and anchors as <key>.json), keyed by UnitJob.cache_key(); and, under sources/,
    which key the sources of a unit's HTML last gave, so that a unit whose sources did not
    change is found without rendering its HTML."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.typeset = 0  # units typeset (not found in the cache) in this build
        self.reused = 0
        self._counting = threading.Lock()  # the profiles are handed over from a thread

    def count(self, typeset: int = 0, reused: int = 0) -> None:
        with self._counting:
            self.typeset += typeset
            self.reused += reused

    def by_source(self, source: str, name: str) -> UnitResult | None:
        """The unit rendered before from the same sources, without rendering its HTML."""
        if self.folder is None:
            return None
        try:
            key = self._source_path(source).read_text(encoding="ascii")
        except OSError:
            return None
        return self._load(key, name)

    def get(self, job: UnitJob) -> UnitResult | None:
        if self.folder is None:
            return None
        key = job.cache_key()
        result = self._load(key, job.name)
        if result is not None and job.source:  # new sources, same HTML: remember them
            self._write([(self._source_path(job.source), key.encode())])
        return result

    def _load(self, key: str, name: str) -> UnitResult | None:
        pdf_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            anchors = {anchor: (page, y) for anchor, (page, y) in meta["anchors"].items()}
            warnings, resume, pages = meta["warnings"], meta["resume"], meta["pages"]
            if pdf_path.stat().st_size != meta["size"]:
                return None
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return None  # missing or damaged: typeset it again
        return UnitResult(name, None, pages, anchors, warnings, [], resume, pdf_path)

    def put(self, job: UnitJob, result: UnitResult) -> None:
        if self.folder is None or result.refused or result.cached is not None:
            return
        key = job.cache_key()
        pdf_path, meta_path = self._paths(key)
        blob = result.fragment.to_bytes()
        meta = {
            "pages": result.pages,
            "anchors": result.anchors,
            "warnings": result.warnings,
            "resume": result.resume,
            "size": len(blob),
        }
        files = [(pdf_path, blob), (meta_path, json.dumps(meta).encode())]
        if job.source:
            files.append((self._source_path(job.source), key.encode()))
        if self._write(files):
            result.fragment, result.cached = None, pdf_path  # read again when assembling

    def _source_path(self, source: str) -> Path:
        return self.folder / "sources" / source[:2] / source

    def _write(self, files: list[tuple[Path, bytes]]) -> bool:
        return all(store(path, data) for path, data in files)

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".unit"), base.with_suffix(".json")
