"""Quantizing models that have custom ops.

Full-integer quantization needs calibration, which TensorFlow runs in an
interpreter without custom kernels; opkit calibrates with its own interpreter.
The first test proves that calibration equal to TensorFlow's on a model both
can run; the others quantize models with a custom op.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf
from tensorflow.lite.python import convert as tf_convert
from tensorflow.lite.python.optimize import calibrator

import opkit
from opkit.converter import _calibrate, _with_ranges
from opkit.tflite_model import summarize

RNG = np.random.default_rng(0)
CALIBRATION = [RNG.standard_normal((1, 32)).astype(np.float32) for _ in range(50)]
TEST_INPUT = RNG.standard_normal((32, 32)).astype(np.float32)


def dataset() -> Iterator[list[np.ndarray]]:
    for sample in CALIBRATION:
        yield [sample]


def mlp(activation: Any) -> keras.Model:
    keras.utils.set_random_seed(1)
    inputs = keras.Input((32,))
    hidden = keras.layers.Lambda(activation)(keras.layers.Dense(64)(inputs))
    return keras.Model(inputs, keras.layers.Dense(8)(hidden))


def quantization_params(model: bytes) -> dict[str, tuple[float, int]]:
    interpreter = opkit.Interpreter(model)
    return {d["name"]: d["quantization"] for d in interpreter.get_tensor_details()}


def outputs(model: bytes) -> np.ndarray:
    interpreter = opkit.Interpreter(model)
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], TEST_INPUT.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], TEST_INPUT)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def test_opkit_calibration_equals_tensorflows() -> None:
    model = mlp(tf.tanh)
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = dataset
    reference = bytes(converter.convert())

    float_model = bytes(
        calibrator.add_intermediate_tensors(
            tf.lite.TFLiteConverter.from_keras_model(model).convert()
        )
    )
    libraries = [opkit.load_library(opkit.catalog_library())]
    calibrated = _with_ranges(float_model, _calibrate(float_model, libraries, dataset))
    ours = bytes(tf_convert.mlir_quantize(calibrated))

    theirs = quantization_params(reference)
    mine = quantization_params(ours)
    assert sum(scale > 0 for scale, _ in theirs.values()) >= 4  # really quantized
    assert mine.keys() == theirs.keys()
    for name, (scale, zero_point) in theirs.items():
        # TF calibrates with the reference kernels, opkit with XNNPACK: ranges agree to
        # float rounding, so scales may differ in the last bit.
        assert mine[name][1] == zero_point, name
        assert mine[name][0] == pytest.approx(scale, rel=1e-6), name
    np.testing.assert_allclose(outputs(ours), outputs(reference), rtol=1e-5, atol=1e-6)


def test_full_integer_quantization_keeps_the_custom_op_in_float() -> None:
    model = mlp(tf.math.sinh)
    converted = opkit.convert(model, quantization="int8", representative_dataset=dataset)
    summary = summarize(converted.model)
    assert [(n.op, n.input_types, n.output_types) for n in summary.custom_nodes] == [
        (("Sinh", 1), ("float32",), ("float32",))
    ]
    assert summary.builtin_ops["QUANTIZE"] >= 1 and summary.builtin_ops["DEQUANTIZE"] >= 1
    int8_tensors = [
        d for d in opkit.Interpreter(converted.model).get_tensor_details() if d["dtype"] == np.int8
    ]
    assert len(int8_tensors) >= 4  # the dense layers really run in int8
    report = opkit.verify(model, converted.model, inputs=[TEST_INPUT], atol=0.5)
    assert report.outputs[0].max_abs_error > 0  # quantized, not the float model
    expected = model(TEST_INPUT).numpy()
    error = np.abs(outputs(converted.model) - expected).max() / np.abs(expected).max()
    assert error < 0.5


def test_dynamic_range_quantization_with_a_custom_op() -> None:
    model = mlp(tf.math.sinh)
    converted = opkit.convert(model, quantization="dynamic")
    weights = [
        d for d in opkit.Interpreter(converted.model).get_tensor_details() if d["dtype"] == np.int8
    ]
    assert weights  # the 32x64 kernel is stored as int8
    report = opkit.verify(model, converted.model, inputs=[TEST_INPUT])
    assert report.passed, report.table()
    assert report.outputs[0].max_abs_error < 0.05 * np.abs(model(TEST_INPUT).numpy()).max()


def test_int8_needs_a_dataset_and_known_modes_only() -> None:
    with pytest.raises(opkit.OpkitError, match="needs a representative_dataset"):
        opkit.convert(mlp(tf.math.sinh), quantization="int8")
    with pytest.raises(opkit.OpkitError, match="quantization must be"):
        opkit.convert(mlp(tf.math.sinh), quantization="int4")  # type: ignore[arg-type]
