"""Benchmark of the workbook commands on a large workbook (not a test).

    .venv/bin/python benchmarks/import_speed.py [CLUSTERS]

Writes a workbook of N clusters (default 1,000) with two contacts each, typed as the office
types them (region and ecosystem names, ano/ne, titles in names, phone numbers as numbers), and
times, each as a whole `klastroviny` process: the first import into an empty issue (target
< 10 s), a second import of the same workbook (no file changes), export, and import of the
export. Prints wall time and the process's peak RSS.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from process import run_klastroviny  # noqa: E402
from workbooks import CLUSTER_HEADER, CONTACT_HEADER  # noqa: E402

REGIONS = ["Jihomoravský kraj", "Liberec Region", "Praha", "Moravskoslezsky", "CZ-53"]
ECOSYSTEMS = ["stavebnictví; digitální technologie", "textiles", "zdravotnictví, electronics"]
ISSUE = "title: KLASTROVINY\ndate: 2026-10-01\npublisher: NCA\nlanguages: [cs, en]\n"


def workbook(path: Path, count: int) -> None:
    book = Workbook()
    clusters = book.active
    clusters.title = "klastry"
    contacts = book.create_sheet("kontakty")
    clusters.append(CLUSTER_HEADER)
    contacts.append(CONTACT_HEADER)
    for n in range(count):
        name = f"Klastr číslo {n}, z. s."
        clusters.append([
            "", name, f"Cluster number {n}", f"Klastr {n}", REGIONS[n % 5], "Brno", 2000.0 + n % 20,
            str(10 + n % 90), ECOSYSTEMS[n % 3], "silver" if n % 4 == 0 else "", "14. 12. 2030"
            if n % 4 == 0 else "", f"https://www.klastr{n}.example",
            f"Klastr {n} sdružuje firmy a výzkum.\r\n\r\nDruhý odstavec popisu klastru {n}.",
            f"Cluster {n} brings firms and research together.", "Poradenství\nŠkolení",
            "výzkum; inovace",
        ])  # fmt: skip
        for k in range(2):
            contacts.append([
                f"Klastr {n}", f"Ing. Jana Nováková{k}, Ph.D.", "manažerka", "manager",
                601000000.0 + n * 2 + k, f"jana{k}.{n}@example.com", "ano", "x",
            ])  # fmt: skip
    book.save(path)


def timed(label: str, *args: object) -> None:
    seconds, rss = run_klastroviny(*args)
    print(f"{label:<36} {seconds:7.2f} s   peak RSS {rss:5.0f} MB")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        issue = root / "issue"
        (issue / "entries").mkdir(parents=True)
        (issue / "issue.yaml").write_text(ISSUE, encoding="utf-8")
        book = root / "klastry.xlsx"
        workbook(book, count)
        print(f"{count} clusters, {2 * count} contacts ({book.stat().st_size / 1e6:.1f} MB xlsx)")
        timed("import into an empty issue", "import", issue, book)
        timed("import again (no change)", "import", issue, book)
        timed("export", "export", issue, "-o", root / "export.xlsx")
        timed("import of the export", "import", issue, root / "export.xlsx")


if __name__ == "__main__":
    main()
