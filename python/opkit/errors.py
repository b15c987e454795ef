"""Exception types of opkit.

Every error that opkit raises for bad input is an ``OpkitError`` with a
one-line message that names the thing at fault and the fix; the CLI prints
that line and exits non-zero, without a traceback.
"""

from __future__ import annotations


class OpkitError(Exception):
    """Base class of opkit's own errors."""


class ModelError(OpkitError):
    """A model file or buffer that cannot be read or used."""


class LibraryError(OpkitError):
    """An op library that cannot be found, loaded or used."""


class MissingOpError(OpkitError):
    """A model needs custom ops that no loaded op library implements."""

    def __init__(self, message: str, missing: list[tuple[str, int]]) -> None:
        super().__init__(message)
        self.missing = missing


class InvalidNameError(OpkitError):
    """A name that cannot become a C++ identifier (or CMake name)."""


class SpecError(OpkitError):
    """An op.toml that is malformed or inconsistent; the message names the file and line."""


class BuildError(OpkitError):
    """Configuring or compiling an op library failed."""
