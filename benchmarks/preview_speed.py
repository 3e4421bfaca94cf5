"""Benchmark: how soon the live preview shows an edit (not a test).

    .venv/bin/python benchmarks/preview_speed.py [N ...]      (default: sample 800)

For the sample issue and synthetic issues of N entries: starts `klastroviny preview` (a
process of its own, on a free port), waits for its first build, then edits one entry's
description EDITS times and measures, from the moment the file is saved, until state.json
shows new images for that entry's pages ("page"), and until the rebuild is over ("all
pages"); then waits with no change and checks that nothing is built. In the same run, the same
edit under `klastroviny watch`, from the save to its line "… units typeset". Peak RSS is the
preview process's own (VmHWM), after the edits.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2022-09-prague"
KLASTROVINY = Path(sys.executable).with_name("klastroviny")
sys.path.insert(0, str(ROOT / "tests"))
from builders import synthetic_issue  # noqa: E402

EDITS = 3


def main(sizes: list[str]) -> None:
    print(f"{'issue':>8} {'page':>8} {'all pages':>10} {'watch':>8} {'idle builds':>12} {'RSS':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            issue = _issue(Path(tmp), size)
            entry = sorted((issue / "entries").glob("*.yaml"))[
                len(list(issue.glob("entries/*"))) // 2
            ]
            page, full, idle, rss = _preview(issue, entry, Path(tmp))
            watch = _watch(issue, entry, Path(tmp))
        print(
            f"{size:>8} {page:>7.2f}s {full:>9.2f}s {watch:>7.2f}s {idle:>12} {rss:>6.0f}MB",
            flush=True,
        )


def _issue(folder: Path, size: str) -> Path:
    if size == "sample":
        target = folder / "sample"
        subprocess.run(["cp", "-r", str(SAMPLE), str(target)], check=True)
        return target
    return synthetic_issue(folder, int(size))


def _edit(entry: Path, number: int) -> None:
    """Append a few words to the Czech description's first paragraph."""
    data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    text = data["description"]["cs"]
    first, _, rest = text.partition("\n")
    data["description"]["cs"] = f"{first.rstrip()} Úprava {number}.\n{rest}"
    entry.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _preview(issue: Path, entry: Path, cwd: Path) -> tuple[float, float, int, float]:
    process = subprocess.Popen(
        [str(KLASTROVINY), "preview", str(issue), "--no-open", "--port", "0"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        address = re.search(r"serving (\S+)", process.stdout.readline()).group(1)
        line = process.stdout.readline()  # "built version …": the first build is done
        if "built" not in line:
            raise SystemExit(f"the preview did not build: {line}{process.stdout.read()[-2000:]}")
        time.sleep(1)  # the watcher is set up
        name = f"entries/{entry.name}"
        pages, fulls = [], []
        for number in range(1, EDITS + 1):
            before = _images(_state(address), name)
            _edit(entry, number)
            saved = time.perf_counter()
            while _images(state := _state(address), name) == before:
                time.sleep(0.01)
            pages.append(time.perf_counter() - saved)
            while _state(address)["building"] or _state(address)["version"] == state["version"]:
                time.sleep(0.02)
            fulls.append(time.perf_counter() - saved)
            time.sleep(0.5)
        version = _state(address)["version"]
        time.sleep(3)
        idle = _state(address)["version"] - version
        rss = _peak_rss(process.pid)
    finally:
        process.terminate()
        process.wait(10)
    return statistics.median(pages), statistics.median(fulls), idle, rss


def _state(address: str) -> dict:
    with urllib.request.urlopen(f"{address}state.json") as response:
        return json.load(response)


def _images(state: dict, source: str) -> list[str]:
    return [page["image"] for page in state["pages"] if page["source"] == source]


def _peak_rss(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def _watch(issue: Path, entry: Path, cwd: Path) -> float:
    process = subprocess.Popen(
        [str(KLASTROVINY), "watch", str(issue), "--out-dir", str(cwd / "watch")],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for line in process.stdout:
            if line.startswith("watching"):
                break
        times = []
        for number in range(EDITS + 1, 2 * EDITS + 1):
            _edit(entry, number)
            saved = time.perf_counter()
            for line in process.stdout:
                if "units typeset" in line:
                    break
            times.append(time.perf_counter() - saved)
            time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(10)
    return statistics.median(times)


if __name__ == "__main__":
    main(sys.argv[1:] or ["sample", "800"])
