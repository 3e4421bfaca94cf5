"""Build options in one place: defaults < issue.yaml < command line (None = unset)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildOptions:
    lang: str | None = None  # cs | en | all; unset = the first language
    layout: str | None = None  # unset = the layout
    output: Path | None = None  # one PDF file (one edition only)
    out_dir: Path | None = None  # unset = build/<slug>/
    strict: bool = False
    progress: Callable[[str, int, int], None] | None = None  # (edition, done, total)
