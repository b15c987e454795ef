"""opkit/special/bessel_ik.h: accuracy against mpmath, special values against TensorFlow.

A C++ driver evaluates the eight functions in double and float on a few thousand points
(logarithmic spread, both signs, the seams of the pieces) and on edge values. Double results
must be within DOUBLE_RTOL of the mpmath value (40 digits) where that is a normal number,
and within one subnormal step elsewhere; float results within 1 ulp of the correctly rounded
mpmath value. On the edge values NaN, infinities, zeros and signs must be TensorFlow's (run
in a subprocess), except where one of the TensorFlow errors the header documents explains the
difference (tensorflow_mistake) and the header's value is the right one.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest

from support.native import compile_and_run

ROOT = Path(__file__).resolve().parents[1]
HEADER = ROOT / "cpp/include" / "opkit/special/bessel_ik.h"

NAMES = ("I0", "I0e", "I1", "I1e", "K0", "K0e", "K1", "K1e")
TF_OPS = (
    "tf.math.bessel_i0",
    "tf.math.bessel_i0e",
    "tf.math.bessel_i1",
    "tf.math.bessel_i1e",
    "tf.math.special.bessel_k0",
    "tf.math.special.bessel_k0e",
    "tf.math.special.bessel_k1",
    "tf.math.special.bessel_k1e",
)

# The header's stated bound for double (measured worst: about 1.5e-15, K0 just below x = 2).
DOUBLE_RTOL = 4e-15
TINY64 = 2.2250738585072014e-308  # smallest normal double
SUB64 = 2.0**-1074  # smallest subnormal double

DPS = 40  # mpmath's working precision throughout

# --- points ----------------------------------------------------------------------------------

F32 = np.float32
rng = np.random.default_rng(20240521)


def log_spread(lo: float, hi: float, n: int) -> list[float]:
    return [float(v) for v in np.exp(rng.uniform(math.log(lo), math.log(hi), n))]


def signed(values: list[float]) -> list[float]:
    return [v if rng.random() < 0.5 else -v for v in values]


def around(points: tuple[float, ...]) -> list[float]:
    """Each point, its neighbours in double and in float, and a few nearby values."""
    out: list[float] = []
    for p in points:
        out += [p, math.nextafter(p, 0), math.nextafter(p, math.inf)]
        out += [float(np.nextafter(F32(p), F32(0))), float(np.nextafter(F32(p), F32(np.inf)))]
        out += [p * (1 + k * 1e-4) for k in (-3, -1, 1, 3)]
    return out


# The I functions on both signs; beyond |x| = 714 I0 and I1 overflow, their scaled forms not.
I_POINTS = (
    signed(log_spread(1e-12, 714.0, 900))
    + signed([float(v) for v in rng.uniform(0.0, 30.0, 200)])
    + signed(log_spread(5e-324, 1e-12, 12))
    + signed(log_spread(714.0, 1.7e308, 16))
    + around((12.0, -12.0, 709.78, 713.986908543968, -713.987609818542))
)
# The K functions on x > 0; K0 and K1 reach the subnormal range at x = 705.34 and 0 at 742.05.
K_POINTS = (
    log_spread(1e-12, 750.0, 900)
    + [float(v) for v in rng.uniform(0.0, 12.0, 200)]
    + log_spread(5e-324, 1e-12, 16)
    + log_spread(750.0, 1.7e308, 16)
    + around((2.0, 705.34, 709.0, 742.05))
    + [5e-324, TINY64, 5.6e-309, 5.5e-309]
)
# Float points: as float32 values.
I_POINTS_F = [
    float(F32(v))
    for v in signed(log_spread(1e-9, 95.0, 700))
    + signed(log_spread(1e-45, 1e-9, 10))
    + signed(log_spread(95.0, 3e38, 10))
    + around((12.0, 88.72, 91.90076, -91.90626))
]
K_POINTS_F = [
    float(F32(v))
    for v in log_spread(1e-9, 110.0, 700)
    + log_spread(1e-45, 1e-9, 10)
    + log_spread(110.0, 3e38, 10)
    + around((2.0, 85.34, 88.0, 101.88))
    + [1e-45, 2.9e-39, 2.95e-39, 1e-38]
]

# Edge values, compared with TensorFlow.
MAX64 = sys.float_info.max
MAX32 = float(np.finfo(F32).max)
EDGE64 = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 2.0, 12.0, -12.0]
EDGE64 += [5e-324, -5e-324, 1e-310, -1e-310, TINY64, -TINY64, 2.3e-308, 3e-308, 1e-300, -1e-300]
EDGE64 += [700.0, -700.0, 705.0, 709.0, 709.7, 710.0, -710.0, 713.9, 714.0, -714.0, 745.0]
EDGE64 += [800.0, 1e300, -1e300, MAX64, -MAX64]
EDGE32 = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 2.0, 12.0, -12.0]
EDGE32 += [1e-45, -1e-45, 1e-40, -1e-40, 1.1754943508222875e-38, 1e-38, 1e-30, -1e-30]
EDGE32 += [85.0, 88.0, 88.5, 89.0, -89.0, 91.0, 92.0, -92.0, 104.0, 110.0, 1e30, MAX32, -MAX32]
EDGE32 = [float(F32(v)) for v in EDGE32]

# --- references --------------------------------------------------------------------------------


def asymptotic(nu: int, x: mp.mpf, sign: int) -> mp.mpf:
    """sum sign^k a_k(nu) / x^k (DLMF 10.40.1-2), for x >= 1e4 where it converges to 40 digits."""
    mu = 4 * nu * nu
    term = total = mp.mpf(1)
    k = 0
    while abs(term) > mp.eps / 1000:
        k += 1
        term *= sign * (mu - (2 * k - 1) ** 2) / (8 * k * x)
        total += term
    return total


def log_series_k(x: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    """K0(x) and K1(x) by the logarithmic series (DLMF 10.31.1), at a working precision
    raised by the digits its cancellation costs (mpmath's besselk is slow below x = 66)."""
    with mp.workdps(mp.mp.dps + 10 + int(x)):
        y = x * x / 4
        term, psi, k = mp.mpf(1), -mp.euler, 0
        i0 = i1 = r0 = r1 = mp.mpf(0)
        while k < 3 or term > mp.eps * i0:
            term1 = term / (k + 1)
            psi_next = psi + mp.mpf(1) / (k + 1)
            i0, r0 = i0 + term, r0 + psi * term
            i1, r1 = i1 + term1, r1 + (psi + psi_next) * term1
            k += 1
            term, psi = term * y / (k * k), psi_next
        log_half = mp.log(x / 2)
        k0 = r0 - log_half * i0
        k1 = 1 / x + log_half * x / 2 * i1 - x / 4 * r1
    return +k0, +k1


def i_scaled(nu: int, ax: mp.mpf) -> mp.mpf:
    """exp(-ax) I_nu(ax) for ax >= 0."""
    if ax > 10_000:
        return asymptotic(nu, ax, -1) / mp.sqrt(2 * mp.pi * ax)
    return mp.besseli(nu, ax) * mp.exp(-ax)


def k_scaled(x: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    """exp(x) K0(x) and exp(x) K1(x) for x > 0."""
    if x > 10_000:
        scale = mp.sqrt(mp.pi / (2 * x))
        return asymptotic(0, x, 1) * scale, asymptotic(1, x, 1) * scale
    if x >= 70:
        return mp.besselk(0, x) * mp.exp(x), mp.besselk(1, x) * mp.exp(x)
    k0, k1 = log_series_k(x)
    return k0 * mp.exp(x), k1 * mp.exp(x)


def i_references(x: float) -> dict[str, mp.mpf]:
    """The exact I0, I0e, I1, I1e at finite x."""
    ax = abs(mp.mpf(x))
    sign = -1 if x < 0 else 1
    s0, s1 = i_scaled(0, ax), i_scaled(1, ax) * sign
    return {"I0": s0 * mp.exp(ax), "I0e": s0, "I1": s1 * mp.exp(ax), "I1e": s1}


def k_references(x: float) -> dict[str, mp.mpf]:
    """The exact K0, K0e, K1, K1e at finite x > 0."""
    v = mp.mpf(x)
    k0, k1 = k_scaled(v)
    return {"K0": k0 * mp.exp(-v), "K0e": k0, "K1": k1 * mp.exp(-v), "K1e": k1}


# --- rounding and ulps -------------------------------------------------------------------------


def round64(v: mp.mpf) -> float:
    """v correctly rounded to double (overflowing to inf)."""
    if abs(v) >= mp.mpf(2) ** 1024 - mp.mpf(2) ** 970:
        return math.copysign(math.inf, v)
    return float(v)


def round32(v: mp.mpf) -> float:
    """v correctly rounded to float32 (overflowing to inf, subnormals included)."""
    if abs(v) >= mp.mpf(2) ** 128 - mp.mpf(2) ** 103:
        return math.copysign(math.inf, v)
    guess = F32(float(v))
    candidates = [guess, np.nextafter(guess, F32(-np.inf)), np.nextafter(guess, F32(np.inf))]
    return float(min(candidates, key=lambda c: abs(mp.mpf(float(c)) - v)))


def order32(value: float) -> int:
    """Position of a float32 in the ordered sequence of all float32 (+0 and -0 both 0)."""
    bits = int(np.array([value], dtype=F32).view(np.int32)[0])
    return bits if bits >= 0 else -(bits & 0x7FFFFFFF)


# --- the driver --------------------------------------------------------------------------------


def literal(x: float, suffix: str) -> str:
    if math.isnan(x):
        return "NAN"
    if math.isinf(x):
        return "INFINITY" if x > 0 else "-INFINITY"
    return x.hex() + suffix


def driver_source(doubles: list[float], floats: list[float]) -> str:
    calls = ", ".join(f"OUT(s::Bessel{name}(x))" for name in NAMES)
    return f"""
#include "{HEADER}"

#include <cmath>
#include <cstdio>

namespace s = opkit::special;

static const double kDoubles[] = {{{", ".join(literal(x, "") for x in doubles)}}};
static const float kFloats[] = {{{", ".join(literal(x, "f") for x in floats)}}};

int main() {{
#define OUT(v) static_cast<double>(v)
  for (const double x : kDoubles) {{
    std::printf("%.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\\n", {calls});
  }}
  for (const float x : kFloats) {{
    std::printf("%.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g\\n", {calls});
  }}
  return 0;
}}
"""


@dataclass(frozen=True)
class Results:
    """The driver's outputs per input (keyed by float.hex(x)) and function name."""

    doubles: dict[str, dict[str, float]]
    floats: dict[str, dict[str, float]]


def unique(values: list[float]) -> list[float]:
    """The distinct non-NaN values, by bit pattern (so 0.0 and -0.0 both stay)."""
    return sorted({x.hex(): x for x in values if not math.isnan(x)}.values())


DOUBLES = unique(I_POINTS + K_POINTS + EDGE64)
FLOATS = unique(I_POINTS_F + K_POINTS_F + EDGE32)

TF_SCRIPT = """
import functools, json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
ops = [functools.reduce(getattr, name.split(".")[1:], tf) for name in sys.argv[1].split(",")]
values = json.loads(sys.argv[2])
out = {}
for dtype, xs in values.items():
    x = tf.constant(np.array([float.fromhex(v) for v in xs], dtype=dtype))
    out[dtype] = [[float(y).hex() for y in op(x).numpy().tolist()] for op in ops]
print(json.dumps(out), flush=True)
os._exit(0)  # skip TensorFlow's slow teardown
"""


@pytest.fixture(scope="module", autouse=True)
def mpmath_precision() -> Iterator[None]:
    with mp.workdps(DPS):
        yield


@pytest.fixture(scope="module")
def tensorflow_results(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[], dict[str, list[list[float]]]]]:
    """TensorFlow's results on EDGE64 / EDGE32, per dtype and op. TensorFlow runs in a
    subprocess started first, so that its import overlaps the mpmath work of this module."""
    log_path = tmp_path_factory.mktemp("tf") / "stderr.txt"
    log = log_path.open("w")
    values = {"float64": [x.hex() for x in EDGE64], "float32": [x.hex() for x in EDGE32]}
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    process = subprocess.Popen(
        [sys.executable, "-c", TF_SCRIPT, ",".join(TF_OPS), json.dumps(values)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=env,
    )

    def collect() -> dict[str, list[list[float]]]:
        stdout, _ = process.communicate(timeout=120)
        log.flush()
        assert process.returncode == 0, log_path.read_text()[-3000:]
        data = json.loads(stdout)
        return {k: [[float.fromhex(y) for y in row] for row in v] for k, v in data.items()}

    yield collect
    if process.poll() is None:
        process.kill()
    process.wait()
    log.close()


@pytest.fixture(scope="module")
def results(
    tensorflow_results: Callable[[], object], tmp_path_factory: pytest.TempPathFactory
) -> Results:
    del tensorflow_results  # started first, collected by test_special_values_match_tensorflow
    flags = ["-O2", "-Wshadow", "-Wconversion", "-fno-exceptions", "-fno-rtti"]
    flags.append(f"-I{ROOT / 'cpp/include'}")
    workdir = tmp_path_factory.mktemp("bessel_ik")
    stdout = compile_and_run(driver_source(DOUBLES, FLOATS), workdir, flags=flags)
    rows = [[float(v) for v in line.split()] for line in stdout.splitlines()]
    assert len(rows) == len(DOUBLES) + len(FLOATS)
    outputs = [dict(zip(NAMES, row, strict=True)) for row in rows]
    doubles = {x.hex(): y for x, y in zip(DOUBLES, outputs[: len(DOUBLES)], strict=True)}
    floats = {x.hex(): y for x, y in zip(FLOATS, outputs[len(DOUBLES) :], strict=True)}
    return Results(doubles, floats)


@pytest.fixture(scope="module")
def exact() -> dict[str, dict[str, mp.mpf]]:
    """mpmath values: of the I functions at the I points, of the K functions at the K points,
    of all eight at the finite edge values (the K functions where x > 0)."""
    edges = [x for x in EDGE64 + EDGE32 if math.isfinite(x)]
    out: dict[str, dict[str, mp.mpf]] = {x.hex(): {} for x in DOUBLES + FLOATS}
    for x in unique(I_POINTS + I_POINTS_F + edges):
        out[x.hex()] |= i_references(x)
    for x in unique(K_POINTS + K_POINTS_F + edges):
        if x > 0:
            out[x.hex()] |= k_references(x)
    return out


# --- accuracy ----------------------------------------------------------------------------------


def double_error(ours: float, v: mp.mpf) -> str | None:
    """Why double result ``ours`` is not close enough to the exact value v (None if it is)."""
    expected = round64(v)
    if math.isinf(ours) or math.isinf(expected):
        # Only at the overflow threshold, where rounding may go either way.
        if ours == expected or abs(mp.mpf(ours) / v - 1) <= DOUBLE_RTOL:
            return None
        same_sign = math.copysign(1, ours) == math.copysign(1, expected)
        if math.isinf(ours) and same_sign and abs(v) >= MAX64 * (1 - DOUBLE_RTOL):
            return None
        return f"{ours!r} instead of {expected!r}"
    if abs(expected) < TINY64:  # subnormal or 0: one step of 2^-1074
        if abs(mp.mpf(ours) - v) <= SUB64:
            return None
        return f"{ours!r}, off by {mp.nstr(abs(mp.mpf(ours) - v) / SUB64, 3)} subnormal steps"
    error = abs(mp.mpf(ours) / v - 1)
    return None if error <= DOUBLE_RTOL else f"{ours!r}, relative error {mp.nstr(error, 3)}"


@pytest.mark.parametrize("name", NAMES)
def test_double_accuracy(name: str, results: Results, exact: dict[str, dict[str, mp.mpf]]) -> None:
    failures = []
    checked = 0
    for key, row in results.doubles.items():
        x = float.fromhex(key)
        v = exact[key].get(name)
        if v is None:  # K at x <= 0, or x = +-inf: compared with TensorFlow below
            continue
        checked += 1
        problem = double_error(row[name], v)
        if problem is not None:
            failures.append(f"{name}({x!r}) = {problem}")
    assert checked >= 1100
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("name", NAMES)
def test_float_accuracy(name: str, results: Results, exact: dict[str, dict[str, mp.mpf]]) -> None:
    failures = []
    checked = 0
    for key, row in results.floats.items():
        x = float.fromhex(key)
        v = exact[key].get(name)
        if v is None:
            continue
        checked += 1
        expected = round32(v)
        steps = abs(order32(row[name]) - order32(expected))
        if steps > 1:
            failures.append(f"{name}({x!r}f) = {row[name]!r}, {steps} ulp from {expected!r}")
    assert checked >= 700
    assert not failures, "\n".join(failures[:20])


def test_references_agree_with_mpmath_besselk_and_besseli() -> None:
    """The test's own K series and large-x expansions against mpmath's functions."""
    for x in (mp.mpf("1e-5"), mp.mpf("0.3"), mp.mpf("1.9"), mp.mpf("7.5"), mp.mpf("45")):
        k0, k1 = log_series_k(x)
        assert abs(k0 / mp.besselk(0, x) - 1) < mp.mpf("1e-35")
        assert abs(k1 / mp.besselk(1, x) - 1) < mp.mpf("1e-35")
    x = mp.mpf(20_000)
    for nu in (0, 1):
        i_exact = mp.besseli(nu, x) * mp.exp(-x)
        k_exact = mp.besselk(nu, x) * mp.exp(x)
        assert abs(asymptotic(nu, x, -1) / mp.sqrt(2 * mp.pi * x) / i_exact - 1) < 1e-35
        assert abs(asymptotic(nu, x, 1) * mp.sqrt(mp.pi / (2 * x)) / k_exact - 1) < 1e-35


# --- special values against TensorFlow ---------------------------------------------------------

TF_AT_ZERO = {"I0": 1.0, "I0e": 1.0, "I1": 0.0, "I1e": 0.0}  # and +inf for the K functions


def kind(value: float) -> str:
    if math.isnan(value):
        return "nan"
    sign = "-" if math.copysign(1.0, value) < 0 else "+"
    if math.isinf(value):
        return sign + "inf"
    return sign + ("0" if value == 0 else "finite")


def tensorflow_mistake(dtype: str, name: str, x: float, theirs: float, v: mp.mpf | None) -> str:
    """Which documented TensorFlow 2.21 error explains TF's ``theirs`` at x ('' if none)."""
    info = np.finfo(dtype)
    tiny, huge = float(info.tiny), float(info.max)
    if v is None:
        return ""
    exact = round64(v) if dtype == "float64" else round32(v)
    at_zero = TF_AT_ZERO.get(name, math.inf)
    overflows = math.isinf(theirs) and math.isfinite(exact) and abs(x) > math.log(huge)
    if name in ("I0", "I1") and overflows:
        return "exp(|x|) overflows before I does"
    if theirs == 0 and exact != 0 and abs(exact) < tiny:
        return "subnormal result flushed to zero"
    if 0 < abs(x) < tiny and kind(theirs) == kind(at_zero):
        return "subnormal input read as zero"
    k_at_half_zero = "+inf" if name in ("K0", "K0e") else "nan"
    if name.startswith("K") and tiny <= x < 2 * tiny and kind(theirs) == k_at_half_zero:
        return "x/2 flushed to zero inside ln(x/2)"
    return ""


def test_special_values_match_tensorflow(
    results: Results,
    exact: dict[str, dict[str, mp.mpf]],
    tensorflow_results: Callable[[], dict[str, list[list[float]]]],
) -> None:
    tf_values = tensorflow_results()
    mismatches = []
    mistakes_seen = set()
    for dtype, edges, ours_at, rtol in (
        ("float64", EDGE64, results.doubles, 1e-13),
        ("float32", EDGE32, results.floats, 4e-6),
    ):
        assert len(tf_values[dtype]) == len(NAMES)
        for i, name in enumerate(NAMES):
            for x, theirs in zip(edges, tf_values[dtype][i], strict=True):
                ours = math.nan if math.isnan(x) else ours_at[x.hex()][name]
                if kind(ours) == kind(theirs):
                    if math.isfinite(ours) and ours != 0:
                        assert abs(ours / theirs - 1) <= rtol, (dtype, name, x, ours, theirs)
                    continue
                # A known TensorFlow error, and the header is right there (to 1 ulp).
                v = exact.get(x.hex(), {}).get(name)
                mistake = tensorflow_mistake(dtype, name, x, theirs, v)
                if not mistake:
                    mismatches.append(f"{dtype} {name}({x!r}): ours {ours!r}, TF {theirs!r}")
                    continue
                assert v is not None
                if dtype == "float64":
                    assert double_error(ours, v) is None, (name, x, ours)
                else:
                    assert abs(order32(ours) - order32(round32(v))) <= 1, (name, x, ours)
                mistakes_seen.add(mistake)
    assert not mismatches, "\n".join(mismatches)
    # Each difference the header documents does occur on these edge values.
    assert mistakes_seen == {
        "exp(|x|) overflows before I does",
        "subnormal result flushed to zero",
        "subnormal input read as zero",
        "x/2 flushed to zero inside ln(x/2)",
    }
