"""What every file we write for a spreadsheet program shares."""

from __future__ import annotations

# A cell that begins with one of these is run as a formula by Excel, LibreOffice and Google
# Sheets when the file is opened (OWASP "CSV injection"); a leading ' makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: str) -> str:
    """A text safe to put in a CSV or XLSX cell: a formula-like start is prefixed with '."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def reproducible_xlsx(workbook, day) -> bytes:
    """An openpyxl workbook's bytes, the same for the same content: the document's dates are
    `day` (the issue's date, never the clock) and every zip member carries one fixed time."""
    import datetime as dt
    import io
    import re
    import zipfile

    moment = dt.datetime.combine(day, dt.time())
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    workbook.properties.created = workbook.properties.modified = moment
    workbook.properties.lastModifiedBy = workbook.properties.creator = "klastroviny"
    raw = io.BytesIO()
    workbook.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = source.read(member.filename)
            if member.filename == "docProps/core.xml":  # openpyxl stamps the save's time
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            out.writestr(info, data)
    return fixed.getvalue()
