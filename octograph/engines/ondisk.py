"""Embedded Oxigraph on disk: a folder built once from the data files, reopened till they change."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from octograph.errors import StoreError
from octograph.output import write_file

__all__ = ["MARKER", "fingerprint", "open_persistent", "store_fingerprint"]

MARKER = "octograph-store.json"
STORE_FORMAT = 1


def fingerprint(files: Sequence[Path]) -> str:
    """A digest of the files' paths, sizes and modification times (the ontology among them)."""
    import hashlib

    digest = hashlib.sha256(f"octograph-store {STORE_FORMAT}\n".encode())
    for f in files:
        try:
            st = os.stat(f)
        except OSError as e:
            raise StoreError(e.strerror or str(e), path=str(f)) from e
        # abspath, not resolve(): no symbolic link is followed, at a tenth of the cost.
        digest.update(f"{os.path.abspath(f)}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _read_marker(folder: Path, where: str) -> dict[str, Any] | None:
    """The store folder's marker, None for a new or empty folder; a foreign folder is an error."""
    if folder.exists() and not folder.is_dir():
        raise StoreError("is a file, not a store folder", path=where)
    marker = folder / MARKER
    if not marker.is_file():
        # Its lock, and a build in progress (another process's, the marker comes last), are
        # ours; anything else means the folder is someone else's.
        ours = (".lock", ".build-")
        if folder.is_dir() and any(not p.name.startswith(ours) for p in folder.iterdir()):
            raise StoreError(
                f"is not an octograph store (no {MARKER}); give a new or empty folder",
                path=where,
            )
        return None
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StoreError(
            f"{MARKER} is damaged ({e}); delete the folder to rebuild", path=where
        ) from e
    if not isinstance(info, dict) or info.get("format") != STORE_FORMAT:
        raise StoreError(f"{MARKER} is of an unknown format; delete the folder", path=where)
    return info


def store_fingerprint(folder: Path) -> str | None:
    """The fingerprint of the data the persistent store in *folder* holds; None if none yet.

    Files kept beside the store (the search index) carry it in their names, so that they are
    known to be of the same data.

    Raises:
        StoreError: the folder is not an octograph store, or its marker is damaged.
    """
    info = _read_marker(folder, f"oxigraph:{folder}")
    return str(info["fingerprint"]) if info is not None else None


def open_persistent(
    folder: Path,
    files: Sequence[Path],
    ontology: Path | None,
    *,
    rebuild: bool = False,
    progress: Any = None,
) -> tuple[ox.Store, list[ox.Quad], bool]:
    """Open the persistent store in *folder*, building it first if the files changed.

    Returns the store (read-only), the triples that were loaded as default graph, and whether
    it was (re)built. *ontology*, if given, is loaded into its own named graph.

    Raises:
        StoreError: the folder is not a store, or cannot be written.
        InputError: a data file does not parse (the store is left as it was).
    """
    where = f"oxigraph:{folder}"
    info = _read_marker(folder, where)
    digest = fingerprint([ontology, *files] if ontology else files)
    built = False
    if rebuild or info is None or info.get("fingerprint") != digest:
        info = _build(folder, files, ontology, digest, where, progress)
        built = True
    db = folder / str(info["db"])
    try:
        store = ox.Store.read_only(str(db / "db"))
    except OSError as e:
        raise StoreError(f"cannot open the store: {e}", path=where) from e
    own: list[ox.Quad] = []
    if info.get("own_default"):
        own = list(ox.parse(path=str(db / info["own_default"]), format=ox.RdfFormat.N_QUADS))
    return store, own, built


def _lock(folder: Path, where: str) -> Any:
    import fcntl

    try:
        handle = (folder / ".lock").open("a")
        fcntl.flock(handle, fcntl.LOCK_EX)
    except OSError as e:
        raise StoreError(f"cannot lock the store folder: {e.strerror or e}", path=where) from e
    return handle


def _write_database(
    tmp: Path, files: Sequence[Path], ontology: Path | None, where: str, progress: Any
) -> list[ox.Quad]:
    """The files parsed into a database in *tmp*/db; returns the default-graph triples."""
    from octograph.engines.parsing import build_store

    # Parsed and completed in memory, where Oxigraph's update runs fast, then written to disk
    # in one bulk load (a transactional update on disk is ~10x slower).
    memory, own = build_store(
        [str(f) for f in files], str(ontology) if ontology else None, progress
    )
    quads = len(memory)
    dump = tmp / "all.nq"
    memory.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    del memory
    store = ox.Store(str(tmp / "db"))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    dump.unlink()
    store.flush()
    if len(store) != quads:  # the check `octograph load` reports as "verified"
        raise StoreError(f"wrote {len(store)} of {quads} quads", path=where)
    del store  # closes the database before its folder is renamed
    if own:
        ox.serialize(own, output=str(tmp / "own-default.nq"), format=ox.RdfFormat.N_QUADS)
    return own


def _build(
    folder: Path,
    files: Sequence[Path],
    ontology: Path | None,
    digest: str,
    where: str,
    progress: Any,
) -> dict[str, Any]:
    if not folder.parent.is_dir():
        raise StoreError("its parent folder does not exist", path=where)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create the store folder: {e.strerror or e}", path=where) from e
    handle = _lock(folder, where)
    try:
        # Another process may have built the same data while this one waited for the lock.
        info = _read_marker(folder, where)
        if info is not None and info.get("fingerprint") == digest:
            return info
        # Built aside, renamed into place, then the marker (written atomically) points to it:
        # an interrupted build leaves the previous store, never half of one.
        tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=folder))
        db = f"db-{digest[:16]}"
        try:
            own = _write_database(tmp, files, ontology, where, progress)
            if (folder / db).exists():
                shutil.rmtree(folder / db)
            os.rename(tmp, folder / db)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        info = {
            "format": STORE_FORMAT,
            "fingerprint": digest,
            "db": db,
            "own_default": "own-default.nq" if own else None,
            "files": [str(f) for f in files],
        }
        write_file(folder / MARKER, (json.dumps(info, indent=1) + "\n").encode())
        for stale in folder.iterdir():
            if stale.is_dir() and stale.name != db and stale.name.startswith(("db-", ".build-")):
                shutil.rmtree(stale, ignore_errors=True)
        return info
    finally:
        handle.close()
