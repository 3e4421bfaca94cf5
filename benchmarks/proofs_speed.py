"""Benchmark of the proof round (not a test).

    .venv/bin/python benchmarks/proofs_speed.py [ENTRIES]

On an issue of N entries (default 30) cloned from the sample, both editions, each as a whole
`klastroviny` process: a cold build of both editions (the yardstick), a first round of proofs
right after it (target: at most about that build's time, as it reuses the render cache), a
second round after two entries changed (it typesets only their units again), and a first round
with a cold cache. Prints wall time, the process's peak RSS and the render cache's new units.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from builders import synthetic_issue  # noqa: E402

KLASTROVINY = Path(sys.executable).with_name("klastroviny")


def timed(label: str, cache: Path, *args: object) -> None:
    """One klastroviny process: wall time, its peak RSS (wait4), units added to the cache."""
    before = _units(cache)
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(KLASTROVINY), *map(str, args)], stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            output.seek(0)
            print(output.read().decode()[-3000:])
            raise SystemExit(1)
    added = len(_units(cache) - before)
    print(
        f"{label:<44} {seconds:7.2f} s   peak RSS {usage.ru_maxrss / 1024:5.0f} MB   "
        f"{added:3d} units typeset"
    )


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
