"""The wheel carries the ontology, the data and the named questions: it works from any folder."""

from __future__ import annotations

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
    assert any(n.startswith("octograph/queries/") and n.endswith(".rq") for n in names)
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
