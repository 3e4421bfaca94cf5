"""The preview's rebuilds. After a saved change to entry files only, the profiles that changed
are typeset first, one by one, in a warm worker, and their pages shown at once (a profile's
pages follow from the order and the layout's budget, so the last build's plan places them);
then each edition is built as `build` would, with the build's caches, and every page whose
drawing changed is shown. The edition on screen goes first."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from klastroviny.build import build_issue, output_folder
from klastroviny.bulletin import parts as registry
from klastroviny.bulletin.edition import Edition
from klastroviny.bulletin.parts import PROFILES
from klastroviny.bulletin.plan import PagePlan
from klastroviny.caching import cache_folder
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Entry, Issue
from klastroviny.errors import KlastrovinyError, Report
from klastroviny.options import BuildOptions
from klastroviny.preview.pages import Drawn, Page, page_digests, page_sources, relative
from klastroviny.preview.state import PreviewState
from klastroviny.render.html import render_unit
from klastroviny.render.stylesheets import stylesheets
from klastroviny.typeset.units import UnitJob
from klastroviny.typeset.workers import WarmWorker

FAST_PROFILES = 3  # more changed profiles at once (a search and replace): the full build only


@dataclass(frozen=True)
class Built:
    """What the fast path needs of an edition's last good build."""

    edition: Edition
    front_pages: int  # the pages before the first profile


class PreviewSession:
    def __init__(self, issue_dir: Path, options: BuildOptions, shown: str, state: PreviewState):
        self.issue_dir = Path(issue_dir)
        self.state = state
        self.order = (shown, *(lang for lang in state.languages if lang != shown))
        self._temporary: tempfile.TemporaryDirectory | None = None
        self.options = self._options(options)
        self.built: dict[str, Built] = {}
        self.worker = WarmWorker()

    def _options(self, options: BuildOptions) -> BuildOptions:
        """The preview's PDFs go to `preview/` in the output folder, and it shares the build's
        caches; it never writes into the issue folder (a temporary folder instead, removed at
        the end, if the output folder is inside it)."""
        out_dir = output_folder(self.issue_dir, options)
        if out_dir.resolve().is_relative_to(self.issue_dir.resolve()):
            self._temporary = tempfile.TemporaryDirectory(prefix="klastroviny-preview-")
            out_dir = Path(self._temporary.name)
        cache = options.cache_dir or cache_folder(out_dir)
        return replace(options, out_dir=out_dir / "preview", cache_dir=cache)

    def close(self) -> None:
        self.worker.close()
        if self._temporary is not None:
            self._temporary.cleanup()

    def rebuild(self, changed: list[Path] | None = None) -> None:
        """Show the issue as it is now; `changed`: the files saved since the last rebuild. A
        problem that stops it goes to the banner; the last good pages stay."""
        self.state.set_building(True)
        try:
            issue, report = load_issue(self.issue_dir, self.options.cache_dir / "entries")
            if issue is None:  # the build would stop here too
                self.state.show_problems(report, "the issue has errors; nothing was built")
                return
            if changed and all(self._is_entry(path) for path in changed):
                self._show_changed_profiles(issue)
            self._build()
        except KlastrovinyError as error:
            self.state.show_problems(error.report or Report(), error.message)
        finally:
            self.state.set_building(False)

    def _is_entry(self, path: Path) -> bool:
        entries = (self.issue_dir / "entries").resolve()
        return path.suffix in (".yaml", ".yml") and path.resolve().parent == entries

    # --- the fast path --------------------------------------------------------------------
    def _show_changed_profiles(self, issue: Issue) -> None:
        for lang in self.order:
            built = self.built.get(lang)
            if built is None:
                continue
            edition = replace(built.edition, issue=issue)
            before = built.edition.entries
            if [e.id for e in edition.entries] != [e.id for e in before]:
                continue  # an entry added, removed or moved: every page after it moves
            changed = [new for new, old in zip(edition.entries, before, strict=True) if new != old]
            if 0 < len(changed) <= FAST_PROFILES:
                self._show_profiles(edition, built.front_pages, changed)

    def _show_profiles(self, edition: Edition, front_pages: int, entries: list[Entry]) -> None:
        """The changed profiles' pages, typeset on their own where the last build placed them
        (a profile over its budget, or an error, is left to the build, which reports it)."""
        plan = PagePlan(
            front_pages, edition.layout.profile_pages, tuple(e.id for e in edition.entries)
        )
        pages, drawn = self.state.pages(edition.lang), {}
        for entry in entries:
            typeset = self._typeset_profile(edition, plan, entry)
            if typeset is None:
                return
            first, source = plan.of(entry), relative(entry.source, self.issue_dir)
            for index, digest in enumerate(page_digests(typeset)):
                if first + index not in pages:
                    return
                pages[first + index] = Page(first + index, digest, source)
                drawn[digest] = Drawn(typeset, index)
        self.state.show_pages(edition.lang, [pages[n] for n in sorted(pages)], drawn)

    def _typeset_profile(self, edition: Edition, plan: PagePlan, entry: Entry) -> bytes | None:
        profile = registry.units(edition.parts, PROFILES)[0]
        html = render_unit(edition, plan, profile, entries=(entry,))
        job = UnitJob(
            f"profiles:{entry.id}",
            html,
            stylesheets(edition),
            edition.layout,
            edition.issue.root,
            plan.of(entry),
            qr_cache=self.options.cache_dir / "qr",
        )
        try:
            pdf, count = self.worker.typeset(job)
        except KlastrovinyError:
            return None
        return pdf if count == edition.layout.profile_pages else None

    # --- the build ------------------------------------------------------------------------
    def _build(self) -> None:
        problems = Report()
        for lang in self.order:
            try:
                result = build_issue(self.issue_dir, replace(self.options, lang=lang))
            except KlastrovinyError as error:
                problems.extend(error.report or Report())
                raise KlastrovinyError(error.category, error.message, _unique(problems)) from None
            problems.extend(result.report)
            self._show_edition(result.editions[lang], result.outputs[0].path.read_bytes())
        self.state.show_problems(_unique(problems))

    def _show_edition(self, edition: Edition, pdf: bytes) -> None:
        profile_pages = edition.layout.profile_pages
        sources = page_sources(pdf, edition.entries, profile_pages, self.issue_dir)
        digests = page_digests(pdf)
        pages = [Page(i + 1, digest, sources.get(i)) for i, digest in enumerate(digests)]
        drawn = {digest: Drawn(pdf, i) for i, digest in enumerate(digests)}
        self.state.show_pages(edition.lang, pages, drawn, pdf)
        front_pages = min(sources) if sources else 0  # the first profile page's index
        self.built[edition.lang] = Built(edition, front_pages)


def _unique(report: Report) -> Report:
    """The problems of all editions, each once (those of the files are found by every build)."""
    unique = Report()
    unique.problems = list({str(problem): problem for problem in report.problems}.values())
    return unique
