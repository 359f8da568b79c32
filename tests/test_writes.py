"""Writes that never destroy: special files as -o targets, full disks, files too big, argv bytes."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from octograph import OutputError

COMMAND = [sys.executable, "-m", "octograph"]
QUERY = "SELECT ?s WHERE { ?s a octo:Country }"


def run(
    *args: str | bytes, stdout: object = subprocess.PIPE, fsize: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child, with standard output where the test says, maybe a file limit."""

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [*COMMAND, *args],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        preexec_fn=limit,
        timeout=120,
        check=False,
    )


def one_line(err: bytes) -> str:
    text = err.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    lines = [line for line in text.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, text
    return lines[0]


def device(folder: Path, name: str, minor: int) -> Path:
    """A character device made in a test folder: 3 is /dev/null, 7 is /dev/full."""
    path = folder / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except PermissionError:
        pytest.fail("making a device node needs root (CAP_MKNOD)")
    return path


@pytest.mark.parametrize("command", [["export"], ["view"], ["query", QUERY, "--format", "csv"]])
def test_a_device_as_output_stays_a_device(tmp_path: Path, command: list[str]) -> None:
    null = device(tmp_path, "null", 3)
    r = run(*command, "-o", str(null))
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


@pytest.mark.parametrize("command", [["export"], ["view"], ["taxonomy", "import"]])
def test_a_full_device_is_one_line_and_stays_a_device(tmp_path: Path, command: list[str]) -> None:
    full = device(tmp_path, "full", 7)
    if command[0] == "taxonomy":
        taxonomy = next((Path(__file__).parent / "data" / "taxonomies").glob("*.json"))
        command = [*command, str(taxonomy)]
    r = run(*command, "-o", str(full))
    assert r.returncode == 2
    assert one_line(r.stderr) == f"error: {full}: No space left on device"
    assert stat.S_ISCHR(full.stat().st_mode)


def test_a_fifo_with_a_reader_gets_the_export(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = run("export", "--format", "nt", "-o", str(fifo))
    reader.join(timeout=10)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got
    assert got[0].count(b" .\n") > 1000


# /dev/fd/1 and /proc/self/fd/1 rather than /dev/stdout itself: all three take the same path
# (output.py), but on code without the fix, renaming over /dev/stdout would replace the
# machine's own link, while /dev/fd and /proc refuse the temporary file.
@pytest.mark.parametrize("name", ["/dev/fd/1", "/proc/self/fd/1"])
def test_standard_output_by_name_is_written_into(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out.csv"
    with out.open("wb") as f:
        r = run("query", QUERY, "--format", "csv", "-o", name, stdout=f)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"s\r\n")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_link_stays_a_link_and_its_file_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.ttl"
    real.write_bytes(b"old")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    from octograph.output import write_file  # here: absent before (the test must fail, not error)

    write_file(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


@pytest.mark.parametrize(
    "command", [["export"], ["stats"], ["validate"], ["query", QUERY, "--format", "csv"]]
)
def test_a_full_standard_output_is_one_line_exit_2(command: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        r = run(*command, stdout=full)
    assert r.returncode == 2
    assert one_line(r.stderr) == "error: standard output: No space left on device"


def test_a_closed_pipe_stays_quiet() -> None:
    child = subprocess.Popen([*COMMAND, "export"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.read(100)
    child.stdout.close()
    assert child.wait(timeout=120) == 0
    assert child.stderr.read() == b""


def test_a_file_too_big_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "kg.ttl"
    target.write_bytes(b"old")
    r = run("export", "-o", str(target), fsize=64 * 1024)
    assert r.returncode == 2
    assert one_line(r.stderr) == f"error: {target}: File too large"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_a_file_too_big_on_standard_output_is_one_line(tmp_path: Path) -> None:
    with (tmp_path / "out.ttl").open("wb") as f:
        r = run("export", stdout=f, fsize=64 * 1024)
    assert r.returncode == 2
    assert one_line(r.stderr) == "error: standard output: File too large"


@pytest.mark.parametrize("command", [["synth", "--reports", "3"], ["draft", "--id", "big"]])
def test_a_folder_too_big_leaves_nothing(tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "out"
    if command[0] == "draft":
        command = [*command, str(Path(__file__).parent / "data" / "mini-report.txt")]
    r = run(*command, "-o", str(target), fsize=4 * 1024)
    assert r.returncode == 2
    assert one_line(r.stderr).startswith(f"error: {target}: File too large")
    assert list(tmp_path.iterdir()) == []


def test_new_folder_keeps_the_old_one_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "corpus"
    target.mkdir()
    (target / "keep").write_text("x", encoding="utf-8")
    from octograph.output import new_folder  # here: absent before (the test must fail, not error)

    with pytest.raises(OutputError, match="Permission denied"), new_folder(target) as tmp:
        raise PermissionError(13, "Permission denied")
    assert [p.name for p in tmp_path.iterdir()] == ["corpus"]
    assert tmp.exists() is False
    assert (target / "keep").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize(
    "args",
    [
        [b"query", b'SELECT * { ?s ?p "\xff" }'],
        [b"query", b"--param", b"x=\xfe", b"SELECT * { ?s ?p ?x }"],
        [b"export", b"-o", b"out-\xff.ttl"],
        [b"--data", b"\xc3(", b"stats"],
    ],
)
def test_arguments_that_are_not_utf8_are_one_line(tmp_path: Path, args: list[bytes]) -> None:
    r = subprocess.run(
        [*COMMAND, *args], capture_output=True, cwd=tmp_path, timeout=120, check=False
    )
    assert r.returncode == 2
    assert "is not valid UTF-8" in one_line(r.stderr)
    assert list(tmp_path.iterdir()) == []
