"""Fusing a TensorFlow function into ONE custom op (DESIGN.md, fact 2).

``tf.function(experimental_implements=...)`` with the ``tfl_fusable_op``
attribute makes the converter emit a single custom op of the given name, with
the remaining attributes as its custom_options. Only int, float, bool and
string attributes survive conversion.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ._tf import import_tensorflow
from .errors import OpkitError
from .names import check_member_name, check_op_name

AttrScalar = bool | int | float | str


def implements_string(name: str, attrs: Mapping[str, AttrScalar] | None = None) -> str:
    """The ``experimental_implements`` text fusing a function into custom op ``name``."""
    check_op_name(name)
    text = f'name: "{name}" attr {{key: "tfl_fusable_op" value {{ b: true }} }}'
    for key, value in (attrs or {}).items():
        check_member_name(key, "attribute name")
        text += f' attr {{key: "{key}" value {{ {_attr_value(key, value)} }} }}'
    return text


def _attr_value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return f"b: {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"i: {value}"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise OpkitError(f"attribute {key}={value!r}: only finite floats can be fused")
        return f"f: {value!r}"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f's: "{escaped}"'
    raise OpkitError(
        f"attribute {key}={value!r} has type {type(value).__name__}; fused-op attributes "
        "must be int, float, bool or str"
    )


def fusable(
    name: str, fn: Callable[..., Any], attrs: Mapping[str, AttrScalar] | None = None
) -> Any:
    """``fn`` as a tf.function that converts to one custom op ``name``."""
    tf = import_tensorflow("fusing a function into a custom op")
    return tf.function(fn, experimental_implements=implements_string(name, attrs))


def convert_with_fusion(fn: Callable[..., Any], input_signature: list[Any]) -> bytes:
    """Converts ``fn``, keeping every fused function it calls as one custom op.

    The converter keeps an ``experimental_implements`` function intact only when
    it is given the trackable that owns the traced function; from bare concrete
    functions it inlines the body into builtins.
    """
    tf = import_tensorflow("fusing a function into a custom op")
    module = tf.Module()
    module.entry = tf.function(fn, input_signature=input_signature)
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [module.entry.get_concrete_function()], module
    )
    converter.allow_custom_ops = True
    return bytes(converter.convert())
