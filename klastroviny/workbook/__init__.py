"""Data in and out: the editors' spreadsheet (import, export) and the contacts for follow-up.

Beside the stages: imports content/ and text/, never the stages that render or print. See
docs/spreadsheets.md for the workbook's contract.
"""
