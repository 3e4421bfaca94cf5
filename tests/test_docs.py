"""The CLI docs cannot go stale: every command and every option of --help is in docs/cli.md."""

from __future__ import annotations

from builders import PROJECT_ROOT

from klastroviny.cli import cli

DOCS = (PROJECT_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_documented():
    missing = []
    for name, command in cli.commands.items():
        if f"klastroviny {name}" not in DOCS:
            missing.append(name)
        for param in command.params:
            for flag in getattr(param, "opts", []):
                if flag.startswith("--") and flag not in DOCS:
                    missing.append(f"{name} {flag}")
    assert missing == []


def test_the_readme_quick_start_is_two_make_commands():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
