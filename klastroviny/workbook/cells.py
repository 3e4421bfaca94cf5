"""What every file we write for a spreadsheet program shares."""

from __future__ import annotations

# A cell that begins with one of these is run as a formula by Excel, LibreOffice and Google
# Sheets when the file is opened (OWASP "CSV injection"); a leading ' makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: str) -> str:
    """A text safe to put in a CSV or XLSX cell: a formula-like start is prefixed with '."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
