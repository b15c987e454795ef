"""Fusing a TensorFlow function into ONE custom op (DESIGN.md, fact 2).

``tf.function(experimental_implements=...)`` with the ``tfl_fusable_op``
attribute makes the converter emit a single custom op of the given name, with
the remaining attributes as its custom_options. Only int, float, bool and
string attributes survive conversion.
"""

from __future__ import annotations

import functools
import inspect
import math
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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


# ---- The custom_op decorator -------------------------------------------------


@dataclass(frozen=True)
class FusedOp:
    """A Python function or Keras layer call marked as one custom op."""

    name: str
    attrs: Mapping[str, AttrScalar]
    """Attribute names and their default values."""
    function: Callable[..., Any]
    """The undecorated TensorFlow body: the op's reference implementation."""

    @property
    def is_method(self) -> bool:
        return (
            "." in self.function.__qualname__
            and next(iter(inspect.signature(self.function).parameters), "") == "self"
        )

    @property
    def reference(self) -> str:
        """ "module:function", or "module:Class" for a layer's call (built with the attrs)."""
        qualname = self.function.__qualname__
        if self.is_method:
            qualname = qualname.rsplit(".", 1)[0]
        return f"{self.function.__module__}:{qualname}"


_REGISTRY: dict[str, FusedOp] = {}


def fused_op(name: str) -> FusedOp | None:
    """The function decorated with ``custom_op(name)`` in this process, if any."""
    return _REGISTRY.get(name)


def custom_op(name: str, **attrs: AttrScalar) -> Callable[[Callable[..., Any]], Any]:
    """Marks a TensorFlow function, or a Keras layer's ``call``, as ONE custom op ``name``.

    The converter then emits a single custom op ``name`` whose custom_options
    hold ``attrs``; the decorated TensorFlow body stays the reference that
    ``opkit.verify`` compares the kernel with. Attribute values must be int,
    float, bool or str. On a layer's ``call``, an attribute the layer has
    (``self.scale``) overrides the decorator's default, so layers built with
    other settings convert to the same op with their own custom_options::

        class ScaledSin(tf.keras.layers.Layer):
            def __init__(self, scale=2.0, **kwargs):
                super().__init__(**kwargs)
                self.scale = scale

            @opkit.custom_op("ScaledSin", scale=2.0)
            def call(self, x):
                return self.scale * tf.sin(x)
    """
    implements_string(name, attrs)  # validates the name and every attribute now
    defaults = dict(attrs)

    def decorate(function: Callable[..., Any]) -> Any:
        info = FusedOp(name=name, attrs=defaults, function=function)
        _REGISTRY[name] = info
        if not info.is_method:
            fused = fusable(name, function, defaults)
            fused.opkit_custom_op = info
            return fused

        @functools.wraps(function)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            values = {key: _instance_value(self, key, default) for key, default in defaults.items()}
            return _bound_fusable(self, info, values)(*args, **kwargs)

        call.opkit_custom_op = info  # type: ignore[attr-defined]
        return call

    return decorate


_BOUND: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


def _bound_fusable(instance: Any, info: FusedOp, values: Mapping[str, AttrScalar]) -> Any:
    """One tf.function per (layer, attribute values), so traces are reused."""
    cache = _BOUND.setdefault(instance, {})
    key = tuple(sorted(values.items()))
    if key not in cache:
        cache[key] = fusable(info.name, functools.partial(info.function, instance), values)
    return cache[key]


def _instance_value(instance: Any, key: str, default: AttrScalar) -> AttrScalar:
    value = getattr(instance, key, default)
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # a layer built with scale=3 still writes a float attribute
    _attr_value(key, value)
    return value
