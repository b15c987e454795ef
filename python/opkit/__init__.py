"""opkit: custom operators for TensorFlow Lite (LiteRT).

Find what a model needs, scaffold C++ kernels, build them into op libraries,
run converted models with them and verify the results against TensorFlow.
"""

from __future__ import annotations

from ._paths import catalog_library, cmake_dir, include_dir
from .errors import LibraryError, MissingOpError, ModelError, OpkitError
from .interpreter import Interpreter
from .library import OpLibrary, list_ops, load_library

__version__ = "0.1.0"

__all__ = [
    "Interpreter",
    "LibraryError",
    "MissingOpError",
    "ModelError",
    "OpLibrary",
    "OpkitError",
    "__version__",
    "catalog_library",
    "cmake_dir",
    "include_dir",
    "list_ops",
    "load_library",
]
