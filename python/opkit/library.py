"""Op libraries: finding them, loading them, and what they implement.

An op library is a shared module built by ``opkit_add_op_library`` (or
``opkit build``). Python reaches it in two ways: ``_core.library_info`` reads
its op table, and the interpreters load it as a plugin delegate.

Libraries are loaded from a private snapshot of the file, not from the path
the user gave. The dynamic loader hands back the already-mapped library for a
path it has seen, so after ``opkit build`` rewrote a library, a plain reload in
the same process (a notebook, a test session) would silently keep running the
old kernels. A snapshot per distinct file content avoids that.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import _core
from ._paths import catalog_library
from .errors import LibraryError

OpId = tuple[str, int]
"""A custom op as the model names it: (custom_code, version)."""


@dataclass(frozen=True)
class OpLibrary:
    """A loaded op library."""

    path: Path
    """The library file the user named."""
    loaded_path: Path
    """The snapshot that is actually loaded (see the module docstring)."""
    ops: tuple[OpId, ...]
    """The (name, version) pairs it implements, in table order."""

    def implements(self, op: OpId) -> bool:
        return op in self.ops


_lock = threading.Lock()
_loaded: dict[tuple[str, int, int, int], OpLibrary] = {}
_snapshot_dir: Path | None = None


def _snapshot_root() -> Path:
    global _snapshot_dir
    if _snapshot_dir is None:
        _snapshot_dir = Path(tempfile.mkdtemp(prefix="opkit-libs-"))
        atexit.register(shutil.rmtree, _snapshot_dir, True)
    return _snapshot_dir


def load_library(path: str | os.PathLike[str]) -> OpLibrary:
    """Returns the op library at ``path``, loading a fresh snapshot if the file changed."""
    resolved = Path(path).expanduser().resolve()
    try:
        stat = resolved.stat()
    except FileNotFoundError:
        raise LibraryError(
            f"op library not found: {path} (build one with `opkit build DIR`, "
            "or pass opkit.catalog_library())"
        ) from None
    if not resolved.is_file():
        raise LibraryError(f"op library {path} is not a file")
    key = (str(resolved), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _lock:
        library = _loaded.get(key)
        if library is None:
            library = _load_snapshot(resolved)
            _loaded[key] = library
        return library


def snapshot_copy(path: Path) -> Path:
    """A private copy of the shared library at ``path``, named by its content.

    The dynamic loader keeps a library open by path, so loading a rebuilt one
    at the same path would silently return the old code; a copy per content
    makes every rebuild load as itself.
    """
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    snapshot = _snapshot_root() / f"{path.stem}-{digest}{path.suffix}"
    if not snapshot.exists():
        staging = snapshot.with_suffix(".partial")
        shutil.copyfile(path, staging)
        staging.replace(snapshot)
    return snapshot


def _load_snapshot(path: Path) -> OpLibrary:
    snapshot = snapshot_copy(path)
    try:
        info = _core.library_info(str(snapshot))
    except ValueError as error:
        raise LibraryError(str(error).replace(str(snapshot), str(path))) from None
    if info["abi_version"] != _core.LIBRARY_ABI_VERSION:
        raise LibraryError(
            f"op library {path} was built for opkit library ABI {info['abi_version']}, "
            f"this opkit uses {_core.LIBRARY_ABI_VERSION}; rebuild it with `opkit build`"
        )
    ops = tuple((str(name), int(version)) for name, version in info["ops"])
    return OpLibrary(path=path, loaded_path=snapshot, ops=ops)


def load_libraries(paths: Sequence[str | os.PathLike[str]] | None) -> list[OpLibrary]:
    """The op libraries at ``paths``; None means opkit's catalog alone."""
    return [load_library(p) for p in ([catalog_library()] if paths is None else paths)]


def list_ops(library: str | os.PathLike[str] | None = None) -> list[OpId]:
    """The (name, version) pairs implemented by ``library`` (default: opkit's catalog)."""
    return list(load_library(catalog_library() if library is None else library).ops)
