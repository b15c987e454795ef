"""Op specs derived from TensorFlow's own op definitions (OpDef).

When a custom op's name is a TF op type (``Erfc``, ``Cumprod``), its inputs,
outputs, type constraints and attributes are TensorFlow's - exactly what the
converter writes into the model and its custom_options. Needs TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._tf import import_tensorflow
from .dtypes import DTYPES
from .errors import SpecError
from .known_ops import KNOWN_MATH, STRUCTURED, conversion
from .spec import Attr, OpSpec, TensorArg, Verify, validate

# OpDef attribute types opkit can carry in custom_options.
_ATTR_KINDS = {
    "int": "int",
    "float": "float",
    "bool": "bool",
    "string": "string",
    "type": "dtype",
    "list(int)": "list(int)",
    "list(float)": "list(float)",
    "list(string)": "list(string)",
}
# For a type attribute TF leaves unconstrained.
_ANY_TYPE = ("float32", "float64", "int32", "int64")


@dataclass(frozen=True)
class Derived:
    spec: OpSpec
    notes: tuple[str, ...]
    """What could not be carried over (dropped dtypes or attributes), for the user."""


def lookup(name: str) -> Any | None:
    """TensorFlow's OpDef for op type ``name``, or None if TF has no such op."""
    import_tensorflow("reading TensorFlow's op definitions")
    from tensorflow.python.framework import op_def_registry

    return op_def_registry.get(name)


def spec_from_op_def(op_def: Any, *, dtypes: tuple[str, ...] | None = None) -> Derived:
    """The op spec of TF op ``op_def`` (restricted to ``dtypes`` when given)."""
    tf = import_tensorflow("reading TensorFlow's op definitions")
    name: str = op_def.name
    notes: list[str] = []
    known = KNOWN_MATH.get(name)
    bound_types = {arg.type_attr for arg in (*op_def.input_arg, *op_def.output_arg)}
    types: list[tuple[str, tuple[str, ...]]] = []
    attrs: list[Attr] = []
    for attr in op_def.attr:
        if attr.type == "type" and attr.name in bound_types:
            if known is not None and attr.name == op_def.input_arg[0].type_attr:
                allowed = known.dtypes
            else:
                allowed = _allowed_types(tf, attr, name, notes)
            if dtypes is not None:
                unknown = [d for d in dtypes if d not in allowed]
                if unknown:
                    raise SpecError(
                        f"{name}: type {attr.name} does not allow {', '.join(unknown)} "
                        f"(allowed: {', '.join(allowed)})"
                    )
                allowed = dtypes
            types.append((attr.name, allowed))
        elif attr.type in _ATTR_KINDS:
            attrs.append(_attr(tf, attr))
        else:
            notes.append(
                f"attribute {attr.name} ({attr.type}) cannot travel in custom_options; left out"
            )
    inputs = tuple(_tensor(tf, arg, name) for arg in op_def.input_arg)
    outputs = tuple(
        TensorArg(
            name=arg.name,
            type=_tensor(tf, arg, name).type,
            shape=_shape_rule(name, arg, op_def),
        )
        for arg in op_def.output_arg
    )
    conv = conversion(name)
    reference = known.reference if known else (conv.callable if conv else None)
    spec = OpSpec(
        name=name,
        doc=_doc(op_def, known),
        reference=reference or f"tf.raw_ops.{name}",
        types=tuple(types),
        inputs=inputs,
        outputs=outputs,
        attrs=tuple(attrs),
        verify=Verify(domain=known.domain, rtol=known.rtol, atol=known.atol) if known else Verify(),
    )
    try:
        return Derived(validate(spec), tuple(notes))
    except SpecError as error:
        raise SpecError(
            f"{name}: TensorFlow's definition cannot become an op spec: {error}"
        ) from None


def _doc(op_def: Any, known: Any) -> str:
    if op_def.summary:
        return str(op_def.summary).strip()
    if known is not None:
        return f"y = {known.reference.rsplit('.', 1)[-1]}(x), elementwise, as {known.reference}."
    return f"TensorFlow's {op_def.name} op."


def _allowed_types(tf: Any, attr: Any, op: str, notes: list[str]) -> tuple[str, ...]:
    values = attr.allowed_values.list.type
    if not values:
        return _ANY_TYPE
    names = [tf.dtypes.as_dtype(v).name for v in values]
    kept = tuple(n for n in DTYPES if n in names and DTYPES[n].cpp_type is not None)
    dropped = [n for n in names if n not in kept]
    if dropped:
        notes.append(f"type {attr.name}: {', '.join(dropped)} left out (no kernel element type)")
    if not kept:
        raise SpecError(f"{op}: none of the types TF allows for {attr.name} can be computed on")
    return kept


def _tensor(tf: Any, arg: Any, op: str) -> TensorArg:
    if arg.number_attr or arg.type_list_attr:
        raise SpecError(
            f"{op}: {arg.name} is a variable-length list of tensors, which scaffold-op "
            "does not generate; describe the op with --input/--output instead"
        )
    if arg.type_attr:
        return TensorArg(name=arg.name, type=arg.type_attr)
    return TensorArg(name=arg.name, type=tf.dtypes.as_dtype(arg.type).name)


def _shape_rule(op: str, output: Any, op_def: Any) -> str:
    if op in STRUCTURED and output.name in STRUCTURED[op]:
        return STRUCTURED[op][output.name]
    inputs = list(op_def.input_arg)
    same_type = [arg for arg in inputs if arg.type_attr and arg.type_attr == output.type_attr]
    if len(inputs) == 1 and same_type:
        return f"same:{inputs[0].name}"
    if len(inputs) > 1 and len(same_type) == len(inputs):
        return "broadcast"
    return "kernel"


def _attr(tf: Any, attr: Any) -> Attr:
    kind = _ATTR_KINDS[attr.type]
    default: Any = None
    if attr.HasField("default_value"):
        value = attr.default_value
        field = value.WhichOneof("value")
        if field == "list":
            items = {
                "list(int)": value.list.i,
                "list(float)": value.list.f,
                "list(string)": value.list.s,
            }[kind]
            default = tuple(v.decode() if isinstance(v, bytes) else v for v in items)
        elif field == "type":
            default = tf.dtypes.as_dtype(value.type).name
        elif field == "s":
            default = value.s.decode()
        elif field in ("i", "f", "b"):
            default = getattr(value, field)
    return Attr(name=attr.name, kind=kind, default=default)
