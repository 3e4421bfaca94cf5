"""What the preview page shows: for each edition its pages (digests and sources) and PDF, the
problems of the last build, and whether a build is under way. Written by the rebuilding
thread, read by the server's; every change makes a new version, which the server pushes to
the open pages."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from klastroviny.errors import Problem, Report
from klastroviny.preview.pages import Drawn, Page, Renderer, relative


@dataclass
class EditionView:
    pages: list[Page] = field(default_factory=list)
    drawn: dict[str, Drawn] = field(default_factory=dict)  # digest → where to render it
    pdf: bytes = b""


class PreviewState:
    def __init__(self, root: Path, languages: tuple[str, ...]):
        self.root = root
        self.languages = languages
        self.version = 0
        self.building = False
        self.editions = {lang: EditionView() for lang in languages}
        self.problems: list[dict] = []
        self.stopped: str | None = None  # why the last build stopped (the banner), if it did
        self.renderer = Renderer()
        self._lock = threading.Lock()
        self._listeners: list = []  # called with the new version, from the writing thread

    # --- written by the rebuild -----------------------------------------------------------
    def listen(self, callback) -> None:
        self._listeners.append(callback)

    def set_building(self, building: bool) -> None:
        with self._lock:
            self.building = building
        self._changed()

    def pages(self, lang: str) -> dict[int, Page]:
        with self._lock:
            return {page.number: page for page in self.editions[lang].pages}

    def show_pages(self, lang: str, pages: list[Page], drawn: dict[str, Drawn], pdf=None):
        """New pages of an edition; `drawn`: where each new digest's drawing is (a page whose
        digest is known keeps its image)."""
        with self._lock:
            view = self.editions[lang]
            kept = {
                page.digest: view.drawn[page.digest] for page in pages if page.digest in view.drawn
            }
            view.drawn = {**kept, **drawn}
            view.pages = pages
            if pdf is not None:
                view.pdf = pdf
        self._changed()

    def show_problems(self, report: Report, stopped: str | None = None) -> None:
        with self._lock:
            self.problems = [self._problem(problem) for problem in report.sorted()]
            self.stopped = stopped
        self._changed()

    def _problem(self, problem: Problem) -> dict:
        location = problem.location
        return {
            "file": relative(location.file, self.root),
            "line": location.line or None,
            "col": location.column or None,
            "severity": problem.severity.value,
            "field": problem.field,
            "message": problem.message,
        }

    def _changed(self) -> None:
        with self._lock:
            self.version += 1
            version = self.version
        for callback in self._listeners:
            callback(version)

    # --- read by the server ---------------------------------------------------------------
    def image(self, lang: str, digest: str) -> bytes | None:
        """The PNG of a page the edition shows now (rendered on the first request)."""
        with self._lock:
            view = self.editions.get(lang)
            drawn = view.drawn.get(digest) if view else None
        return self.renderer.image(f"{lang}-{digest}", drawn) if drawn else None

    def pdf(self, lang: str) -> bytes | None:
        with self._lock:
            view = self.editions.get(lang)
            return view.pdf if view and view.pdf else None

    def as_dict(self, lang: str) -> dict:
        with self._lock:
            view = self.editions[lang]
            return {
                "version": self.version,
                "building": self.building,
                "lang": lang,
                "languages": list(self.languages),
                "pdf": f"/pdf/{lang}" if view.pdf else None,
                "pages": [
                    {
                        "number": page.number,
                        "image": f"/pages/{lang}/{page.number}-{page.digest}.png",
                        "source": page.source,
                    }
                    for page in view.pages
                ],
                "problems": self.problems,
                "stopped": self.stopped,
            }
