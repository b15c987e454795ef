"""``scaffold-op``: from an op name to an op folder that builds.

The signature comes from TensorFlow's op definition when the name is a TF op,
otherwise from the caller (inputs, outputs, attributes, dtypes). The math is
filled in for known elementwise ops; anything else gets a kernel whose Eval
reports "not implemented" until its author writes it.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomllib

from .codegen import Target, render_op
from .dtypes import DTYPES
from .errors import OpkitError, SpecError
from .fusion import fused_op
from .known_ops import KNOWN_MATH, KnownMath, conversion, math_for
from .names import check_op_name
from .project import open_project, sync_glue
from .spec import ATTR_KINDS, Attr, AttrValue, OpSpec, TensorArg, load_spec, validate
from .tflite_model import CustomOpNode, summarize
from .writer import Written, write_files


@dataclass(frozen=True)
class Signature:
    """An op's interface as given on the command line (for ops that are not TF ops)."""

    inputs: Sequence[str] = ()
    """"x", "x:T" or "x:int32"."""
    outputs: Sequence[str] = ()
    attrs: Sequence[str] = ()
    """"name:kind" or "name:kind=default", e.g. "scale:float=2.0"."""
    shape: str | None = None
    reference: str | None = None
    doc: str | None = None

    @property
    def given(self) -> bool:
        return bool(self.inputs or self.outputs or self.attrs)


@dataclass(frozen=True)
class ScaffoldResult:
    spec: OpSpec
    op_dir: Path
    written: list[Written]
    math: KnownMath | None
    notes: tuple[str, ...]


def scaffold_op(
    name: str,
    *,
    directory: str | os.PathLike[str] = "ops",
    signature: Signature = Signature(),
    dtypes: Sequence[str] | None = None,
    version: int = 1,
    fused: bool = False,
    force: bool = False,
    target: Target = "tflite",
) -> ScaffoldResult:
    """Writes ``<directory>/<op>/`` for op ``name`` and refreshes the folder's glue.

    ``target`` picks the kernel flavours: "tflite" (Python op libraries and
    interpreters built from TFLite source), "micro" (TensorFlow Lite Micro) or
    "both", side by side.
    """
    check_op_name(name)
    for dtype in dtypes or ():
        if dtype not in DTYPES:
            raise SpecError(f"unknown dtype {dtype!r} in --dtypes (dtypes: {', '.join(DTYPES)})")
    root = _ops_dir(directory)
    _refuse_builtin(name, fused)
    spec, notes = _derive_spec(name, signature, tuple(dtypes) if dtypes else None, version, fused)
    return write_op(spec, root, force=force, notes=notes, target=target)


def write_op(
    spec: OpSpec,
    root: Path,
    *,
    force: bool = False,
    notes: tuple[str, ...] = (),
    target: Target = "tflite",
) -> ScaffoldResult:
    """Writes the op folder of ``spec`` under ``root`` and refreshes the folder's glue."""
    root.mkdir(exist_ok=True)
    op_dir = root / spec.folder
    existing = op_dir / "op.toml"
    if existing.is_file() and not force:
        kept = load_spec(existing)
        if kept.name != spec.name:
            raise OpkitError(f"{op_dir} already holds op {kept.name}, not {spec.name}")
        spec = kept
    math = math_for(spec)
    written = write_files(root, render_op(spec, root.name, math, target), force=force)
    written += [w for w in sync_glue(open_project(root)) if w.path.name == "CMakeLists.txt"]
    return ScaffoldResult(spec=spec, op_dir=op_dir, written=written, math=math, notes=notes)


def scaffold_from_model(
    model: Any,
    *,
    directory: str | os.PathLike[str] = "ops",
    op_libraries: Sequence[str | os.PathLike[str]] | None = None,
    force: bool = False,
    target: Target = "tflite",
) -> list[ScaffoldResult]:
    """Scaffolds every custom op ``model`` needs that no library in ``op_libraries`` has.

    TF ops get TensorFlow's signature; fused ops get the inputs, outputs and
    attributes they have in the model, and, when the function decorated with
    ``opkit.custom_op`` is imported, its name as the reference. With a micro
    ``target``, ops whose kernel has no TFLM flavour (the catalog's structured
    ops, say) are scaffolded too: the firmware needs a TFLM kernel for each.
    """
    from .diagnosis import doctor

    root = _ops_dir(directory)
    report = doctor(model, op_libraries=op_libraries)
    if report.model is None:
        raise OpkitError(
            f"{report.source} converts only with Select TF ops ("
            + ", ".join(op.name for op in report.ops if op.status == "select-tf")
            + "); there are no custom ops to scaffold"
        )
    summary = summarize(report.model)
    results = []
    micro_kernels = _catalog_micro_kernels() if target in ("micro", "both") else None
    for row in report.ops:
        lacks_micro = micro_kernels is not None and row.name not in micro_kernels
        if row.status != "missing" and not (row.status == "implemented" and lacks_micro):
            continue
        if _tf_op_def(row.name, quiet=True) is not None:
            spec, notes = _derive_spec(row.name, Signature(), None, row.version or 1, False)
        else:
            nodes = [n for n in summary.custom_nodes if n.op == (row.name, row.version)]
            spec, notes = _spec_from_nodes(row.name, row.version or 1, nodes)
        results.append(write_op(spec, root, force=force, notes=notes, target=target))
    return results


def _catalog_micro_kernels() -> set[str]:
    """The ops of opkit's catalog that have a TFLM kernel."""
    from ._paths import catalog_ops_dir

    catalog = open_project(catalog_ops_dir())
    return {
        spec.name
        for folder, spec in catalog.ops
        if (catalog.root / folder / spec.micro_kernel_file).is_file()
    }


def _spec_from_nodes(
    name: str, version: int, nodes: Sequence[CustomOpNode]
) -> tuple[OpSpec, tuple[str, ...]]:
    """The spec of a fused op as the model shows it (and its decorated function, if known)."""
    node = nodes[0]
    info = fused_op(name)
    params = []
    if info is not None:
        params = [p for p in inspect.signature(info.function).parameters if p != "self"]
    n_in, n_out = len(node.input_types), len(node.output_types)
    in_names = params if len(params) == n_in else _numbered("x", n_in)
    out_names = _numbered("y", n_out)
    dtypes = sorted({t for n in nodes for t in (*n.input_types, *n.output_types)})
    shared = len({*node.input_types, *node.output_types}) == 1
    if shared:
        types: tuple[tuple[str, tuple[str, ...]], ...] = (("T", tuple(dtypes)),)
        in_types, out_types = ["T"] * n_in, ["T"] * n_out
    else:
        types, in_types, out_types = (), list(node.input_types), list(node.output_types)
    shape = _shape_rule(node, in_names)
    attrs = _attrs_from_options(node.custom_options, info.attrs if info else {})
    spec = OpSpec(
        name=name,
        version=version,
        doc=f"Fused op {name}" + (f", from {info.reference}." if info else " found in a model."),
        reference=info.reference if info else None,
        types=types,
        inputs=tuple(TensorArg(n, t) for n, t in zip(in_names, in_types, strict=True)),
        outputs=tuple(
            TensorArg(n, t, shape=shape) for n, t in zip(out_names, out_types, strict=True)
        ),
        attrs=attrs,
    )
    notes = (
        ()
        if info
        else (
            f"{name}: no function decorated with opkit.custom_op({name!r}) is imported, so the "
            "spec has no reference; set reference in its op.toml",
        )
    )
    try:
        return validate(spec), notes
    except SpecError as error:
        raise SpecError(f"{name}: {error}") from None


def _numbered(prefix: str, count: int) -> list[str]:
    return [prefix] if count == 1 else [f"{prefix}{i}" for i in range(count)]


def _shape_rule(node: CustomOpNode, inputs: Sequence[str]) -> str:
    if not node.input_shapes or not node.output_shapes:
        return "kernel"
    out = node.output_shapes[0]
    if out == node.input_shapes[0]:
        return f"same:{inputs[0]}"
    rank = max(len(shape) for shape in node.input_shapes)
    if len(inputs) > 1 and len(out) == rank:
        return "broadcast"
    return "kernel"


def _attrs_from_options(options: bytes, declared: Mapping[str, Any]) -> tuple[Attr, ...]:
    """Attributes as the model's custom_options hold them, typed by ``declared`` if given."""
    if not options:
        return ()
    from ._core import decode_custom_options

    values = decode_custom_options(options)
    if not isinstance(values, dict):
        return ()
    attrs = []
    for key, value in values.items():
        if isinstance(declared.get(key), bool) and isinstance(value, int):
            value = value != 0  # the converter writes bool attributes as ints (true: -1)
        if isinstance(value, bool):
            kind = "bool"
        elif isinstance(value, int):
            kind = "int"
        elif isinstance(value, float):
            kind = "float"
        elif isinstance(value, str):
            kind = "string"
        elif isinstance(value, list) and value and all(isinstance(v, int) for v in value):
            kind, value = "list(int)", tuple(value)
        elif isinstance(value, list) and value and all(isinstance(v, float) for v in value):
            kind, value = "list(float)", tuple(value)
        else:
            continue
        attrs.append(Attr(name=key, kind=kind, default=value))
    return tuple(attrs)


def _ops_dir(directory: str | os.PathLike[str]) -> Path:
    """The ops folder, checked before anything is written (created later if new)."""
    root = Path(directory).resolve()
    if root.exists() and not root.is_dir():
        raise OpkitError(f"--dir {directory} is a file, not a folder")
    if not root.exists() and not root.parent.is_dir():
        raise OpkitError(f"cannot create {directory}: its parent folder does not exist")
    return root


def _refuse_builtin(name: str, fused: bool) -> None:
    conv = conversion(name)
    if conv is None or not conv.is_builtin or fused:
        return
    how = f"{conv.callable} converts" if conv.callable else "TensorFlow's op converts"
    raise OpkitError(
        f"{name} needs no kernel: {how} to the TFLite builtin {', '.join(conv.builtins)}, so a "
        f"model contains a custom op {name!r} only if it fuses one on purpose "
        f"(opkit.custom_op); for such a fused op run `scaffold-op {name} --fused`"
    )


def _derive_spec(
    name: str, signature: Signature, dtypes: tuple[str, ...] | None, version: int, fused: bool
) -> tuple[OpSpec, tuple[str, ...]]:
    op_def = None
    if not signature.given:
        op_def = _tf_op_def(name)
    elif not fused and _tf_op_def(name, quiet=True) is not None:
        raise OpkitError(
            f"{name} is a TensorFlow op: its signature comes from TensorFlow's definition; "
            "drop --input/--output/--attr (or pass --fused for a fused op of that name)"
        )
    if op_def is not None:
        from .tf_opdef import spec_from_op_def

        derived = spec_from_op_def(op_def, dtypes=dtypes)
        spec = derived.spec
        spec = validate(
            replace(
                spec,
                version=version,
                reference=signature.reference or spec.reference,
                doc=signature.doc or spec.doc,
            )
        )
        return spec, derived.notes
    return _spec_from_signature(name, signature, dtypes, version)


def _tf_op_def(name: str, *, quiet: bool = False) -> object | None:
    try:
        from .tf_opdef import lookup

        return lookup(name)
    except OpkitError:
        if quiet or name not in KNOWN_MATH:
            return None
        raise


def _spec_from_signature(
    name: str, signature: Signature, dtypes: tuple[str, ...] | None, version: int
) -> tuple[OpSpec, tuple[str, ...]]:
    notes: list[str] = []
    inputs = [_tensor(text, "input") for text in signature.inputs]
    outputs = [_tensor(text, "output") for text in signature.outputs]
    if not signature.given:
        inputs, outputs = [TensorArg("x", "T")], [TensorArg("y", "T")]
        notes.append(
            "assumed one input x and one output y of type T; "
            "describe the op with --input/--output/--attr"
        )
    if not outputs:
        outputs = [TensorArg("y", "T")]
    known = KNOWN_MATH.get(name)
    types = dtypes or (known.dtypes if known else ("float32",))
    shape = signature.shape or (
        f"same:{inputs[0].name}" if len(inputs) == 1 else "broadcast" if inputs else "kernel"
    )
    uses_t = any(arg.type == "T" for arg in (*inputs, *outputs))
    spec = OpSpec(
        name=name,
        version=version,
        doc=signature.doc or (f"The custom op {name}."),
        reference=signature.reference or (known.reference if known else None),
        types=(("T", tuple(types)),) if uses_t else (),
        inputs=tuple(inputs),
        outputs=tuple(TensorArg(o.name, o.type, shape=shape) for o in outputs),
        attrs=tuple(_attr(text) for text in signature.attrs),
    )
    try:
        return validate(spec), tuple(notes)
    except SpecError as error:
        raise SpecError(f"{name}: {error}") from None


def _tensor(text: str, what: str) -> TensorArg:
    name, _, dtype = text.partition(":")
    if not name:
        raise SpecError(f"--{what} {text!r}: expected NAME or NAME:TYPE")
    return TensorArg(name=name, type=dtype or "T")


def _attr(text: str) -> Attr:
    head, has_default, default_text = text.partition("=")
    name, _, kind = head.partition(":")
    if not name or kind not in ATTR_KINDS:
        raise SpecError(
            f"--attr {text!r}: expected NAME:TYPE[=DEFAULT] "
            f"with TYPE one of {', '.join(ATTR_KINDS)}"
        )
    default: AttrValue | None = None
    if has_default:
        default = _parse_default(name, kind, default_text)
    return Attr(name=name, kind=kind, default=default)


_DEFAULT_EXAMPLES = {
    "int": "3",
    "float": "2.0",
    "bool": "true",
    "list(int)": "[1,2,3]",
    "list(float)": "[0.5,1.0]",
    "list(string)": '["a","b"]',
}


def _parse_default(name: str, kind: str, text: str) -> AttrValue:
    if kind in ("string", "dtype"):
        return text
    example = _DEFAULT_EXAMPLES.get(kind, "")
    unreadable = SpecError(
        f"--attr {name}: cannot read default {text!r} as {kind}"
        + (f" (write it like {name}:{kind}={example})" if example else "")
    )
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        raise unreadable from None
    if isinstance(value, list):
        return tuple(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool | int | float):
        return value
    raise unreadable
