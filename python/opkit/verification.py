"""``opkit.verify``: does the .tflite model compute what the TensorFlow model computes?

Both run on the same inputs - given, or generated from each input's shape and
dtype, inside the domain of the catalog op that reads it, plus edge values -
and every output is compared: max absolute and relative error, and pass/fail
at a tolerance.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._tf import import_tensorflow
from .converter import load_keras
from .errors import ModelError, OpkitError
from .interpreter import Interpreter
from .known_ops import KNOWN_MATH
from .tflite_model import read_model_bytes, summarize

DEFAULT_RTOL = {"float32": 1e-4, "float64": 1e-10}
QUANTIZED_ATOL = 0.05
"""For quantized models: absolute tolerance as a fraction of each output's range."""


@dataclass(frozen=True)
class OutputCheck:
    name: str
    max_abs_error: float
    max_rel_error: float
    rtol: float
    atol: float
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class VerifyReport:
    outputs: tuple[OutputCheck, ...]
    samples: int

    @property
    def passed(self) -> bool:
        return all(output.passed for output in self.outputs)

    def table(self) -> str:
        lines = [f"compared on {self.samples} sample(s) per input"]
        for out in self.outputs:
            verdict = "ok" if out.passed else "FAIL"
            lines.append(
                f"  {out.name}: max abs error {out.max_abs_error:.3g}, max rel error "
                f"{out.max_rel_error:.3g} (rtol {out.rtol:g}, atol {out.atol:.3g}) {verdict}"
                + (f" - {out.detail}" if out.detail else "")
            )
        lines.append("verdict: " + ("matches TensorFlow" if self.passed else "DIFFERS"))
        return "\n".join(lines)


def verify(
    reference: Any,
    tflite_model: str | os.PathLike[str] | bytes,
    *,
    op_libraries: Sequence[str | os.PathLike[str]] | None = None,
    inputs: Sequence[np.ndarray] | Mapping[str, np.ndarray] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    batch: int = 16,
    seed: int = 0,
) -> VerifyReport:
    """Runs ``reference`` (Keras model, path, tf.function, callable) and the .tflite model.

    ``inputs`` are given in the reference's argument order, or by input name;
    by default ``batch`` random rows per input (in the domain of the catalog op
    the model uses, if any) with edge values mixed in. Inputs are matched to
    the .tflite model's by name, as its signature names them.
    """
    content = read_model_bytes(tflite_model)
    summary = summarize(
        content, source=str(tflite_model) if not isinstance(tflite_model, bytes) else "model"
    )
    interpreter = Interpreter(content, op_libraries=op_libraries)
    signatures = interpreter.get_signature_list()
    if len(signatures) != 1:
        raise OpkitError(
            f"the .tflite model has {len(signatures)} signatures; verify needs exactly one"
        )
    runner = interpreter.get_signature_runner(next(iter(signatures)))
    details = runner.get_input_details()
    call, names = _reference_callable(reference)
    order = _input_order(list(details), names)
    if inputs is None:
        generated = _generate(
            [details[n] for n in order], summary, batch, np.random.default_rng(seed)
        )
        feed = dict(zip(order, generated, strict=True))
    elif isinstance(inputs, Mapping):
        missing = sorted(set(order) - set(inputs))
        if missing:
            raise OpkitError(
                f"inputs lacks {', '.join(missing)} (the model's inputs: {', '.join(order)})"
            )
        feed = {name: np.asarray(inputs[name]) for name in order}
    else:
        if len(inputs) != len(order):
            raise OpkitError(f"the model takes {len(order)} inputs, {len(inputs)} were given")
        feed = {name: np.asarray(value) for name, value in zip(order, inputs, strict=True)}
    expected = _as_list(call(*[feed[name] for name in order]))
    outputs = runner(**{name: feed[name].astype(details[name]["dtype"]) for name in order})
    got = [(name, outputs[name]) for name in sorted(outputs, key=_output_order)]
    if len(got) != len(expected):
        raise OpkitError(f"the .tflite model has {len(got)} outputs, the reference {len(expected)}")
    quantized = _is_quantized(interpreter)
    checks = tuple(
        _check(name, actual, want, rtol, atol, quantized)
        for (name, actual), want in zip(got, expected, strict=True)
    )
    first = feed[order[0]]
    return VerifyReport(checks, int(np.shape(first)[0]) if np.ndim(first) else 1)


def _input_order(model_inputs: list[str], reference_names: list[str] | None) -> list[str]:
    """The .tflite input names in the order the reference takes its arguments."""
    if len(model_inputs) == 1:
        return model_inputs
    if reference_names is not None and sorted(reference_names) == sorted(model_inputs):
        return reference_names
    raise OpkitError(
        "cannot tell which input of the .tflite model is which argument of the reference "
        f"(.tflite inputs: {', '.join(sorted(model_inputs))}; reference: "
        f"{', '.join(reference_names or ['unknown'])}); pass inputs={{name: array}}"
    )


def _reference_callable(reference: Any) -> tuple[Callable[..., Any], list[str] | None]:
    """The reference as a function of positional inputs, and those inputs' names."""
    tf = import_tensorflow("running the TensorFlow reference")
    if isinstance(reference, str | os.PathLike):
        path = Path(reference)
        if not path.exists():
            raise ModelError(f"reference model not found: {path}")
        if path.is_dir():
            loaded = tf.saved_model.load(str(path))
            signature = loaded.signatures["serving_default"]
            names = sorted(signature.structured_input_signature[1])
            return (lambda *xs: signature(**dict(zip(names, xs, strict=True)))), names
        reference = load_keras(path)
    if isinstance(reference, tf.keras.Model):
        model = reference
        names = [tensor.name for tensor in model.inputs]
        return (lambda *xs: model(list(xs) if len(xs) > 1 else xs[0], training=False)), names
    if callable(reference):
        try:
            parameters = inspect.signature(reference).parameters
        except (TypeError, ValueError):
            return reference, None
        return reference, [n for n, p in parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    raise OpkitError("the reference must be a Keras model, a model path or a callable")


def _as_list(result: Any) -> list[np.ndarray]:
    if isinstance(result, dict):
        return [np.asarray(result[key]) for key in sorted(result)]
    if isinstance(result, list | tuple):
        return [np.asarray(r) for r in result]
    return [np.asarray(result)]


def _generate(
    details: list[dict[str, Any]], summary: Any, batch: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Random inputs for signature input ``details``, with edge values mixed in."""
    domain = _input_domain(summary)
    arrays = []
    for detail in details:
        shape = [
            batch if i == 0 and d < 0 else (8 if d < 0 else d)
            for i, d in enumerate(detail["shape_signature"])
        ]
        dtype = np.dtype(detail["dtype"])
        if dtype.kind == "f":
            low, high = domain
            values = (
                rng.uniform(low, high, shape)
                if np.isfinite(low + high)
                else (rng.standard_normal(shape) * 2.0)
            )
            flat = values.reshape(-1)
            edges = [e for e in (0.0, -0.0, 1.0, -1.0, low, high) if np.isfinite(e)]
            edges = [e for e in edges if low <= e <= high]
            flat[: len(edges)] = edges[: flat.size]
            arrays.append(values.astype(dtype))
        elif dtype.kind in "iu":
            arrays.append(rng.integers(0, 4, shape).astype(dtype))
        else:
            arrays.append((rng.random(shape) < 0.5).astype(dtype))
    return arrays


def _input_domain(summary: Any) -> tuple[float, float]:
    """The narrowest domain among the catalog ops the model uses (inputs feed them)."""
    low, high = -np.inf, np.inf
    for name, _ in summary.custom_ops:
        known = KNOWN_MATH.get(name)
        if known is not None:
            low, high = max(low, known.domain[0]), min(high, known.domain[1])
    if low >= high:
        return -np.inf, np.inf
    return float(low), float(high)


def _output_order(name: str) -> tuple[int, str]:
    """ "output_10" after "output_2": TF names list outputs output_0, output_1, ..."""
    prefix, _, number = name.rpartition("_")
    return (int(number), prefix) if number.isdigit() else (-1, name)


def _is_quantized(interpreter: Interpreter) -> bool:
    """Whether any tensor is quantized (per-tensor or per-channel scales)."""
    return any(
        np.dtype(d["dtype"]).kind in "iu" and len(d["quantization_parameters"]["scales"]) > 0
        for d in interpreter.get_tensor_details()
    )


def _check(
    name: str,
    actual: np.ndarray,
    expected: np.ndarray,
    rtol: float | None,
    atol: float | None,
    quantized: bool,
) -> OutputCheck:
    if actual.shape != expected.shape:
        return OutputCheck(
            name,
            np.inf,
            np.inf,
            0.0,
            0.0,
            False,
            f"shape {actual.shape}, reference {expected.shape}",
        )
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    finite = np.isfinite(e)
    scale = float(np.abs(e[finite]).max(initial=0.0))
    dtype = str(expected.dtype)
    rtol = rtol if rtol is not None else (0.0 if quantized else DEFAULT_RTOL.get(dtype, 0.0))
    if atol is None:
        atol = QUANTIZED_ATOL * scale if quantized else 1e-5 * scale
    same = (np.isnan(a) & np.isnan(e)) | (a == e)
    with np.errstate(invalid="ignore", over="ignore"):
        abs_error = np.where(same, 0.0, np.abs(a - e))
        rel_error = np.where(
            same, 0.0, abs_error / np.maximum(np.abs(e), np.finfo(np.float64).tiny)
        )
    bad = ~(same | (abs_error <= atol + rtol * np.abs(e)))
    detail = ""
    if bad.any():
        i = int(np.argmax(np.where(bad, abs_error, -1.0)))
        detail = f"{int(bad.sum())} element(s) differ; worst: got {a.flat[i]!r}, want {e.flat[i]!r}"
    return OutputCheck(
        name,
        float(np.nanmax(abs_error, initial=0.0)),
        float(np.nanmax(rel_error, initial=0.0)),
        rtol,
        atol,
        not bad.any(),
        detail,
    )
