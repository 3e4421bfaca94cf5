"""Benchmark: build time and peak memory of synthetic issues of N entries (not a test).

    .venv/bin/python benchmarks/build_speed.py [N ...]      (default: 50 200 800)

Each N is built in a fresh process (cs edition, a5-booklet) so that peak RSS is per build.
Also times `klastroviny check` on the same folder.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2022-09-prague"


def make_issue(folder: Path, count: int) -> Path:
    """N entries cloned from the sample's, renamed so that names stay unique."""
    issue = folder / f"synthetic-{count}"
    (issue / "entries").mkdir(parents=True)
    shutil.copy(SAMPLE / "issue.yaml", issue / "issue.yaml")
    shutil.copytree(SAMPLE / "logos", issue / "logos")
    templates = sorted((SAMPLE / "entries").glob("*.yaml"))
    for index in range(count):
        source = templates[index % len(templates)]
        entry = yaml.safe_load(source.read_text(encoding="utf-8"))
        name = entry["name"]
        entry["name"] = (
            {lang: f"{text} {index:04d}" for lang, text in name.items()}
            if isinstance(name, dict) else f"{name} {index:04d}"
        )
        target = issue / "entries" / f"e{index:04d}-{source.stem}.yaml"
        target.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    return issue


def measure(args: list[str]) -> tuple[float, float, int]:
    """Wall time, peak RSS (MB) of the child, exit code."""
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode:
        print(proc.stdout, proc.stderr, file=sys.stderr)
    return elapsed, peak_kb / 1024, proc.returncode


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [50, 200, 800]
    klastroviny = str(Path(sys.executable).parent / "klastroviny")
    print(f"{'N':>6} {'check s':>8} {'build s':>8} {'pages':>6} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for count in sizes:
            issue = make_issue(Path(tmp), count)
            check_s, _, _ = measure([klastroviny, "check", str(issue)])
            pdf = Path(tmp) / f"{count}.pdf"
            # ru_maxrss of children is the maximum over all children so far: run sizes ascending.
            build_s, rss, code = measure([klastroviny, "build", str(issue), "-o", str(pdf)])
            pages = len(__import__("pypdf").PdfReader(pdf).pages) if code == 0 else 0
            print(f"{count:>6} {check_s:>8.2f} {build_s:>8.2f} {pages:>6} {rss:>12.0f}")


if __name__ == "__main__":
    main()
