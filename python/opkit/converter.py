"""``opkit.convert``: a TensorFlow model to .tflite, with custom ops only when needed.

Conversion tries builtins first and enables custom ops only when the model
needs them, then checks - before anything is written - that every custom op
has a kernel in the given op libraries.

Quantization with custom ops: dynamic-range and float16 quantization leave
activations in float and work as they are. Full-integer quantization needs
calibration, which TensorFlow runs in an interpreter that cannot load custom
kernels ("Failed to initialize op resolver for calibration"). opkit therefore
calibrates itself - it runs the float model through opkit.Interpreter on the
representative dataset and records each activation's range - and hands the
calibrated model to TensorFlow's quantizer, which keeps every custom op in
float between Dequantize/Quantize. The result is checked: a custom op must see
exactly the tensor types it saw in the float model.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ._tf import converter_error, import_tensorflow, quiet_output
from .errors import MissingOpError, ModelError, OpkitError
from .interpreter import Interpreter, check_custom_ops
from .library import OpId, OpLibrary, load_libraries
from .tflite_model import ModelSummary, summarize

Quantization = Literal["dynamic", "float16", "int8"]
ModelSource = Any
"""A Keras model, a path (.keras, .h5, SavedModel folder), concrete function(s),
a tf.function with an input signature, or a tf.Module with such a __call__."""


@dataclass(frozen=True)
class ConvertedModel:
    model: bytes
    """The .tflite flatbuffer."""
    custom_ops: dict[OpId, OpLibrary | None]
    """Each custom op, with the op library that implements it (None: no kernel)."""
    used_custom_ops: bool
    """Whether conversion needed allow_custom_ops."""
    quantization: Quantization | None

    @property
    def missing(self) -> list[OpId]:
        return sorted(op for op, library in self.custom_ops.items() if library is None)

    def save(self, path: str | os.PathLike[str]) -> Path:
        path = Path(path)
        path.write_bytes(self.model)
        return path


def convert(
    model: ModelSource,
    *,
    op_libraries: Sequence[str | os.PathLike[str]] | None = None,
    allow_missing: bool = False,
    quantization: Quantization | None = None,
    representative_dataset: Callable[[], Iterable[Any]] | None = None,
    **converter_options: Any,
) -> ConvertedModel:
    """Converts ``model`` to .tflite, enabling custom ops only if it needs them.

    Raises MissingOpError when a custom op has no kernel in ``op_libraries``
    (default: opkit's catalog), unless ``allow_missing`` (to scaffold them
    afterwards). ``quantization`` is "dynamic", "float16" or "int8" (full
    integer, which needs ``representative_dataset``); other keyword arguments
    are set on the TFLiteConverter (e.g. ``experimental_new_converter=True``).
    """
    make, source = converter_factory(model)
    # Integer input/output types belong to the quantization step, not the float conversion.
    io_types: dict[str, Any] = {
        key: converter_options.pop(key)
        for key in ("inference_input_type", "inference_output_type")
        if key in converter_options and quantization == "int8"
    }
    libraries = load_libraries(op_libraries)
    if quantization not in (None, "dynamic", "float16", "int8"):
        raise OpkitError(
            f"quantization must be 'dynamic', 'float16' or 'int8', not {quantization!r}"
        )
    if quantization == "int8" and representative_dataset is None:
        raise OpkitError("quantization='int8' needs a representative_dataset for calibration")

    def configured(allow_custom_ops: bool) -> Any:
        converter = make()
        converter.allow_custom_ops = allow_custom_ops
        for key, value in converter_options.items():
            if not hasattr(converter, key):
                raise OpkitError(f"TFLiteConverter has no option {key!r}")
            setattr(converter, key, value)
        if quantization in ("dynamic", "float16"):
            converter.optimizations = [import_tensorflow("quantization").lite.Optimize.DEFAULT]
        if quantization == "float16":
            converter.target_spec.supported_types = [import_tensorflow("quantization").float16]
        return converter

    float_model, used_custom_ops = convert_needed(configured, source)
    summary = summarize(float_model, source=source)
    report = {op: _implementer(op, libraries) for op in sorted(summary.custom_ops)}
    if not allow_missing:
        check_custom_ops(summary, libraries, source=source)
    result = float_model
    if quantization == "int8":
        assert representative_dataset is not None
        if used_custom_ops:
            result = _quantize_with_custom_ops(
                float_model, summary, libraries, representative_dataset, io_types
            )
        else:
            converter = configured(False)
            converter.optimizations = [import_tensorflow("quantization").lite.Optimize.DEFAULT]
            converter.representative_dataset = representative_dataset
            for key, value in io_types.items():
                setattr(converter, key, value)
            result = run_converter(converter)
    return ConvertedModel(result, report, used_custom_ops, quantization)


def _implementer(op: OpId, libraries: Sequence[OpLibrary]) -> OpLibrary | None:
    return next((library for library in libraries if library.implements(op)), None)


# ---- Getting a converter for any kind of model ---------------------------------------


def converter_factory(model: ModelSource) -> tuple[Callable[[], Any], str]:
    """A function that makes a fresh TFLiteConverter for ``model``, and how to name it."""
    if isinstance(model, str | os.PathLike) and not Path(model).exists():
        raise ModelError(f"model not found: {model}")
    tf = import_tensorflow("converting a model")
    converter = tf.lite.TFLiteConverter
    if isinstance(model, str | os.PathLike):
        path = Path(model)
        if path.is_dir():
            if not (path / "saved_model.pb").is_file():
                raise ModelError(f"{path} is a folder but not a SavedModel (no saved_model.pb)")
            return (lambda: converter.from_saved_model(str(path))), str(path)
        if path.suffix in (".keras", ".h5"):
            keras_model = load_keras(path)
            return (lambda: converter.from_keras_model(keras_model)), str(path)
        if path.suffix == ".tflite":
            raise ModelError(f"{path} is already a .tflite model")
        raise ModelError(
            f"cannot tell what kind of model {path} is: expected a .keras or .h5 file, "
            "a SavedModel folder, or a .tflite file"
        )
    if isinstance(model, tf.keras.Model):
        return (lambda: converter.from_keras_model(model)), f"Keras model {model.name!r}"
    if isinstance(model, list | tuple | tf.types.experimental.ConcreteFunction):
        # Bare concrete functions: the converter inlines fused (custom_op) functions in them.
        concrete = list(model) if isinstance(model, list | tuple) else [model]
        return (lambda: converter.from_concrete_functions(concrete)), "model"
    # A tf.function (or a tf.Module's __call__) with an input signature. Converting it
    # through a trackable that owns it keeps @opkit.custom_op functions as single ops.
    if isinstance(model, tf.Module):
        holder, function = model, (model.__call__ if callable(model) else None)
    else:
        holder, function = tf.Module(), model
        holder.function = model
    try:
        concrete_function = function.get_concrete_function()  # type: ignore[union-attr]
    except (AttributeError, TypeError, ValueError):
        raise OpkitError(
            "cannot convert this object: pass a Keras model, a model path, concrete functions, "
            "or a tf.function (or tf.Module with __call__) that has an input_signature"
        ) from None
    return (lambda: converter.from_concrete_functions([concrete_function], holder)), "model"


def load_keras(path: Path) -> Any:
    tf = import_tensorflow("loading a Keras model")
    try:
        with quiet_output():
            return tf.keras.models.load_model(path, compile=False)
    except Exception as error:  # Keras raises many types; all mean "cannot load"
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelError(
            f"cannot load Keras model {path}: {first} (import the module that defines its "
            "custom layers first; on the command line: --import MODULE)"
        ) from None


def convert_needed(configured: Callable[[bool], Any], source: str) -> tuple[bytes, bool]:
    """Converts with builtins only; if that fails, with custom ops. Returns (model, used)."""
    import_tensorflow("converting a model")
    failure = converter_error()
    try:
        return run_converter(configured(False)), False
    except failure as builtin_error:
        try:
            return run_converter(configured(True)), True
        except failure:
            raise ModelError(f"{source} does not convert: {_first_line(builtin_error)}") from None


def run_converter(converter: Any) -> bytes:
    with quiet_output():
        return bytes(converter.convert())


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    meaningful = [line for line in lines if "error:" in line.lower()] or lines or [repr(error)]
    return meaningful[0][:300]


# ---- Full-integer quantization with custom ops --------------------------------------


def _quantize_with_custom_ops(
    float_model: bytes,
    summary: ModelSummary,
    libraries: Sequence[OpLibrary],
    dataset: Callable[[], Iterable[Any]],
    options: dict[str, Any],
) -> bytes:
    tf = import_tensorflow("quantization")
    from tensorflow.lite.python import convert as tf_convert
    from tensorflow.lite.python.optimize import calibrator

    float_model = bytes(calibrator.add_intermediate_tensors(float_model))
    ranges = _calibrate(float_model, libraries, dataset)
    calibrated = _with_ranges(float_model, ranges)
    with warnings.catch_warnings():
        # TF's own quantization path says this too; it concerns float model inputs.
        warnings.filterwarnings("ignore", message="Statistics for quantized inputs")
        quantized = bytes(
            tf_convert.mlir_quantize(
                calibrated,
                input_data_type=tf.as_dtype(options.get("inference_input_type", tf.float32)),
                output_data_type=tf.as_dtype(options.get("inference_output_type", tf.float32)),
            )
        )
    before = {(n.op, n.input_types, n.output_types) for n in summary.custom_nodes}
    after = {(n.op, n.input_types, n.output_types) for n in summarize(quantized).custom_nodes}
    if before != after:
        changed = sorted({op for op, *_ in after - before})
        raise OpkitError(
            "full-integer quantization changed the tensor types of custom ops "
            f"{', '.join(name for name, _ in changed)}, whose kernels would then run on the "
            "wrong data type; quantize with quantization='dynamic' instead"
        )
    return quantized


def _calibrate(
    model: bytes, libraries: Sequence[OpLibrary], dataset: Callable[[], Iterable[Any]]
) -> dict[tuple[int, int], tuple[float, float]]:
    """(subgraph 0, tensor) -> (min, max) of every float tensor over the dataset."""
    with warnings.catch_warnings():
        # The runtime warns that preserving all tensors is for debugging: here it is the point.
        warnings.filterwarnings("ignore", message=".*experimental_preserve_all_tensors.*")
        interpreter = Interpreter(
            model,
            op_libraries=[lib.path for lib in libraries],
            experimental_preserve_all_tensors=True,
        )
    inputs = interpreter.get_input_details()
    ranges: dict[tuple[int, int], tuple[float, float]] = {}
    count = 0
    for sample in dataset():
        values = list(sample.values()) if isinstance(sample, dict) else list(sample)
        if len(values) != len(inputs):
            raise OpkitError(
                f"representative_dataset gives {len(values)} inputs, the model takes {len(inputs)}"
            )
        for detail, value in zip(inputs, values, strict=True):
            interpreter.resize_tensor_input(detail["index"], np.shape(value))
        interpreter.allocate_tensors()
        for detail, value in zip(inputs, values, strict=True):
            interpreter.set_tensor(detail["index"], np.asarray(value, detail["dtype"]))
        interpreter.invoke()
        count += 1
        for detail in interpreter.get_tensor_details():
            if detail["dtype"] != np.float32:
                continue
            try:
                tensor = interpreter.get_tensor(detail["index"])
            except ValueError:  # never allocated (e.g. a constant folded away)
                continue
            if tensor is None or tensor.size == 0:
                continue
            finite = tensor[np.isfinite(tensor)]
            if finite.size == 0:
                continue
            low, high = float(finite.min()), float(finite.max())
            key = (0, detail["index"])
            old = ranges.get(key, (low, high))
            ranges[key] = (min(old[0], low), max(old[1], high))
    if count == 0:
        raise OpkitError("representative_dataset gave no samples")
    return ranges


def _with_ranges(model: bytes, ranges: dict[tuple[int, int], tuple[float, float]]) -> bytes:
    """The model with calibrated min/max on its activations, as TF's calibrator writes them."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    root = schema.ModelT.InitFromPackedBuf(model, 0)
    for s, subgraph in enumerate(root.subgraphs):
        for t, tensor in enumerate(subgraph.tensors):
            buffer = root.buffers[tensor.buffer] if tensor.buffer < len(root.buffers) else None
            if buffer is not None and buffer.data is not None and len(buffer.data) > 0:
                continue  # weights: the quantizer reads their values
            if (s, t) not in ranges:
                continue
            low, high = ranges[(s, t)]
            quantization = tensor.quantization or schema.QuantizationParametersT()
            quantization.min, quantization.max = [low], [high]
            tensor.quantization = quantization
    builder = flatbuffers.Builder(len(model) + 1024)
    builder.Finish(root.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


__all__ = ["ConvertedModel", "MissingOpError", "convert", "converter_factory"]
