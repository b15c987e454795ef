"""Where the installed package keeps its native files.

Located next to the compiled ``_core`` module rather than this file: in an
editable install the Python sources stay in the checkout while everything
CMake builds and installs lands in site-packages.
"""

from __future__ import annotations

from pathlib import Path

from . import _core


def native_dir() -> Path:
    """The installed ``opkit`` folder that holds _core, lib/, cmake/, include/."""
    return Path(_core.__file__).resolve().parent


def catalog_library() -> Path:
    """Path of the op library built from opkit's own op catalog."""
    return native_dir() / "lib" / "libopkit_catalog.so"


def cmake_dir() -> Path:
    """Folder with opkitConfig.cmake: pass it as ``-Dopkit_DIR=...`` to CMake."""
    return native_dir() / "cmake"


def include_dir() -> Path:
    """Folder with opkit's C/C++ headers (kernel helpers, ABI declarations)."""
    return native_dir() / "include"


def runtime_dir() -> Path:
    """Folder with the delegate runtime's source (delegate.cc), for op libraries."""
    return native_dir() / "runtime"


def catalog_ops_dir() -> Path:
    """The catalog's op folders (sources and specs), for `opkit export-cpp`."""
    return native_dir() / "ops"
