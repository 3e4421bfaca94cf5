"""Workbooks as the office types them, made in the tests: xlsx (openpyxl), ods (the
OpenDocument XML written out), CSV in UTF-8 or Windows-1250 with , or ;."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

CLUSTER_HEADER = [
    "ID", "Název CS", "name_en", "Krátký název", "Kraj", "Město", "Založen", "Členové",
    "Ekosystémy", "certifikát", "Certifikát platí do", "web", "Popis_cs", "popis_en",
    "Nabídka_cs", "klíčová slova",
]  # fmt: skip
CONTACT_HEADER = [
    "klastr", "Jméno", "Funkce CS", "role_en", "Telefon", "E-mail", "v rejstříku", "Souhlas",
]  # fmt: skip


def messy_clusters() -> list[list[object]]:
    """Two clusters, typed as people type them."""
    return [
        list(CLUSTER_HEADER),
        [
            "", "Čeští klastři, z. s.", "Czech Clusters", "Čeští klastři", "Jihomoravský kraj",
            "Brno", 2006.0, "52", "stavebnictví; digitální technologie", "Silver",
            "14. 12. 2027", "https://www.example.cz",
            "  První odstavec.\r\n\r\nDruhý odstavec.  ", "First.\r\n\r\nSecond.",
            "Poradenství\nŠkolení", "stavby; BIM",
        ],
        [
            "plastr", "PLASTR, z. s.", "PLASTR, z. s.", "PLASTR", "South Moravian Region", "Zlín",
            2010, 30, "textiles,\nzdravotnictví", "", "", "", "Plasty.", "Plastics.", "", "",
        ],
    ]  # fmt: skip


def messy_contacts() -> list[list[object]]:
    return [
        list(CONTACT_HEADER),
        ["Čeští klastři", "Ing. Petr Dvořák, Ph.D.", "manažer", "manager", 420603123456,
         "petr@example.com", "ano", "ano"],
        ["cesti-klastri", "Jana Nová", "", "", 601555222.0, "jana@example.com", "",
         "14. 8. 2023, e-mail"],
        ["plastr", "Eva Malá", "", "", "+420 777 12 34 56", "eva@example.com", "ne", "x"],
        ["plastr", "Karel Zlý", "", "", "", "", "", ""],
    ]  # fmt: skip


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A minimal OpenDocument spreadsheet, as LibreOffice stores one."""
    tables = "".join(_ods_table(name, rows) for name, rows in sheets.items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
        ' office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def _ods_table(name: str, rows) -> str:
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(value) for value in row) + "</table:table-row>"
        for row in rows
    )
    return f'<table:table table:name="{escape(name)}">{body}</table:table>'


@dataclass(frozen=True)
class OdsError:
    """A formula cell that LibreOffice saved with an error as its value."""

    shown: str  # "#DIV/0!"
    formula: str  # "of:=1/0"


def _ods_cell(value) -> str:
    if isinstance(value, OdsError):
        return (
            f'<table:table-cell table:formula="{escape(value.formula)}" office:value-type="float"'
            f' office:value="0" calcext:value-type="error"><text:p>{escape(value.shown)}</text:p>'
            "</table:table-cell>"
        )
    if value in ("", None):
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        kind, attribute, shown = "float", f'office:value="{value}"', value
    elif isinstance(value, dt.date):
        kind, attribute, shown = "date", f'office:date-value="{value.isoformat()}"', value
    else:
        paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
        return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'
    return (
        f'<table:table-cell office:value-type="{kind}" {attribute}>'
        f"<text:p>{shown}</text:p></table:table-cell>"
    )


def write_csv(path: Path, rows, delimiter: str = ",", encoding: str = "utf-8-sig") -> Path:
    import csv
    import io

    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path
