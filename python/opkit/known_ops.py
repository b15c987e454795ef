"""What opkit knows about TensorFlow ops before generating a kernel for one.

- ``conversion(name)``: what the TFLite converter does with TF op ``name``
  (a builtin, or a custom op), from data/converter_survey.json, which
  tools/survey_converter.py measured on tensorflow 2.21.
- ``KNOWN_MATH``: elementwise ops whose math opkit can fill in, so that a
  scaffolded kernel works at once: the C++ function applied to each element,
  the header that declares it, and the input domain to verify on.
- ``STRUCTURED``: the output shape rule of TF ops that are not elementwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ai_edge_litert import schema_py_generated as schema

from .names import snake_case
from .spec import OpSpec


@dataclass(frozen=True)
class Conversion:
    """What converting TF op ``name`` gives."""

    name: str
    callable: str | None
    """A public TF function that emits the op, e.g. "tf.math.erfc"."""
    builtins: tuple[str, ...]
    """TFLite builtin operators it became (empty if it became a custom op)."""
    custom: bool

    @property
    def is_builtin(self) -> bool:
        return not self.custom and bool(self.builtins)


@cache
def _survey() -> dict[str, Any]:
    text = resources.files("opkit").joinpath("data/converter_survey.json").read_text()
    data: dict[str, Any] = json.loads(text)["ops"]
    return data


_BUILTIN_OPERATORS = frozenset(
    name for name in vars(schema.BuiltinOperator) if not name.startswith("_")
)


def conversion(name: str) -> Conversion | None:
    """How the converter treats TF op ``name``; None when opkit has no measurement.

    Falls back on TFLite's builtin operator list: an op whose UPPER_SNAKE name
    is a builtin (e.g. "Atan2" -> ATAN2) is reported as that builtin.
    """
    entry = _survey().get(name)
    if entry is not None and "error" not in entry:
        return Conversion(
            name=name,
            callable=entry["callable"],
            builtins=tuple(entry["builtin"]),
            custom=name in entry["custom"],
        )
    upper = snake_case(name).upper()
    if upper in _BUILTIN_OPERATORS and upper != "CUSTOM":
        return Conversion(name=name, callable=None, builtins=(upper,), custom=False)
    return None


@dataclass(frozen=True)
class KnownMath:
    """An elementwise op whose kernel opkit can write: y[i] = function(x[i])."""

    name: str
    reference: str
    function: str
    header: str
    domain: tuple[float, float]
    dtypes: tuple[str, ...] = ("float32", "float64")
    rtol: dict[str, float] = field(default_factory=dict)
    atol: dict[str, float] = field(default_factory=dict)


def _std(name: str, reference: str, function: str, domain: tuple[float, float]) -> KnownMath:
    return KnownMath(name, reference, f"std::{function}", "cmath", domain)


def _special(
    name: str,
    reference: str,
    header: str,
    domain: tuple[float, float],
    atol: dict[str, float] | None = None,
) -> KnownMath:
    return KnownMath(
        name,
        reference,
        f"opkit::special::{name}",
        f"opkit/special/{header}.h",
        domain,
        atol=atol or {},
    )


# Oscillating functions have zeros where any finite-precision result loses its
# relative accuracy; compare them with an absolute tolerance as well.
_NEAR_ZEROS = {"float32": 2e-6, "float64": 1e-14}

KNOWN_MATH: dict[str, KnownMath] = {
    m.name: m
    for m in (
        _std("Acos", "tf.math.acos", "acos", (-1.0, 1.0)),
        _std("Acosh", "tf.math.acosh", "acosh", (1.0, 1e4)),
        _std("Asin", "tf.math.asin", "asin", (-1.0, 1.0)),
        _std("Asinh", "tf.math.asinh", "asinh", (-1e4, 1e4)),
        _std("Atan", "tf.math.atan", "atan", (-1e4, 1e4)),
        _std("Atanh", "tf.math.atanh", "atanh", (-1.0, 1.0)),
        _std("Cosh", "tf.math.cosh", "cosh", (-80.0, 80.0)),
        _std("Sinh", "tf.math.sinh", "sinh", (-80.0, 80.0)),
        _std("Tan", "tf.math.tan", "tan", (-1.5, 1.5)),
        _std("Erf", "tf.math.erf", "erf", (-6.0, 6.0)),
        _std("Erfc", "tf.math.erfc", "erfc", (-6.0, 9.0)),
        # Ops TFLite has builtins for: a custom op of this name exists only
        # when a model fuses one on purpose (`scaffold-op Sin --fused`).
        _std("Sin", "tf.math.sin", "sin", (-10.0, 10.0)),
        _std("Cos", "tf.math.cos", "cos", (-10.0, 10.0)),
        _std("Exp", "tf.math.exp", "exp", (-80.0, 80.0)),
        _std("Log", "tf.math.log", "log", (1e-6, 1e6)),
        _std("Tanh", "tf.math.tanh", "tanh", (-10.0, 10.0)),
        _std("Sqrt", "tf.math.sqrt", "sqrt", (0.0, 1e6)),
        _special("Erfinv", "tf.math.erfinv", "gamma_error", (-1.0, 1.0)),
        _special("Ndtri", "tf.math.ndtri", "gamma_error", (0.0, 1.0)),
        _special("Digamma", "tf.math.digamma", "gamma_error", (-10.0, 10.0), _NEAR_ZEROS),
        _special("Spence", "tf.math.special.spence", "gamma_error", (0.0, 10.0)),
        _special("Dawsn", "tf.math.special.dawsn", "integrals", (-20.0, 20.0)),
        _special("Expint", "tf.math.special.expint", "integrals", (-20.0, 20.0), _NEAR_ZEROS),
        _special("FresnelCos", "tf.math.special.fresnel_cos", "integrals", (-10.0, 10.0)),
        _special("FresnelSin", "tf.math.special.fresnel_sin", "integrals", (-10.0, 10.0)),
        _special("BesselI0", "tf.math.bessel_i0", "bessel_ik", (-20.0, 20.0)),
        _special("BesselI0e", "tf.math.bessel_i0e", "bessel_ik", (-50.0, 50.0)),
        _special("BesselI1", "tf.math.bessel_i1", "bessel_ik", (-20.0, 20.0)),
        _special("BesselI1e", "tf.math.bessel_i1e", "bessel_ik", (-50.0, 50.0)),
        _special("BesselK0", "tf.math.special.bessel_k0", "bessel_ik", (0.01, 50.0)),
        _special("BesselK0e", "tf.math.special.bessel_k0e", "bessel_ik", (0.01, 50.0)),
        _special("BesselK1", "tf.math.special.bessel_k1", "bessel_ik", (0.01, 50.0)),
        _special("BesselK1e", "tf.math.special.bessel_k1e", "bessel_ik", (0.01, 50.0)),
        _special("BesselJ0", "tf.math.special.bessel_j0", "bessel_jy", (-50.0, 50.0), _NEAR_ZEROS),
        _special("BesselJ1", "tf.math.special.bessel_j1", "bessel_jy", (-50.0, 50.0), _NEAR_ZEROS),
        _special("BesselY0", "tf.math.special.bessel_y0", "bessel_jy", (0.01, 50.0), _NEAR_ZEROS),
        _special("BesselY1", "tf.math.special.bessel_y1", "bessel_jy", (0.01, 50.0), _NEAR_ZEROS),
    )
}


STRUCTURED: dict[str, dict[str, str]] = {
    # TF op -> {output name: shape rule}; ops not listed here and not
    # elementwise get "kernel" (the kernel computes the shape).
    "Cumprod": {"out": "same:x"},
    "Cumsum": {"out": "same:x"},
    "CumulativeLogsumexp": {"out": "same:x"},
}


def math_for(spec: OpSpec) -> KnownMath | None:
    """The known math of ``spec``'s op, if the spec has the unary elementwise form it fills."""
    known = KNOWN_MATH.get(spec.name)
    if known is None or len(spec.inputs) != 1 or len(spec.outputs) != 1 or spec.attrs:
        return None
    x, y = spec.inputs[0], spec.outputs[0]
    if y.shape_rule != ("same", x.name) or x.type != y.type:
        return None
    if not set(spec.dtypes_of(x)) <= {"float32", "float64"}:
        return None
    return known
