"""One `klastroviny` process, measured as a whole: the benchmarks' common part."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KLASTROVINY = Path(sys.executable).with_name("klastroviny")


def run_klastroviny(*args: object) -> tuple[float, float]:
    """(wall seconds, the process's own peak RSS in MB, from wait4); a failed run prints the
    end of its output and stops the benchmark."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(KLASTROVINY), *map(str, args)], stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            output.seek(0)
            print(output.read().decode()[-3000:])
            raise SystemExit(1)
    return seconds, usage.ru_maxrss / 1024
