"""Benchmark of the proof round (not a test).

    .venv/bin/python benchmarks/proofs_speed.py [ENTRIES]

On an issue of N entries (default 30) cloned from the sample, both editions, each as a whole
`klastroviny` process: a cold build of both editions (the yardstick), a first round of proofs
right after it (target: at most about that build's time, as it reuses the render cache), a
second round after two entries changed (it typesets only their units again), and a first round
with a cold cache. Prints wall time, the process's peak RSS and the render cache's new units.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from builders import synthetic_issue  # noqa: E402
from process import run_klastroviny  # noqa: E402


def timed(label: str, cache: Path, *args: object) -> None:
    """Wall time, peak RSS, and the units the run added to the render cache."""
    before = _units(cache)
    seconds, rss = run_klastroviny(*args)
    added = len(_units(cache) - before)
    print(f"{label:<44} {seconds:7.2f} s   peak RSS {rss:5.0f} MB   {added:3d} units typeset")


def _units(cache: Path) -> set[Path]:
    return set(cache.rglob("*")) if cache.is_dir() else set()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        issue = synthetic_issue(root, count)
        fresh = shutil.copytree(issue, root / "fresh")  # no rounds yet, for the cold run
        out, cold = root / "out", root / "cold"
        units, cold_units = out / ".cache" / "units", cold / ".cache" / "units"
        print(f"{count} entries, editions cs and en")
        timed("build --lang all, cold", units, "build", issue, "--lang", "all", "--out-dir", out)
        timed("proofs, round 1, after that build", units, "proofs", issue, "--out-dir", out)
        for path in sorted((issue / "entries").glob("*.yaml"))[:2]:  # a word of a sentence
            entry = yaml.safe_load(path.read_text(encoding="utf-8"))
            entry["description"]["cs"] = entry["description"]["cs"].replace(" a ", " i ", 1)
            path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
        timed("proofs, round 2, two entries changed", units, "proofs", issue, "--out-dir", out)
        timed("proofs, round 1, cold cache", cold_units, "proofs", fresh, "--out-dir", cold)


if __name__ == "__main__":
    main()
