"""Benchmark of the visitor's commands (not a test).

    .venv/bin/python benchmarks/visitor_speed.py [ENTRIES_FOR_THE_SITE]

Each a whole `klastroviny` process, with wall time and peak RSS: an extract of three entries
of a 30-entry issue after its bulletin was built (target: at most 3 s warm), and the web
edition of an issue of N entries (default 800; target: under 20 s) without the PDF, and of the
30-entry issue with its (built) PDF.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from builders import synthetic_issue  # noqa: E402
from process import run_klastroviny  # noqa: E402


def timed(label: str, *args: object) -> None:
    seconds, rss = run_klastroviny(*args)
    print(f"{label:<48} {seconds:7.2f} s   peak RSS {rss:5.0f} MB")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 800
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        small, big = synthetic_issue(root / "a", 30), synthetic_issue(root / "b", count)
        out = root / "out"
        ids = ",".join(path.stem for path in sorted((small / "entries").glob("*.yaml"))[:3])
        timed("build --lang all, 30 entries (to warm up)", "build", small, "--lang", "all",
              "--out-dir", out)  # fmt: skip
        for run in ("first", "second"):
            timed(f"extract, 3 entries, warm ({run} run)", "extract", small, "--entries", ids,
                  "--for", "Jana Nováková", "--out-dir", out)  # fmt: skip
        timed("site, 30 entries, with the PDF (warm)", "site", small, "--out-dir", out)
        timed(f"site, {count} entries, --no-pdf", "site", big, "--no-pdf", "--out-dir", root / "o")


if __name__ == "__main__":
    main()
