"""The tensor element types opkit knows, with their C++ and TfLite names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DType:
    name: str
    """numpy-style name, as in op.toml and error messages."""
    tflite_enum: str
    """TfLiteType constant."""
    cpp_type: str | None
    """Element type in kernels; None when kernels cannot compute on it directly."""


DTYPES: dict[str, DType] = {
    d.name: d
    for d in (
        DType("float32", "kTfLiteFloat32", "float"),
        DType("float64", "kTfLiteFloat64", "double"),
        DType("int8", "kTfLiteInt8", "int8_t"),
        DType("uint8", "kTfLiteUInt8", "uint8_t"),
        DType("int16", "kTfLiteInt16", "int16_t"),
        DType("uint16", "kTfLiteUInt16", "uint16_t"),
        DType("int32", "kTfLiteInt32", "int32_t"),
        DType("uint32", "kTfLiteUInt32", "uint32_t"),
        DType("int64", "kTfLiteInt64", "int64_t"),
        DType("uint64", "kTfLiteUInt64", "uint64_t"),
        DType("bool", "kTfLiteBool", "bool"),
        DType("float16", "kTfLiteFloat16", None),
        DType("bfloat16", "kTfLiteBFloat16", None),
        DType("complex64", "kTfLiteComplex64", None),
        DType("complex128", "kTfLiteComplex128", None),
        DType("string", "kTfLiteString", None),
    )
}

FLOAT_TYPES = ("float32", "float64")
