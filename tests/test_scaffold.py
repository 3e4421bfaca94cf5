"""`klastroviny new` and `klastroviny add`: the files they write, what check says of them before
and after an editor fills them in, `new --from`, and the refusals. Run through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pytest
import yaml
from builders import PROJECT_ROOT, SVG, entry_yaml, make_issue
from click.testing import CliRunner

from klastroviny.cli import cli
from klastroviny.content.entry_file import CONTACT_FIELDS, ENTRY_FIELDS
from klastroviny.content.issue_file import ISSUE_FIELDS
from klastroviny.content.scaffold import schema_reference
from klastroviny.resources import PACKAGE_DIR, SCHEMAS_DIR

SAMPLE_ISSUE = PROJECT_ROOT / "issues" / "2022-09-prague"
FIELD_LINE = re.compile(r"^(?:# )?([a-z_]+):", re.M)  # a field, given or commented out
CONTACT_LINE = re.compile(r"^#\s+(?:- )?(?:# )?([a-z_]+):", re.M)


@pytest.fixture
def run(tmp_path, monkeypatch):
    """run(*args) -> click Result, with the working directory at tmp_path (paths print short)."""
    monkeypatch.chdir(tmp_path)

    def run(*args):
        return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)

    return run


def refused(result, message: str) -> None:
    """Exit 1 with one clean message, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: {message}\n"
    assert "Traceback" not in result.output and "internal error" not in result.output


def errors_of(result) -> list[str]:
    """check's problems as `field: message` (the position left out), without the count."""
    return [line.split(": ", 2)[2] for line in result.stderr.splitlines()[:-1]]


# --- what an editor does with the files ----------------------------------------------------------
def fill(text: str, field: str, value: str) -> str:
    """The line `# field: …` (or `field: …`) becomes `field: value`."""
    pattern = re.compile(rf"^(?:# )?{field}:.*$", re.M)
    assert len(pattern.findall(text)) == 1, field
    return pattern.sub(lambda _: f"{field}: {value}", text)


def fill_contact(text: str, **values: str) -> str:
    """Uncomment the contacts block (delete the first "# " of its lines), then fill `values`."""
    lines = text.splitlines()
    start = lines.index("# contacts:")
    end = lines.index("", start)
    lines[start:end] = [line[2:] for line in lines[start:end]]
    text = "\n".join(lines) + "\n"
    for field, value in values.items():
        pattern = re.compile(rf"^(\s+(?:- )?)(?:# )?{field}:.*$", re.M)
        assert len(pattern.findall(text)) == 1, field
        text = pattern.sub(lambda m, v=value, f=field: f"{m.group(1)}{f}: {v}", text)
    return text


def fill_issue(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = fill(text, "title", "KLASTROVINY")
    text = fill(text, "date", "2026-10-06")
    text = fill(text, "publisher", "Národní klastrová asociace")
    path.write_text(text, encoding="utf-8")


def fill_entry(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for field, value in {
        "region": "CZ-64",
        "city": "Brno",
        "ecosystems": "[construction, retail]",
        "description": "\n  cs: |\n    **Klastr nábytkářů** sdružuje výrobce nábytku."
        "\n  en: |\n    The **Furniture Cluster** brings together furniture makers.",
    }.items():
        text = fill(text, field, value)
    text = fill_contact(
        text, name="Jana Nováková", email="jana.novakova@example.com", consent="true"
    )
    path.write_text(text, encoding="utf-8")


def schema_path(path: Path) -> Path:
    """The file the first line's yaml-language-server comment names."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    reference = match.group(1)
    if reference.startswith("file:"):
        return Path(url2pathname(unquote(urlsplit(reference).path)))
    return (path.parent / reference).resolve()


def as_json(value):
    """YAML data as a JSON Schema validator sees it: dates are strings."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_errors(path: Path, kind: str) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMAS_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    return [error.message for error in validator.iter_errors(data)]


# --- new -----------------------------------------------------------------------------------------
def test_new_makes_issue_yaml_entries_and_logos(tmp_path, run):
    result = run("new", "issues/2026-10-brno")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "made issues/2026-10-brno: issue.yaml, entries/, logos/",
        'fill in issue.yaml: title, date, publisher (the lines marked "<- required")',
        "next: klastroviny add issues/2026-10-brno ID, or "
        "klastroviny import issues/2026-10-brno clusters.xlsx",
    ]
    issue = tmp_path / "issues" / "2026-10-brno"
    assert sorted(p.name for p in issue.iterdir()) == ["entries", "issue.yaml", "logos"]
    assert list((issue / "entries").iterdir()) == list((issue / "logos").iterdir()) == []
    # valid YAML: only the fields that have a default are given
    assert yaml.safe_load((issue / "issue.yaml").read_text(encoding="utf-8")) == {
        "languages": ["cs"],
        "layout": "a5-booklet",
        "order": "name",
    }


def test_every_issue_field_is_in_the_new_issue_yaml_once(tmp_path, run):
    run("new", "issue")
    text = (tmp_path / "issue" / "issue.yaml").read_text(encoding="utf-8")
    assert FIELD_LINE.findall(text) == list(ISSUE_FIELDS)
    for field in ISSUE_FIELDS:  # each with a comment just above it
        line = re.search(rf"^(# )?{field}:", text, re.M).start()
        assert text[:line].splitlines()[-1].startswith("# "), field


def test_check_reports_the_placeholders_until_they_are_filled_in(tmp_path, run):
    run("new", "issue")
    path = tmp_path / "issue" / "issue.yaml"
    result = run("check", "issue")
    assert result.exit_code == 1
    assert errors_of(result) == [
        "date: missing required field",
        "publisher: missing required field",
        "title: missing required field",
    ]
    text = path.read_text(encoding="utf-8")
    # uncommented but not filled in: still an error
    path.write_text(text.replace("# date: ", "date: "), encoding="utf-8")
    result = run("check", "issue")
    assert "date: 'YYYY-MM-DD' is not a date; write it as YYYY-MM-DD" in errors_of(result)
    fill_issue(path)
    result = run("check", "issue")
    assert errors_of(result) == ["the issue has no entries"]


def test_a_filled_new_issue_and_a_filled_added_entry_pass_check(tmp_path, run):
    result = run(
        "new",
        "issue",
        "--title",
        "KLASTROVINY",
        "--publisher",
        "Národní klastrová asociace",
        "--date",
        "2026-10-06",
        "--event",
        "Klastrová konference 2026, Brno",
        "--languages",
        "cs, en",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("next: ")  # nothing left to fill in
    issue = tmp_path / "issue"
    assert schema_errors(issue / "issue.yaml", "issue") == []
    result = run("add", "issue", "nabytkari", "--name", "Klastr českých nábytkářů, družstvo")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        'made issue/entries/nabytkari.yaml; fill in the lines marked "<- required", '
        "then: klastroviny check issue\n"
    )
    entry = issue / "entries" / "nabytkari.yaml"
    assert yaml.safe_load(entry.read_text(encoding="utf-8")) == {
        "name": "Klastr českých nábytkářů, družstvo",
        "country": "CZ",
    }
    result = run("check", "issue")
    assert errors_of(result) == [
        f"{field}: missing required field"
        for field in ("city", "contacts", "description", "ecosystems", "region")
    ]
    fill_entry(entry)
    result = run("check", "--strict", "issue")
    assert result.exit_code == 0, result.output
    assert result.stdout == "issue: OK, 1 entry, editions cs, en, layout a5-booklet\n"
    assert yaml.safe_load((issue / "issue.yaml").read_text(encoding="utf-8"))["event"] == (
        "Klastrová konference 2026, Brno"
    )
    assert schema_errors(entry, "entry") == []


def test_a_filled_issue_without_options_passes_the_json_schema(tmp_path, run):
    run("new", "issue")
    path = tmp_path / "issue" / "issue.yaml"
    assert schema_errors(path, "issue")  # the required fields are missing
    fill_issue(path)
    assert schema_errors(path, "issue") == []


def test_text_options_are_quoted_where_yaml_needs_it_and_must_not_be_empty(tmp_path, run):
    refused(run("new", "blank", "--title", " "), "--title: the text is empty; give one")
    result = run("new", "issue", "--title", "Klastry: nová éra", "--publisher", "yes")
    assert result.exit_code == 0, result.output
    head = yaml.safe_load((tmp_path / "issue" / "issue.yaml").read_text(encoding="utf-8"))
    assert (head["title"], head["publisher"]) == ("Klastry: nová éra", "yes")


def test_new_makes_the_parent_folders(tmp_path, run):
    assert run("new", "a/b/issue").exit_code == 0
    assert (tmp_path / "a" / "b" / "issue" / "issue.yaml").is_file()


def test_the_schema_lines_name_the_bundled_schemas(tmp_path, run):
    run("new", "issue")
    run("add", "issue", "clutex")
    issue = tmp_path / "issue"
    assert schema_path(issue / "issue.yaml") == SCHEMAS_DIR / "issue.schema.json"
    assert schema_path(issue / "entries" / "clutex.yaml") == SCHEMAS_DIR / "entry.schema.json"
    assert (SCHEMAS_DIR / "issue.schema.json").is_file()


@pytest.mark.skipif(PACKAGE_DIR.parent != PROJECT_ROOT, reason="not run from a checkout")
def test_inside_the_checkout_the_schema_path_is_relative():
    issue_yaml = PROJECT_ROOT / "issues" / "2026-10-brno" / "issue.yaml"
    entry = issue_yaml.parent / "entries" / "clutex.yaml"
    assert (
        schema_reference(issue_yaml, "issue")
        == "../../klastroviny/content/schemas/issue.schema.json"
    )
    assert (
        schema_reference(entry, "entry") == "../../../klastroviny/content/schemas/entry.schema.json"
    )
    assert (issue_yaml.parent / schema_reference(issue_yaml, "issue")).resolve().is_file()
    assert (entry.parent / schema_reference(entry, "entry")).resolve().is_file()


# --- new --from ----------------------------------------------------------------------------------
@pytest.fixture
def earlier(tmp_path) -> Path:
    """A copy of the sample issue, with an import record and a logo in a subfolder."""
    folder = tmp_path / "2022-09-prague"
    shutil.copytree(SAMPLE_ISSUE, folder)
    (folder / "entries" / ".imported.json").write_text('{"clutex": "x"}\n', encoding="utf-8")
    (folder / "logos" / "old").mkdir()
    (folder / "logos" / "old" / "clutex-2019.svg").write_bytes(SVG)
    return folder


def test_from_copies_entries_and_logos_bumps_the_number_and_passes_check(tmp_path, run, earlier):
    result = run("new", "2026-10-brno", "--from", "2022-09-prague", "--date", "2026-10-06")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "made 2026-10-brno from 2022-09-prague: issue.yaml (number 13), "
        "entries/ (15 entries, .imported.json), logos/ (16 files)",
        "taken from its issue.yaml: title, subtitle, event, publisher, languages, layout, "
        "foreword, order, imprint, print; update what is new for this issue",
        "next: klastroviny check 2026-10-brno",
    ]
    new = tmp_path / "2026-10-brno"
    for folder in ("entries", "logos"):
        old_files = sorted(p.relative_to(earlier) for p in (earlier / folder).rglob("*"))
        assert sorted(p.relative_to(new) for p in (new / folder).rglob("*")) == old_files
        for relative in old_files:
            if (earlier / relative).is_file():
                assert (new / relative).read_bytes() == (earlier / relative).read_bytes()
    old_head = yaml.safe_load((earlier / "issue.yaml").read_text(encoding="utf-8"))
    head = yaml.safe_load((new / "issue.yaml").read_text(encoding="utf-8"))
    assert head == {**old_head, "number": 13, "date": dt.date(2026, 10, 6)}
    # the values as the earlier issue.yaml wrote them
    old_text = (earlier / "issue.yaml").read_text(encoding="utf-8")
    text = (new / "issue.yaml").read_text(encoding="utf-8")
    foreword = old_text[old_text.index("foreword:") : old_text.index("order:")]
    assert foreword in text
    assert old_text.splitlines()[1] in text.splitlines()  # subtitle: {cs: …, en: …}
    result = run("check", "2026-10-brno")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-10-brno: OK, 15 entries, editions cs, en, layout a5-booklet\n"
    assert schema_errors(new / "issue.yaml", "issue") == []


def test_from_without_a_date_leaves_the_date_to_fill_in(tmp_path, run, earlier):
    result = run("new", "new", "--from", "2022-09-prague", "--title", "KLASTROVINY 2026")
    assert result.exit_code == 0, result.output
    assert 'fill in issue.yaml: date (the line marked "<- required")' in result.stdout
    text = (tmp_path / "new" / "issue.yaml").read_text(encoding="utf-8")
    assert "# date: YYYY-MM-DD  # <- required (the earlier issue: 2022-09-26)" in text
    assert yaml.safe_load(text)["title"] == "KLASTROVINY 2026"  # the option wins
    result = run("check", "new")
    assert errors_of(result) == ["date: missing required field"]


def test_from_keeps_comments_and_quotes_and_copes_with_a_flow_mapping(tmp_path, run):
    earlier = tmp_path / "earlier"
    (earlier / "entries").mkdir(parents=True)
    (earlier / "issue.yaml").write_text(
        "title: 'KLASTROVINY'  # as every year\n"
        "date: 2022-09-26\n"
        "publisher:\n"
        "  cs: Národní klastrová asociace\n"
        "  # en: later\n"
        "  en: Czech National Cluster Association\n"
        "\n"
        "# the editions\n"
        "languages: [cs, en]\n"
        "titel: typo\n",
        encoding="utf-8",
    )
    assert run("new", "next", "--from", "earlier", "--date", "2026-10-06").exit_code == 0
    text = (tmp_path / "next" / "issue.yaml").read_text(encoding="utf-8")
    assert "title: 'KLASTROVINY'  # as every year\n" in text
    assert "  # en: later\n  en: Czech National Cluster Association\n\n" in text
    assert "\n# the editions\n" not in text  # a comment before a field goes with the field
    assert "\ntitel: typo\n" in text  # not a field: kept, so that check names it
    assert "titel: unknown field; did you mean 'title'?" in errors_of(run("check", "next"))
    # a whole issue.yaml in one flow mapping: the values are written anew
    (earlier / "issue.yaml").write_text(
        "{title: KLASTROVINY, date: 2022-09-26, publisher: NKA, number: 1, layout: a4}\n",
        encoding="utf-8",
    )
    assert run("new", "flow", "--from", "earlier").exit_code == 0
    head = yaml.safe_load((tmp_path / "flow" / "issue.yaml").read_text(encoding="utf-8"))
    assert head == {
        "title": "KLASTROVINY",
        "publisher": "NKA",
        "number": 2,
        "layout": "a4",
        "languages": ["cs"],
        "order": "name",
    }


def test_from_copies_values_yaml_cannot_read_as_they_are(tmp_path, run):
    earlier = tmp_path / "earlier"
    (earlier / "entries").mkdir(parents=True)
    (earlier / "issue.yaml").write_text(
        "title: KLASTROVINY\ndate: 2022-13-01\npublisher: NKA\nevent: 2022-02-30\n[a]: b\n",
        encoding="utf-8",
    )
    result = run("new", "next", "--from", "earlier")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "next" / "issue.yaml").read_text(encoding="utf-8")
    assert "\nevent: 2022-02-30\n" in text
    assert "# <- required (the earlier issue: 2022-13-01)" in text


def test_from_copies_a_logo_an_entry_keeps_outside_logos(tmp_path, run):
    make_issue(
        tmp_path,
        entries={"clutex": entry_yaml(logo="images/clutex.svg")},
        files={"images/clutex.svg": SVG, "images/unused.svg": SVG},
    )
    result = run("new", "next", "--from", "issue", "--date", "2026-10-06")
    assert "entries/ (1 entry), logos/ (1 file)" in result.stdout.splitlines()[0]
    assert (tmp_path / "next" / "images" / "clutex.svg").read_bytes() == SVG
    assert not (tmp_path / "next" / "images" / "unused.svg").exists()
    assert run("check", "next").exit_code == 0


# --- refusals ------------------------------------------------------------------------------------
def test_new_refuses_a_folder_that_has_an_issue_yaml(tmp_path, run):
    run("new", "issue", "--title", "First")
    before = (tmp_path / "issue" / "issue.yaml").read_bytes()
    refused(
        run("new", "issue"),
        "issue/issue.yaml already exists; `klastroviny new` makes a new issue folder: "
        "give a folder without issue.yaml",
    )
    assert (tmp_path / "issue" / "issue.yaml").read_bytes() == before


def test_new_refuses_from_a_folder_without_issue_yaml(tmp_path, run):
    (tmp_path / "empty").mkdir()
    refused(
        run("new", "issue", "--from", "empty"),
        "--from empty: the folder has no issue.yaml; give an earlier issue's folder",
    )
    refused(run("new", "issue", "--from", "missing"), "--from missing: no such folder")
    assert not (tmp_path / "issue").exists()


def test_new_refuses_a_copy_over_other_files(tmp_path, run, earlier):
    (tmp_path / "new" / "entries").mkdir(parents=True)
    (tmp_path / "new" / "entries" / "clutex.yaml").write_text("name: mine\n", encoding="utf-8")
    refused(
        run("new", "new", "--from", "2022-09-prague"),
        "new/entries/clutex.yaml already exists; --from copies the earlier issue's entries "
        "and logos into a new folder",
    )
    assert not (tmp_path / "new" / "issue.yaml").exists()


@pytest.mark.parametrize(
    "value, message",
    [
        (
            "26. 9. 2026",
            "--date: '26. 9. 2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-10-06",
        ),
        ("20261006", "--date: '20261006' is not a date; write it as YYYY-MM-DD, e.g. 2026-10-06"),
        ("2026-02-30", "--date: '2026-02-30' is not a real date; write it as YYYY-MM-DD"),
    ],
)
def test_new_refuses_a_bad_date(tmp_path, run, value, message):
    refused(run("new", "issue", "--date", value), message)
    assert not (tmp_path / "issue").exists()


@pytest.mark.parametrize(
    "value, message",
    [
        (
            "cs,de",
            "--languages: 'de' is not an edition language; give cs, en or both, separated "
            "by a comma, e.g. --languages cs,en",
        ),
        (
            "cs,",
            "--languages: an empty item is not an edition language; give cs, en or both, "
            "separated by a comma, e.g. --languages cs,en",
        ),
        ("en,cs,en", "--languages: 'en' is listed twice"),
    ],
)
def test_new_refuses_bad_languages(tmp_path, run, value, message):
    refused(run("new", "issue", "--languages", value), message)
    assert not (tmp_path / "issue").exists()


# --- add -----------------------------------------------------------------------------------------
def test_every_entry_and_contact_field_is_in_the_added_entry(tmp_path, run):
    run("new", "issue")
    run("add", "issue", "clutex")
    text = (tmp_path / "issue" / "entries" / "clutex.yaml").read_text(encoding="utf-8")
    fields = FIELD_LINE.findall(text)
    assert sorted(fields) == sorted(ENTRY_FIELDS)
    required = [field for field in fields if ENTRY_FIELDS[field]]
    assert fields[: len(required)] == required  # the required fields first
    block = text[text.index("# contacts:") :].split("\n\n")[0]
    assert CONTACT_LINE.findall(block) == ["contacts", *CONTACT_FIELDS]
    for field in ENTRY_FIELDS:  # each with a comment just above it
        line = re.search(rf"^(# )?{field}:", text, re.M).start()
        assert text[:line].splitlines()[-1].startswith("# "), field
    assert yaml.safe_load(text) == {"country": "CZ"}  # valid YAML; the rest commented out
    # uncommenting the contact without filling it in is an error, not a contact
    path = tmp_path / "issue" / "entries" / "clutex.yaml"
    path.write_text(fill_contact(text), encoding="utf-8")
    problems = errors_of(run("check", "issue"))
    assert "contacts[0].name: expected text, got an empty value" in problems
    assert "contacts[0].consent: expected true or false, got an empty value" in problems


def test_add_refuses_a_bad_id_with_checks_message(tmp_path, run):
    run("new", "issue")
    result = run("add", "issue", "Nano_Progress")
    refused(
        result,
        "issue/entries/Nano_Progress.yaml: the file name 'Nano_Progress' is the entry id: "
        "use only a-z, 0-9 and '-'",
    )
    assert list((tmp_path / "issue" / "entries").iterdir()) == []
    (tmp_path / "issue" / "entries" / "Nano_Progress.yaml").write_text("x: 1\n", encoding="utf-8")
    check = run("check", "issue").stderr.splitlines()
    said = result.stderr.removeprefix("error: issue/entries/Nano_Progress.yaml: ").strip()
    assert f"issue/entries/Nano_Progress.yaml: error: {said}" in check
    for bad in ("", "../x", "clutex.yaml"):
        assert run("add", "issue", bad).exit_code == 1
    assert list((tmp_path / "issue" / "entries").iterdir()) == [
        tmp_path / "issue" / "entries" / "Nano_Progress.yaml"
    ]


def test_add_refuses_an_existing_entry_and_a_folder_without_issue_yaml(tmp_path, run):
    run("new", "issue")
    run("add", "issue", "clutex", "--name", "CLUTEX")
    path = tmp_path / "issue" / "entries" / "clutex.yaml"
    before = path.read_bytes()
    refused(
        run("add", "issue", "clutex"),
        "issue/entries/clutex.yaml already exists; choose another id or edit that file",
    )
    assert path.read_bytes() == before
    (tmp_path / "bare").mkdir()
    refused(
        run("add", "bare", "clutex"),
        "bare has no issue.yaml; make the issue first: klastroviny new bare",
    )
    assert not (tmp_path / "bare" / "entries").exists()


def test_add_to_an_issue_in_manual_order_says_to_list_the_entry(tmp_path, run):
    run("new", "issue")
    path = tmp_path / "issue" / "issue.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("order: name", "order: manual"),
        encoding="utf-8",
    )
    result = run("add", "issue", "clutex")
    assert result.stdout.splitlines()[-1] == (
        "note: issue.yaml has order: manual; add clutex to its manual_order"
    )
