"""Shared fixtures. The builders live in builders.py so that tests can import them by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_issue, rendered

from klastroviny.validate import load_issue


@pytest.fixture
def build(tmp_path):
    """build(issue=…, entries={…}, files={…}) -> the issue folder, written under tmp_path."""

    def build(**kwargs) -> Path:
        return make_issue(tmp_path, **kwargs)

    return build


@pytest.fixture
def check(build):
    """check(**build_kwargs) -> (issue or None, printed problems relative to the issue folder)."""

    def check(**kwargs):
        root = build(**kwargs)
        issue, report = load_issue(root)
        return issue, rendered(report, root)

    return check
