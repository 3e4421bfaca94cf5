"""Problems the user can fix, reported with file:line:col, and the exception that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # a decision, not a problem (a contact who did not agree): summed up


@dataclass(frozen=True, order=True)
class Location:
    file: Path
    line: int = 0  # 1-based; 0 = the whole file
    column: int = 0
    cell: str = ""  # in a workbook: the sheet and cell, e.g. "clusters!G7"

    def __str__(self) -> str:
        path = display_path(self.file)
        if self.cell:
            return f"{path}:{self.cell}"
        if self.line:
            return f"{path}:{self.line}:{self.column}"
        return path


@dataclass(frozen=True)
class Problem:
    severity: Severity
    location: Location
    field: str  # dotted path inside the document, e.g. "contacts[0].phone"; "" for the file
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: "
        what = f"{self.field}: " if self.field else ""
        return f"{where}{self.severity.value}: {what}{self.message}"


@dataclass
class Report:
    """Collects every problem of a run so that the user sees them all at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, location: Location, field: str, message: str) -> None:
        self.problems.append(Problem(Severity.ERROR, location, field, message))

    def warning(self, location: Location, field: str, message: str) -> None:
        self.problems.append(Problem(Severity.WARNING, location, field, message))

    def note(self, location: Location, field: str, message: str) -> None:
        self.problems.append(Problem(Severity.NOTE, location, field, message))

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.NOTE]

    def sorted(self) -> list[Problem]:
        """Errors first, then warnings; each by file and position."""
        return sorted(self.errors, key=_position) + sorted(self.warnings, key=_position)


def _position(problem: Problem) -> tuple:
    loc = problem.location
    sheet = loc.cell.rpartition("!")[0]  # a workbook's problems: sheet by sheet
    return (str(loc.file), sheet, loc.line, loc.column, problem.field, problem.message)


class KlastrovinyError(Exception):
    """An expected failure the user can fix. Printed as one clean block, never a traceback."""

    def __init__(self, category: str, message: str, report: Report | None = None):
        super().__init__(message)
        self.category = category
        self.message = message
        self.report = report


def display_path(path: Path) -> str:
    """A path as the user typed it: relative to the working directory when under it."""
    absolute = Path(path).absolute()
    cwd = Path.cwd()
    if absolute.is_relative_to(cwd):
        return str(absolute.relative_to(cwd))
    return str(absolute)
