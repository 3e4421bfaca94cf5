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
    print_master: bool = False  # --print: PDF/X print master instead of the screen PDF
    booklet: bool = False  # --booklet: also an imposed 2-up proof for a folded dummy
    marks: bool = False  # crop marks outside the bleed (print master)
    pdfx: str = "x-4"  # x-4 | x-1a
    icc: Path | None = None  # the printer's CMYK profile; default: the bundled FOGRA39 one
    jobs: int | None = None  # worker processes; unset = CPU count
    no_cache: bool = False  # neither read nor write the caches
    cache_dir: Path | None = None  # unset = .cache/ in the output folder (see caching.py)
    parts: tuple | None = None  # the bulletin's parts (bulletin/parts.py); unset = PARTS
    progress: Callable[[str, int, int], None] | None = None  # (edition, done, total)
    require_approval: bool = False  # the print master: refuse entries not approved (proofs/)
