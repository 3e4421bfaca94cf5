"""Stage 7, write: atomic output. A temp file in the destination folder, then os.replace, so a
failed or interrupted build leaves the previous file whole and no temp file behind."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from klastroviny.errors import KlastrovinyError, display_path
from klastroviny.interrupt import raise_if_stopped

TEMP_SUFFIX = ".tmp"  # temp files are .<name>.<random>.tmp beside the output


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that `path` is always either the old file or the new one.

    Any failure (full disk, no permission) is a KlastrovinyError naming the file; an interrupt
    (KeyboardInterrupt, SIGTERM turned into one) removes the temp file and is re-raised. After a
    signal, nothing is written, even if the interrupt was swallowed on the way (interrupt.py).
    """
    raise_if_stopped()
    temp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp_name, 0o644)
        raise_if_stopped()  # an interrupt that a library swallowed still stops the write
        os.replace(temp_name, path)
        temp_name = None
    except OSError as error:
        _remove(temp_name)
        where = display_path(path if temp_name else path.parent)
        raise KlastrovinyError(
            "output",
            f"cannot write {where}: {error.strerror or error}; {_advice(error)}; "
            "the previous file is unchanged",
        ) from None
    except BaseException:
        _remove(temp_name)
        raise


def _remove(temp_name: str | None) -> None:
    if temp_name is not None:
        Path(temp_name).unlink(missing_ok=True)


def _advice(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some disk space and build again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "choose an output folder you may write to (--out-dir or -o)"
    if error.errno == errno.EISDIR:
        return "the output is a folder; give a file name ending in .pdf"
    return "check the output path"
