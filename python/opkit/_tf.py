"""Importing TensorFlow (an optional dependency) on opkit's behalf."""

from __future__ import annotations

import os
import sys
from types import ModuleType

from .errors import OpkitError

QUIET = False
"""Set by the command line: TensorFlow's C++ start-up log lines, which no
setting silences, are then discarded while it is imported."""


def import_tensorflow(purpose: str) -> ModuleType:
    """The tensorflow module, or a one-line error saying what it was needed for."""
    if "tensorflow" not in sys.modules and QUIET:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            return _import(purpose)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
    return _import(purpose)


def _import(purpose: str) -> ModuleType:
    try:
        import tensorflow
    except ImportError:
        raise OpkitError(f"{purpose} needs TensorFlow: pip install 'tflite-opkit[tf]'") from None
    module: ModuleType = tensorflow
    return module
