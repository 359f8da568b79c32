"""The data files: the folders that ship with octograph, and the RDF files under a path."""

from __future__ import annotations

import os

from octograph.errors import InputError, OctographError
from octograph.formats import DATA_SUFFIXES

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["find_files", "package_dir"]


def package_dir(name: str) -> str:
    """The folder *name* (ontology, data) that ships with octograph."""
    # Installed from a wheel: octograph/ontology and octograph/data sit inside the package
    # (pyproject.toml maps them there). Source checkout or editable install: the folders at the
    # top of the repository, next to the package.
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for candidate in (os.path.join(package, name), os.path.join(os.path.dirname(package), name)):
        if os.path.isdir(candidate):
            return candidate
    raise OctographError(f"octograph is installed without its {name}/ folder")


def find_files(paths: Iterable[str]) -> list[str]:
    """Every RDF file under *paths* (files as given, folders searched in sorted order).

    Raises:
        InputError: a path does not exist, or a file has a suffix octograph cannot read.
    """
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            # os.walk, not Path.rglob: ten times faster over thousands of report folders,
            # which the persistent store lists at each start to see whether they changed.
            found = [
                os.path.join(root, name)
                for root, _, names in os.walk(path, followlinks=True)
                for name in names
                if os.path.splitext(name)[1].lower() in DATA_SUFFIXES
            ]
            # Folder by folder, name by name: the order Path sorting gives.
            out.extend(sorted(found, key=lambda p: p.split(os.sep)))
        elif os.path.isfile(path):
            if os.path.splitext(path)[1].lower() not in DATA_SUFFIXES:
                known = ", ".join(sorted(DATA_SUFFIXES))
                raise InputError(f"unknown RDF file suffix (expected one of {known})", path=path)
            out.append(path)
        else:
            raise InputError("no such file or folder", path=path)
    return out
