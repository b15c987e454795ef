"""The spine: converted models with custom ops run through opkit.Interpreter.

Every numeric check compares against TensorFlow's own op on the same input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import tensorflow as tf

import opkit
from opkit.tflite_model import summarize
from support.models import (
    convert_fn,
    convert_functions,
    convert_keras,
    convert_with_fusion,
    fusable,
    fused,
    keras_sinh_model,
)

RUNTIMES = ["litert", "tensorflow"]
F32 = tf.TensorSpec([None, 4], tf.float32)
MISSING_OPS_MESSAGE = (
    "model needs custom ops that no loaded op library implements: NoSuchOp, Other; "
    "scaffold kernels with `scaffold-op NoSuchOp`, `scaffold-op Other`, build them with "
    "`opkit build`, and pass the library in op_libraries"
)


def run(interpreter: Any, *inputs: np.ndarray) -> list[np.ndarray]:
    """Resizes, allocates, sets inputs, invokes, returns all outputs."""
    for detail, value in zip(interpreter.get_input_details(), inputs, strict=True):
        interpreter.resize_tensor_input(detail["index"], value.shape)
    interpreter.allocate_tensors()
    for detail, value in zip(interpreter.get_input_details(), inputs, strict=True):
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


def sample(shape: tuple[int, ...], dtype: Any = np.float32, scale: float = 4.0) -> np.ndarray:
    return (np.random.default_rng(7).standard_normal(shape) * scale).astype(dtype)


@pytest.fixture(scope="module")
def keras_sinh() -> tuple[tf.keras.Model, bytes]:
    model = keras_sinh_model()
    return model, convert_keras(model)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_keras_sinh_layer_matches_tensorflow(
    keras_sinh: tuple[tf.keras.Model, bytes], runtime: str
) -> None:
    model, tflite = keras_sinh
    assert summarize(tflite).custom_ops == {("Sinh", 1): 1}
    interpreter = opkit.Interpreter(tflite, runtime=runtime)
    for batch in (2, 7):  # the second size is a resize_tensor_input after a run
        x = sample((batch, 4))
        (y,) = run(interpreter, x)
        expected = model(x).numpy()
        assert y.shape == (batch, 4)
        np.testing.assert_allclose(y, expected, rtol=1e-6, atol=0)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_back_to_back_custom_ops(runtime: str) -> None:
    tflite = convert_fn(lambda x: tf.math.sinh(tf.math.sinh(x)), F32)
    assert summarize(tflite).custom_ops == {("Sinh", 1): 2}
    x = sample((3, 4), scale=1.5)
    (y,) = run(opkit.Interpreter(tflite, runtime=runtime), x)
    np.testing.assert_allclose(y, tf.math.sinh(tf.math.sinh(x)).numpy(), rtol=1e-6)


def mixed(x: tf.Tensor) -> list[tf.Tensor]:
    inner = tf.math.sinh(tf.sin(x) * 2.0)  # builtin -> custom
    outer = tf.math.sinh(inner) + 1.0  # custom -> custom -> builtin
    return [inner, outer]  # `inner` is read inside the partition and by the graph


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_builtin_and_custom_ops_mixed(runtime: str) -> None:
    tflite = convert_fn(mixed, F32)
    summary = summarize(tflite)
    assert summary.custom_ops == {("Sinh", 1): 2}
    assert {"SIN", "MUL", "ADD"} <= set(summary.builtin_ops)
    x = sample((5, 4), scale=1.0)
    outputs = run(opkit.Interpreter(tflite, runtime=runtime), x)
    expected = [t.numpy() for t in mixed(tf.constant(x))]
    # Output order in the .tflite is not the function's; match by shape-free value.
    for want in expected:
        assert any(np.allclose(got, want, rtol=1e-6, atol=0) for got in outputs)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_float64(runtime: str) -> None:
    tflite = convert_fn(tf.math.sinh, tf.TensorSpec([None], tf.float64))
    x = np.concatenate([sample((50,), np.float64, 10.0), [0.0, -0.0, 700.0, -710.0, np.inf]])
    (y,) = run(opkit.Interpreter(tflite, runtime=runtime), x)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, tf.math.sinh(x).numpy(), rtol=1e-13, atol=0)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_int32_input_is_refused_with_the_supported_types(runtime: str) -> None:
    # TF's Sinh takes no int32, so a fused op named Sinh builds such a model.
    tflite = fused("Sinh", lambda x: x * 2, tf.TensorSpec([3], tf.int32))
    assert summarize(tflite).custom_nodes[0].input_types == ("int32",)
    interpreter = opkit.Interpreter(tflite, runtime=runtime)
    with pytest.raises(RuntimeError) as error:
        interpreter.allocate_tensors()
    message = str(error.value)
    assert "Sinh: input type int32 is not supported (supported: float32, float64)\n" in message
    assert "opkit: custom op Sinh (node 0) failed to prepare" in message


def test_unknown_custom_ops_are_all_listed_before_anything_native_runs() -> None:
    first = fusable("NoSuchOp", lambda t: t * 2.0)
    second = fusable("Other", lambda t: t + 1.0)
    tflite = convert_with_fusion(
        lambda x: tf.math.sinh(second(first(x))), tf.TensorSpec([3], tf.float32)
    )
    assert set(summarize(tflite).custom_ops) == {("NoSuchOp", 1), ("Other", 1), ("Sinh", 1)}
    with pytest.raises(opkit.MissingOpError) as error:
        opkit.Interpreter(tflite)
    assert error.value.missing == [("NoSuchOp", 1), ("Other", 1)]
    assert str(error.value) == MISSING_OPS_MESSAGE


def test_missing_op_in_catalog_points_at_the_catalog(user_ops_library: Any) -> None:
    tflite = convert_fn(tf.math.sinh, F32)
    with pytest.raises(opkit.MissingOpError, match=r"Sinh \(in opkit's catalog: add opkit"):
        opkit.Interpreter(tflite, op_libraries=[user_ops_library])


def test_control_flow_subgraph() -> None:
    def branchy(x: tf.Tensor, p: tf.Tensor) -> tf.Tensor:
        return tf.cond(p > 0, lambda: tf.math.sinh(x), lambda: x * 2.0)

    tflite = convert_fn(branchy, tf.TensorSpec([4], tf.float32), tf.TensorSpec([], tf.float32))
    summary = summarize(tflite)
    assert summary.subgraph_count == 3
    assert summary.custom_nodes[0].subgraph > 0  # Sinh lives in a branch subgraph
    interpreter = opkit.Interpreter(tflite)
    x = np.linspace(-3, 3, 4).astype(np.float32)
    for p, expected in ((1.0, np.sinh(x)), (-1.0, x * 2)):
        (y,) = run(interpreter, x, np.array(p, np.float32))
        np.testing.assert_allclose(y, expected, rtol=1e-6)


class TwoSignatures(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def sinh(self, x: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"y": tf.math.sinh(x)}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float64)])
    def sinh_twice(self, x: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"y": tf.math.sinh(tf.math.sinh(x))}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_several_signatures(runtime: str) -> None:
    module = TwoSignatures()
    tflite = convert_functions(
        [module.sinh.get_concrete_function(), module.sinh_twice.get_concrete_function()], module
    )
    assert summarize(tflite).subgraph_count == 2
    interpreter = opkit.Interpreter(tflite, runtime=runtime)
    assert set(interpreter.get_signature_list()) == {"sinh", "sinh_twice"}
    x = sample((9,), scale=1.0)
    once = interpreter.get_signature_runner("sinh")(x=x)["y"]
    twice = interpreter.get_signature_runner("sinh_twice")(x=x.astype(np.float64))["y"]
    np.testing.assert_allclose(once, tf.math.sinh(x).numpy(), rtol=1e-6)
    np.testing.assert_allclose(twice, np.sinh(np.sinh(x.astype(np.float64))), rtol=1e-13)


def test_two_libraries_and_custom_options_reach_the_kernel(user_ops_library: Any) -> None:
    scaled = fused("ScaleBy", lambda x: x * 3.0, tf.TensorSpec([4], tf.float32), scale=3.0)
    x = np.array([1.0, -2.0, 0.5, 4.0], np.float32)
    (y,) = run(opkit.Interpreter(scaled, op_libraries=[user_ops_library]), x)
    np.testing.assert_array_equal(y, x * 3.0)

    scale = fusable("ScaleBy", lambda t: t * 2.0, scale=2.0)
    both = convert_with_fusion(lambda x: tf.math.sinh(scale(x)), tf.TensorSpec([4], tf.float32))
    assert set(summarize(both).custom_ops) == {("ScaleBy", 1), ("Sinh", 1)}
    interpreter = opkit.Interpreter(both, op_libraries=[user_ops_library, opkit.catalog_library()])
    (y,) = run(interpreter, x)
    np.testing.assert_allclose(y, np.sinh(x * 2.0), rtol=1e-6)
    user, catalog = interpreter.op_libraries
    assert user.ops == (("ScaleBy", 1),)
    assert ("Sinh", 1) in catalog.ops and ("ScaleBy", 1) not in catalog.ops


def test_wrong_attribute_type_is_reported(user_ops_library: Any) -> None:
    tflite = fused("ScaleBy", lambda x: x, tf.TensorSpec([2], tf.float32), scale="big")
    interpreter = opkit.Interpreter(tflite, op_libraries=[user_ops_library])
    with pytest.raises(
        RuntimeError, match="ScaleBy: attribute 'scale' must be a number, not string"
    ):
        interpreter.allocate_tensors()


def test_list_ops_and_catalog() -> None:
    assert opkit.catalog_library().is_file()
    assert ("Sinh", 1) in opkit.list_ops()
    assert opkit.list_ops(opkit.catalog_library()) == opkit.list_ops()


def test_list_ops_of_a_user_library(user_ops_library: Any) -> None:
    assert opkit.list_ops(user_ops_library) == [("ScaleBy", 1)]


def test_library_errors(tmp_path: Any) -> None:
    with pytest.raises(opkit.LibraryError, match=r"op library not found: .*nope\.so"):
        opkit.list_ops(tmp_path / "nope.so")
    from opkit import _core

    with pytest.raises(opkit.LibraryError, match="is not an opkit op library"):
        opkit.list_ops(_core.__file__)
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not a shared object")
    with pytest.raises(opkit.LibraryError, match=r"cannot load op library .*junk\.so"):
        opkit.list_ops(junk)


def test_model_errors(tmp_path: Any) -> None:
    with pytest.raises(opkit.ModelError, match="model file not found"):
        opkit.Interpreter(tmp_path / "missing.tflite")
    with pytest.raises(opkit.ModelError, match="is not a TFLite model"):
        opkit.Interpreter(b"definitely not a model")
    with pytest.raises(opkit.OpkitError, match="runtime must be 'litert' or 'tensorflow'"):
        opkit.Interpreter(b"", runtime="tflite")  # type: ignore[arg-type]


def test_delegate_refuses_options() -> None:
    from ai_edge_litert.interpreter import load_delegate

    with pytest.raises(ValueError, match="unknown delegate option 'threads'"):
        load_delegate(str(opkit.catalog_library()), {"threads": 4})
