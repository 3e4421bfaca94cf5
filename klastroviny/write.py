"""Stage 7, write: atomic output. A temp file in the destination folder, then os.replace, so a
failed or interrupted build leaves the previous file whole."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from klastroviny.errors import KlastrovinyError, display_path


def write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise KlastrovinyError(
            "output", f"cannot write to {display_path(path.parent)}: {error.strerror}"
        ) from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException as error:
        Path(temp_name).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise KlastrovinyError(
                "output",
                f"cannot write {display_path(path)}: {error.strerror}; "
                "the previous file is unchanged",
            ) from None
        raise
