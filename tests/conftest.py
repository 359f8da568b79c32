"""Shared fixtures: the bundled knowledge graph, loaded once per session on each engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from netguard import Listener, recording

from octograph import KnowledgeGraph, load
from octograph.graph.load import bundled_data

REPO = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The bundled report on the default engine. Tests must not modify it."""
    return load()


@pytest.fixture(scope="session")
def test_data() -> Path:
    """Vendored test inputs (W3C protocol tests, MISP taxonomies), each with its licence."""
    return TEST_DATA


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled data folder that a test may alter."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data(), target)
    return target


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A socket on 127.0.0.1 counting connections, and socket.connect recorded meanwhile."""
    with recording() as server:
        yield server
