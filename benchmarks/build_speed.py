"""Benchmark: build time and peak memory of synthetic issues of N entries (not a test).

    .venv/bin/python benchmarks/build_speed.py [N ...]      (default: sample 200 800 1600)

For the sample issue and for synthetic issues of N entries, in fresh processes: `check`; two
single WeasyPrint passes over the whole edition (the baselines; skipped above SINGLE_UP_TO
entries, where they take many minutes and gigabytes): "single" prints the page numbers of our
page plan, which it gets without paying for it, "self-contained" lets WeasyPrint find them
(target-counter); a cold unit build (empty caches); a rebuild after editing one entry's
description; a rebuild with no change. Peak RSS is that of the largest process of a build
(the build, the fork server or one of its workers; builds are timed as a process, from
start to exit). cs edition, a5-booklet.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2022-09-prague"
sys.path.insert(0, str(ROOT / "tests"))
from builders import synthetic_issue as make_issue  # noqa: E402

SINGLE_UP_TO = 800

# A build, which RUNNER runs in a process of its own (see there).
BUILD = r"""
import sys
from pathlib import Path
import klastroviny.build as build
from klastroviny.options import BuildOptions
build.CACHE_DIR = Path(sys.argv[3])
build.build_issue(Path(sys.argv[1]), BuildOptions(lang="cs", output=Path(sys.argv[2])))
"""

RUNNER = r"""
import json, os, resource, subprocess, sys, time
from pathlib import Path
mode, issue, out, cache = sys.argv[1:5]
start = time.perf_counter()
if mode == "check":
    from klastroviny.content.issue_file import load_issue
    load_issue(Path(issue))
elif mode in ("single", "self-contained"):
    # Everything a single pass does (imports, loading, HTML, WeasyPrint, writing), but not
    # planning: the page plan is taken from the unit pipeline, untimed. "self-contained"
    # prints no number from that plan: WeasyPrint finds every page number itself
    # (target-counter), as a one-pass tool must, laying out the contents twice.
    import re
    import weasyprint  # noqa: F401
    from klastroviny.bulletin import parts
    from klastroviny.bulletin.edition import Edition
    from klastroviny.bulletin.plan import PagePlan
    from klastroviny.compose import Composer
    from klastroviny.content.issue_file import load_issue
    from klastroviny.render.html import render_unit
    from klastroviny.render.layouts import load_layout
    from klastroviny.render.stylesheets import stylesheets
    from klastroviny.typeset import units
    from klastroviny.typeset.render_cache import RenderCache
    from klastroviny.typeset.workers import Typesetter

    class OneDocument(PagePlan):
        def link(self, anchor):
            return f"#{anchor}"

    issue_model, _ = load_issue(Path(issue))
    edition = Edition(issue_model, "cs", load_layout(issue_model.layout, issue_model.root))
    planning = time.perf_counter()
    with Typesetter(2, RenderCache(Path(cache) / "units")) as typesetter:
        plan, _, _ = Composer(edition, stylesheets(edition), typesetter, None, print).plan()
    units._PARSED.clear()  # the single pass parses the stylesheets itself
    start += time.perf_counter() - planning
    plan = OneDocument(plan.front_pages, plan.profile_pages, plan.order, plan.starts)
    bodies = []
    for matter in (parts.FRONT, parts.PROFILES, parts.BACK):
        for unit in parts.units(edition.parts, matter):
            entries = edition.entries if matter == parts.PROFILES else ()
            html = render_unit(edition, plan, unit, entries)
            head, tag, body = re.split(r"(<body[^>]*>)", html, 1)
            bodies.append(body.split("</body>")[0])
    html = head + tag + "".join(bodies) + "</body></html>"
    first = Path(out).with_suffix(".first.css")  # profiles start on a left page
    first.write_text(f"#entry-{edition.entries[0].id} {{ break-before: left; }}\n")
    sheets = (*stylesheets(edition), (str(first), first.read_text()))
    if mode == "self-contained":
        html, rows = re.subn(r'(<a class="ci-page" href="#[^"]*">)\d+(</a>)', r"\1\2", html)
        assert rows, "the contact index template changed: update this benchmark"
        numbers = Path(out).with_suffix(".css")
        numbers.write_text(
            ".toc-row a::after, .eco-list a::after"
            " { content: leader('. ') target-counter(attr(href url), page); }\n"
            ".ci-page::after { content: target-counter(attr(href url), page); }\n"
        )
        sheets = (*sheets, (str(numbers), numbers.read_text()))
    job = units.UnitJob("one-document", html, sheets, edition.layout, edition.issue.root, 1)
    Path(out).write_bytes(units.typeset_document(job)[1])
else:
    # The build's workers are the fork server's children, and the fork server outlives the
    # build: this process adopts and waits for them (PR_SET_CHILD_SUBREAPER), so that
    # RUSAGE_CHILDREN holds the peak of every process of the build.
    import ctypes
    ctypes.CDLL(None).prctl(36, 1)
    subprocess.run([sys.executable, "-c", sys.argv[5], issue, out, cache], check=True)
elapsed = time.perf_counter() - start
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": elapsed, "rss_mb": rss / 1024}))
"""


def run(mode: str, issue: Path, out: Path, cache: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, mode, str(issue), str(out), str(cache), BUILD],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode:
        sys.exit(f"{mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def edit_one_description(issue: Path) -> None:
    """The cs description of the middle entry gets one more word."""
    paths = sorted((issue / "entries").glob("*.yaml"))
    path = paths[len(paths) // 2]
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))
    description = entry["description"]
    if isinstance(description, dict):
        description["cs"] = "Nově: " + description["cs"]
    else:
        entry["description"] = "Nově: " + description
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")


def main() -> None:
    sizes = sys.argv[1:] or ["sample", "200", "800", "1600"]
    header = (
        "N",
        "check s",
        "single s",
        "self-c. s",
        "cold s",
        "edit s",
        "no-change s",
        "peak MB",
        "size ×",
        "cold/single",
        "cold/self-c.",
        "edit/single",
    )
    print(" ".join(f"{h:>12}" for h in header), flush=True)
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            if size == "sample":
                issue = tmp / SAMPLE.name
                shutil.copytree(SAMPLE, issue)
                count = len(list((issue / "entries").glob("*.yaml")))
            else:
                count = int(size)
                issue = make_issue(tmp, count)
            cache = tmp / "cache"
            check = run("check", issue, tmp / "x", cache)
            cold = run("build", issue, tmp / "units.pdf", cache)
            single = whole = None
            if count <= SINGLE_UP_TO:
                single = run("single", issue, tmp / "single.pdf", cache)
                whole = run("self-contained", issue, tmp / "whole.pdf", cache)
            edit_one_description(issue)
            edited = run("build", issue, tmp / "units.pdf", cache)
            unchanged = run("build", issue, tmp / "units.pdf", cache)
            rss = max(r["rss_mb"] for r in (cold, edited, unchanged))
            row = [check["seconds"], None, None, cold["seconds"], edited["seconds"]]
            row += [unchanged["seconds"], rss, None, None, None, None]
            if single:
                row[1], row[2] = single["seconds"], whole["seconds"]
                row[7] = (tmp / "units.pdf").stat().st_size / (tmp / "single.pdf").stat().st_size
                row[8] = cold["seconds"] / single["seconds"]
                row[9] = cold["seconds"] / whole["seconds"]
                row[10] = edited["seconds"] / single["seconds"]
            cells = ["–" if value is None else f"{value:.2f}" for value in row]
            print(f"{size:>12} " + " ".join(f"{cell:>12}" for cell in cells), flush=True)


if __name__ == "__main__":
    main()
