"""`klastroviny watch`: a real watcher in a subprocess rebuilds on a saved change, reports a
broken file with its line and keeps the last good PDF, and ends cleanly on Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from builders import entry_yaml, make_issue
from pypdf import PdfReader

WAIT_S = 120  # a cold first build of one entry takes a few seconds; CI machines are slower


class Watcher:
    def __init__(self, args, cwd):
        environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "klastroviny", "watch", *args],
            cwd=cwd,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> list[str]:
        """The lines printed until one containing `text`."""
        start, lines = time.monotonic(), []
        while time.monotonic() - start < WAIT_S:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.seen)
                continue
            lines.append(line)
            self.seen.append(line)
            if text in line:
                return lines
        raise AssertionError(f"no '{text}' in:\n" + "\n".join(self.seen))


def test_watch_rebuilds_reports_a_broken_file_and_stops_on_ctrl_c(tmp_path):
    only_czech = '{cs: "Jen česky."}'  # a warning, which each rebuild need not repeat
    root = make_issue(
        tmp_path, entries={"e0": entry_yaml(name='"Alfa klastr"', description=only_czech)}
    )
    pdf = tmp_path / "out" / "issue-cs.pdf"
    watcher = Watcher([str(root), "--lang", "cs", "--out-dir", str(tmp_path / "out")], tmp_path)
    try:
        lines = watcher.wait_for("watching")
        assert any("warning: description" in line for line in lines), lines
        first = pdf.read_bytes()

        entry = root / "entries" / "e0.yaml"
        entry.write_text(entry.read_text(encoding="utf-8").replace("Jen česky.", "Jen tak.", 1))
        lines = watcher.wait_for("units typeset")
        assert any("e0.yaml" in line for line in lines if line.startswith("changed:")), lines
        assert lines[-1].startswith("1 units typeset"), lines
        assert not any("warning" in line for line in lines), lines  # printed once, at first
        edited = pdf.read_bytes()
        assert edited != first

        entry.write_text("name: [unclosed\n", encoding="utf-8")
        lines = watcher.wait_for("the last good PDF is unchanged")
        assert any("e0.yaml:" in line and "error" in line for line in lines), lines
        assert pdf.read_bytes() == edited

        entry.write_text(entry_yaml(name='"Alfa klastr"', description=only_czech))
        lines = watcher.wait_for("units typeset")
        assert any(line.startswith("resolved: ") and "e0.yaml" in line for line in lines), lines

        os.killpg(watcher.process.pid, signal.SIGINT)  # Ctrl-C in a terminal
        watcher.process.wait(timeout=30)
        assert "Traceback" not in "\n".join(watcher.seen)
        assert watcher.process.returncode in (0, 130), watcher.seen
    finally:
        if watcher.process.poll() is None:
            watcher.process.kill()
            watcher.process.wait(timeout=30)
        watcher.reader.join(timeout=30)
        watcher.process.stdout.close()


def test_watch_with_lang_all_rebuilds_every_edition(tmp_path):
    root = make_issue(tmp_path)
    out = tmp_path / "out"
    watcher = Watcher([str(root), "--lang", "all", "--out-dir", str(out)], tmp_path)
    try:
        lines = watcher.wait_for("watching")
        assert [line.rsplit(" ", 1)[-1] for line in lines if ": " in line and "pages" in line] == [
            "(cs)",
            "(en)",
        ], lines

        entry = root / "entries" / "clutex.yaml"
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text.replace("A cluster of technical", "A cluster for technical"))
        lines = watcher.wait_for("units typeset")
        assert any(line.endswith("(cs)") for line in lines), lines
        assert any(line.endswith("(en)") for line in lines), lines
        pages = PdfReader(out / "issue-en.pdf").pages
        english = " ".join(page.extract_text() for page in pages).replace("\xa0", " ")
        assert "A cluster for technical textiles." in english
    finally:
        if watcher.process.poll() is None:
            os.killpg(watcher.process.pid, signal.SIGINT)
            watcher.process.wait(timeout=30)
        watcher.reader.join(timeout=30)
        watcher.process.stdout.close()
