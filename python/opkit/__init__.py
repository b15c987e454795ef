"""opkit: custom operators for TensorFlow Lite (LiteRT).

Find what a model needs, scaffold C++ kernels, build them into op libraries,
run converted models with them and verify the results against TensorFlow.
"""

from __future__ import annotations

from ._paths import catalog_library, cmake_dir, include_dir
from .converter import ConvertedModel, convert
from .diagnosis import DoctorReport, doctor
from .errors import LibraryError, MissingOpError, ModelError, OpkitError
from .fusion import custom_op
from .interpreter import Interpreter
from .library import OpLibrary, list_ops, load_library
from .project import build
from .scaffold import scaffold_from_model, scaffold_op
from .verification import VerifyReport, verify

__version__ = "0.1.0"

__all__ = [
    "ConvertedModel",
    "DoctorReport",
    "Interpreter",
    "LibraryError",
    "MissingOpError",
    "ModelError",
    "OpLibrary",
    "OpkitError",
    "VerifyReport",
    "__version__",
    "build",
    "catalog_library",
    "cmake_dir",
    "convert",
    "custom_op",
    "doctor",
    "include_dir",
    "list_ops",
    "load_library",
    "scaffold_from_model",
    "scaffold_op",
    "verify",
]
