"""Benchmark of the print deliverables on an 800-page document (not a test).

    .venv/bin/python benchmarks/print_speed.py [PAGES]

Makes an N-page screen PDF and print master by repeating the sample issue's pages (the
profiles differ little in cost), then times: preflight of the N-page master (target < 10 s),
imposition of N pages (target < 5 s), and the Ghostscript CMYK pass on N pages (reported).
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from klastroviny.build import build_issue
from klastroviny.options import BuildOptions
from klastroviny.press.imposition import impose_booklet
from klastroviny.press.master import PrintSettings, make_print_master
from klastroviny.press.preflight import preflight

SAMPLE = Path(__file__).resolve().parent.parent / "issues" / "2022-09-prague"


def repeat_pages(pdf: bytes, count: int) -> bytes:
    """The document's pages repeated to `count`, its catalog (output intent) and info kept."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    for index in range(len(reader.pages), count):
        writer.add_page(reader.pages[index % len(reader.pages)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    print(f"{label:<42} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 800
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        screen = build_issue(SAMPLE, BuildOptions(lang="cs", out_dir=out / "s")).outputs[0]
        master = build_issue(
            SAMPLE, BuildOptions(lang="cs", out_dir=out / "p", print_master=True)
        ).outputs[0]
        big_screen = repeat_pages(screen.path.read_bytes(), pages)
        big_master = out / "master.pdf"
        big_master.write_bytes(repeat_pages(master.path.read_bytes(), pages))
        print(f"{pages} pages")
        report = timed(
            "preflight of the print master", lambda: preflight(big_master, (148, 210), 4)
        )
        print(f"{'  printable':<42} {report.printable}")
        timed(
            "imposition (2-up saddle-stitch proof)", lambda: impose_booklet(big_master.read_bytes())
        )
        timed(
            "Ghostscript CMYK pass + PDF/X finishing",
            lambda: make_print_master(
                big_screen, PrintSettings(), {"Title": "benchmark"}, "2022-09-26"
            ),
        )


if __name__ == "__main__":
    main()
