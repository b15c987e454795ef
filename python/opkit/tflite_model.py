"""Reading a .tflite model: which operators it uses, builtin and custom.

Uses the flatbuffers schema module that ships with ai-edge-litert, through its
lazy accessors (nothing is unpacked that is not asked for, so large weight
buffers cost nothing). Anything that fails while walking the model is
reported as a ``ModelError``: the bytes are not a model opkit can vouch for,
and they must not reach the native interpreter.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_edge_litert import schema_py_generated as schema

from .errors import ModelError
from .library import OpId
from .tflite_builtins import TFLITE_CUSTOM_OPS

CUSTOM = schema.BuiltinOperator.CUSTOM
_BUILTIN_NAMES = {
    value: name for name, value in vars(schema.BuiltinOperator).items() if not name.startswith("_")
}
_TENSOR_TYPE_NAMES = {
    value: name.lower()
    for name, value in vars(schema.TensorType).items()
    if not name.startswith("_")
}
FLEX_PREFIX = "Flex"
"""Custom ops named Flex<Op> are Select TF ops, which need the Flex delegate."""


@dataclass(frozen=True)
class CustomOpNode:
    """One custom-op node of a model."""

    op: OpId
    subgraph: int
    input_types: tuple[str, ...]
    output_types: tuple[str, ...]
    custom_options: bytes
    input_shapes: tuple[tuple[int, ...], ...] = ()
    """Shape signatures (-1 for a dimension known only at run time)."""
    output_shapes: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True)
class ModelSummary:
    """The operators a model uses."""

    builtin_ops: Counter[str]
    """Builtin operator name (e.g. "SIN") -> number of nodes."""
    builtin_versions: dict[str, int]
    """Builtin operator name -> the highest version of it the model uses."""
    custom_nodes: tuple[CustomOpNode, ...]
    subgraph_count: int

    @property
    def custom_ops(self) -> Counter[OpId]:
        """(custom_code, version) -> number of nodes, for the custom ops that need a
        kernel: TFLite's own (tflite_custom_ops) are left out."""
        return Counter(node.op for node in self.custom_nodes if node.op[0] not in TFLITE_CUSTOM_OPS)

    @property
    def tflite_custom_ops(self) -> Counter[OpId]:
        """Custom ops TFLite implements itself (TFLite_Detection_PostProcess, ...):
        every interpreter runs them."""
        return Counter(node.op for node in self.custom_nodes if node.op[0] in TFLITE_CUSTOM_OPS)

    @property
    def flex_ops(self) -> list[str]:
        """Select TF ops (custom ops named Flex*), sorted."""
        return sorted({name for name, _ in self.custom_ops if name.startswith(FLEX_PREFIX)})


def read_model_bytes(model: str | os.PathLike[str] | bytes | bytearray) -> bytes:
    """The bytes of ``model``: a path to a .tflite file, or the bytes themselves."""
    if isinstance(model, bytes | bytearray):
        return bytes(model)
    path = Path(model)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"model file not found: {path}") from None
    except IsADirectoryError:
        raise ModelError(f"model path {path} is a directory, not a .tflite file") from None


def summarize(model: bytes, *, source: str = "model") -> ModelSummary:
    """Lists the operators of a .tflite model given as bytes."""
    if len(model) < 8 or not schema.Model.ModelBufferHasIdentifier(model, 0):
        raise ModelError(
            f"{source} is not a TFLite model (no TFL3 identifier); "
            "convert it with tf.lite.TFLiteConverter or opkit.convert"
        )
    try:
        return _walk(schema.Model.GetRootAs(model, 0))
    except ModelError:
        raise
    except Exception as error:  # any failure inside the flatbuffer means it is corrupt
        raise ModelError(f"{source} is a corrupt or truncated TFLite model ({error})") from None


def _walk(model: schema.Model) -> ModelSummary:
    opcodes = []
    for i in range(model.OperatorCodesLength()):
        opcode = model.OperatorCodes(i)
        code = max(opcode.BuiltinCode(), opcode.DeprecatedBuiltinCode())
        if code == CUSTOM:
            raw = opcode.CustomCode()
            if raw is None:
                raise ModelError("model has a custom operator code without a name")
            opcodes.append((True, raw.decode("utf-8"), opcode.Version()))
        else:
            opcodes.append((False, _BUILTIN_NAMES.get(code, f"BUILTIN_{code}"), opcode.Version()))

    builtin: Counter[str] = Counter()
    versions: dict[str, int] = {}
    custom_nodes: list[CustomOpNode] = []
    for s in range(model.SubgraphsLength()):
        subgraph = model.Subgraphs(s)
        tensors = [subgraph.Tensors(t) for t in range(subgraph.TensorsLength())]
        tensor_types = [tensor.Type() for tensor in tensors]
        for o in range(subgraph.OperatorsLength()):
            operator = subgraph.Operators(o)
            index = operator.OpcodeIndex()
            if not 0 <= index < len(opcodes):
                raise ModelError(f"operator {o} of subgraph {s} has no operator code")
            is_custom, name, version = opcodes[index]
            if not is_custom:
                builtin[name] += 1
                versions[name] = max(versions.get(name, 1), version)
                continue
            options = operator.CustomOptionsAsNumpy()
            inputs, outputs = operator.InputsAsNumpy(), operator.OutputsAsNumpy()
            custom_nodes.append(
                CustomOpNode(
                    op=(name, version),
                    subgraph=s,
                    input_types=_types(tensor_types, inputs),
                    output_types=_types(tensor_types, outputs),
                    custom_options=b"" if isinstance(options, int) else options.tobytes(),
                    input_shapes=_shapes(tensors, inputs),
                    output_shapes=_shapes(tensors, outputs),
                )
            )
    return ModelSummary(
        builtin_ops=builtin,
        builtin_versions=versions,
        custom_nodes=tuple(custom_nodes),
        subgraph_count=model.SubgraphsLength(),
    )


def _types(tensor_types: list[int], indices: object) -> tuple[str, ...]:
    if isinstance(indices, int):  # flatbuffers returns 0 for an absent vector
        return ()
    return tuple(
        _TENSOR_TYPE_NAMES.get(tensor_types[i], "unknown") if i >= 0 else "none"
        for i in indices  # type: ignore[attr-defined]
    )


def _shapes(tensors: list[Any], indices: object) -> tuple[tuple[int, ...], ...]:
    if isinstance(indices, int):
        return ()
    shapes: list[tuple[int, ...]] = []
    for i in indices:  # type: ignore[attr-defined]
        if i < 0:
            shapes.append(())
            continue
        tensor = tensors[i]
        signature = tensor.ShapeSignatureAsNumpy()
        shape = signature if not isinstance(signature, int) else tensor.ShapeAsNumpy()
        shapes.append(() if isinstance(shape, int) else tuple(int(d) for d in shape))
    return tuple(shapes)
