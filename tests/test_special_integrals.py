"""opkit/special/integrals.h: Dawsn, Expint, FresnelCos and FresnelSin.

Accuracy is measured against mpmath (40 digits) on points spread over each function's
domain, both signs, logarithmically over the whole float/double range: double results by
relative error, float results by ulps from the correctly rounded value. Special values
(NaN, infinities, signed zeros, negative arguments of Ei, huge and tiny magnitudes) are
compared with what TensorFlow 2.21's own ops return, run live in a subprocess that starts
with the module (importing TensorFlow takes seconds; it overlaps the mpmath work). The
inputs where opkit deliberately returns the true value instead of TensorFlow's wrong one
are listed in TF_IS_WRONG and checked both ways.
"""

from __future__ import annotations

import json
import math
import os
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest

from support.native import compile_and_run

INCLUDE = Path(__file__).resolve().parents[1] / "cpp" / "include"
HEADER = INCLUDE / "opkit" / "special" / "integrals.h"
FLAGS = ["-O2", "-Wshadow", "-Wconversion", "-fno-exceptions", "-fno-rtti", f"-I{INCLUDE}"]
FUNCTIONS = {
    "dawsn": "Dawsn",
    "expint": "Expint",
    "fresnel_cos": "FresnelCos",
    "fresnel_sin": "FresnelSin",
}

mp.mp.dps = 40
DOUBLE_BOUND = 1e-15  # the header's stated bound (measured worst: 5.4e-16)
TINY = 2.0**-1022  # relative errors are measured against max(|ref|, TINY)
DOUBLE_MAX = 1.7976931348623157e308
FLOAT_MAX = 3.4028234663852886e38
FLOAT_MIN = 1.1754943508222875e-38
EI_ROOT = 0.3725074107813666  # the double nearest to the root of Ei
INF, NAN = math.inf, math.nan

# ---------------------------------------------------------------------------
# mpmath references.


@cache
def ref_dawsn(x: float) -> mp.mpf:
    v = abs(mp.mpf(x))
    if v < 12:
        d = mp.sqrt(mp.pi) / 2 * mp.exp(-v * v) * mp.erfi(v)
    else:
        # 1/(2x) sum (2k-1)!!/(2x^2)^k; the terms decrease until k ~ x^2 >= 144, where
        # they, and the error of the truncated series, are below exp(-x^2) < 1e-62.
        total, term, k = mp.mpf(0), mp.mpf(1), 0
        while term > mp.eps * total:
            total += term
            k += 1
            term *= (2 * k - 1) / (2 * v * v)
        d = total / (2 * v)
    return d if x >= 0 else -d


@cache
def ref_expint(x: float) -> mp.mpf:
    return mp.ei(mp.mpf(x))  # relative accuracy near the root, too (checked at 150 digits)


@cache
def ref_fresnel(x: float) -> tuple[mp.mpf, mp.mpf]:
    """(C(x), S(x))."""
    v = abs(mp.mpf(x))
    if v == 0:
        return mp.mpf(0), mp.mpf(0)
    if v < 0.5:
        # C = x sum_(k even) (-1)^(k/2) z^k / (k! (2k+1)), S likewise over odd k, where
        # z = pi x^2 / 2 < 0.4 (DLMF 7.6(i)).
        z = mp.pi * v * v / 2
        sums, term, k = [mp.mpf(0), mp.mpf(0)], mp.mpf(1), 0
        while k < 2 or term > mp.eps * min(abs(sums[0]), abs(sums[1])):
            sums[k % 2] += (-1) ** (k // 2) * term / (2 * k + 1)
            k += 1
            term *= z / k
        c, s = v * sums[0], v * sums[1]
    else:
        # C + iS = (1+i)/2 erf(w) = (1+i)/2 (1 - erfc(w)), w = sqrt(pi)/2 (1-i) x (DLMF
        # 7.5). For large x, erfc's phase is pi x^2/2: keep x^2 exact and 40
        # digits after its reduction.
        with mp.workdps(mp.mp.dps + 10 + 2 * int(mp.log10(v))):
            w = mp.sqrt(mp.pi) / 2 * mp.mpc(1, -1) * v
            if v <= 6:
                e = mp.mpc(1, 1) / 2 * mp.erf(w)
                c, s = e.real, e.imag
            else:
                e = mp.mpc(1, 1) / 2 * mp.erfc(w)
                c, s = 0.5 - e.real, 0.5 - e.imag
    return (+c, +s) if x >= 0 else (-c, -s)


REFERENCES: dict[str, Callable[[float], mp.mpf]] = {
    "dawsn": ref_dawsn,
    "expint": ref_expint,
    "fresnel_cos": lambda x: ref_fresnel(x)[0],
    "fresnel_sin": lambda x: ref_fresnel(x)[1],
}

# ---------------------------------------------------------------------------
# float32 helpers (exact; no numpy casts, whose overflow warnings are errors).


def f32(x: float) -> float:
    """x rounded to float32 (x must be in range)."""
    return float(struct.unpack("<f", struct.pack("<f", x))[0])


def round_to_float32(v: mp.mpf) -> float:
    """The float32 nearest to v (ties to even), including subnormals and overflow."""
    if v == 0:
        return 0.0
    _, e = mp.frexp(v)  # v = m 2^e, 1/2 <= |m| < 1
    quantum = mp.mpf(2) ** (max(int(e), -125) - 24)
    r = mp.nint(v / quantum) * quantum
    return math.copysign(INF, r) if abs(r) > FLOAT_MAX else float(r)


def ulp_distance(a: float, b: float) -> int:
    """Distance in float32 steps (both floats; -0 and +0 are 0 apart)."""

    def key(v: float) -> int:
        i = int(struct.unpack("<i", struct.pack("<f", v))[0])
        return i if i >= 0 else -(i & 0x7FFFFFFF)

    return abs(key(a) - key(b))


# ---------------------------------------------------------------------------
# Points: deterministic, log-spaced where the range is wide. The "common" points are
# float32 values, run through both overloads (one mpmath reference serves both).

RNG = np.random.default_rng(20240601)


def _log_uniform(lo: float, hi: float, n: int) -> list[float]:
    """n points 10^u, u uniform in [lo, hi]."""
    return [float(10.0**u) for u in RNG.uniform(lo, hi, n)]


def _uniform(lo: float, hi: float, n: int) -> list[float]:
    return [float(u) for u in RNG.uniform(lo, hi, n)]


def _signs(values: list[float]) -> list[float]:
    return [v if k % 2 else -v for k, v in enumerate(values)]


def _neighbours(x: float, n: int, width: int) -> list[float]:
    """x and its n nearest float32 (width 32) or double (64) neighbours on each side."""
    out, lo, hi = [x], x, x
    for _ in range(n):
        if width == 32:
            lo = float(np.nextafter(np.float32(lo), np.float32(-INF)))
            hi = float(np.nextafter(np.float32(hi), np.float32(INF)))
        else:
            lo, hi = math.nextafter(lo, -INF), math.nextafter(hi, INF)
        out += [lo, hi]
    return out


@cache
def common_points(name: str) -> list[float]:
    if name == "fresnel_sin":
        return common_points("fresnel_cos")  # the same points: one reference gives C and S
    if name == "dawsn":
        pts = _signs(_log_uniform(-38, 38.5, 500)) + _signs(_uniform(0, 7, 500))
        edges = [1.0, 2.0, 3.0, 4.0, 5.0]
    elif name == "expint":
        pts = _log_uniform(-45, 1.969, 400) + _uniform(0, 40, 400) + _uniform(88, 93.3, 40)
        pts += [EI_ROOT + t for t in _uniform(-1e-3, 1e-3, 100)]
        edges = [f32(EI_ROOT), 4.0, 8.0, 16.0, 32.0, 88.72283935546875, 93.0]
    else:
        pts = _signs(_log_uniform(-38, 38.5, 300)) + _signs(_uniform(0, 6, 400))
        pts += _signs(_log_uniform(0.7, 5, 200))
        edges = [f32(math.sqrt(2.0)), 2.0, f32(math.sqrt(8.0)), 4.0]
    pts += [p for e in edges for p in _neighbours(e, 3, 32)]
    return [f32(p) for p in pts if abs(p) <= FLOAT_MAX]


@cache
def double_points(name: str) -> list[float]:
    """Doubles outside float's range and precision (the common points are added)."""
    if name == "fresnel_sin":
        return double_points("fresnel_cos")
    if name == "dawsn":
        pts = _signs(_log_uniform(-323.3, 308.25, 300)) + _signs(_uniform(0, 7, 300))
        pts += [DOUBLE_MAX, -DOUBLE_MAX, 5e-324, TINY]
    elif name == "expint":
        pts = _log_uniform(-323.3, 2.855, 300) + _uniform(0, 40, 200) + _uniform(700, 716.4, 30)
        pts += [EI_ROOT * (1 + t) for t in _signs(_log_uniform(-15.5, -2, 100))]
        pts += [*_neighbours(EI_ROOT, 3, 64), EI_ROOT / 2, 2 * EI_ROOT, 5e-324, DOUBLE_MAX]
    else:
        pts = _signs(_log_uniform(-323.3, 308.25, 300)) + _signs(_uniform(0, 6, 300))
        # Large arguments with many fraction bits: x^2 mod 4 needs all of them.
        pts += _signs(_uniform(1e4, 1e8, 60)) + _neighbours(2.0**52, 2, 64)
        pts += _neighbours(2.0**26 + 0.5, 2, 64) + _neighbours(2.0**62, 2, 64)
        pts += [2.0**52 + 1, 2.0**53 - 1, DOUBLE_MAX, 5e-324]
    return pts + common_points(name)


# ---------------------------------------------------------------------------
# Special values: TensorFlow's output is the expected value.

SPECIAL_DOUBLE = [NAN, INF, -INF, 0.0, -0.0, 1e-300, -1e-300, TINY, -TINY, 1e-20, -1e-20]
SPECIAL_DOUBLE += [0.5, -0.5, 1.0, -1.0, EI_ROOT, 10.0, -10.0, 100.0, -100.0, 700.0, -700.0]
SPECIAL_DOUBLE += [709.5, 1e5, -1e5, 1e8, -1e8, 1e300]
SPECIAL_FLOAT = [NAN, INF, -INF, 0.0, -0.0, 1e-30, -1e-30, FLOAT_MIN, -FLOAT_MIN, 1e-8]
SPECIAL_FLOAT += [0.5, -0.5, 1.0, -1.0, EI_ROOT, 10.0, -10.0, 88.0, -88.0, 1e5, -1e5, 1e8]
SPECIAL_FLOAT += [-1e8, 1e30, FLOAT_MAX]

# Inputs where TensorFlow 2.21 (CPU) is wrong and opkit is not: (function, dtype, input,
# TensorFlow's output). Causes: dawsn, expint (float64) and the Fresnel integrals flush
# subnormal arguments and results to zero (so TF's Ei(-5e-324) is Ei(0) = -inf, not the
# NaN of x < 0); float32 expint takes a wrong logarithm of subnormal arguments; dawsn
# loses the sign of x <= -1e9; expint has an absolute, not relative, error next to its
# root, computes e^x before dividing (inf above x = 709.78, float: 88.72, although Ei(x)
# is finite up to 716.355, float: 93.247) and returns NaN above max/4. These inputs are
# left out of the comparisons of special values.
TF_IS_WRONG: list[tuple[str, str, float, float]] = [
    ("dawsn", "float64", -1e9, 5e-10),  # -5e-10
    ("dawsn", "float64", -1e10, 5e-11),  # -5e-11
    ("dawsn", "float64", -1e300, 5e-301),  # -5e-301
    ("dawsn", "float64", 1e-310, 0.0),  # 1e-310
    ("dawsn", "float64", DOUBLE_MAX, 0.0),  # 2.78e-309
    ("dawsn", "float64", -DOUBLE_MAX, 0.0),  # -2.78e-309
    ("dawsn", "float32", -1e9, 5e-10),  # -5e-10
    ("dawsn", "float32", -1e10, 5e-11),  # -5e-11
    ("dawsn", "float32", 1e-40, 0.0),  # 1e-40
    ("dawsn", "float32", FLOAT_MAX, 0.0),  # 1.47e-39
    ("dawsn", "float32", -3e38, 0.0),  # -1.67e-39
    ("expint", "float64", EI_ROOT, 0.0),  # -5.1e-17 (EI_ROOT is 1.3e-17 below the root)
    ("expint", "float64", 710.0, INF),  # 2.3e306
    ("expint", "float64", 716.0, INF),  # 1.3e308
    ("expint", "float64", 1e-310, -INF),  # -712.8
    ("expint", "float64", 5e-324, -INF),  # -743.8
    ("expint", "float64", -5e-324, -INF),  # NaN, as for every x < 0
    ("expint", "float64", 1e308, NAN),  # inf
    ("expint", "float64", DOUBLE_MAX, NAN),  # inf
    ("expint", "float32", EI_ROOT, 5.960464477539063e-08),  # 4.82e-8
    ("expint", "float32", 89.0, INF),  # 5.1e36
    ("expint", "float32", 93.0, INF),  # 2.7e38
    ("expint", "float32", 1e-40, -103.39485931396484),  # -91.53
    ("expint", "float32", FLOAT_MAX, NAN),  # inf
    ("fresnel_cos", "float64", 1e-310, 0.0),  # 1e-310
    ("fresnel_cos", "float64", -5e-324, 0.0),  # -5e-324
    ("fresnel_cos", "float32", 1e-40, 0.0),  # 1e-40
    ("fresnel_sin", "float64", -5e-324, 0.0),  # -0.0 (S(x) = pi x^3 / 6 underflows)
    ("fresnel_sin", "float32", -1e-40, 0.0),  # -0.0
]

# ---------------------------------------------------------------------------
# The C++ driver.


def _literal(x: float, ctype: str) -> str:
    if math.isnan(x):
        return f"std::numeric_limits<{ctype}>::quiet_NaN()"
    if math.isinf(x):
        return f"{'-' if x < 0 else ''}std::numeric_limits<{ctype}>::infinity()"
    return f"static_cast<float>({x.hex()})" if ctype == "float" else x.hex()


def _driver(sets: Sequence[tuple[str, str, Sequence[float]]]) -> str:
    """A program printing f(x) for every (function, C++ type, inputs) set, one per line."""
    lines = ["#include <cstdio>", "#include <limits>", f'#include "{HEADER}"', "int main() {"]
    for k, (name, ctype, xs) in enumerate(sets):
        values = ", ".join(_literal(x, ctype) for x in xs)
        fmt, cast = ("%.17g", "") if ctype == "double" else ("%.9g", "static_cast<double>")
        lines.append(f"  static const {ctype} in{k}[] = {{{values}}};")
        call = f"{cast}(opkit::special::{FUNCTIONS[name]}(x))"
        lines.append(f'  for ({ctype} x : in{k}) std::printf("{fmt}\\n", {call});')
    lines += ["  return 0;", "}"]
    return "\n".join(lines) + "\n"


# (function, set) -> inputs or outputs. Sets ending in "float" run the float overload.
Table = dict[tuple[str, str], list[float]]


def _inputs() -> Table:
    inputs: Table = {}
    for name in FUNCTIONS:
        wrong = [w for w in TF_IS_WRONG if w[0] == name]
        inputs[(name, "double")] = double_points(name)
        inputs[(name, "float")] = common_points(name)
        wrong64 = {w[2] for w in wrong if w[1] == "float64"}
        wrong32 = {f32(w[2]) for w in wrong if w[1] == "float32"}
        inputs[(name, "special_double")] = [x for x in SPECIAL_DOUBLE if x not in wrong64]
        inputs[(name, "special_float")] = [f32(x) for x in SPECIAL_FLOAT if f32(x) not in wrong32]
        inputs[(name, "wrong_double")] = [w[2] for w in wrong if w[1] == "float64"]
        inputs[(name, "wrong_float")] = [f32(w[2]) for w in wrong if w[1] == "float32"]
    return {key: xs for key, xs in inputs.items() if xs}


def _ctype(kind: str) -> str:
    return "float" if kind.endswith("float") else "double"


INPUTS = _inputs()

# ---------------------------------------------------------------------------
# TensorFlow, in a subprocess started with the module.

TF_SCRIPT = """
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
ops = {
    "dawsn": tf.math.special.dawsn,
    "expint": tf.math.special.expint,
    "fresnel_cos": tf.math.special.fresnel_cos,
    "fresnel_sin": tf.math.special.fresnel_sin,
}
request = json.load(open(sys.argv[1]))
answer = {}
for key, (name, dtype, xs) in request.items():
    x = np.array([float.fromhex(h) for h in xs], dtype=dtype)
    answer[key] = [float(y).hex() for y in ops[name](tf.constant(x)).numpy().tolist()]
json.dump(answer, sys.stdout)
"""


def _tf_request() -> dict[str, tuple[str, str, list[str]]]:
    request = {}
    for (name, kind), xs in INPUTS.items():
        if kind.startswith(("special", "wrong")):
            dtype = "float32" if kind.endswith("float") else "float64"
            request[f"{name}/{kind}"] = (name, dtype, [x.hex() for x in xs])
    return request


@pytest.fixture(scope="module")
def tensorflow_process(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[subprocess.Popen[str]]:
    request = tmp_path_factory.mktemp("integrals_tf") / "request.json"
    request.write_text(json.dumps(_tf_request()))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen(
        [sys.executable, "-c", TF_SCRIPT, str(request)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def tensorflow(tensorflow_process: subprocess.Popen[str]) -> Table:
    """TensorFlow's outputs for the special and TF_IS_WRONG inputs."""
    stdout, stderr = tensorflow_process.communicate(timeout=300)
    assert tensorflow_process.returncode == 0, stderr
    answer = json.loads(stdout)
    out: Table = {}
    for key, values in answer.items():
        name, kind = key.split("/")
        out[(name, kind)] = [float.fromhex(h) for h in values]
    return out


@pytest.fixture(scope="module")
def outputs(
    tensorflow_process: subprocess.Popen[str], tmp_path_factory: pytest.TempPathFactory
) -> Table:
    """opkit's outputs for every input set (TensorFlow starts first, to overlap)."""
    del tensorflow_process
    source = _driver([(name, _ctype(kind), xs) for (name, kind), xs in INPUTS.items()])
    stdout = compile_and_run(source, tmp_path_factory.mktemp("integrals"), flags=FLAGS)
    values = stdout.split()
    out: Table = {}
    pos = 0
    for (name, kind), xs in INPUTS.items():
        parse = (lambda v: f32(float(v))) if _ctype(kind) == "float" else float
        out[(name, kind)] = [parse(v) for v in values[pos : pos + len(xs)]]
        pos += len(xs)
    assert pos == len(values)
    return out


# ---------------------------------------------------------------------------
# Accuracy.


def _double_error(x: float, y: float, ref: mp.mpf) -> float:
    """Relative error of y (against max(|ref|, TINY)); 0 for an overflow returned as inf."""
    if abs(ref) > DOUBLE_MAX:
        assert y == math.copysign(INF, ref), (x, y, ref)
        return 0.0
    assert math.isfinite(y), (x, y, ref)
    return float(abs(mp.mpf(y) - ref) / max(abs(ref), TINY))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_double_relative_error(name: str, outputs: Table) -> None:
    xs, ys = INPUTS[(name, "double")], outputs[(name, "double")]
    assert len(xs) >= 1500
    reference = REFERENCES[name]
    worst = max((_double_error(x, y, reference(x)), x) for x, y in zip(xs, ys, strict=True))
    assert worst[0] <= DOUBLE_BOUND, worst


@pytest.mark.parametrize("name", FUNCTIONS)
def test_float_within_one_ulp(name: str, outputs: Table) -> None:
    xs, ys = INPUTS[(name, "float")], outputs[(name, "float")]
    assert len(xs) >= 900
    reference = REFERENCES[name]
    worst = max(
        (ulp_distance(y, round_to_float32(reference(x))), x) for x, y in zip(xs, ys, strict=True)
    )
    assert worst[0] <= 1, worst


def test_expint_is_accurate_next_to_its_root(outputs: Table) -> None:
    """Relative accuracy holds where Ei(x) -> 0 (no absolute-error floor at x0)."""
    pairs = zip(INPUTS[("expint", "double")], outputs[("expint", "double")], strict=True)
    near = [(x, y) for x, y in pairs if abs(x - EI_ROOT) < 1e-9]
    assert len(near) >= 20
    for x, y in near:
        ref = ref_expint(x)
        assert abs(y) < 1e-8
        assert float(abs(mp.mpf(y) - ref) / abs(ref)) <= DOUBLE_BOUND, (x, y, ref)


@pytest.mark.parametrize("name", ["fresnel_cos", "fresnel_sin"])
def test_fresnel_phase_for_large_arguments(name: str, outputs: Table) -> None:
    """For large x, C - 1/2 and S - 1/2 (about 1/(pi x)) have their own relative accuracy,
    which needs pi x^2 / 2 reduced exactly."""
    pairs = zip(INPUTS[(name, "double")], outputs[(name, "double")], strict=True)
    large = [(x, y) for x, y in pairs if 1e4 <= abs(x) <= 1e8]
    assert len(large) >= 60
    reference = REFERENCES[name]
    for x, y in large:
        # y's rounding (near 1/2) is up to 2^-54; besides, the oscillating part, of amplitude
        # 1/(pi x), is accurate to 1e-9 of it (a rounded x^2 would be off by up to 1e-2).
        err = abs(mp.mpf(y) - reference(x))
        assert err <= 2.0**-54 + 1e-9 / (math.pi * abs(x)), (x, y, reference(x))


def test_expint_negative_arguments_are_nan(outputs: Table) -> None:
    """TensorFlow defines Ei on x >= 0 only: NaN for x < 0 (scipy would give -E1(-x))."""
    for kind in ("special_double", "special_float"):
        pairs = zip(INPUTS[("expint", kind)], outputs[("expint", kind)], strict=True)
        negative = [y for x, y in pairs if x < 0]
        assert len(negative) >= 6
        assert all(math.isnan(y) for y in negative), negative


# ---------------------------------------------------------------------------
# Special values against TensorFlow.


def _same(ours: float, theirs: float) -> bool:
    """Same NaN-ness, infinity, zero sign; finite values equal to 1e-5 (TF's float accuracy)."""
    if math.isnan(theirs) or math.isnan(ours):
        return math.isnan(theirs) and math.isnan(ours)
    if math.isinf(theirs) or theirs == 0.0 or math.isinf(ours) or ours == 0.0:
        return ours == theirs and math.copysign(1.0, ours) == math.copysign(1.0, theirs)
    return abs(ours - theirs) <= 1e-5 * abs(theirs)


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("kind", ["special_double", "special_float"])
def test_special_values_match_tensorflow(
    name: str, kind: str, outputs: Table, tensorflow: Table
) -> None:
    xs, ours, theirs = INPUTS[(name, kind)], outputs[(name, kind)], tensorflow[(name, kind)]
    assert len(xs) == len(ours) == len(theirs) >= 20
    mismatches = [(x, o, t) for x, o, t in zip(xs, ours, theirs, strict=True) if not _same(o, t)]
    assert not mismatches


@pytest.mark.parametrize("name", FUNCTIONS)
def test_where_tensorflow_is_wrong(name: str, outputs: Table, tensorflow: Table) -> None:
    """TensorFlow returns TF_IS_WRONG's value; opkit the true one."""
    checked = 0
    for dtype, kind in (("float64", "wrong_double"), ("float32", "wrong_float")):
        if (name, kind) not in INPUTS:
            continue
        xs, ours, theirs = INPUTS[(name, kind)], outputs[(name, kind)], tensorflow[(name, kind)]
        expected = [w[3] for w in TF_IS_WRONG if w[0] == name and w[1] == dtype]
        for x, o, t, e in zip(xs, ours, theirs, expected, strict=True):
            assert _same(t, e), (dtype, x, t, e)
            assert not _same(o, t), (dtype, x, o, t)
            checked += 1
            if name == "expint" and x < 0:
                assert math.isnan(o), (x, o)  # TensorFlow's domain of Ei is x >= 0
                continue
            ref = REFERENCES[name](x)
            if dtype == "float32":
                assert ulp_distance(o, round_to_float32(ref)) <= 1, (x, o, ref)
            else:
                assert _double_error(x, o, ref) <= DOUBLE_BOUND, (x, o, ref)
    assert checked >= 2
