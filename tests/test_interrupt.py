"""Interrupting a build at any moment: it ends within 2 s with 130 (SIGINT) or 143 (SIGTERM),
no traceback, no process of the build left running, the earlier PDF whole, no temp file.

A real `python -m klastroviny build` (a cold build: its caches are new) is started in a
session of its own and signalled at several moments: while it imports and reads the issue,
while the fork server starts, while the front matter is laid out, while profiles and indexes
are typeset, while the bulletin is assembled. SIGINT goes to its process group, as Ctrl-C in a
terminal does (the workers get it too); SIGTERM, as `kill PID`, to the build alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import PROJECT_ROOT, synthetic_issue

SAMPLE_ISSUE = PROJECT_ROOT / "issues" / "2022-09-prague"
EARLIER = b"%PDF-1.7\n% the earlier bulletin, which must survive\n%%EOF\n"
STOPS_WITHIN_S = 2.0
MESSAGES = {
    signal.SIGINT: (130, "interrupted; earlier outputs are left as they were, whole"),
    signal.SIGTERM: (143, "stopped by SIGTERM; earlier outputs are left as they were, whole"),
}
# (signal, when): a fraction of the time a cold build of the sample takes here (3–6 s), or
# seconds into a build of 200 entries (20–40 s).
SAMPLE_MOMENTS = [
    (signal.SIGTERM, 0.05),
    (signal.SIGINT, 0.2),
    (signal.SIGTERM, 0.4),
    (signal.SIGTERM, 0.6),
    (signal.SIGINT, 0.75),
]
BIG_MOMENTS = [(signal.SIGTERM, 3.0), (signal.SIGINT, 7.0), (signal.SIGTERM, 11.0)]


@pytest.fixture(scope="module")
def big_issue(tmp_path_factory) -> Path:
    return synthetic_issue(tmp_path_factory.mktemp("big"), 200)


@pytest.fixture(scope="module")
def sample_build_seconds(tmp_path_factory) -> float:
    """How long a cold build of the sample takes on this machine now."""
    folder = tmp_path_factory.mktemp("timed")
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "klastroviny", "build", str(SAMPLE_ISSUE), "-o", "b.pdf"],
        cwd=folder,
        capture_output=True,
        check=True,
    )
    return time.monotonic() - start


@pytest.mark.parametrize(("signum", "fraction"), SAMPLE_MOMENTS, ids=lambda v: str(v))
def test_the_sample_stops_cleanly(tmp_path, sample_build_seconds, signum, fraction):
    _interrupt_and_check(SAMPLE_ISSUE, tmp_path, signum, fraction * sample_build_seconds)


@pytest.mark.parametrize(("signum", "after"), BIG_MOMENTS, ids=lambda v: str(v))
def test_a_200_entry_issue_stops_cleanly(tmp_path, big_issue, signum, after):
    _interrupt_and_check(big_issue, tmp_path, signum, after)


def _interrupt_and_check(issue: Path, tmp_path: Path, signum: int, after: float) -> None:
    output = tmp_path / "bulletin.pdf"
    output.write_bytes(EARLIER)
    issue_before = _state(issue)
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    process = subprocess.Popen(
        [sys.executable, "-m", "klastroviny", "build", str(issue), "-o", str(output)],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own session and process group, as a job of a shell
    )
    try:
        time.sleep(after)
        assert process.poll() is None, "the build ended before it could be interrupted"
        signalled = time.monotonic()
        if signum == signal.SIGINT:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
        stopped_after = time.monotonic() - signalled
        left = _wait_for_session_to_end(process.pid)
    finally:
        _kill_session(process)
    exit_code, message = MESSAGES[signum]
    assert process.returncode == exit_code, stderr.decode()
    assert stderr.decode().strip() == message  # nothing else: no traceback from any process
    assert stdout == b""
    assert stopped_after < STOPS_WITHIN_S, f"took {stopped_after:.1f} s to stop"
    assert left == [], f"processes of the build still running: {left}"
    assert output.read_bytes() == EARLIER
    assert not list(tmp_path.rglob("*.tmp")), "a temp file was left behind"
    assert [path.name for path in tmp_path.glob("*.pdf")] == ["bulletin.pdf"]
    assert _state(issue) == issue_before  # nothing in the issue folder was touched


def _session_processes(session: int) -> list[int]:
    """Processes of a session (the build, its fork server and workers), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _wait_for_session_to_end(session: int) -> list[int]:
    deadline = time.monotonic() + STOPS_WITHIN_S
    while (left := _session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _kill_session(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()  # reaps it and closes the pipes
    for pid in _session_processes(process.pid):
        os.kill(pid, signal.SIGKILL)


def _state(folder: Path):
    return sorted(
        (str(path), path.stat().st_size, path.stat().st_mtime_ns) for path in folder.rglob("*")
    )
