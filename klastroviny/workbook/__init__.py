"""Data in and out: the editors' spreadsheet (import, export) and the contacts for follow-up.

See docs/spreadsheets.md for the workbook's contract.
"""
