"""Checking the catalog's elementwise ops against TensorFlow, through the interpreter.

Shared by tests/test_catalog.py (small samples, in CI) and
benchmarks/catalog_accuracy.py (100,000 samples per op and dtype, the table
in docs/catalog.md). The rules, from issue 5:

- float32: within 4 ulp of TensorFlow's float32 result; where TF's own result
  is further than that from the true value, both are compared with the true
  value (computed in float64) instead, and ours must be within 1 ulp of it;
- float64: within 1e-13 relative of TensorFlow's float64 result (or 1e-300
  absolute for results near underflow); where TF is off, ours must be within
  1e-13 of mpmath, relative to the function's local size for the oscillating
  Bessel J/Y and digamma at negative x (see oscillation_scale);
- NaN and infinities where TensorFlow has them, except the documented
  differences (subnormal inputs, which TF flushes to zero).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import scipy.special as sp
import tensorflow as tf

import opkit
from opkit.fusion import convert_with_fusion
from opkit.known_ops import KNOWN_MATH
from opkit.micro_host import MicroHost, build_micro_host, load_micro_host, run_micro
from opkit.names import snake_case

F32_ULPS = 4
F64_RTOL = 1e-13

# The true value, for arguments where TensorFlow and opkit disagree.
mp = mpmath.mp


def _ndtri(p: Any) -> Any:
    if p <= 0 or p >= 1:
        return {0: -mp.inf, 1: mp.inf}.get(p, mp.nan)
    guess = (
        mp.sqrt(2) * mp.erfinv(2 * p - 1)
        if 1e-8 < p < 1 - 1e-8
        else (-mp.sqrt(-2 * mp.log(p)) if p < 0.5 else mp.sqrt(-2 * mp.log(1 - p)))
    )
    return mp.findroot(lambda t: mp.ncdf(t) - p, guess)


MPMATH: dict[str, Callable[[Any], Any]] = {
    "Acos": mp.acos,
    "Acosh": mp.acosh,
    "Asin": mp.asin,
    "Asinh": mp.asinh,
    "Atan": mp.atan,
    "Atanh": mp.atanh,
    "Cosh": mp.cosh,
    "Sinh": mp.sinh,
    "Tan": mp.tan,
    "Erf": mp.erf,
    "Erfc": mp.erfc,
    "Erfinv": mp.erfinv,
    "Ndtri": _ndtri,
    "Digamma": mp.digamma,
    "BesselI0": lambda x: mp.besseli(0, x),
    "BesselI1": lambda x: mp.besseli(1, x),
    "BesselI0e": lambda x: mp.exp(-abs(x)) * mp.besseli(0, x),
    "BesselI1e": lambda x: mp.exp(-abs(x)) * mp.besseli(1, x),
    "BesselK0": lambda x: mp.besselk(0, x),
    "BesselK1": lambda x: mp.besselk(1, x),
    "BesselK0e": lambda x: mp.exp(x) * mp.besselk(0, x),
    "BesselK1e": lambda x: mp.exp(x) * mp.besselk(1, x),
    "BesselJ0": lambda x: mp.besselj(0, x),
    "BesselJ1": lambda x: mp.besselj(1, x),
    "BesselY0": lambda x: mp.bessely(0, x),
    "BesselY1": lambda x: mp.bessely(1, x),
    "Dawsn": lambda x: mp.sqrt(mp.pi) / 2 * mp.exp(-x * x) * mp.erfi(x),
    "Expint": mp.ei,
    "FresnelCos": mp.fresnelc,
    "FresnelSin": mp.fresnels,
    "Spence": lambda x: mp.polylog(2, 1 - x),
}


# For float32 the true value is taken from float64 (numpy/scipy, independent of opkit
# and TF): its error, ~1e-15, is far below a float32 ulp (6e-8).
FLOAT64: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "Acos": np.arccos,
    "Acosh": np.arccosh,
    "Asin": np.arcsin,
    "Asinh": np.arcsinh,
    "Atan": np.arctan,
    "Atanh": np.arctanh,
    "Cosh": np.cosh,
    "Sinh": np.sinh,
    "Tan": np.tan,
    "Erf": sp.erf,
    "Erfc": sp.erfc,
    "Erfinv": sp.erfinv,
    "Ndtri": sp.ndtri,
    "Digamma": sp.psi,
    "BesselI0": sp.i0,
    "BesselI0e": sp.i0e,
    "BesselI1": sp.i1,
    "BesselI1e": sp.i1e,
    "BesselJ0": sp.j0,
    "BesselJ1": sp.j1,
    "BesselK0": sp.k0,
    "BesselK0e": sp.k0e,
    "BesselK1": sp.k1,
    "BesselK1e": sp.k1e,
    "BesselY0": sp.y0,
    "BesselY1": sp.y1,
    "Dawsn": sp.dawsn,
    "Expint": lambda x: np.where(x < 0, np.nan, sp.expi(x)),
    "FresnelCos": lambda x: sp.fresnel(x)[1],
    "FresnelSin": lambda x: sp.fresnel(x)[0],
    "Spence": sp.spence,
}


def elementwise_ops() -> list[str]:
    return [name for name, _ in opkit.list_ops() if name in KNOWN_MATH]


def tf_function(name: str) -> Any:
    target: Any = tf
    for part in KNOWN_MATH[name].reference.split(".")[1:]:
        target = getattr(target, part)
    return target


def sample(name: str, dtype: Any, count: int, rng: np.random.Generator) -> np.ndarray:
    """Inputs over the op's domain: uniform, log-spread magnitudes, and edge values."""
    low, high = KNOWN_MATH[name].domain
    info = np.finfo(dtype)
    uniform = rng.uniform(low, high, count // 2)
    wide = np.exp(
        rng.uniform(np.log(float(info.tiny)) / 2, np.log(float(info.max)) / 2, count - count // 2)
    )
    wide *= np.where(rng.random(wide.size) < 0.5, -1.0, 1.0) if low < 0 else 1.0
    edges = [
        0.0,
        -0.0,
        np.inf,
        -np.inf,
        np.nan,
        low,
        high,
        np.nextafter(low, high),
        np.nextafter(high, low),
        1.0,
        -1.0,
        float(info.tiny),
        float(info.max),
        -float(info.max),
        0.5,
        -0.5,
        2.0,
        -2.0,
        -3.0,
        -10.0,
    ]
    with np.errstate(over="ignore", invalid="ignore"):
        return np.concatenate([uniform, wide, edges]).astype(dtype)


def run_catalog(names: list[str], inputs: list[np.ndarray]) -> list[np.ndarray]:
    """Runs each op on its input in ONE converted model, through opkit.Interpreter."""
    functions = [tf_function(n) for n in names]
    signature = [tf.TensorSpec([x.size], x.dtype) for x in inputs]

    def model(*tensors: Any) -> list[Any]:
        return [f(t) for f, t in zip(functions, tensors, strict=True)]

    runner = opkit.Interpreter(convert_with_fusion(model, signature)).get_signature_runner()
    feed = {f"tensors_{i}": x for i, x in enumerate(inputs)}
    outputs = runner(**feed)
    return [outputs[f"output_{i}"] for i in range(len(names))]


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in float32 ulps; 0 where both are NaN or equal (so +0 == -0)."""
    a32 = a.astype(np.float32)
    b32 = b.astype(np.float32)

    def ordered(x: np.ndarray) -> np.ndarray:
        bits = x.view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)

    same = (np.isnan(a32) & np.isnan(b32)) | (a32 == b32)
    distance = np.abs(ordered(a32) - ordered(b32))
    distance = np.where(np.isnan(a32) | np.isnan(b32), np.iinfo(np.int64).max, distance)
    return np.where(same, 0, distance)


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    same = (np.isnan(a) & np.isnan(b)) | (a == b)
    with np.errstate(all="ignore"):
        error = np.abs(a - b) / np.maximum(np.abs(b), 1e-300)
    return np.where(same, 0.0, np.where(np.isnan(error), np.inf, error))


def subnormal(x: np.ndarray) -> np.ndarray:
    """Inputs TensorFlow flushes to zero (denormals-are-zero), where results may differ."""
    return (x != 0) & (np.abs(x) < np.finfo(x.dtype).tiny)


def _truth(name: str, x: float, dtype: Any) -> float:
    """The correctly rounded true value from mpmath (for float64 checks)."""
    mp.dps = 40
    try:
        value = MPMATH[name](mp.mpf(float(x)))
        if isinstance(value, mpmath.mpc):
            value = value.real if abs(value.imag) < 1e-30 * abs(value) else mp.nan
        return float(np.asarray(float(value)).astype(dtype))
    except (ValueError, ZeroDivisionError, OverflowError):
        return float("nan")


@dataclass
class OpAccuracy:
    name: str
    dtype: str
    samples: int
    worst_vs_tf: float
    """float32: ulps; float64: relative error."""
    beyond: int = 0
    """Samples beyond the target against TF."""
    ours_vs_true: float = 0.0
    """On those samples: our worst error against mpmath (ulps / relative)."""
    tf_vs_true: float = 0.0
    failures: list[str] = field(default_factory=list)
    special_mismatches: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures


def assess(
    name: str,
    x: np.ndarray,
    ours: np.ndarray,
    theirs: np.ndarray,
    max_truth_checks: int = 2000,
    true_ulps: float = 1.0,
) -> OpAccuracy:
    """Compares our results with TF's (and mpmath where TF is off), per the rules above.

    ``true_ulps``: how far from the true value a float32 result that is not
    within F32_ULPS of TF's may be.
    """
    float32 = x.dtype == np.float32
    flushed = subnormal(x) | subnormal(theirs.astype(x.dtype))
    error = (
        ulp_distance(ours, theirs).astype(np.float64) if float32 else relative_error(ours, theirs)
    )
    special_ours = ~np.isfinite(ours)
    special_tf = ~np.isfinite(theirs)
    special = (
        (special_ours | special_tf)
        & ~(np.isnan(ours) & np.isnan(theirs))
        & (ours != theirs)
        & ~flushed
    )
    limit = F32_ULPS if float32 else F64_RTOL
    beyond = (error > limit) & ~flushed
    if not float32:  # results near underflow have no meaningful relative error
        with np.errstate(invalid="ignore"):
            beyond &= ~(np.abs(ours - theirs) <= 1e-300)
    report = OpAccuracy(
        name, str(x.dtype), x.size, float(np.max(np.where(flushed, 0, error), initial=0))
    )
    report.beyond = int(beyond.sum())
    report.special_mismatches = int(special.sum())
    suspects = np.flatnonzero(beyond | special)
    if float32:
        with np.errstate(all="ignore"):
            truth = FLOAT64[name](x[suspects].astype(np.float64)).astype(np.float32)
    elif suspects.size > max_truth_checks:
        report.failures.append(f"{suspects.size} samples differ from TF (too many to check)")
        return report
    else:
        truth = np.array([_truth(name, x[i], x.dtype) for i in suspects])
    allowed = true_ulps if float32 else F64_RTOL
    for i, true in zip(suspects, truth, strict=True):
        ours_err = _error(ours[i], true, float32, oscillation_scale(name, float(x[i])))
        if float32 and ours_err > allowed:
            # float64 libraries lose accuracy too (e.g. Bessel J/Y of huge x, whose
            # phase they reduce inexactly): ask mpmath before blaming opkit.
            true = _truth(name, x[i], x.dtype)
            ours_err = _error(ours[i], true, float32)
        report.ours_vs_true = max(report.ours_vs_true, ours_err)
        report.tf_vs_true = max(
            report.tf_vs_true,
            _error(theirs[i], true, float32, oscillation_scale(name, float(x[i]))),
        )
        if ours_err > allowed:
            report.failures.append(f"x={x[i]!r}: ours {ours[i]!r}, TF {theirs[i]!r}, true {true!r}")
    return report


def _error(value: Any, true: float, float32: bool, scale: float = 0.0) -> float:
    """ulps (float32), or relative error (float64) measured against max(|true|, scale)."""
    a, b = np.array([value], np.float64), np.array([true], np.float64)
    if float32:
        return float(ulp_distance(a, b)[0])
    with np.errstate(invalid="ignore"):
        tiny = abs(float(value) - true) <= 1e-300
    if tiny:
        return 0.0
    if scale > abs(true) and np.isfinite(float(value)):
        return abs(float(value) - true) / scale
    return float(relative_error(a, b)[0])


def oscillation_scale(name: str, x: float) -> float:
    """The local size of an oscillating function, near whose zeros relative error is
    meaningless: the Bessel J/Y amplitude sqrt(2 / (pi x)), and for digamma at x < 0 the
    size of the terms psi(1 - x) - pi cot(pi x) whose difference it is."""
    if name in ("BesselJ0", "BesselJ1", "BesselY0", "BesselY1"):
        return float(np.sqrt(2 / (np.pi * max(abs(x), 1.0))))
    if name == "Digamma" and x < 0:
        return float(1 + abs(np.log1p(-x)) + abs(np.pi / np.tan(np.pi * x)))
    return 0.0


Runner = Callable[[list[str], list[np.ndarray]], list[np.ndarray]]


def check_catalog(
    names: Iterable[str],
    dtype: Any,
    count: int,
    seed: int = 0,
    max_truth_checks: int = 2000,
    *,
    run: Runner = run_catalog,
    true_ulps: float = 1.0,
) -> list[OpAccuracy]:
    """Samples each op, runs it with ``run`` (default: the catalog library through a
    converted model) and assesses the results against TensorFlow's."""
    names = list(names)
    rng = np.random.default_rng(seed)
    inputs = [sample(name, dtype, count, rng) for name in names]
    outputs = run(names, inputs)
    reports = []
    for name, x, ours in zip(names, inputs, outputs, strict=True):
        theirs = tf_function(name)(tf.constant(x)).numpy()
        reports.append(assess(name, x, ours, theirs, max_truth_checks, true_ulps))
    return reports


def micro_runner(host: MicroHost) -> Runner:
    """Runs each op's TFLM kernel in ``host`` (opkit.micro_host) instead."""

    def run(names: list[str], inputs: list[np.ndarray]) -> list[np.ndarray]:
        return [
            run_micro(host, name, [x], [(x.shape, x.dtype)])[0]
            for name, x in zip(names, inputs, strict=True)
        ]

    return run


def build_catalog_micro_host(build_dir: Path) -> MicroHost:
    """The catalog's elementwise TFLM kernels, from this checkout, in a micro host."""
    root = Path(__file__).resolve().parents[2]
    folders = [root / "ops" / snake_case(name) for name in elementwise_ops()]
    return load_micro_host(build_micro_host(folders, build_dir, cxx_flags="-Werror"))
