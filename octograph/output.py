"""Writing files: atomic for regular files, straight through into devices, pipes and sockets.

A regular file (or a new path) is written to a temporary file and renamed over the target,
so that a reader never sees half of it. Anything else (a character device such as
/dev/null or /dev/full, a FIFO, a socket, /dev/stdout) must be written into: renaming over
it would replace a device node or a pipe with a plain file, and its reader would get nothing.
Every error is an OutputError, one line naming the target and the cause.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from octograph.errors import OutputError

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["STDOUT", "new_folder", "write_atomic", "write_file", "write_stream"]

# How the messages name standard output, which has no path.
STDOUT = "standard output"

# /dev/stdout and its kin are links into /proc/self/fd: the descriptor itself must be written,
# at its own offset, whatever it points to (a terminal, a pipe, a file opened with >>).
_DESCRIPTORS = {"/dev/stdout": 1, "/dev/stderr": 2, "/dev/fd/1": 1, "/dev/fd/2": 2}
_DESCRIPTORS |= {"/proc/self/fd/1": 1, "/proc/self/fd/2": 2}


def write_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Write *data* to *path*: atomically if it is a regular file or new, else straight in.

    >>> write_file("/dev/null", b"nothing")

    Raises:
        OutputError: the target cannot be written (one line: ``path: reason``).
    """
    name = os.fspath(path)
    if name in _DESCRIPTORS:
        write_stream(_DESCRIPTORS[name], data, name)
        return
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise OutputError(e.strerror or str(e), path=name) from e
    if mode is None or stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        # Through a link, the file it names is replaced and the link stays.
        write_atomic(os.path.realpath(name) if os.path.islink(name) else name, data)
        return
    try:
        # O_NOCTTY: a terminal named as the output must not become this process's terminal;
        # no O_CREAT and no O_TRUNC: the target exists, and is a device or a pipe.
        fd = os.open(name, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise OutputError(e.strerror or str(e), path=name) from e
    try:
        write_stream(fd, data, name)
    finally:
        os.close(fd)


def write_stream(fd: int, data: bytes, name: str = STDOUT) -> None:
    """Write all of *data* to the open descriptor *fd*, named *name* in errors.

    BrokenPipeError on standard output passes through: the reader left (``| head``), which
    the command line treats as the end, quietly.

    Raises:
        OutputError: any other error of the write (ENOSPC, EFBIG, EIO, EPIPE of a named pipe).
    """
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except BrokenPipeError:
        if name == STDOUT:
            raise
        raise OutputError("the reader closed the pipe", path=name) from None
    except OSError as e:
        raise OutputError(e.strerror or str(e), path=name) from e


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write *data* to *path* through a temporary file and a rename: never a half-written file.

    Only for regular files: write_file() decides, and is what callers should use.

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


@contextmanager
def new_folder(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary folder beside *target* to write into; renamed to *target* on success.

    An old *target* is moved aside and removed only once the new one is in place; on any
    error the temporary folder goes and *target* is left as it was.

    Raises:
        OutputError: the parent folder is missing, or a write or the rename failed.
    """
    final = Path(target)
    if not final.parent.is_dir():
        raise OutputError("folder does not exist", path=str(final.parent))
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
        tmp.chmod(0o755)  # mkdtemp's 0700 is for secrets; these folders are for reading
    except OSError as e:
        raise OutputError(e.strerror or str(e), path=str(final)) from e
    try:
        yield tmp
        old = None
        if final.exists():
            old = final.parent / f"{tmp.name}.old"
            os.rename(final, old)
        os.rename(tmp, final)
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, OSError):
            raise OutputError(e.strerror or str(e), path=str(final)) from e
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
