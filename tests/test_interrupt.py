"""Interrupting a build: the earlier PDF stays whole, no temp file is left, the message is short.

A real `python -m klastroviny build` of the sample issue (about 8 s for the Czech edition) is
started in a subprocess and sent SIGINT or SIGTERM while it renders.
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
    ("signum", "exit_code", "message"),
    [
        (signal.SIGINT, 130, "interrupted; earlier outputs are left as they were, whole"),
        (signal.SIGTERM, 143, "stopped by SIGTERM; earlier outputs are left as they were, whole"),
    ],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_signal_mid_render_keeps_the_earlier_pdf(tmp_path, signum, exit_code, message):
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
    )
    try:
        time.sleep(RENDERING_AFTER_S)
        assert process.poll() is None, "the build ended before it could be interrupted"
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
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
