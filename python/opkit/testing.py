"""Checking an op's kernels against its reference, through a real converted model.

``check_op(op_dir)`` is what a scaffolded ``test_<op>.py`` calls: it converts
the op's reference (a TensorFlow callable, or a Python function fused into the
custom op) into a .tflite model, runs that model with the op library, and
compares every output with the reference's on random inputs from the op's
domain plus edge values (0, -0, +-inf, NaN, the domain's ends). An op with a
TensorFlow Lite Micro kernel (<op>_micro.cc) has it checked too, on the same
inputs and with the custom options the converter wrote, run on this machine
by opkit's stand-in TFLM runtime (opkit.micro_host). Needs TensorFlow.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._paths import catalog_library
from ._tf import import_tensorflow
from .errors import OpkitError
from .fusion import convert_with_fusion, fusable
from .interpreter import Interpreter
from .micro_host import load_micro_host, run_micro
from .names import library_name
from .spec import OpSpec, TensorArg, load_spec
from .tflite_model import summarize

DEFAULT_RTOL = {"float32": 1e-5, "float64": 1e-12}
DEFAULT_ATOL = {"float32": 1e-37, "float64": 1e-300}
SAMPLES = 512


@dataclass(frozen=True)
class CheckResult:
    flavour: str
    """"TFLite" or "TFLite Micro": which of the op's kernels."""
    dtype: str
    output: str
    max_abs_error: float
    max_rel_error: float
    elements: int


def check_op(
    op_dir: str | os.PathLike[str],
    *,
    library: str | os.PathLike[str] | None = None,
    micro_host: str | os.PathLike[str] | None = None,
    dtypes: Sequence[str] | None = None,
    inputs: Sequence[np.ndarray] | None = None,
    runtime: str = "litert",
    seed: int = 0,
) -> list[CheckResult]:
    """Runs the op's kernels for each dtype and compares them with the reference.

    The TFLite kernel (if the op has one) runs through the interpreter with
    ``library``: $OPKIT_LIBRARY (set by `opkit test`), else the ops folder's
    build output. The TFLM kernel (if any) runs in ``micro_host``:
    $OPKIT_MICRO_HOST, else the ops folder's. Raises AssertionError naming the
    worst element when an output differs beyond the spec's tolerance.
    """
    op_dir = Path(op_dir).resolve()
    spec = load_spec(op_dir / "op.toml")
    has_tflite = all((op_dir / source).is_file() for source in spec.source_files)
    host = None
    if (op_dir / spec.micro_kernel_file).is_file():
        host = load_micro_host(
            micro_host or os.environ.get("OPKIT_MICRO_HOST") or _default_build(op_dir, True)
        )
    library_path = Path(library or os.environ.get("OPKIT_LIBRARY") or _default_build(op_dir))
    if has_tflite and not library_path.is_file():
        raise OpkitError(
            f"op library {library_path} not found; build it with `opkit build {op_dir.parent}`"
        )
    reference = _reference(spec, op_dir)
    results = []
    for dtype in dtypes or _dispatch_types(spec):
        rng = np.random.default_rng(seed)
        arrays = list(inputs) if inputs is not None else _inputs(spec, dtype, rng)
        model = _model(spec, reference, arrays)
        expected = _call(reference, spec, arrays)
        runs: list[tuple[str, list[np.ndarray]]] = []
        if has_tflite:
            interpreter = Interpreter(
                model,
                op_libraries=[library_path, catalog_library()],
                runtime=runtime,  # type: ignore[arg-type]
            )
            runs.append(("TFLite", _run(interpreter, arrays)))
        if host is not None:
            (node,) = (n for n in summarize(model).custom_nodes if n.op[0] == spec.name)
            outputs = [(np.shape(e), np.asarray(e).dtype) for e in expected]
            got = run_micro(host, spec.name, arrays, outputs, node.custom_options)
            runs.append(("TFLite Micro", got))
        for flavour, got in runs:
            for arg, actual, want in zip(spec.outputs, got, expected, strict=True):
                results.append(_compare(spec, flavour, arg, dtype, actual, want, arrays))
    return results


def _default_build(op_dir: Path, micro_host: bool = False) -> Path:
    """Where `opkit build` puts the op library (or the micro host) of op_dir's folder."""
    ops = op_dir.parent
    suffix = "_micro_host" if micro_host else ""
    return ops / "build" / f"lib{library_name(ops.name)}{suffix}.so"


def _dispatch_types(spec: OpSpec) -> tuple[str, ...]:
    for arg in (*spec.inputs, *spec.outputs):
        if arg.type in spec.type_vars:
            return spec.type_vars[arg.type]
    return (spec.outputs[0].type,)


def _dispatched(spec: OpSpec, arg: TensorArg) -> bool:
    """Whether ``arg`` has the type variable the kernel dispatches on."""
    dispatch = next((a.type for a in (*spec.inputs, *spec.outputs) if a.type in spec.type_vars), "")
    return arg.type == dispatch


def _input_dtype(spec: OpSpec, arg: TensorArg, dtype: str) -> str:
    return dtype if _dispatched(spec, arg) else spec.dtypes_of(arg)[0]


def _inputs(spec: OpSpec, dtype: str, rng: np.random.Generator) -> list[np.ndarray]:
    arrays = []
    for arg in spec.inputs:
        arg_dtype = np.dtype(_input_dtype(spec, arg, dtype))
        if arg_dtype.kind == "f":
            arrays.append(_float_values(spec, arg_dtype, rng))
        elif arg_dtype.kind == "b":
            arrays.append(rng.random(SAMPLES) < 0.5)
        elif not _dispatched(spec, arg):
            # An integer side input (an axis, an index): the simplest valid value.
            arrays.append(np.array(0, arg_dtype))
        else:
            arrays.append(rng.integers(-3, 4, SAMPLES).astype(arg_dtype))
    return arrays


def _float_values(spec: OpSpec, dtype: np.dtype[Any], rng: np.random.Generator) -> np.ndarray:
    info = np.finfo(dtype)
    if spec.verify.domain is not None:
        low, high = spec.verify.domain
        values = rng.uniform(low, high, SAMPLES)
        edges = [low, high, np.nextafter(low, high), np.nextafter(high, low)]
    else:
        values = rng.standard_normal(SAMPLES) * 3.0
        edges = [1.0, -1.0, float(info.tiny), -float(info.tiny), 1e30, -1e30]
    edges += [0.0, -0.0, np.inf, -np.inf, np.nan]
    return np.concatenate([values, edges]).astype(dtype)


def _reference(spec: OpSpec, op_dir: Path) -> Callable[..., Any]:
    if not spec.reference:
        raise OpkitError(
            f"{op_dir / 'op.toml'} names no reference to check {spec.name} against; set "
            'reference = "tf.math.<fn>" or "module:function" (a Python file next to it)'
        )
    if spec.reference.startswith("tf."):
        tf = import_tensorflow("checking an op against its reference")
        target: Any = tf
        for part in spec.reference.split(".")[1:]:
            target = getattr(target, part, None)
            if target is None:
                raise OpkitError(f"reference {spec.reference} does not exist in TensorFlow")
        return target  # type: ignore[no-any-return]
    module_name, _, function = spec.reference.partition(":")
    if not function:
        raise OpkitError(f"reference {spec.reference!r} must be tf.<path> or module:function")
    for path in (str(op_dir), str(op_dir.parent)):
        if path not in sys.path:
            sys.path.insert(0, path)
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise OpkitError(f"reference module {module_name!r} cannot be imported: {error}") from None
    target = module
    for part in function.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise OpkitError(f"reference {spec.reference}: {module_name} has no {function}")
    if isinstance(target, type):
        # A Keras layer whose call is the fused op: build it with the op's attributes.
        try:
            return target(**_attr_defaults(spec))  # type: ignore[no-any-return]
        except TypeError as error:
            raise OpkitError(
                f"reference {spec.reference}: cannot build it with the attributes of op.toml "
                f"({error})"
            ) from None
    return target  # type: ignore[no-any-return]


def _attr_defaults(spec: OpSpec) -> dict[str, Any]:
    return {
        a.name: a.default
        for a in spec.attrs
        if a.default is not None and a.kind in ("int", "float", "bool", "string")
    }


def _call(reference: Callable[..., Any], spec: OpSpec, arrays: Sequence[np.ndarray]) -> list[Any]:
    """The reference's outputs on ``arrays``, run eagerly."""
    tf = import_tensorflow("checking an op against its reference")
    result = _apply(reference, spec, [tf.constant(a) for a in arrays])
    outputs = list(result) if isinstance(result, list | tuple) else [result]
    return [np.asarray(o) for o in outputs]


def _model(spec: OpSpec, reference: Callable[..., Any], arrays: Sequence[np.ndarray]) -> bytes:
    tf = import_tensorflow("checking an op against its reference")
    signature = [tf.TensorSpec([None] * a.ndim, tf.as_dtype(a.dtype)) for a in arrays]
    is_tf_op = bool(spec.reference and spec.reference.startswith("tf."))
    if is_tf_op:

        def body(*xs: Any) -> Any:
            return _apply(reference, spec, xs)
    else:
        op = fusable(spec.name, reference, _attr_defaults(spec))

        def body(*xs: Any) -> Any:
            return op(*xs)

    model = convert_with_fusion(body, signature)
    ops = {name for name, _ in summarize(model).custom_ops}
    if spec.name not in ops:
        found = ", ".join(sorted(ops)) or "builtins only"
        raise OpkitError(
            f"converting {spec.reference} gave no custom op {spec.name} ({found}), "
            "so the kernel would never run; check the reference in op.toml"
        )
    return model


def _apply(reference: Callable[..., Any], spec: OpSpec, tensors: Sequence[Any]) -> Any:
    """Calls the reference: tf.raw_ops take keyword inputs and attributes, others positional."""
    if spec.reference and spec.reference.startswith("tf.raw_ops."):
        return reference(
            **{a.name: t for a, t in zip(spec.inputs, tensors, strict=True)}, **_attr_defaults(spec)
        )
    return reference(*tensors)


def _run(interpreter: Interpreter, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
    details = interpreter.get_input_details()
    for detail, value in zip(details, arrays, strict=True):
        interpreter.resize_tensor_input(detail["index"], value.shape)
    interpreter.allocate_tensors()
    for detail, value in zip(details, arrays, strict=True):
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


def _tolerance(table: dict[str, float], dtype: str, default: dict[str, float]) -> float:
    return table.get(dtype, table.get("*", default.get(dtype, 0.0)))


def _compare(
    spec: OpSpec,
    flavour: str,
    arg: TensorArg,
    dtype: str,
    actual: np.ndarray,
    expected: np.ndarray,
    arrays: Sequence[np.ndarray],
) -> CheckResult:
    kernel = "" if flavour == "TFLite" else f" {flavour} kernel"
    where = f"{spec.name}{kernel} ({dtype}) output {arg.name}"
    assert actual.shape == expected.shape, (
        f"{where}: shape {actual.shape}, reference {expected.shape}"
    )
    assert actual.dtype == expected.dtype, (
        f"{where}: dtype {actual.dtype}, reference {expected.dtype}"
    )
    if actual.dtype.kind != "f":
        mismatch = np.flatnonzero(actual.ravel() != expected.ravel())
        assert mismatch.size == 0, f"{where}: {mismatch.size} elements differ"
        return CheckResult(flavour, dtype, arg.name, 0.0, 0.0, actual.size)
    rtol = _tolerance(dict(spec.verify.rtol), dtype, DEFAULT_RTOL)
    atol = _tolerance(dict(spec.verify.atol), dtype, DEFAULT_ATOL)
    a = actual.astype(np.float64).ravel()
    e = expected.astype(np.float64).ravel()
    same_special = (np.isnan(a) & np.isnan(e)) | (a == e)
    with np.errstate(invalid="ignore", over="ignore"):
        abs_error = np.where(same_special, 0.0, np.abs(a - e))
        rel_error = np.where(same_special, 0.0, abs_error / np.maximum(np.abs(e), 1e-300))
    bad = ~(same_special | (abs_error <= atol + rtol * np.abs(e)))
    if bad.any():
        i = int(np.argmax(np.where(bad, rel_error, -1.0)))
        shown = ", ".join(
            f"{x.name}={np.ravel(v)[i % max(np.size(v), 1)]!r}"
            for x, v in zip(spec.inputs, arrays, strict=True)
        )
        raise AssertionError(
            f"{where}: {int(bad.sum())} of {a.size} elements differ beyond rtol={rtol}, "
            f"atol={atol}; worst at {shown}: got {a[i]!r}, reference {e[i]!r}"
        )
    finite = np.isfinite(abs_error)
    return CheckResult(
        flavour,
        dtype,
        arg.name,
        float(abs_error[finite].max(initial=0.0)),
        float(rel_error[finite].max(initial=0.0)),
        a.size,
    )
