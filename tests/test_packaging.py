"""An installed klastroviny carries its layouts and assets: the wheel has every file of the
repository's layouts/ and assets/ (under klastroviny/_bundled/), the schemas and all the code;
the package unpacked from it finds them there, checks the sample issue and builds a small one
byte for byte as the development install does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from builders import PROJECT_ROOT, make_issue

# What the build reads; copied so that the build writes nothing into the working tree.
SOURCES = ("pyproject.toml", "README.md", "klastroviny", "layouts", "assets")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _files(folder: Path) -> set[str]:
    return {
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_the_wheel_carries_the_layouts_assets_and_schemas(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (PROJECT_ROOT / name).is_dir():
            shutil.copytree(PROJECT_ROOT / name, source / name, symlinks=True, ignore=SKIP)
        else:
            shutil.copy2(PROJECT_ROOT / name, source / name)
    dist = tmp_path / "dist"
    # The PEP 517 backend directly, in the venv (no build isolation, so no network).
    built = subprocess.run(
        [sys.executable, "-c", "import sys, setuptools.build_meta as b; b.build_wheel(sys.argv[1])"]
        + [str(dist)],
        cwd=source,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )
    assert built.returncode == 0, built.stderr
    assert "Warning" not in built.stderr, built.stderr  # e.g. SetuptoolsDeprecationWarning
    assert "absent from the `packages`" not in built.stdout + built.stderr
    (wheel,) = dist.glob("klastroviny-*.whl")

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    bundled = _files(PROJECT_ROOT / "layouts") | _files(PROJECT_ROOT / "assets")
    assert bundled and {f"klastroviny/_bundled/{name}" for name in bundled} <= names
    code = _files(PROJECT_ROOT / "klastroviny") - {
        name for name in _files(PROJECT_ROOT / "klastroviny") if "/_bundled/" in name
    }
    assert any(name.endswith(".schema.json") for name in code)
    assert code <= names  # every module and the JSON Schemas
    assert b"License-Expression: MIT" in metadata

    # Unpacked, the package uses its own copies, not the repository's, and checks an issue.
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    shutil.copytree(PROJECT_ROOT / "issues" / "2022-09-prague", tmp_path / "2022-09-prague")
    script = (
        "import klastroviny.resources as r, klastroviny.typeset.sandbox, os;"
        "print(r.LAYOUTS_DIR, r.ASSETS_DIR, os.environ['FONTCONFIG_FILE'], sep='\\n')"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}  # before the editable install's finder
    where = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.split() == [
        str(site / "klastroviny" / "_bundled" / "layouts"),
        str(site / "klastroviny" / "_bundled" / "assets"),
        str(site / "klastroviny" / "_bundled" / "assets" / "fonts" / "fonts.conf"),
    ]
    checked = subprocess.run(
        [sys.executable, "-m", "klastroviny", "check", "2022-09-prague"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    issue = make_issue(tmp_path)
    pdfs = []
    for name, environment in (("installed", env), ("dev", os.environ)):
        pdf = tmp_path / f"{name}.pdf"
        made = subprocess.run(
            [sys.executable, "-m", "klastroviny", "build", "--lang", "cs", "--no-cache"]
            + ["-o", str(pdf), str(issue)],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert made.returncode == 0, made.stdout + made.stderr
        pdfs.append(pdf.read_bytes())
    assert pdfs[0] == pdfs[1]  # fonts are embedded by content, wherever they are read from
