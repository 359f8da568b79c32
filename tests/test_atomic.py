"""Atomic outputs: a writer killed mid-write leaves the old file or the new one, never half."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from octograph import OutputError
from octograph.output import write_atomic

CHILD = """
import sys
from octograph.output import write_atomic
print("writing", flush=True)
write_atomic(sys.argv[1], b"N" * (400 * 1024 * 1024))
"""


def test_killed_writer_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old content\n")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline() == b"writing\n"
    time.sleep(0.2)
    child.send_signal(signal.SIGKILL)
    child.wait()
    data = target.read_bytes()
    assert data == b"old content\n" or data == b"N" * (400 * 1024 * 1024)


def test_missing_folder_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="folder does not exist"):
        write_atomic(tmp_path / "missing" / "x.ttl", b"data")
    assert list(tmp_path.iterdir()) == []


def test_target_that_is_a_folder_keeps_its_contents(tmp_path: Path) -> None:
    folder = tmp_path / "out.ttl"
    folder.mkdir()
    (folder / "keep").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError):
        write_atomic(folder, b"data")
    assert (folder / "keep").read_text(encoding="utf-8") == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
