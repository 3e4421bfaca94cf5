"""Hostile and broken input (issue 5): nothing leaks, nothing is lost, every error is clear.

Every case of hostile_corpus.py is run through the CLI in-process. For each one:

- the exit code and a fragment of the message are as expected, and there is no traceback;
- the output is short (a hostile value is not echoed in full);
- the unique token of secret-marker.txt, a file beside the issue folder, appears neither in the
  output nor in any PDF (raw or inflated streams);
- nothing under the issue folder was created, changed or removed, and no temp file is left;
- the local listener that the inputs point at saw no connection.

Also here: atomic writes under a full disk and an interrupt, errors of the system that reach the
CLI, byte-identical output from another working directory and file-system order, and property
tests of whole runs.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import tempfile
import time
import zlib
from pathlib import Path

import pytest
from builders import SVG, entry_yaml, issue_yaml, make_issue
from click.testing import CliRunner
from hostile_corpus import CASES, ENTRY, Case, real_image
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klastroviny.cli import cli
from klastroviny.errors import KlastrovinyError
from klastroviny.write import write_atomically

TOKEN = "SECRET-MARKER-5d1e0c27-klastroviny"


# --- the listener that no input may reach ----------------------------------------------------
class Listener:
    """A TCP socket on 127.0.0.1 that counts the connections made to it."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.socket.setblocking(False)
        self.port = self.socket.getsockname()[1]
        self.connections = 0

    def count(self) -> int:
        """Connections so far. The kernel completes a handshake on its own, so every attempt
        is waiting in the backlog by the time this is called."""
        while True:
            try:
                connection, _ = self.socket.accept()
            except BlockingIOError:
                return self.connections
            connection.close()
            self.connections += 1


@pytest.fixture(scope="module")
def listener():
    listener = Listener()
    yield listener
    listener.socket.close()


def test_the_listener_sees_a_connection(listener):
    before = listener.count()
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass
    time.sleep(0.05)
    assert listener.count() == before + 1


# --- writing and running a case --------------------------------------------------------------
def fill(content: str | bytes, values: dict[str, str]) -> bytes:
    data = content.encode("utf-8") if isinstance(content, str) else content
    for name, value in values.items():
        data = data.replace(name.encode(), value.encode())
    return data


def write_case(case: Case, tmp_path: Path, port: int) -> Path:
    root = tmp_path / "issue"
    values = {
        "{port}": str(port),
        "{marker}": str(tmp_path / "secret-marker.txt"),
        "{root}": str(root),
    }
    files = {"issue.yaml": issue_yaml(), ENTRY: entry_yaml(), **case.files}
    if "entries" in case.files:  # a file where the folder should be
        files.pop(ENTRY)
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fill(content, values))
    if case.setup:
        case.setup(root, tmp_path)
    return root


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under the folder with its kind, size, time and (for symlinks) target."""
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            stat = path.lstat()
            link = os.readlink(path) if path.is_symlink() else None
            state[str(path.relative_to(root))] = (
                stat.st_mode,
                stat.st_size,
                stat.st_mtime_ns,
                link,
            )
    return state


def inflated(pdf: bytes):
    """The PDF's bytes, then every Flate stream inflated (text and fonts are compressed)."""
    yield pdf
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            yield zlib.decompressobj().decompress(pdf[match.end() : end])
        except zlib.error:
            continue  # not a Flate stream (e.g. a JPEG)


def plain(text: str) -> str:
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input(case: Case, tmp_path, monkeypatch, listener):
    before = listener.count()
    (tmp_path / "secret-marker.txt").write_text(TOKEN + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    root = write_case(case, tmp_path, listener.port)
    state = snapshot(root)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    if case.patch:
        case.patch(monkeypatch, root)
    args = [case.command, "issue", *(arg.replace("{out}", str(out)) for arg in case.args)]

    started = time.monotonic()
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    elapsed = time.monotonic() - started

    output = result.output
    assert result.exit_code == case.exit_code, output
    assert case.message in output
    assert "Traceback" not in output and "internal error" not in output, output
    assert len(output) < 10_000, output[:2_000]
    assert elapsed < 30
    assert TOKEN not in output
    monkeypatch.undo()  # the Path patches of unreadable files end here
    assert snapshot(root) == state, "the issue folder was changed"
    assert not list(tmp_path.rglob("*.tmp")), "a temp file was left behind"
    pdfs = sorted(tmp_path.rglob("*.pdf"))
    for pdf in pdfs:
        for data in inflated(pdf.read_bytes()):
            assert TOKEN.encode() not in data, f"{pdf} contains the secret marker"
    if case.printed:
        from pypdf import PdfReader

        (pdf,) = pdfs
        text = plain("".join(page.extract_text() for page in PdfReader(pdf).pages))
        for fragment in case.printed:
            assert plain(fragment) in text
    assert listener.count() == before, "a connection was attempted"


def test_the_corpus_is_large_and_its_names_unique():
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    assert sum(case.command == "build" for case in CASES) <= 10  # rendering is slow


# --- writing the PDF: full disk, interrupts, system errors -----------------------------------
_fdopen = os.fdopen


class _FullDisk:
    """os.fdopen for a disk that is full: every write fails with ENOSPC."""

    def __init__(self, fd: int, mode: str):
        self.file = _fdopen(fd, mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self.file, name)


def test_a_full_disk_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "bulletin.pdf"
    target.write_bytes(b"old")
    monkeypatch.setattr("klastroviny.write.os.fdopen", _FullDisk)
    with pytest.raises(KlastrovinyError) as caught:
        write_atomically(target, b"new")
    assert "No space left on device; free some disk space" in caught.value.message
    assert "the previous file is unchanged" in caught.value.message
    assert target.read_bytes() == b"old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bulletin.pdf"]


@pytest.mark.parametrize("step", ["os.fsync", "os.replace"])
def test_an_interrupt_while_writing_removes_the_temp_file(tmp_path, monkeypatch, step):
    target = tmp_path / "bulletin.pdf"
    target.write_bytes(b"old")

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(f"klastroviny.write.{step}", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bulletin.pdf"]


def test_nothing_is_written_after_a_signal_even_if_the_interrupt_was_swallowed(
    tmp_path, monkeypatch
):
    # WeasyPrint catches BaseException while it draws an SVG: a Ctrl-C there is swallowed and
    # the render goes on without the logo. The writer still refuses to replace the output.
    import signal

    from klastroviny import interrupt

    target = tmp_path / "bulletin.pdf"
    target.write_bytes(b"old")
    monkeypatch.setattr(interrupt, "_stopped_by", signal.SIGTERM)
    with pytest.raises(interrupt.Terminated):
        write_atomically(target, b"new, but missing a logo")
    monkeypatch.setattr(interrupt, "_stopped_by", signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "other.pdf", b"new")
    assert target.read_bytes() == b"old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bulletin.pdf"]


def test_build_on_a_full_disk_exits_1_and_keeps_the_old_pdf(small_issue_dir, tmp_path, monkeypatch):
    out = tmp_path / "bulletin.pdf"
    out.write_bytes(b"%PDF-1.7 the earlier bulletin\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr("klastroviny.write.os.fdopen", _FullDisk)
    result = CliRunner().invoke(
        cli, ["build", str(small_issue_dir), "-o", "bulletin.pdf"], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert (
        "error: cannot write bulletin.pdf: No space left on device; free some disk space and "
        "build again; the previous file is unchanged" in result.output
    )
    assert out.read_bytes() == b"%PDF-1.7 the earlier bulletin\n"
    assert not list(tmp_path.rglob("*.tmp")), "a temp file was left behind"


def test_a_system_error_that_names_a_file_is_a_clean_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "layouts/a4/a4.css")

    monkeypatch.setattr("klastroviny.content.issue_file.load_issue", refuse)
    result = CliRunner().invoke(cli, ["check", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.startswith("error: layouts/a4/a4.css: Permission denied; check that")
    assert "internal error" not in result.output


def test_a_bug_says_so_and_where_the_traceback_is(tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("klastroviny.content.issue_file.load_issue", bug)
    result = CliRunner().invoke(cli, ["check", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1
    saved = re.search(r"The traceback was saved to (\S+);", result.output)
    assert "internal error: ZeroDivisionError('a bug')" in result.output and saved
    assert "ZeroDivisionError: a bug" in Path(saved[1]).read_text()
    Path(saved[1]).unlink()


def test_ctrl_c_in_process_exits_130_with_a_short_message(tmp_path, monkeypatch):
    from klastroviny.interrupt import Terminated

    for interrupt, code, message in (
        (KeyboardInterrupt, 130, "interrupted; earlier outputs are left as they were, whole\n"),
        (Terminated, 143, "stopped by SIGTERM; earlier outputs are left as they were, whole\n"),
    ):

        def stop(*args, interrupt=interrupt, **kwargs):
            raise interrupt

        monkeypatch.setattr("klastroviny.content.issue_file.load_issue", stop)
        result = CliRunner().invoke(cli, ["check", str(tmp_path)], catch_exceptions=False)
        assert (result.exit_code, result.output) == (code, message)


# --- the same bytes wherever and however the issue is read -----------------------------------
def _entries(logo: str) -> dict[str, str]:
    names = {"alfa": "Alfa", "beta": "Beta", "gama": "Gama"}
    return {
        stem: entry_yaml(name=f"{{cs: Klastr {name}, en: Cluster {name}}}", logo=logo)
        for stem, name in names.items()
    }


def _write_issue(root: Path, entries: dict[str, str], files: dict[str, bytes]) -> Path:
    """Like make_issue, but in the order given: the file system may list them in that order."""
    (root / "entries").mkdir(parents=True)
    (root / "issue.yaml").write_text(issue_yaml(), encoding="utf-8")
    for stem, text in entries.items():
        (root / "entries" / f"{stem}.yaml").write_text(text, encoding="utf-8")
    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
    return root


def _build(monkeypatch, cwd: Path, issue: Path, output: Path) -> bytes:
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    issue_arg = os.path.relpath(issue, cwd)
    result = CliRunner().invoke(
        cli, ["build", issue_arg, "-o", str(output)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return output.read_bytes()


def test_same_bytes_from_another_working_directory_and_file_system_order(tmp_path, monkeypatch):
    entries = _entries("logos/logo.svg")
    files = {"logos/logo.svg": SVG}
    first = _write_issue(tmp_path / "a" / "issue", entries, files)
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)

    one = _build(monkeypatch, tmp_path / "a", first, tmp_path / "one.pdf")
    two = _build(monkeypatch, elsewhere, first, tmp_path / "two.pdf")

    # The same files, created in the reverse order in another folder, and every directory
    # listing reversed (as another file system might list them). Every build runs in its own
    # working directory, so none reuses another's render cache (build/.cache).
    reverse = dict(reversed(list(entries.items())))
    second = _write_issue(tmp_path / "b" / "issue", reverse, files)
    listing = Path.iterdir
    monkeypatch.setattr(Path, "iterdir", lambda self: iter(sorted(listing(self), reverse=True)))
    three = _build(monkeypatch, tmp_path / "b", second, tmp_path / "three.pdf")

    assert one == two == three


def test_same_bytes_with_a_png_logo_from_another_folder(tmp_path, monkeypatch):
    files = {"logos/logo.png": real_image("PNG")}
    entries = {"alfa": entry_yaml(logo="logos/logo.png")}
    first = _write_issue(tmp_path / "a" / "i", entries, files)
    second = _write_issue(tmp_path / "b" / "i", entries, files)
    # Each build in its own working directory, so that no render cache (build/.cache) is shared.
    one = _build(monkeypatch, first.parent, first, tmp_path / "1.pdf")
    two = _build(monkeypatch, second.parent, second, tmp_path / "2.pdf")
    assert one == two


# --- properties: whatever the input, a result or clean errors, quickly ------------------------
def _run_clean(args: list[str], max_seconds: float):
    started = time.monotonic()
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert time.monotonic() - started < max_seconds
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code == 1:
        assert "error" in result.output
    return result


XML_PIECES = [
    "<svg>",
    "</svg>",
    "<g>",
    "</g>",
    "<rect/>",
    '<use href="#a"/>',
    '<use href="x.svg"/>',
    "<style>",
    "</style>",
    "@import 'x';",
    "url(#a)",
    "url(x.png)",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE svg>",
    '<!ENTITY a "b">',
    "&a;",
    "&amp;",
    "<?xml version='1.0'?>",
    "<!--",
    "-->",
    '<image href="data:,x"/>',
    "((((((((((",
    "URL(",
    '<set attributeName="href" to="x"/>',
    '<g id="a">',
    '<use href="#a"/>',
    '<mask id="m">',
    '<rect mask="url(#m)"/>',
    "<style>.c{mask:url(#m)}</style>",
    '<rect class="c"/>',
    "<script>",
    "\u00e9",
    "\x00",
    "<",
    ">",
    '"',
    " ",
    'xmlns="http://www.w3.org/2000/svg"',
    'fill="url(http://x)"',
    "<foreignObject>",
]
logo_files = st.one_of(
    st.tuples(
        st.sampled_from(["logos/x.png", "logos/x.jpg"]),
        st.builds(
            lambda start, cut, noise: start[:cut] + noise,
            st.sampled_from([real_image("PNG"), real_image("JPEG")]),
            st.integers(min_value=0, max_value=2_000),
            st.binary(max_size=64),
        ),
    ),
    st.tuples(
        st.just("logos/x.svg"),
        st.lists(st.sampled_from(XML_PIECES), max_size=30).map(
            lambda pieces: ("<svg " + "".join(pieces)).encode("utf-8")
        ),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logo_files)
def test_any_logo_is_accepted_or_refused_cleanly(logo):
    name, content = logo
    with tempfile.TemporaryDirectory() as tmp:
        root = make_issue(
            Path(tmp), entries={"clutex": entry_yaml(logo=name)}, files={name: content}
        )
        result = _run_clean(["check", str(root)], max_seconds=5)
        assert result.exit_code == 0 or "logo: " in result.output


# Texts that reach the renderer: Czech letters, typography, Markdown, HTML and Jinja syntax.
RENDERED_CHARS = list("aáčěíkřšůžAČŘŠŽ019 \"'-.,:;!?()[]{}<>&%#*_|\\/@\n") + [
    "**",
    "- ",
    "1. ",
    "{{ ",
    " }}",
    "{%",
    "<script>",
    "</p>",
    "&amp;",
    "[x](https://x.cz)",
]
rendered_texts = st.lists(st.sampled_from(RENDERED_CHARS), min_size=1, max_size=80).map("".join)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(description=rendered_texts, city=rendered_texts)
def test_any_printed_text_builds_or_fails_cleanly(description, city):
    import yaml

    quote = lambda text: yaml.safe_dump(text, default_style='"', width=10_000).strip()  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        root = make_issue(
            Path(tmp),
            entries={
                "clutex": entry_yaml(description=quote(description), city=quote(city.strip()))
            },
        )
        output = Path(tmp) / "out.pdf"
        result = _run_clean(["build", str(root), "-o", str(output)], max_seconds=60)
        assert (result.exit_code == 0) == output.is_file()


# --- the renderer's sandbox ------------------------------------------------------------------
def test_the_sandbox_fetcher_refuses_everything_outside(tmp_path, monkeypatch):
    from weasyprint.urls import URLFetchingError, fetch

    from klastroviny.resources import ASSETS_DIR
    from klastroviny.typeset.sandbox import SandboxFetcher

    root = tmp_path / "issue"
    (root / "logos").mkdir(parents=True)
    (root / "logos" / "x.svg").write_bytes(SVG)
    (root / "logos" / "locked.svg").write_bytes(SVG)
    (tmp_path / "secret-marker.txt").write_text(TOKEN)
    fetcher = SandboxFetcher((root, ASSETS_DIR))
    assert fetcher.fetch("issue:logos/x.svg").read() == SVG
    assert fetcher.fetch("issue:logos/x.svg#frag").read() == SVG
    assert fetcher.fetch((root / "logos" / "x.svg").as_uri()).read() == SVG
    locked = root / "logos" / "locked.svg"
    read_bytes = Path.read_bytes

    def no_permission(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", no_permission)
    refused = [
        "issue:../secret-marker.txt",
        "issue:%2e%2e/secret-marker.txt",
        "issue:/etc/passwd",
        "issue:logos",
        "issue:logos/locked.svg",
        "assets:../../etc/passwd",
        (tmp_path / "secret-marker.txt").as_uri(),
        "file://example.com/etc/passwd",
        "file:///etc/passwd%00.svg",
        "data:text/plain,x",
        "http://127.0.0.1:9/x",
        "ftp://127.0.0.1/x",
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    # WeasyPrint reads _fail_on_errors from any fetcher: a refusal is a warning, not a crash.
    with pytest.raises(URLFetchingError), fetch(fetcher, "http://127.0.0.1:9/y"):
        pass


def test_an_issue_local_template_cannot_run_code(tmp_path, monkeypatch):
    from klastroviny.resources import LAYOUTS_DIR

    pwned = tmp_path / "pwned"
    template = (LAYOUTS_DIR / "base" / "profile.html.j2").read_text(encoding="utf-8")
    payload = f"{{{{ cycler.__init__.__globals__.os.system('touch {pwned}') }}}}"
    root = make_issue(tmp_path, files={"layout/profile.html.j2": payload + template})
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = CliRunner().invoke(
        cli, ["build", str(root), "-o", str(tmp_path / "x.pdf")], catch_exceptions=False
    )
    assert not pwned.exists()
    assert result.exit_code == 1 and "internal error" not in result.output


def test_a_profile_template_without_the_ids_the_page_check_needs_fails_cleanly(
    tmp_path, monkeypatch
):
    from klastroviny.resources import LAYOUTS_DIR

    template = (LAYOUTS_DIR / "base" / "profile.html.j2").read_text(encoding="utf-8")
    template = template.replace('id="entry-end-{{ entry.id }}"', "")
    root = make_issue(tmp_path, files={"layout/profile.html.j2": template})
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = CliRunner().invoke(
        cli, ["build", str(root), "-o", str(tmp_path / "x.pdf")], catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    assert "#entry-end-clutex" in result.output and "profile.html.j2" in result.output
