"""Writing files: atomic for regular files, so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from octograph.errors import OutputError

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write *data* to *path* through a temporary file and a rename: never a half-written file.

    Raises:
        OutputError: the folder is missing or not writable (one line, with the path).
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise OutputError("folder does not exist", path=str(folder))
    try:
        # mkstemp gives 0600; keep the mode of the file being replaced, or the usual 0644
        # (the process umask cannot be read without briefly changing it for every thread).
        mode = target.stat().st_mode & 0o777 if target.is_file() else 0o644
        # The temporary file sits in the same folder so that os.replace is an atomic rename.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError(e.strerror or str(e), path=str(target)) from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename makes it the file
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise OutputError(e.strerror or str(e), path=str(target)) from e
        raise
