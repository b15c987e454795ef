"""``opkit.Interpreter``: a TFLite interpreter that runs a model's custom ops.

The pip-installed interpreters cannot register custom ops from a separately
built library, but they load plugin delegates; each op library is one (see
cpp/runtime/delegate.cc). This module checks, before anything native runs,
that the loaded libraries implement every custom op the model uses, then
builds the runtime's own interpreter with those delegates.
"""

from __future__ import annotations

import atexit
import os
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from ._paths import catalog_library
from ._tf import import_tensorflow
from .errors import MissingOpError, ModelError, OpkitError
from .library import OpId, OpLibrary, load_libraries, load_library
from .tflite_model import ModelSummary, read_model_bytes, summarize

Runtime = Literal["litert", "tensorflow"]
LibraryPath = str | os.PathLike[str]


class Interpreter:
    """A TFLite interpreter with opkit op libraries loaded.

    ``model`` is a .tflite path or the model's bytes. ``op_libraries`` lists
    op library paths (default: opkit's catalog); the first library that
    implements an op runs it. ``runtime`` picks ``ai_edge_litert``'s
    interpreter ("litert") or ``tf.lite.Interpreter`` ("tensorflow"); other
    keyword arguments go to that interpreter. Everything else - allocate_tensors,
    set_tensor, invoke, get_signature_runner, ... - is the runtime
    interpreter's own, reached through this object.
    """

    def __init__(
        self,
        model: LibraryPath | bytes,
        *,
        op_libraries: Sequence[LibraryPath] | None = None,
        runtime: Runtime = "litert",
        **kwargs: Any,
    ) -> None:
        for name in ("model_path", "model_content"):
            if name in kwargs:
                raise OpkitError(f"pass the model as the first argument, not as {name}=")
        interpreter_class, load_delegate = _runtime(runtime)
        content = read_model_bytes(model)
        source = "model" if isinstance(model, bytes | bytearray) else str(model)
        self.model_summary: ModelSummary = summarize(content, source=source)
        self.op_libraries: tuple[OpLibrary, ...] = tuple(load_libraries(op_libraries))
        check_custom_ops(self.model_summary, self.op_libraries, source=source)

        used = self.model_summary.custom_ops
        delegates = [
            load_delegate(str(library.loaded_path))
            for library in self.op_libraries
            if any(library.implements(op) for op in used)
        ]
        delegates += list(kwargs.pop("experimental_delegates", None) or [])
        self._interpreter = interpreter_class(
            model_content=content, experimental_delegates=delegates, **kwargs
        )
        _open_interpreters.add(self)

    def close(self) -> None:
        """Releases the runtime interpreter and its delegates now rather than at collection."""
        self.__dict__.pop("_interpreter", None)

    @property
    def runtime_interpreter(self) -> Any:
        """The underlying ai_edge_litert / tf.lite interpreter."""
        return self._interpreter

    def __getattr__(self, name: str) -> Any:
        # Reached only for names this class lacks: the runtime interpreter's.
        try:
            interpreter = self.__dict__["_interpreter"]
        except KeyError:
            raise AttributeError(
                f"{name}: this opkit.Interpreter is closed or was not constructed"
            ) from None
        return getattr(interpreter, name)


# The runtimes' Delegate.__del__ needs ctypes, which is already torn down when
# interpreters still alive at exit are collected ("Exception ignored in
# Delegate.__del__"). Releasing them before teardown keeps exits quiet.
_open_interpreters: weakref.WeakSet[Interpreter] = weakref.WeakSet()


@atexit.register
def _close_open_interpreters() -> None:
    for interpreter in list(_open_interpreters):
        interpreter.close()


def check_custom_ops(
    summary: ModelSummary, libraries: Iterable[OpLibrary], *, source: str = "model"
) -> None:
    """Raises a one-line error if a custom op of the model has no kernel in ``libraries``."""
    libraries = list(libraries)
    if summary.flex_ops:
        raise ModelError(
            f"{source} uses Select TF ops ({', '.join(summary.flex_ops)}), which the Python "
            "interpreters cannot run; convert it with allow_custom_ops=True instead of "
            "SELECT_TF_OPS so that opkit kernels can run those ops"
        )
    implemented = {op for library in libraries for op in library.ops}
    missing = sorted(op for op in summary.custom_ops if op not in implemented)
    if missing:
        raise MissingOpError(_missing_message(source, missing, libraries), missing)


def _missing_message(source: str, missing: list[OpId], libraries: list[OpLibrary]) -> str:
    by_name = {name: version for library in libraries for name, version in library.ops}
    catalog = _catalog_ops() if all(lib.path != catalog_library() for lib in libraries) else set()
    described = []
    for name, version in missing:
        if name in by_name:
            described.append(f"{name} v{version} (loaded libraries have v{by_name[name]})")
        elif (name, version) in catalog:
            described.append(f"{name} (in opkit's catalog: add opkit.catalog_library())")
        else:
            described.append(name)
    scaffold = ", ".join(f"`scaffold-op {name}`" for name, _ in missing if (name, _) not in catalog)
    fix = (
        f"; scaffold kernels with {scaffold}, build them with `opkit build`, "
        "and pass the library in op_libraries"
        if scaffold
        else ""
    )
    return (
        f"{source} needs custom ops that no loaded op library implements: "
        f"{', '.join(described)}{fix}"
    )


def _catalog_ops() -> set[OpId]:
    try:
        return set(load_library(catalog_library()).ops)
    except OpkitError:
        return set()


def _runtime(runtime: str) -> tuple[Callable[..., Any], Callable[[str], Any]]:
    if runtime == "litert":
        from ai_edge_litert import interpreter as litert

        return litert.Interpreter, litert.load_delegate
    if runtime == "tensorflow":
        tf = import_tensorflow("runtime='tensorflow'")
        return tf.lite.Interpreter, tf.lite.experimental.load_delegate
    raise OpkitError(f"runtime must be 'litert' or 'tensorflow', not {runtime!r}")
