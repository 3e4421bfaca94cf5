"""Interrupting a build: the earlier PDF stays whole, no temp file is left, the message is short.

A real `python -m klastroviny build` of the sample issue (several seconds for the Czech edition)
is started in a subprocess and sent SIGINT (to its process group, as Ctrl-C in a terminal does,
so render workers get it too) or SIGTERM (to the build alone) while it renders.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from klastroviny.resources import PROJECT_ROOT

SAMPLE_ISSUE = PROJECT_ROOT / "issues" / "2022-09-prague"
EARLIER = b"%PDF-1.7\n% the earlier bulletin, which must survive\n%%EOF\n"
RENDERING_AFTER_S = 2.5  # imports and validation take about 1.5 s; rendering then ~6 s


@pytest.mark.parametrize(
    ("signum", "to_group", "exit_code", "message"),
    [
        # Ctrl-C in a terminal signals the whole process group: the build and its workers.
        (signal.SIGINT, True, 130, "interrupted; earlier outputs are left as they were, whole"),
        # `kill PID` signals the build alone.
        (
            signal.SIGTERM,
            False,
            143,
            "stopped by SIGTERM; earlier outputs are left as they were, whole",
        ),
    ],
    ids=["SIGINT-to-the-group", "SIGTERM"],
)
def test_a_signal_mid_render_keeps_the_earlier_pdf(tmp_path, signum, to_group, exit_code, message):
    output = tmp_path / "bulletin.pdf"
    output.write_bytes(EARLIER)
    sample_before = _state(SAMPLE_ISSUE)
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    process = subprocess.Popen(
        [sys.executable, "-m", "klastroviny", "build", str(SAMPLE_ISSUE), "-o", str(output)],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a job of a shell
    )
    try:
        time.sleep(RENDERING_AFTER_S)
        assert process.poll() is None, "the build ended before it could be interrupted"
        if to_group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == exit_code, stderr.decode()
    assert stderr.decode().strip() == message
    assert stdout == b""
    assert output.read_bytes() == EARLIER
    assert not list(tmp_path.rglob("*.tmp")), "a temp file was left behind"
    assert [path.name for path in tmp_path.glob("*.pdf")] == ["bulletin.pdf"]
    assert _state(SAMPLE_ISSUE) == sample_before  # nothing under issues/ was touched


def _state(folder):
    return sorted(
        (str(path), path.stat().st_size, path.stat().st_mtime_ns) for path in folder.rglob("*")
    )
