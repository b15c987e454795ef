"""Catalog ops along axes - Cumprod, CumulativeLogsumexp, EuclideanNorm - against TensorFlow.

Every case converts a TensorFlow function that calls the TF op, runs the model in
opkit.Interpreter (the catalog library) and compares with TF's eager result on the
same input. Few models are converted: most take x (of any rank) and the axis as model
inputs, so one model per op and dtype serves every shape and axis; the constant-axis
models cover the path where the kernel reads the axis in Prepare.

Tolerances:
- integers: exact (products, squares and sums wrap around modulo 2^bits, as in TF);
- Cumprod floats: exact - the same products in the same order (and for float16 and
  bfloat16 the same rounding of each product) as TF;
- CumulativeLogsumexp and EuclideanNorm in float32, float16 and bfloat16: within RTOL
  relative of TF's result in that type (+ RTOL * scale absolute for logsumexp results
  near 0), and within 1 ulp (logsumexp) or 1/2 ulp (norm) of TF's float64 result on
  the same inputs: opkit accumulates in double and rounds once, where TF's results
  drift by their per-step roundings;
- float64: within 1e-13 relative of TF (+ 1e-13 * scale absolute for logsumexp).
TF flushes subnormal floats to zero on CPU and the TFLite kernels do not; no random
input comes near the subnormal range, and the edge cases that do allow for it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

import ml_dtypes
import numpy as np
import pytest
import tensorflow as tf

import opkit
from opkit.fusion import convert_with_fusion
from opkit.tflite_model import summarize

BF16 = ml_dtypes.bfloat16
INT_TYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64]
FLOAT_TYPES = [np.float32, np.float64, np.float16, BF16]
SCAN_TYPES = {"Cumprod": FLOAT_TYPES + INT_TYPES, "CumulativeLogsumexp": FLOAT_TYPES}
NORM_TYPES = FLOAT_TYPES + INT_TYPES
SHAPES = [(7,), (3, 5), (2, 3, 4), (3, 1, 4), (1, 6), (0, 3)]
COMBOS = [(False, False), (False, True), (True, False), (True, True)]  # (exclusive, reverse)
# Relative tolerances against TF's result in the same dtype (about 2 ulp for 16 bits).
RTOL = {np.float32: 1e-6, np.float64: 1e-13, np.float16: 2e-3, BF16: 1.6e-2}
NAN, INF = np.nan, np.inf

SCAN_FN: dict[str, Callable[..., Any]] = {
    "Cumprod": tf.math.cumprod,
    "CumulativeLogsumexp": tf.math.cumulative_logsumexp,
}


def name_of(dtype: Any) -> str:
    return np.dtype(dtype).name


def is_float(dtype: Any) -> bool:
    return np.dtype(dtype).type in FLOAT_TYPES


def to_numpy(value: Any) -> np.ndarray:
    return np.asarray(value.numpy() if isinstance(value, tf.Tensor) else value)


# ---------------------------------------------------------------------------
# Models and running them.


class Model:
    """A converted model and a signature runner over it (inputs and outputs by name)."""

    def __init__(self, fn: Callable[..., Any], specs: Sequence[tf.TensorSpec], **kwargs: Any):
        self.tflite = convert_with_fusion(fn, list(specs))
        self.runner = opkit.Interpreter(self.tflite, **kwargs).get_signature_runner()

    def __call__(self, **inputs: np.ndarray) -> list[np.ndarray]:
        outputs = self.runner(**inputs)
        return [outputs[f"output_{i}"] for i in range(len(outputs))]

    def fresh(self, **kwargs: Any) -> Any:
        """A new runner over the same model (a clean error log for error tests)."""
        return opkit.Interpreter(self.tflite, **kwargs).get_signature_runner()


def scan_all(op: str, x: Any, axis: Any) -> list[Any]:
    """The op for every (exclusive, reverse) combination, in COMBOS order."""
    return [SCAN_FN[op](x, axis, exclusive=e, reverse=r) for e, r in COMBOS]


def norm_both(x: Any, axis: Any) -> list[Any]:
    return [tf.math.reduce_euclidean_norm(x, axis, keepdims=k) for k in (False, True)]


@cache
def scan_model(op: str, dtype: Any, axis_dtype: Any = np.int32) -> Model:
    """x of any rank and a scalar axis as inputs; one output per COMBOS entry."""
    return Model(
        lambda x, axis: scan_all(op, x, axis),
        [tf.TensorSpec(None, dtype), tf.TensorSpec([], axis_dtype)],
    )


@cache
def norm_model(dtype: Any, axis_dtype: Any = np.int32) -> Model:
    """x of any rank and axes of any shape as inputs; outputs without and with keep_dims."""
    return Model(norm_both, [tf.TensorSpec(None, dtype), tf.TensorSpec(None, axis_dtype)])


CONST_SCAN_CASES = [(-3, False, False), (-2, True, False), (-1, False, True), (0, True, True)]
CONST_SCAN_CASES += [(1, True, False), (2, True, True)]


@cache
def const_scan_model(op: str, dtype: Any) -> Model:
    """Constant axes (every axis of rank 3, negative ones too) and default attributes."""

    def fn(x: Any) -> list[Any]:
        outputs = [SCAN_FN[op](x, a, exclusive=e, reverse=r) for a, e, r in CONST_SCAN_CASES]
        return [*outputs, SCAN_FN[op](x, 1)]

    return Model(fn, [tf.TensorSpec([None, None, None], dtype)])


CONST_NORM_CASES: list[tuple[Any, bool]] = [
    (0, False),
    (-1, True),
    ([0, 2], False),
    ([-1, 1], True),
    ([], False),
    ([], True),
    ([2, 0, 1], False),
    ([1], True),
]


@cache
def const_norm_model(dtype: Any) -> Model:
    def fn(x: Any) -> list[Any]:
        outputs = [
            tf.math.reduce_euclidean_norm(x, axes, keepdims=k) for axes, k in CONST_NORM_CASES
        ]
        return [*outputs, tf.math.reduce_euclidean_norm(x)]  # all axes, default keep_dims

    return Model(fn, [tf.TensorSpec([None, None, None], dtype)])


# ---------------------------------------------------------------------------
# Inputs and comparisons.


def sample(op: str, shape: tuple[int, ...], dtype: Any, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        # Full range: products and squares overflow and wrap around.
        return np.asarray(rng.integers(info.min, info.max, shape, dtype, endpoint=True))
    if op == "Cumprod":  # magnitudes near 1 with both signs: long products stay finite
        magnitude = rng.uniform(0.5, 2.0, size=shape)
        return (magnitude * rng.choice([-1.0, 1.0], size=shape)).astype(dtype)
    return (rng.standard_normal(shape) * 4).astype(dtype)


def assert_same(actual: np.ndarray, expected: np.ndarray) -> None:
    """Equal values and shapes, NaN where expected has NaN, and the same signs of zero."""
    assert actual.dtype == expected.dtype
    if is_float(expected.dtype):  # (float64 holds every value; numpy knows bfloat16 less)
        actual, expected = actual.astype(np.float64), expected.astype(np.float64)
        numbers = ~np.isnan(expected)  # (a NaN's sign bit means nothing)
        assert np.array_equal(np.signbit(actual[numbers]), np.signbit(expected[numbers]))
    np.testing.assert_array_equal(actual, expected, strict=True)


def assert_close(actual: np.ndarray, expected: Any, rtol: float, atol: float = 0.0) -> None:
    expected = to_numpy(expected)
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    np.testing.assert_allclose(
        actual.astype(np.float64), expected.astype(np.float64), rtol, atol, equal_nan=True
    )


def ulps(actual: np.ndarray, exact: Any) -> float:
    """The largest distance of results from float64 values, in ulps of the results' dtype."""
    exact = np.asarray(exact, np.float64)
    info = ml_dtypes.finfo(actual.dtype)
    finite = np.abs(exact) <= float(info.max)  # (beyond: inf, and NaN, checked elsewhere)
    if not finite.any():
        return 0.0
    _, exponent = np.frexp(np.abs(exact[finite]))  # |exact| = m * 2^exponent, 0.5 <= m < 1
    spacing = np.maximum(np.ldexp(1.0, exponent - 1 - info.nmant), float(info.smallest_subnormal))
    return float(np.max(np.abs(actual[finite].astype(np.float64) - exact[finite]) / spacing))


def check_scan(op: str, actual: np.ndarray, expected: Any, x: np.ndarray, args: Any) -> None:
    """One scan result against TF's (expected) on input x; args recompute it in float64."""
    expected = to_numpy(expected)
    if op == "Cumprod" or not is_float(x.dtype):
        assert_same(actual, expected)
        return
    scale = float(np.max(np.abs(x.astype(np.float64)), initial=1.0))
    rtol = RTOL[x.dtype.type]
    assert_close(actual, expected, rtol=rtol, atol=rtol * scale)
    if x.dtype != np.float64:
        exact = SCAN_FN[op](x.astype(np.float64), *args[0], **args[1]).numpy()
        assert ulps(actual, exact) <= 1.0


def axes_variants(rank: int) -> Iterator[Any]:
    """Every subset of the dimensions, with mixed negative spellings, and every scalar axis."""
    for size in range(rank + 1):
        for dims in itertools.combinations(range(rank), size):
            yield [d - rank if (d + size) % 2 else d for d in dims]
    for d in range(rank):
        yield d
        yield d - rank


def check_norm(actual: np.ndarray, expected: Any, x: np.ndarray, exact: Any = None) -> None:
    """actual against TF's result (expected) and, for narrow floats, the float64 norm."""
    expected = to_numpy(expected)
    if not is_float(x.dtype):
        assert_same(actual, expected)
        return
    assert_close(actual, expected, rtol=RTOL[x.dtype.type])
    if exact is not None and x.dtype != np.float64:
        assert ulps(actual, exact) <= 0.5


# ---------------------------------------------------------------------------
# Cumprod and CumulativeLogsumexp.


SCAN_CASES = [(op, t) for op, types in SCAN_TYPES.items() for t in types]


@pytest.mark.parametrize(
    ("op", "dtype"), SCAN_CASES, ids=[f"{op}-{name_of(t)}" for op, t in SCAN_CASES]
)
def test_scan_every_shape_axis_and_direction(op: str, dtype: Any) -> None:
    model = scan_model(op, dtype)
    assert summarize(model.tflite).custom_ops == {(op, 1): 4}
    for shape in SHAPES:
        x = sample(op, shape, dtype)
        for axis in range(-len(shape), len(shape)):
            outputs = model(x=x, axis=np.array(axis, np.int32))
            expected = scan_all(op, x, axis)
            for (e, r), actual, want in zip(COMBOS, outputs, expected, strict=True):
                check_scan(op, actual, want, x, ((axis,), {"exclusive": e, "reverse": r}))


CONST_CASES = [("Cumprod", np.float32), ("Cumprod", np.int32)]
CONST_CASES += [("CumulativeLogsumexp", np.float32), ("CumulativeLogsumexp", np.float16)]


@pytest.mark.parametrize(
    ("op", "dtype"), CONST_CASES, ids=[f"{op}-{name_of(t)}" for op, t in CONST_CASES]
)
def test_scan_with_constant_axes(op: str, dtype: Any) -> None:
    """The axis is a constant tensor: the kernel checks it in Prepare."""
    model = const_scan_model(op, dtype)
    for shape in [(2, 3, 4), (4, 1, 5)]:
        x = sample(op, shape, dtype, seed=1)
        outputs = model(x=x)
        cases = [*CONST_SCAN_CASES, (1, False, False)]
        for (axis, e, r), actual in zip(cases, outputs, strict=True):
            want = SCAN_FN[op](x, axis, exclusive=e, reverse=r)
            check_scan(op, actual, want, x, ((axis,), {"exclusive": e, "reverse": r}))


@pytest.mark.parametrize("op", SCAN_TYPES)
def test_scan_with_an_int64_axis(op: str) -> None:
    model = scan_model(op, np.float64, np.int64)
    x = sample(op, (3, 4), np.float64)
    for axis in (-2, -1, 0, 1):
        outputs = model(x=x, axis=np.array(axis, np.int64))
        for (e, r), actual, want in zip(COMBOS, outputs, scan_all(op, x, axis), strict=True):
            check_scan(op, actual, want, x, ((axis,), {"exclusive": e, "reverse": r}))


CUMPROD_EDGES = [
    [NAN, 2.0, 3.0, 0.5],
    [2.0, NAN, 0.0, 4.0],
    [INF, 0.0, 5.0, 1.0],
    [-INF, -1.0, 2.0, -0.0],
    [0.0, INF, 1.0, -2.0],
    [-0.0, 1.0, -1.0, 3.0],
    [1e30, 1e30, 1e-30, 7.0],  # overflows float32 to inf, which then stays
    [-1e200, 1e200, 10.0, 0.1],  # overflows float64 (and float32) to -inf
    [3.0e38, -2.0, 0.5, 0.5],
    [1e-30, 1e-30, 1e30, 2.0],  # underflows to 0 (through subnormals in float64)
]


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=name_of)
def test_cumprod_special_float_values(dtype: Any) -> None:
    with np.errstate(over="ignore"):
        x = np.array(CUMPROD_EDGES).astype(dtype)
    for axis in (0, 1):
        outputs = scan_model("Cumprod", dtype)(x=x, axis=np.array(axis, np.int32))
        for actual, want in zip(outputs, scan_all("Cumprod", x, axis), strict=True):
            want = want.numpy()
            # TF flushes subnormal float32/float64 products to zero; the kernel keeps them.
            tiny = float(ml_dtypes.finfo(dtype).tiny)
            flushed = (np.abs(actual.astype(np.float64)) < tiny) & (want == 0)
            assert_same(np.where(flushed, want, actual), want)


@pytest.mark.parametrize("dtype", INT_TYPES, ids=name_of)
def test_cumprod_integers_wrap_around(dtype: Any) -> None:
    info = np.iinfo(dtype)
    rows = [
        [info.max, 2, 3, 5, 7, 11],
        [info.min, info.min, -1 if info.min else 1, 3, 3, 3],
        [info.max, info.max, info.max, info.max, 0, 9],
        [16, 16, 16, 16, 16, 16],  # 2^24: 0 for 8- and 16-bit types
        [3, 3, 3, 3, 3, 3],
    ]
    x = np.array(rows, dtype=object).astype(dtype)
    for axis in (-1, 0):
        outputs = scan_model("Cumprod", dtype)(x=x, axis=np.array(axis, np.int32))
        for actual, want in zip(outputs, scan_all("Cumprod", x, axis), strict=True):
            assert_same(actual, want.numpy())
    # The wraparound itself: products modulo 2^bits, independently of TF.
    (inclusive, *_) = scan_model("Cumprod", dtype)(x=x, axis=np.array(1, np.int32))
    bits = 8 * np.dtype(dtype).itemsize
    for row, actual in zip(x.tolist(), inclusive.tolist(), strict=True):
        product = 1
        for value, got in zip(row, actual, strict=True):
            product = product * value % 2**bits
            signed = product - 2**bits if info.min and product >= 2 ** (bits - 1) else product
            assert got == signed


LOGSUMEXP_EDGES = [
    [NAN, 1.0, 2.0, 0.5],  # a leading NaN counts as -inf
    [1.0, NAN, 2.0, NAN],  # a later NaN counts as a copy of the running value
    [-INF, -INF, -INF, -INF],  # all -inf: -inf
    [INF, 1.0, INF, 2.0],  # a second +inf: inf - inf = NaN, which then stays
    [1.0, INF, -INF, 3.0],
    [-INF, INF, NAN, 1.0],
    [INF, -INF, 2.0, NAN],
    [-INF, 1.0, -INF, -INF],
    [0.0, -0.0, 0.0, 0.0],
    [1e30, 1e30, -1e30, 3e38],
    [-1e30, -1e30, 88.0, 89.0],  # exp(89) overflows float32: the running max keeps it finite
    [3.0e38, 3.0e38, 3.0e38, -3.0e38],
    [-745.0, -746.0, -800.0, -1e4],
]


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=name_of)
def test_cumulative_logsumexp_special_values(dtype: Any) -> None:
    with np.errstate(over="ignore"):
        x = np.array(LOGSUMEXP_EDGES).astype(dtype)
    model = scan_model("CumulativeLogsumexp", dtype)
    for axis in (1, 0):
        outputs = model(x=x, axis=np.array(axis, np.int32))
        for actual, want in zip(outputs, scan_all("CumulativeLogsumexp", x, axis), strict=True):
            # Same NaN and infinities (assert_allclose checks them exactly).
            assert_close(actual, want.numpy(), rtol=RTOL[dtype])
    # The exclusive scan starts from -inf.
    outputs = model(x=np.array([[5.0, 6.0]], dtype), axis=np.array(1, np.int32))
    assert float(outputs[2][0, 0]) == -INF and float(outputs[3][0, 1]) == -INF


def test_cumulative_logsumexp_float32_is_accurate_on_long_scans() -> None:
    """TF's float32 result drifts by tens of ulp over 2000 steps; opkit's stays within 1 ulp."""
    x = (np.random.default_rng(3).standard_normal((6, 2000)) * 3).astype(np.float32)
    model = scan_model("CumulativeLogsumexp", np.float32)
    (actual, *_) = model(x=x, axis=np.array(1, np.int32))
    exact = tf.math.cumulative_logsumexp(x.astype(np.float64), 1).numpy()
    assert ulps(actual, exact) <= 1.0
    tf32 = tf.math.cumulative_logsumexp(x, 1).numpy()
    assert_close(actual, tf32, rtol=1e-5, atol=1e-5 * 12)


# ---------------------------------------------------------------------------
# EuclideanNorm.


@pytest.mark.parametrize("dtype", NORM_TYPES, ids=name_of)
def test_euclidean_norm_every_shape_and_axes(dtype: Any) -> None:
    """Axes as a model input: the output is dynamic and sized when the model runs."""
    model = norm_model(dtype)
    for shape in [*SHAPES, ()]:  # (a scalar: reduced over no axes, sqrt(x * x))
        x = sample("EuclideanNorm", shape, dtype, seed=2)
        for axes in axes_variants(len(shape)):
            axis = np.array(axes, np.int32)
            expected = norm_both(x, axis)
            if expected[0].shape.num_elements() == 0:
                # TFLite's Python wrappers cannot read an empty dynamic output (bytes == 0:
                # "Invalid tensor size", as for TFLite's own RESHAPE); the constant-axes
                # test covers empty outputs.
                continue
            outputs = model(x=x, axis=axis)
            exact = norm_both(x.astype(np.float64), axis) if is_float(dtype) else [None] * 2
            for actual, want, wide in zip(outputs, expected, exact, strict=True):
                check_norm(actual, want, x, wide)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16], ids=name_of)
def test_euclidean_norm_with_constant_axes(dtype: Any) -> None:
    """Constant axes: the output shape is set in Prepare."""
    model = const_norm_model(dtype)
    for shape in [(2, 3, 4), (3, 1, 2), (2, 0, 3)]:
        x = sample("EuclideanNorm", shape, dtype, seed=5)
        outputs = model(x=x)
        cases = [*CONST_NORM_CASES, (None, False)]
        for (axes, keep), actual in zip(cases, outputs, strict=True):
            want = tf.math.reduce_euclidean_norm(x, axes, keepdims=keep)
            check_norm(actual, want, x)


def test_euclidean_norm_with_int64_axes() -> None:
    model = norm_model(np.float32, np.int64)
    x = sample("EuclideanNorm", (3, 4, 2), np.float32)
    for axes in ([-1, 0], 1, []):
        axis = np.array(axes, np.int64)
        for actual, want in zip(model(x=x, axis=axis), norm_both(x, axis), strict=True):
            check_norm(actual, want, x)


NORM_EDGES = [
    [NAN, 1.0, 2.0],
    [INF, NAN, 0.0],
    [-INF, 1.0, 0.0],
    [0.0, -0.0, 0.0],
    [-3.0, 4.0, 0.0],
    [1e150, 1e160, 1.0],  # squares overflow float64 (TF and opkit): inf
    [3e38, 3e38, 0.0],  # the norm itself overflows float32: inf
]


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=name_of)
def test_euclidean_norm_special_float_values(dtype: Any) -> None:
    with np.errstate(over="ignore"):
        x = np.array(NORM_EDGES).astype(dtype)
    model = norm_model(dtype)
    # TF squares in the input's type, which overflows beyond sqrt(max) (1.8e19 for
    # float32, 256 for float16; see the next test): TF is the reference only for the
    # rows whose squares fit, the float64 norm for all.
    wide = x.astype(np.float64)
    limit = np.sqrt(float(ml_dtypes.finfo(dtype).max) / 4)
    fits = np.all(np.abs(wide) < limit, axis=1) | np.any(np.isnan(wide), axis=1)
    for axes in ([1], [0], [0, 1], []):
        axis = np.array(axes, np.int32)
        outputs = model(x=x, axis=axis)
        for actual, want, exact in zip(
            outputs, norm_both(x, axis), norm_both(wide, axis), strict=True
        ):
            with np.errstate(over="ignore"):
                assert_close(actual, exact.numpy().astype(dtype), rtol=RTOL[dtype])
            if dtype != np.float64:
                assert ulps(actual, exact) <= 0.5
            if axes == [1]:
                assert_close(actual[fits], want.numpy()[fits], rtol=RTOL[dtype])
            elif dtype == np.float64:
                assert_close(actual, want, rtol=RTOL[dtype])


@pytest.mark.parametrize(
    ("dtype", "rows"),
    [
        (np.float32, [[1e20, 1e20], [1e-30, 1e-30], [3e19, 4e19]]),
        (np.float16, [[300.0, 1.0], [1e-4, 1e-4], [3000.0, 4000.0]]),
        (BF16, [[1e20, 1e20], [1e-30, 1e-30], [3e30, 4e30]]),
    ],
    ids=["float32", "float16", "bfloat16"],
)
def test_euclidean_norm_does_not_overflow_where_the_norm_fits(dtype: Any, rows: Any) -> None:
    """A deliberate difference: TF squares and sums in the input's type, so its float32
    norm of [1e20, 1e20] is inf and that of [1e-30, 1e-30] is 0 (float16: [300, 1] is
    inf); opkit sums in double and returns the norm, correctly rounded."""
    x = np.array(rows).astype(dtype)
    axis = np.array(1, np.int32)
    (actual, _) = norm_model(dtype)(x=x, axis=axis)
    tf_result = tf.math.reduce_euclidean_norm(x, 1).numpy().astype(np.float64)
    assert tf_result[0] == INF and tf_result[1] == 0.0
    exact = np.sqrt(np.sum(x.astype(np.float64) ** 2, axis=1))
    assert np.all(np.isfinite(actual.astype(np.float64)))
    assert ulps(actual, exact) <= 0.5


@pytest.mark.parametrize("dtype", INT_TYPES, ids=name_of)
def test_euclidean_norm_integers_wrap_around_like_tensorflow(dtype: Any) -> None:
    """Squares and sums wrap; the root of the wrapped sum is truncated; a sum that wrapped
    to a negative value gives what TF gives (0 for 8 and 16 bits, the minimum otherwise)."""
    info = np.iinfo(dtype)
    bits = 8 * np.dtype(dtype).itemsize
    big = 2 ** (bits // 2)  # its square is 2^bits: 0
    rows = [
        [3, 4, 0, 0],
        [info.max, 1, 0, 0],
        [info.max, info.max, info.max, 0],
        [info.min, info.min, 1, 0],
        [big - 1, 1, 0, 0],  # (big-1)^2 + 1: the sum wraps to just below 2^(bits-1)...
        [big // 2 + 3, big // 2 + 5, 0, 0],  # ... or to a negative value for signed types
        [11, 12, 100, 100],
        [big, big, 5, 12],
    ]
    x = np.array(rows, dtype=object).astype(dtype)
    model = norm_model(dtype)
    for axes in ([1], [0], [0, 1], []):
        axis = np.array(axes, np.int32)
        for actual, want in zip(model(x=x, axis=axis), norm_both(x, axis), strict=True):
            assert_same(actual, want.numpy())
    # Independently of TF: the wrapped sum of squares, its truncated root.
    (actual, _) = model(x=x, axis=np.array(1, np.int32))
    for row, value in zip(rows, actual.tolist(), strict=True):
        total = sum(v * v for v in row) % 2**bits
        if info.min and total >= 2 ** (bits - 1):
            assert value == (0 if bits < 32 else info.min)
        else:
            assert value == int(np.sqrt(np.float64(total)))


# ---------------------------------------------------------------------------
# Larger tensors (blocked columns, threads) and a chain of dynamic shapes.


def test_large_tensors_with_threads() -> None:
    rng = np.random.default_rng(9)
    x = (rng.uniform(0.9, 1.1, (512, 600)) * rng.choice([-1, 1], (512, 600))).astype(np.float32)
    for op in SCAN_TYPES:
        model = scan_model(op, np.float32)
        runner = model.fresh(num_threads=4)
        for axis in (0, 1):
            outputs = runner(x=x, axis=np.array(axis, np.int32))
            for i, (e, r) in enumerate(COMBOS):
                want = SCAN_FN[op](x, axis, exclusive=e, reverse=r).numpy()
                actual = outputs[f"output_{i}"]
                if op == "Cumprod":
                    assert_same(actual, want)
                else:  # TF's float32 drifts over 600 steps: compare with float64
                    exact = SCAN_FN[op](x.astype(np.float64), axis, exclusive=e, reverse=r)
                    assert ulps(actual, exact.numpy()) <= 1.0
                    assert_close(actual, want, rtol=1e-5, atol=1e-5)
    runner = norm_model(np.float64).fresh(num_threads=4)
    x64 = x.astype(np.float64).reshape(64, 8, 600)
    for axes in ([0], [1], [2], [0, 2], [1, 2]):
        axis = np.array(axes, np.int32)
        outputs = runner(x=x64, axis=axis)
        assert_close(outputs["output_0"], tf.math.reduce_euclidean_norm(x64, axes).numpy(), 1e-13)


def test_chain_of_run_time_shapes() -> None:
    """EuclideanNorm with run-time axes feeds Cumprod (same delegate partition) and a
    builtin MUL: every shape downstream is known only when the model runs."""

    def fn(x: Any, axis: Any) -> Any:
        return tf.math.cumprod(tf.math.reduce_euclidean_norm(x, axis), 0) * 2.0

    model = Model(fn, [tf.TensorSpec(None, tf.float32), tf.TensorSpec([None], tf.int32)])
    assert summarize(model.tflite).custom_ops == {("EuclideanNorm", 1): 1, ("Cumprod", 1): 1}
    x = sample("EuclideanNorm", (3, 4, 5), np.float32)
    for axes in ([1], [2, 0], [0], [1, 2]):
        axis = np.array(axes, np.int32)
        (actual,) = model(x=x, axis=axis)
        assert_close(actual, fn(x, axis).numpy(), rtol=1e-6)


@pytest.mark.parametrize("runtime", ["litert", "tensorflow"])
def test_both_runtimes(runtime: str) -> None:
    x = sample("CumulativeLogsumexp", (3, 4), np.float32)
    axis = np.array(-1, np.int32)
    for op in SCAN_TYPES:
        runner = scan_model(op, np.float32).fresh(runtime=runtime)
        outputs = runner(x=x, axis=axis)
        for i, ((e, r), want) in enumerate(zip(COMBOS, scan_all(op, x, -1), strict=True)):
            attrs = {"exclusive": e, "reverse": r}
            check_scan(op, outputs[f"output_{i}"], want, x, ((-1,), attrs))
    runner = norm_model(np.float32).fresh(runtime=runtime)
    outputs = runner(x=x, axis=axis)
    check_norm(outputs["output_1"], norm_both(x, axis)[1], x)


# ---------------------------------------------------------------------------
# Bad input: one-line errors that name the op and the problem, never a crash.


def call_fails(runner: Any, message: str, **inputs: np.ndarray) -> None:
    with pytest.raises(RuntimeError, match=message):
        runner(**inputs)


@pytest.mark.parametrize("op", SCAN_TYPES)
def test_scan_axis_out_of_range_at_run_time(op: str) -> None:
    model = scan_model(op, np.float32)
    x = np.ones((2, 3, 4), np.float32)
    runner = model.fresh()
    for axis in (3, -4, 7, -100):
        call_fails(
            runner,
            rf"{op}: axis {axis} is out of range for input x of rank 3 \(expected -3 <= axis < 3\)",
            x=x,
            axis=np.array(axis, np.int32),
        )
    # The interpreter is still usable with a valid axis.
    outputs = runner(x=x, axis=np.array(-1, np.int32))
    check_scan(op, outputs["output_0"], SCAN_FN[op](x, -1), x, ((-1,), {}))


def test_scan_int64_axis_beyond_int32_is_out_of_range() -> None:
    runner = scan_model("Cumprod", np.float64, np.int64).fresh()
    call_fails(
        runner,
        "Cumprod: axis 4294967296 is out of range",
        x=np.ones((2, 3)),
        axis=np.array(2**32, np.int64),
    )


@pytest.mark.parametrize("op", SCAN_TYPES)
def test_scan_axis_must_be_a_scalar(op: str) -> None:
    call_fails(
        scan_model(op, np.float32).fresh(),
        f"{op}: axis must be a scalar, but it has rank 1",
        x=np.ones((2, 3), np.float32),
        axis=np.array([1], np.int32),
    )


@pytest.mark.parametrize("op", SCAN_TYPES)
def test_scan_of_a_scalar_is_an_error(op: str) -> None:
    call_fails(
        scan_model(op, np.float32).fresh(),
        f"{op}: input x is a scalar",
        x=np.array(2.0, np.float32),
        axis=np.array(0, np.int32),
    )


def test_constant_axis_out_of_range_for_the_input_given() -> None:
    """Constant axis 2, checked in Prepare against the rank the input has at run time."""
    model = Model(lambda x: tf.math.cumprod(x, 2), [tf.TensorSpec(None, tf.float32)])
    call_fails(
        model.fresh(),
        r"Cumprod: axis 2 is out of range for input x of rank 2",
        x=np.ones((2, 3), np.float32),
    )
    (actual,) = model(x=np.full((1, 2, 3), 2.0, np.float32))
    assert actual.tolist() == [[[2.0, 4.0, 8.0]] * 2]


def test_euclidean_norm_bad_axes() -> None:
    runner = norm_model(np.float32).fresh()
    x = np.ones((2, 3), np.float32)
    cases = [
        ([2], r"EuclideanNorm: reduction axis 2 is out of range for input of rank 2"),
        ([0, -3], r"EuclideanNorm: reduction axis -3 is out of range"),
        ([1, 1], r"EuclideanNorm: reduction axes name dimension 1 more than once"),
        ([0, -2], r"EuclideanNorm: reduction axes name dimension 0 more than once"),
    ]
    for axes, message in cases:
        call_fails(runner, message, x=x, axis=np.array(axes, np.int32))
    outputs = runner(x=x, axis=np.array([0, 1], np.int32))
    assert outputs["output_0"] == pytest.approx(np.sqrt(6.0))


@pytest.mark.parametrize(
    ("fn", "dtype", "message"),
    [
        (lambda x: tf.math.cumprod(x, 0), tf.complex64, "Cumprod: input x type complex64"),
        (
            lambda x: tf.math.reduce_euclidean_norm(x, 0),
            tf.complex128,
            "EuclideanNorm: input type complex128",
        ),
    ],
    ids=["Cumprod", "EuclideanNorm"],
)
def test_unsupported_dtypes_are_reported(fn: Any, dtype: Any, message: str) -> None:
    """dtypes TF allows that the converter emits but the kernels leave out (complex)."""
    model = convert_with_fusion(fn, [tf.TensorSpec([3], dtype)])
    with pytest.raises(RuntimeError, match=f"{message} is not supported"):
        opkit.Interpreter(model).allocate_tensors()
