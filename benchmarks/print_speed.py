"""Benchmark of the print deliverables on long documents (not a test).

    .venv/bin/python benchmarks/print_speed.py [PAGES ...]      (default: 200 800)

Builds the sample issue's print edition once and keeps what WeasyPrint made of it before the
print master (bleed, CMYK layout colours, RGB logos), then repeats its pages to N. For each N,
in a fresh process timed from start to exit: the print master of N pages (PDF/X-4; peak RSS is
the largest of that process and its children, i.e. Ghostscript where it runs). On the largest
N, in this process: preflight of the master (target < 10 s) and its imposition (target < 5 s).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

import klastroviny.press.master as master
from klastroviny.build import build_issue
from klastroviny.options import BuildOptions
from klastroviny.press.imposition import impose_booklet
from klastroviny.press.preflight import preflight

SAMPLE = Path(__file__).resolve().parent.parent / "issues" / "2022-09-prague"

# One print master, in a process of its own: argv = source PDF, target PDF.
MASTER = r"""
import resource, sys
from pathlib import Path
from klastroviny.press.master import PrintSettings, make_print_master
source, target = map(Path, sys.argv[1:3])
pdf = make_print_master(source.read_bytes(), PrintSettings(), {"Title": "benchmark"}, "2022-09-26")
target.write_bytes(pdf)
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(rss / 1024)
"""


def print_edition(out: Path) -> bytes:
    """The sample's cs print edition as the print master receives it."""
    received = []
    make = master.make_print_master

    def keep(pdf, *args):
        received.append(pdf)
        return make(pdf, *args)

    master.make_print_master = keep
    try:
        build_issue(SAMPLE, BuildOptions(lang="cs", out_dir=out, print_master=True, no_cache=True))
    finally:
        master.make_print_master = make
    return received[0]


def repeat_pages(pdf: bytes, count: int) -> bytes:
    """The document's pages repeated to `count`, its catalog and info kept. Each page gets
    a content stream of its own, as in a long bulletin (fonts and logos stay shared, as
    WeasyPrint shares them)."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    for index in range(len(reader.pages), count):
        page = writer.add_page(reader.pages[index % len(reader.pages)])
        contents = DecodedStreamObject()
        contents.set_data(page.get_contents().get_data())
        page[NameObject("/Contents")] = writer._add_object(contents.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    print(f"{label:<44} {time.perf_counter() - start:7.2f} s")
    return result


def master_process(source: Path, target: Path) -> None:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MASTER, source, target],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1664150400"},
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        print(done.stderr[-3000:])
        raise SystemExit(1)
    rss = float(done.stdout.split()[-1])
    label = f"print master, {len(PdfReader(source).pages)} pages"
    print(f"{label:<44} {seconds:7.2f} s   peak RSS {rss:5.0f} MB")


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [200, 800]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        edition = print_edition(out / "build")
        for pages in sizes:
            source, target = out / f"edition-{pages}.pdf", out / f"master-{pages}.pdf"
            source.write_bytes(repeat_pages(edition, pages))
            master_process(source, target)
        report = timed(
            f"preflight of the {pages}-page master", lambda: preflight(target, (148, 210), 4)
        )
        print(f"{'  printable':<44} {report.printable}")
        timed(f"imposition of {pages} pages", lambda: impose_booklet(target.read_bytes()))


if __name__ == "__main__":
    main()
