"""The wheel carries the ontology, the data and the named questions: it works from any folder."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [found] = out.glob("octograph-*.whl")
    return found


def test_wheel_contains_ontology_data_and_questions(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "octograph/ontology/octograph.ttl" in names
    assert "octograph/ontology/shapes.ttl" in names
    assert "octograph/data/octopus-2019/report.txt" in names
    assert "octograph/data/octopus-2019/statements.trig" in names
    assert "octograph/data/common/entities.trig" in names
    assert any(n.startswith("octograph/sparql/queries/") and n.endswith(".rq") for n in names)
    assert "octograph/py.typed" in names


def test_installed_wheel_validates_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The unpacked wheel comes first on the path, so the repository's copy is not used.
    code = (
        f"import sys; sys.path.insert(0, {str(site)!r}); import octograph; "
        "assert octograph.__file__.startswith(sys.path[0]), octograph.__file__; "
        "kg = octograph.load(); r = kg.validate(); assert r.ok, r.text(); "
        "print(kg.stats()['passages'], len(kg.ask('key-messages')))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["49", "9"]


def _repository_files() -> list[str]:
    """What a clone holds: the files git tracks, and the new ones it does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


def test_the_suite_collects_in_a_clone_with_nothing_beside_it(tmp_path: Path) -> None:
    clone = tmp_path / "alone" / "octograph"
    for name in _repository_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        (clone / name).write_bytes((REPO / name).read_bytes())
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert " error" not in r.stdout.splitlines()[-1], r.stdout[-3000:]


def test_nothing_in_the_repository_reads_a_folder_beside_it() -> None:
    beside = re.compile(
        r"\.\./shared|parents\[\d\]\s*/\s*[\"']shared[\"']|\.parent\s*/\s*[\"']shared"
    )
    readers = [
        name
        for name in _repository_files()
        if name.endswith((".py", ".sh", ".toml", ".ipynb")) or name.startswith(".ci/")
        if beside.search((REPO / name).read_text(encoding="utf-8", errors="replace"))
    ]
    assert readers == []
