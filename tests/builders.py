"""Write small issue folders from strings, so that each test states only what it is about.

The default files are valid and short, with every field on a known line:

    issue.yaml                      entries/<id>.yaml
    1 title: KLASTROVINY            1 name: {cs: …, en: …}
    2 date: 2022-09-26              2 region: CZ-51
    3 publisher: Národní klastr…    3 city: Liberec
    4 languages: [cs, en]           4 ecosystems: [textiles, health]
    5 layout: a5-booklet            5 website: https://www.clutex.cz
    6 order: name                   6 description: {cs: …, en: …}
                                    7 contacts:
                                    8   - name: Jana Nováková
                                    9     phone: "+420 601 123 456"
                                   10     email: jana.novakova@example.com
                                   11     consent: true

`issue_yaml(**fields)` and `entry_yaml(**fields)` replace a field's value on its own line (the
lines below keep their numbers), drop it with None, and append new fields at the end, in order.
Values are raw YAML text; a value starting with a newline is a block.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from klastroviny.errors import Problem, Report

# The repository (issues/, docs/, README.md): the package, once installed, knows nothing of it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

ISSUE_FIELDS = {
    "title": "KLASTROVINY",
    "date": "2022-09-26",
    "publisher": "Národní klastrová asociace",
    "languages": "[cs, en]",
    "layout": "a5-booklet",
    "order": "name",
}
CONTACT_FIELDS = {
    "name": "Jana Nováková",
    "phone": '"+420 601 123 456"',
    "email": "jana.novakova@example.com",
    "consent": "true",
}
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>\n'
# A real 1 × 1 px greyscale PNG: logos are decoded in full when checked, so a fake is refused.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00"
    b"\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc`\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00"
    b"IEND\xaeB`\x82"
)


def _document(default: dict[str, str], fields: dict[str, str | None]) -> str:
    values = {**default, **fields}
    lines = []
    for key, value in values.items():
        if value is None:
            continue
        lines.append(f"{key}:{value}" if value.startswith("\n") else f"{key}: {value}")
    return "\n".join(lines) + "\n"


def contact_yaml(**fields: str | None) -> str:
    """The value of `contacts:`: one contact, its fields replaced like those of an entry."""
    body = _document(CONTACT_FIELDS, fields).rstrip("\n").replace("\n", "\n    ")
    return "\n  - " + body


ENTRY_FIELDS = {
    "name": '{cs: "CLUTEX – klastr technické textilie, z. s.", en: CLUTEX – Technical Textiles}',
    "region": "CZ-51",
    "city": "Liberec",
    "ecosystems": "[textiles, health]",
    "website": "https://www.clutex.cz",
    "description": "{cs: Klastr technických textilií., en: A cluster of technical textiles.}",
    "contacts": contact_yaml(),
}


def issue_yaml(**fields: str | None) -> str:
    return _document(ISSUE_FIELDS, fields)


def entry_yaml(**fields: str | None) -> str:
    return _document(ENTRY_FIELDS, fields)


def make_issue(
    tmp_path: Path,
    issue: str | bytes | None = None,
    entries: dict[str, str | bytes] | None = None,
    files: dict[str, str | bytes] | None = None,
) -> Path:
    """Write tmp_path/issue/ with issue.yaml, entries/<id>.yaml and any other files; return it.

    `entries` maps the file stem to the file's text (or raw bytes); by default one valid entry,
    `clutex`. `files` maps paths inside the issue folder (e.g. "logos/x.svg") to contents.
    """
    root = tmp_path / "issue"
    (root / "entries").mkdir(parents=True, exist_ok=True)
    _write(root / "issue.yaml", issue_yaml() if issue is None else issue)
    for stem, text in ({"clutex": entry_yaml()} if entries is None else entries).items():
        _write(root / "entries" / f"{stem}.yaml", text)
    for relative, content in (files or {}).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, content)
    return root


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


def render(problem: Problem, root: Path) -> str:
    """A problem as `klastroviny check` prints it, with the path relative to the issue folder."""
    location = problem.location
    try:
        path = location.file.relative_to(root).as_posix()
    except ValueError:
        path = str(location.file)
    where = f"{path}:{location.line}:{location.column}" if location.line else path
    what = f"{problem.field}: " if problem.field else ""
    return f"{where}: {problem.severity.value}: {what}{problem.message}"


def rendered(report: Report, root: Path) -> list[str]:
    """Every problem of the report, in the printed order."""
    return [render(problem, root) for problem in report.sorted()]


def bulletin_html(edition) -> str:
    """The HTML of every unit of an edition, as the build renders them (page numbers from a
    provisional plan: the front matter taken as three pages), one after the other."""
    from klastroviny.bulletin import parts
    from klastroviny.bulletin.plan import PagePlan
    from klastroviny.render.html import render_unit

    plan = PagePlan(3, edition.layout.profile_pages, tuple(e.id for e in edition.entries))
    html = []
    for matter in (parts.FRONT, parts.PROFILES, parts.BACK):
        for unit in parts.units(edition.parts, matter):
            entries = edition.entries if matter == parts.PROFILES else ()
            html.append(render_unit(edition, plan, unit, entries=entries))
    return "\n".join(html)


def synthetic_issue(folder: Path, count: int) -> Path:
    """An issue of `count` entries cloned from the sample's, renamed so that names stay
    unique (for tests of big issues and the benchmark)."""
    import yaml

    sample = PROJECT_ROOT / "issues" / "2022-09-prague"
    issue = folder / f"synthetic-{count}"
    (issue / "entries").mkdir(parents=True)
    shutil.copy(sample / "issue.yaml", issue / "issue.yaml")
    shutil.copytree(sample / "logos", issue / "logos")
    templates = sorted((sample / "entries").glob("*.yaml"))
    for index in range(count):
        source = templates[index % len(templates)]
        entry = yaml.safe_load(source.read_text(encoding="utf-8"))
        for key in ("name", "short_name"):  # both unique in an issue
            if key in entry:
                text = entry[key]
                entry[key] = (
                    {lang: f"{value} {index:04d}" for lang, value in text.items()}
                    if isinstance(text, dict)
                    else f"{text} {index:04d}"
                )
        target = issue / "entries" / f"e{index:04d}-{source.stem}.yaml"
        target.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    return issue


def invoke(*args: object):
    """Run the command line in-process; a failure of ours (exit 1 and a message) is a result,
    an exception that escapes the CLI fails the test."""
    from click.testing import CliRunner

    from klastroviny.cli import cli

    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result
