"""Building and converting the small TensorFlow models the tests run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf


def convert_functions(
    functions: Sequence[Any], trackable: Any = None, *, allow_custom_ops: bool = True
) -> bytes:
    """Converts concrete functions the way users do for custom ops."""
    converter = tf.lite.TFLiteConverter.from_concrete_functions(list(functions), trackable)
    converter.allow_custom_ops = allow_custom_ops
    return bytes(converter.convert())


def convert_fn(
    fn: Callable[..., Any], *specs: tf.TensorSpec, allow_custom_ops: bool = True
) -> bytes:
    """Converts ``fn`` traced for ``specs``."""
    concrete = tf.function(fn).get_concrete_function(*specs)
    return convert_functions([concrete], allow_custom_ops=allow_custom_ops)


def implements_string(name: str, **attrs: bool | int | float | str) -> str:
    """The ``experimental_implements`` text that fuses a function into custom op ``name``."""
    kinds = {bool: "b", int: "i", float: "f", str: "s"}
    text = f'name: "{name}" attr {{key: "tfl_fusable_op" value {{ b: true }} }}'
    for key, value in attrs.items():
        shown = f'"{value}"' if isinstance(value, str) else str(value).lower()
        text += f' attr {{key: "{key}" value {{ {kinds[type(value)]}: {shown} }} }}'
    return text


def convert_with_fusion(fn: Callable[..., Any], *specs: tf.TensorSpec) -> bytes:
    """Converts ``fn``, keeping each ``experimental_implements`` function it calls as one op.

    The converter keeps such functions intact only when it converts with the
    trackable that owns the traced function; from bare concrete functions it
    inlines their bodies into builtins.
    """
    module = tf.Module()
    module.entry = tf.function(fn, input_signature=list(specs))
    return convert_functions([module.entry.get_concrete_function()], module)


def fusable(name: str, fn: Callable[..., Any], **attrs: bool | int | float | str) -> Any:
    """``fn`` as a tf.function that converts to ONE custom op ``name`` (DESIGN.md, fusion)."""
    return tf.function(fn, experimental_implements=implements_string(name, **attrs))


def fused(
    name: str, fn: Callable[..., Any], *specs: tf.TensorSpec, **attrs: bool | int | float | str
) -> bytes:
    """A model that is just ``fn`` fused into custom op ``name`` with ``attrs``."""
    op = fusable(name, fn, **attrs)
    return convert_with_fusion(lambda *args: op(*args), *specs)


class SinhLayer(tf.keras.layers.Layer):
    """A user's layer whose call uses an op with no TFLite builtin."""

    def call(self, inputs: Any) -> Any:
        return tf.math.sinh(inputs)


def keras_sinh_model(features: int = 4) -> tf.keras.Model:
    inputs = tf.keras.Input(shape=(features,), dtype=tf.float32)
    return tf.keras.Model(inputs, SinhLayer()(inputs))


def convert_keras(model: tf.keras.Model) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.allow_custom_ops = True
    return bytes(converter.convert())
