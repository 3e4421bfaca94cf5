"""Whatever an editor writes, `load_issue` answers with a model or with clean errors, never a
traceback. Random YAML documents, random near-valid entries and random text or bytes are
written as an entry file or as issue.yaml.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from builders import ENTRY_FIELDS, ISSUE_FIELDS, SVG, entry_yaml, make_issue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klastroviny.content.entry_file import CONTACT_FIELDS
from klastroviny.content.issue_file import load_issue
from klastroviny.content.model import Issue
from klastroviny.errors import Severity
from klastroviny.text.typography import craft

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIELD_NAMES = sorted({*ENTRY_FIELDS, *ISSUE_FIELDS, *CONTACT_FIELDS, "level", "valid_until"})
YAML_CHARS = list("abcxyzČřž019 :-[]{}&*!|>'\"%@`#,?\n\t\\") + ["cs", "en", "- ", ": "]

keys = st.one_of(
    st.sampled_from(FIELD_NAMES + ["cs", "en", "de"]),
    st.text(max_size=8),
    st.integers(),
    st.booleans(),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
    st.sampled_from(
        [
            "CZ",
            "SK",
            "CZ-51",
            "SK-BL",
            "textiles",
            "gold",
            "logos/x.svg",
            "../x",
            "/etc/passwd",
            "https://www.example.cz",
            "ftp://x",
            "+420 601 123 456",
            "x@example.com",
            "manual",
            "[a](file:///etc/passwd)",
            "010",
            "no",
            "",
            " ",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=20,
)


@st.composite
def near_valid_entries(draw) -> str:
    """The default entry with a few fields replaced by random values (or removed)."""
    document = yaml.safe_load(entry_yaml())
    for name in draw(
        st.lists(st.sampled_from(sorted(ENTRY_FIELDS) + ["logo", "label"]), max_size=3)
    ):
        document[name] = draw(values)
    contacts = document.get("contacts")
    contact = contacts[0] if isinstance(contacts, list) and contacts else None
    if isinstance(contact, dict) and draw(st.booleans()):
        contact[draw(st.sampled_from(sorted(CONTACT_FIELDS)))] = draw(values)
    return dump(document, draw)


@st.composite
def near_valid_issues(draw) -> str:
    document = yaml.safe_load("\n".join(f"{k}: {v}" for k, v in ISSUE_FIELDS.items()))
    for name in draw(
        st.lists(st.sampled_from(sorted(ISSUE_FIELDS) + ["manual_order", "foreword"]), max_size=3)
    ):
        document[name] = draw(values)
    return dump(document, draw)


def dump(document, draw) -> str:
    return yaml.safe_dump(
        document,
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([None, True, False])),
        sort_keys=False,
    )


documents = values.map(lambda value: yaml.safe_dump(value, allow_unicode=True))
raw_texts = st.lists(st.sampled_from(YAML_CHARS), max_size=60).map("".join)
raw_bytes = st.binary(max_size=80)
any_file = st.one_of(documents, raw_texts, raw_bytes, near_valid_entries(), near_valid_issues())


def assert_clean(issue_text=None, entry_text=None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        entries = None if entry_text is None else {"clutex": entry_text}
        root = make_issue(Path(tmp), issue=issue_text, entries=entries, files={"logos/x.svg": SVG})
        issue, report = load_issue(root)
        for problem in report.problems:
            assert str(problem)  # every problem prints
            assert problem.location.file.is_relative_to(root)
            assert problem.location.line >= 0 and problem.location.column >= 0
        if issue is None:
            assert report.errors, "no model, so there must be an error saying why"
        else:
            assert isinstance(issue, Issue)
            assert not report.errors
            assert all(p.severity is Severity.WARNING for p in report.problems)


@FAST
@given(any_file)
def test_any_entry_file_gives_a_model_or_clean_errors(content):
    assert_clean(entry_text=content)


@FAST
@given(any_file)
def test_any_issue_yaml_gives_a_model_or_clean_errors(content):
    assert_clean(issue_text=content)


@FAST
@given(near_valid_entries())
def test_near_valid_entries(content):
    assert_clean(entry_text=content)


@FAST
@given(near_valid_issues(), near_valid_entries())
def test_near_valid_issue_with_near_valid_entry(issue_text, entry_text):
    assert_clean(issue_text=issue_text, entry_text=entry_text)


def test_the_default_entry_round_trips_through_the_strategies():
    # The strategies start from a valid document; if this fails they test only error paths.
    assert_clean(entry_text=yaml.safe_dump(yaml.safe_load(entry_yaml()), allow_unicode=True))
    with tempfile.TemporaryDirectory() as tmp:
        text = yaml.safe_dump(yaml.safe_load(entry_yaml()), allow_unicode=True)
        issue, report = load_issue(make_issue(Path(tmp), entries={"clutex": text}))
        assert issue is not None, report.problems
        assert issue.date == dt.date(2022, 9, 26)


@FAST
@given(
    st.text(alphabet=st.sampled_from(list("avksziAV \"'-–.0123456789%Kč§()+,Ing") + ["\u00a0"])),
    st.sampled_from(["cs", "en"]),
)
def test_craft_is_idempotent(text, lang):
    # Templates may craft a string that already passed through craft (e.g. inside Markdown).
    once = craft(text, lang)
    assert craft(once, lang) == once
