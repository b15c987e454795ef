"""Importing TensorFlow (an optional dependency) on opkit's behalf."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from types import ModuleType

from .errors import OpkitError

QUIET = False
"""Set by the command line: TensorFlow's C++ start-up log lines, which no
setting silences, are then discarded while it is imported."""


def import_tensorflow(purpose: str) -> ModuleType:
    """The tensorflow module, or a one-line error saying what it was needed for."""
    if "tensorflow" not in sys.modules and QUIET:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        with quiet_output():
            return _import(purpose)
    return _import(purpose)


@contextlib.contextmanager
def quiet_output() -> Iterator[None]:
    """Discards what TensorFlow prints meanwhile, when QUIET (the command line).

    The converter prints every diagnostic on stderr as well as in the exception
    it raises, and Keras prints its export summary on stdout; the commands
    report the gist themselves.
    """
    if not QUIET:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        sys.stdout.flush()
        for fd, copy in ((1, saved[0]), (2, saved[1])):
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)


def converter_error() -> type[Exception]:
    """The exception type TFLiteConverter.convert raises for a model it cannot convert."""
    from tensorflow.lite.python.convert_phase import ConverterError

    error: type[Exception] = ConverterError
    return error


def _import(purpose: str) -> ModuleType:
    try:
        import tensorflow
    except ImportError:
        raise OpkitError(f"{purpose} needs TensorFlow: pip install 'tflite-opkit[tf]'") from None
    module: ModuleType = tensorflow
    return module
