"""Speed of the catalog's kernels, measured through the interpreter.

For every elementwise catalog op and dtype, on a 1M-element tensor, in one
process: the op's invoke time through opkit.Interpreter (1 thread, and the
machine's cores), numpy/scipy's single call on the same array, TensorFlow
eager, and, for context, the builtin SIN and EXP through the same
interpreter. Then the fixed cost of one node: a 1-element Sinh against a
1-element builtin SIN. Prints a table with ratios; figures are best-of-N
wall-clock times, so compare ratios from one run.

Targets (issue 5): every op at least as fast as numpy/scipy; Sinh, Cosh, Tan
and Atan within 2x of builtin SIN per element; a custom node's fixed cost
within 2 us of a builtin node's.

    python benchmarks/catalog_speed.py [--size N] [--repeat R] [--ops Sinh,Erf] [--markdown F]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import scipy.special as sp
import tensorflow as tf

import opkit
from opkit.fusion import convert_with_fusion
from opkit.known_ops import KNOWN_MATH

# The numpy/scipy call a user would make instead; Fresnel integrals come in pairs.
NUMPY: dict[str, Callable[[np.ndarray], Any]] = {
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
    "Expint": sp.expi,
    "FresnelCos": sp.fresnel,
    "FresnelSin": sp.fresnel,
    "Spence": sp.spence,
}
VERSUS_SIN = ("Sinh", "Cosh", "Tan", "Atan")


def best(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall-clock time of ``fn`` in seconds."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def tf_function(reference: str) -> Any:
    target: Any = tf
    for part in reference.split(".")[1:]:
        target = getattr(target, part)
    return target


def invoke_time(model: bytes, x: np.ndarray, threads: int, repeat: int) -> float:
    interpreter = opkit.Interpreter(model, num_threads=threads)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    return best(interpreter.invoke, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1 << 20)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--ops", help="comma-separated op names (default: all)")
    parser.add_argument("--markdown", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    lines: list[str] = []

    def say(line: str) -> None:
        print(line)
        lines.append(line)

    warnings.simplefilter("ignore")
    cores = os.cpu_count() or 1
    ops = [name for name, _ in opkit.list_ops() if name in KNOWN_MATH]
    if args.ops:
        ops = [op for op in ops if op in args.ops.split(",")]
    rng = np.random.default_rng(0)
    n = args.size
    say(
        f"catalog speed, {n} elements, best of {args.repeat}; cores: {cores}; command: "
        f"python {' '.join(sys.argv)}"
    )

    builtin: dict[tuple[str, str], float] = {}
    for dtype in (np.float32,):
        x = rng.uniform(-3, 3, n).astype(dtype)
        spec = tf.TensorSpec([n], dtype)
        for name, fn in (("SIN", tf.sin), ("EXP", tf.exp)):
            model = convert_with_fusion(fn, [spec])
            builtin[(name, np.dtype(dtype).name)] = invoke_time(model, x, 1, args.repeat)
            say(
                f"builtin {name} float32 through the interpreter: "
                f"{builtin[(name, 'float32')] * 1e3:.3f} ms"
            )

    header = (
        f"{'op':11} {'dtype':7} {'1 thread':>9} {f'{cores} thr':>9} {'numpy':>9} "
        f"{'TF eager':>9} {'np/ours':>8} {'np/ours*':>8}  vs SIN"
    )
    say(header)
    failures = []
    for name in ops:
        known = KNOWN_MATH[name]
        low, high = known.domain
        for dtype in (np.float32, np.float64):
            dname = np.dtype(dtype).name
            x = rng.uniform(low, high, n).astype(dtype)
            model = convert_with_fusion(tf_function(known.reference), [tf.TensorSpec([n], dtype)])
            one = invoke_time(model, x, 1, args.repeat)
            many = invoke_time(model, x, cores, args.repeat) if cores > 1 else one
            reference = NUMPY[name]
            numpy_time = best(lambda: reference(x), args.repeat)  # noqa: B023
            tensor = tf.constant(x)
            eager = best(lambda: tf_function(known.reference)(tensor), args.repeat)  # noqa: B023
            versus_sin = ""
            if name in VERSUS_SIN and dname == "float32":
                ratio = one / builtin[("SIN", "float32")]
                versus_sin = f"{ratio:.2f}x SIN" + ("" if ratio <= 2 else "  MISSES 2x")
                if ratio > 2:
                    failures.append(f"{name} {dname}: {ratio:.2f}x builtin SIN")
            if numpy_time / min(one, many) < 1:
                failures.append(f"{name} {dname}: slower than numpy/scipy")
            say(
                f"{name:11} {dname:7} {one * 1e3:8.2f}m {many * 1e3:8.2f}m "
                f"{numpy_time * 1e3:8.2f}m {eager * 1e3:8.2f}m {numpy_time / one:8.2f} "
                f"{numpy_time / many:8.2f}  {versus_sin}"
            )
    say("(m = milliseconds; np/ours = numpy time / opkit time, 1 thread; * with all cores)")

    # Fixed cost of one node: 1-element tensors, custom Sinh vs builtin SIN.
    x1 = np.array([0.5], np.float32)
    spec1 = tf.TensorSpec([1], tf.float32)
    sin1 = invoke_time(convert_with_fusion(tf.sin, [spec1]), x1, 1, 2000)
    sinh1 = invoke_time(convert_with_fusion(tf.math.sinh, [spec1]), x1, 1, 2000)
    say(
        f"fixed cost, 1 element: builtin SIN {sin1 * 1e6:.2f} us, custom Sinh "
        f"{sinh1 * 1e6:.2f} us, difference {(sinh1 - sin1) * 1e6:+.2f} us (target <= 2 us)"
    )
    if sinh1 - sin1 > 2e-6:
        failures.append("fixed cost of a custom node")
    say("targets missed: " + ("; ".join(failures) if failures else "none"))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text("```text\n" + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
