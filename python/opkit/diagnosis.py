"""``opkit doctor``: what a model needs, op by op, and what to do about it.

The model is converted - builtins first, custom ops only if needed, Select TF
ops as a last resort to name what cannot even become a custom op - and every
operator type is classified: a TFLite builtin, a custom op with a kernel in a
loaded library (which one), a custom op with no kernel (fix: scaffold-op), or a
Select TF op (which no pip-installed interpreter runs). For a .tflite file the
model is read as it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ._paths import catalog_library
from ._tf import converter_error, import_tensorflow
from .converter import convert_needed, converter_factory, run_converter
from .errors import ModelError
from .known_ops import conversion
from .library import OpLibrary, load_libraries
from .tflite_model import FLEX_PREFIX, ModelSummary, read_model_bytes, summarize

Status = Literal["builtin", "implemented", "missing", "select-tf"]


@dataclass(frozen=True)
class OpStatus:
    name: str
    status: Status
    nodes: int
    version: int | None = None
    library: Path | None = None
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("builtin", "implemented")


@dataclass(frozen=True)
class DoctorReport:
    source: str
    conversion: str
    """How the model was obtained: "builtins only", "with custom ops", ..."""
    ops: tuple[OpStatus, ...]
    model: bytes | None
    """The converted model (None when only Select TF ops would convert it)."""

    @property
    def runnable(self) -> bool:
        """Whether the model runs in the pip-installed interpreters with the given libraries."""
        return all(op.ok for op in self.ops)

    def by_name(self, name: str) -> OpStatus:
        return next(op for op in self.ops if op.name == name)

    def table(self) -> str:
        rows = [("op", "nodes", "status")]
        for op in self.ops:
            rows.append((op.name, str(op.nodes), _describe(op)))
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        lines = [f"{self.source}: {self.conversion}"]
        for name, nodes, status in rows:
            lines.append(f"  {name:<{widths[0]}}  {nodes:>{widths[1]}}  {status}")
        bad = [op for op in self.ops if not op.ok]
        if not bad:
            lines.append("verdict: runs in the Python interpreters with these op libraries")
        else:
            lines.append(
                f"verdict: cannot run yet: {len(bad)} op type(s) need work "
                f"({', '.join(op.name for op in bad)})"
            )
        return "\n".join(lines)


def _describe(op: OpStatus) -> str:
    if op.status == "builtin":
        return "builtin"
    if op.status == "implemented":
        assert op.library is not None
        where = "opkit's catalog" if op.library == catalog_library() else str(op.library)
        return f"custom op, kernel in {where}"
    if op.status == "missing":
        return f"custom op, NO KERNEL: {op.fix}"
    return f"needs Select TF ops: {op.fix}"


def doctor(
    model: Any, *, op_libraries: Sequence[str | os.PathLike[str]] | None = None
) -> DoctorReport:
    """Classifies every op of ``model`` (any input opkit.convert takes, or a .tflite)."""
    libraries = load_libraries(op_libraries)
    if isinstance(model, bytes | bytearray) or (
        isinstance(model, str | os.PathLike) and Path(model).suffix == ".tflite"
    ):
        source = "model" if isinstance(model, bytes | bytearray) else str(model)
        content = read_model_bytes(model)
        return _report(
            source, "a .tflite model", summarize(content, source=source), libraries, content
        )
    make, source = converter_factory(model)

    def configured(allow_custom_ops: bool) -> Any:
        converter = make()
        converter.allow_custom_ops = allow_custom_ops
        return converter

    try:
        content, _ = convert_needed(configured, source)
    except ModelError:
        return _select_tf_report(make, source, libraries)
    summary = summarize(content, source=source)
    how = "converts with custom ops" if summary.custom_nodes else "converts with builtins only"
    return _report(source, how, summary, libraries, content)


def _report(
    source: str,
    how: str,
    summary: ModelSummary,
    libraries: Sequence[OpLibrary],
    content: bytes | None,
) -> DoctorReport:
    rows = [OpStatus(name, "builtin", count) for name, count in sorted(summary.builtin_ops.items())]
    # TFLite's own custom ops (TFLite_Detection_PostProcess, ...) run everywhere.
    rows += [
        OpStatus(name, "builtin", count, version)
        for (name, version), count in sorted(summary.tflite_custom_ops.items())
    ]
    for (name, version), count in sorted(summary.custom_ops.items()):
        if name.startswith(FLEX_PREFIX):
            rows.append(
                OpStatus(name[len(FLEX_PREFIX) :], "select-tf", count, version, fix=_SELECT_TF_FIX)
            )
            continue
        library = next((lib for lib in libraries if lib.implements((name, version))), None)
        if library is not None:
            rows.append(OpStatus(name, "implemented", count, version, library.path))
            continue
        other = [v for lib in libraries for n, v in lib.ops if n == name]
        if other:
            fix = (
                f"the model needs v{version}, the libraries have v{other[0]}; "
                f"scaffold-op {name} --version {version}"
            )
        elif conversion(name) is not None:  # a TensorFlow op: its signature is TF's
            fix = f"scaffold-op {name}, then opkit build, and load ops/build/libops.so"
        else:  # a fused op: its signature is in the model
            fix = (
                f"scaffold-op --from-model {source}, then write its Eval, opkit build, "
                "and load ops/build/libops.so"
            )
        rows.append(OpStatus(name, "missing", count, version, fix=fix))
    return DoctorReport(source, how, tuple(rows), content)


_SELECT_TF_FIX = (
    "no pip-installed interpreter runs them; convert with allow_custom_ops (opkit.convert) "
    "or wrap the op in an @opkit.custom_op function and write its kernel"
)


def _select_tf_report(make: Any, source: str, libraries: Sequence[OpLibrary]) -> DoctorReport:
    tf = import_tensorflow("converting a model")
    converter = make()
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.TFLITE_BUILTINS,
        tf.lite.OpsSet.SELECT_TF_OPS,
    ]
    try:
        content = run_converter(converter)
    except converter_error() as error:
        raise ModelError(
            f"{source} does not convert even with Select TF ops: "
            f"{str(error).strip().splitlines()[0][:300]}"
        ) from None
    summary = summarize(content, source=source)
    return _report(source, "converts only with Select TF ops", summary, libraries, None)
