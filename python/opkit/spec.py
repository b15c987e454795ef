"""Op specs: ``ops/<op>/op.toml`` loaded into frozen dataclasses.

An op spec says what a custom op is - its name in the model (custom_code),
version, inputs and outputs with their allowed dtypes, attributes with
defaults, how the output shape follows from the inputs, and a reference
implementation to verify the kernel against. Everything is validated on
load; an unknown key or a bad value is reported with the file and line.

Example::

    name = "Cumprod"
    version = 1
    doc = "Cumulative product along an axis."
    reference = "tf.math.cumprod"

    [types]
    T = ["float32", "float64"]
    Tidx = ["int32", "int64"]

    [[inputs]]
    name = "x"
    type = "T"

    [[inputs]]
    name = "axis"
    type = "Tidx"

    [[outputs]]
    name = "out"
    type = "T"
    shape = "same:x"      # or "broadcast", or "kernel" (computed in the kernel)

    [[attrs]]
    name = "exclusive"
    type = "bool"
    default = false
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from .dtypes import DTYPES
from .errors import InvalidNameError, SpecError
from .names import check_member_name, check_op_name, derived_names, snake_case

ATTR_KINDS = ("int", "float", "bool", "string", "dtype", "list(int)", "list(float)", "list(string)")
AttrValue = bool | int | float | str | tuple[int, ...] | tuple[float, ...] | tuple[str, ...]
MAX_LIST_LENGTH = 16
"""Longest list attribute a generated kernel holds (fixed arrays: no heap on devices)."""


@dataclass(frozen=True)
class TensorArg:
    """An input or output tensor."""

    name: str
    type: str
    """A type variable of the spec (e.g. "T") or a dtype name (e.g. "int32")."""
    doc: str = ""
    shape: str = ""
    """Outputs only: "same:<input>", "broadcast" or "kernel"."""

    @property
    def shape_rule(self) -> tuple[str, str]:
        """("same", input) / ("broadcast", "") / ("kernel", "")."""
        kind, _, arg = self.shape.partition(":")
        return kind, arg


@dataclass(frozen=True)
class Attr:
    """An attribute, read from the op's custom_options."""

    name: str
    kind: str
    default: AttrValue | None = None
    """None: the attribute is required."""
    doc: str = ""


@dataclass(frozen=True)
class Verify:
    """How the op's test compares the kernel with the reference."""

    domain: tuple[float, float] | None = None
    """Inputs are drawn from this interval (default: a standard normal)."""
    rtol: Mapping[str, float] = field(default_factory=dict)
    atol: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class OpSpec:
    name: str
    version: int = 1
    doc: str = ""
    reference: str | None = None
    """A TensorFlow callable ("tf.math.erfc") or a Python function ("pkg.mod:fn")."""
    types: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Type variables and the dtypes each allows, in declaration order."""
    inputs: tuple[TensorArg, ...] = ()
    outputs: tuple[TensorArg, ...] = ()
    attrs: tuple[Attr, ...] = ()
    sources: tuple[str, ...] = ()
    """Kernel sources in the op folder; empty means the default <op>.cc."""
    include_dirs: tuple[str, ...] = ()
    """More include directories for the kernels, relative to the op folder:
    "../shared" for headers several ops of an ops folder share (the catalog's
    are in "../_catalog"). They stay inside the ops folder, so that copies of
    it (`opkit export-cpp`) keep the layout."""
    verify: Verify = field(default_factory=Verify)

    @property
    def type_vars(self) -> dict[str, tuple[str, ...]]:
        return dict(self.types)

    @property
    def folder(self) -> str:
        return snake_case(self.name)

    @property
    def kernel_file(self) -> str:
        return f"{self.folder}.cc"

    @property
    def micro_kernel_file(self) -> str:
        return f"{self.folder}_micro.cc"

    @property
    def source_files(self) -> tuple[str, ...]:
        return self.sources or (self.kernel_file,)

    def dtypes_of(self, arg: TensorArg) -> tuple[str, ...]:
        """The dtypes a tensor may have."""
        return self.type_vars.get(arg.type, (arg.type,))


# ---- Validation ------------------------------------------------------------


class LocatedSpecError(SpecError):
    """A SpecError that knows which key of op.toml it is about."""

    def __init__(self, message: str, table: str = "", index: int = 0, key: str = "") -> None:
        super().__init__(message)
        self.location = (table, index, key)


def validate(spec: OpSpec) -> OpSpec:
    """Checks a spec's consistency; raises LocatedSpecError on the first problem."""
    fail = LocatedSpecError
    _name(check_op_name, spec.name, "", 0, "name")
    if not 1 <= spec.version < 2**31:
        raise fail(f"version must be a positive integer, not {spec.version}", "", 0, "version")
    for var, dtypes in spec.types:
        if var != "T":
            _name(check_member_name, var, "types", 0, var, "type variable")
        if not dtypes:
            raise fail(f"type variable {var} allows no dtypes", "types", 0, var)
        for dtype in dtypes:
            _check_dtype(dtype, f"type variable {var}", ("types", 0, var))
    seen: set[str] = set()
    input_names = [arg.name for arg in spec.inputs]
    for table, args in (("inputs", spec.inputs), ("outputs", spec.outputs)):
        what = table[:-1]
        for i, arg in enumerate(args):
            _name(check_member_name, arg.name, table, i, "name", f"{what} name")
            _check_unique(arg.name, seen, (table, i, "name"))
            if arg.type not in spec.type_vars:
                _check_dtype(arg.type, f"{what} {arg.name}", (table, i, "type"))
            if table == "outputs" and not _shape_ok(arg, input_names):
                raise fail(
                    f"output {arg.name}: shape must be 'same:<input>' (inputs: "
                    f"{', '.join(input_names) or 'none'}), 'broadcast' or 'kernel', "
                    f"not {arg.shape!r}",
                    table,
                    i,
                    "shape",
                )
    if not spec.outputs:
        raise fail("an op needs at least one output ([[outputs]])")
    for i, attr in enumerate(spec.attrs):
        _name(check_member_name, attr.name, "attrs", i, "name", "attribute name")
        _check_unique(attr.name, seen, ("attrs", i, "name"))
        if attr.kind not in ATTR_KINDS:
            raise fail(
                f"attribute {attr.name}: type must be one of {', '.join(ATTR_KINDS)}, "
                f"not {attr.kind!r}",
                "attrs",
                i,
                "type",
            )
        if attr.default is not None and not _value_fits(attr.kind, attr.default):
            raise fail(
                f"attribute {attr.name}: default {attr.default!r} is not a valid {attr.kind}",
                "attrs",
                i,
                "default",
            )
    _check_derived(spec)
    for source in spec.sources:
        if not _SOURCE.match(source):
            raise fail(
                f"source {source!r} must be a .cc/.cpp file in the op folder (letters, digits, "
                "'_', '.', '-')",
                "",
                0,
                "sources",
            )
    for include in spec.include_dirs:
        if not _INCLUDE_DIR.match(include):
            raise fail(
                f"include directory {include!r} must be a folder in the op folder or next to "
                "it, e.g. \"../shared\" (letters, digits, '_', '.', '-' and '/')",
                "",
                0,
                "include_dirs",
            )
    domain = spec.verify.domain
    if domain is not None and not (len(domain) == 2 and domain[0] < domain[1]):
        raise fail(
            f"domain must be [low, high] with low < high, not {list(domain)}", "verify", 0, "domain"
        )
    return spec


_SOURCE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.(cc|cpp)\Z")
# A relative path that may leave the op folder once, at its start, and never
# mentions "." or "..", empty parts, or characters CMake would interpret.
_PART = r"(?!\.\.?(/|\Z))[A-Za-z0-9_.-]+"
_INCLUDE_DIR = re.compile(rf"(\.\./)?{_PART}(/{_PART})*\Z")


def _name(check: Any, name: str, table: str, index: int, key: str, *what: str) -> None:
    try:
        check(name, *what)
    except InvalidNameError as error:
        raise LocatedSpecError(str(error), table, index, key) from None


def _shape_ok(arg: TensorArg, input_names: list[str]) -> bool:
    kind, source = arg.shape_rule
    return (kind == "same" and source in input_names) or (
        kind in ("broadcast", "kernel") and not source
    )


def _check_derived(spec: OpSpec) -> None:
    """No name may equal one the kernel derives from another (x and x_data, y and y_dims)."""
    tensors = [
        ("inputs", i, a.name, derived_names("tensor", a.name)) for i, a in enumerate(spec.inputs)
    ]
    tensors += [
        ("outputs", i, a.name, derived_names("tensor", a.name)) for i, a in enumerate(spec.outputs)
    ]
    attrs = [("attrs", i, a.name, derived_names(a.kind, a.name)) for i, a in enumerate(spec.attrs)]
    for scope in (tensors, attrs):  # tensors are locals, attributes are OpData members
        derived_from = {d: owner for _, _, owner, names in scope for d in names}
        for table, index, name, _ in scope:
            if name in derived_from:
                raise LocatedSpecError(
                    f"name {name!r} clashes with the {name!r} that the generated kernel "
                    f"derives from {derived_from[name]!r}; rename one of them",
                    table,
                    index,
                    "name",
                )


def _check_unique(name: str, seen: set[str], where: tuple[str, int, str]) -> None:
    if name in seen:
        raise LocatedSpecError(
            f"name {name!r} is used twice among inputs, outputs and attributes", *where
        )
    seen.add(name)


def _check_dtype(dtype: str, what: str, where: tuple[str, int, str]) -> None:
    if dtype not in DTYPES:
        raise LocatedSpecError(
            f"{what}: unknown dtype or type variable {dtype!r} (dtypes: {', '.join(DTYPES)})",
            *where,
        )


def _value_fits(kind: str, value: object) -> bool:
    if kind.startswith("list("):
        element = kind[5:-1]
        return (
            isinstance(value, tuple | list)
            and len(value) <= MAX_LIST_LENGTH
            and all(_value_fits(element, v) for v in value)
        )
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "dtype":
        return value in DTYPES
    return False


# ---- Loading op.toml -------------------------------------------------------

_TOP_KEYS = (
    "name",
    "version",
    "doc",
    "reference",
    "sources",
    "include_dirs",
    "types",
    "inputs",
    "outputs",
    "attrs",
    "verify",
)
_TENSOR_KEYS = ("name", "type", "doc")
_OUTPUT_KEYS = (*_TENSOR_KEYS, "shape")
_ATTR_KEYS = ("name", "type", "default", "doc")
_VERIFY_KEYS = ("domain", "rtol", "atol")


def load_spec(path: str | Path) -> OpSpec:
    """Reads and validates an op.toml; errors name the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such op spec (scaffold one with `scaffold-op NAME`)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        where = f":{match.group(1)}" if match else ""
        raise SpecError(f"{path}{where}: not valid TOML ({error})") from None
    try:
        return validate(_from_data(data))
    except LocatedSpecError as error:
        line = _Locator(text)(*error.location)
        raise SpecError(f"{path}:{line}: {error}") from None


def _from_data(data: Mapping[str, Any]) -> OpSpec:
    _only(data, _TOP_KEYS, "", 0, "op.toml")
    if "name" not in data:
        raise LocatedSpecError("missing required key 'name' (the op's custom_code in models)")
    types = data.get("types", {})
    if not isinstance(types, dict):
        raise LocatedSpecError("[types] must be a table of type variables", "", 0, "types")
    type_items = []
    for var, dtypes in types.items():
        if isinstance(dtypes, str):
            dtypes = [dtypes]
        if not isinstance(dtypes, list) or not all(isinstance(d, str) for d in dtypes):
            raise LocatedSpecError(f"type variable {var} must list dtype names", "types", 0, var)
        type_items.append((var, tuple(dtypes)))
    verify = data.get("verify", {})
    if not isinstance(verify, dict):
        raise LocatedSpecError("[verify] must be a table", "", 0, "verify")
    _only(verify, _VERIFY_KEYS, "verify", 0, "[verify]")
    sources = _typed(data, "sources", list, "", 0, [])
    if not all(isinstance(source, str) for source in sources):
        raise LocatedSpecError("sources must list file names", "", 0, "sources")
    include_dirs = _typed(data, "include_dirs", list, "", 0, [])
    if not all(isinstance(folder, str) for folder in include_dirs):
        raise LocatedSpecError("include_dirs must list folders", "", 0, "include_dirs")
    return OpSpec(
        name=_typed(data, "name", str, "", 0),
        version=_typed(data, "version", int, "", 0, 1),
        doc=_typed(data, "doc", str, "", 0, ""),
        reference=_typed(data, "reference", str, "", 0, None),
        sources=tuple(sources),
        include_dirs=tuple(include_dirs),
        types=tuple(type_items),
        inputs=tuple(
            _tensor(t, "inputs", i, _TENSOR_KEYS) for i, t in enumerate(_tables(data, "inputs"))
        ),
        outputs=tuple(
            _tensor(t, "outputs", i, _OUTPUT_KEYS) for i, t in enumerate(_tables(data, "outputs"))
        ),
        attrs=tuple(_attr(t, i) for i, t in enumerate(_tables(data, "attrs"))),
        verify=Verify(
            domain=_domain(verify),
            rtol=_tolerances(verify, "rtol"),
            atol=_tolerances(verify, "atol"),
        ),
    )


def _only(
    table: Mapping[str, Any], allowed: Sequence[str], name: str, index: int, where: str
) -> None:
    for key in table:
        if key not in allowed:
            raise LocatedSpecError(
                f"unknown key {key!r} in {where} (expected one of: {', '.join(allowed)})",
                name,
                index,
                key,
            )


def _typed(
    table: Mapping[str, Any], key: str, kind: type, name: str, index: int, default: Any = ...
) -> Any:
    if key not in table:
        if default is ...:
            raise LocatedSpecError(f"missing required key {key!r}", name, index, "")
        return default
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise LocatedSpecError(
            f"{key} must be a {kind.__name__}, not {type(value).__name__} {value!r}",
            name,
            index,
            key,
        )
    return value


def _tables(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise LocatedSpecError(f"{key} must be an array of tables ([[{key}]])", "", 0, key)
    return value


def _tensor(table: Mapping[str, Any], kind: str, index: int, keys: Sequence[str]) -> TensorArg:
    _only(table, keys, kind, index, f"[[{kind}]]")
    return TensorArg(
        name=_typed(table, "name", str, kind, index),
        type=_typed(table, "type", str, kind, index, "T"),
        doc=_typed(table, "doc", str, kind, index, ""),
        shape=_typed(table, "shape", str, kind, index, "") if kind == "outputs" else "",
    )


def _attr(table: Mapping[str, Any], index: int) -> Attr:
    _only(table, _ATTR_KEYS, "attrs", index, "[[attrs]]")
    default = table.get("default")
    if isinstance(default, list):
        default = tuple(default)
    return Attr(
        name=_typed(table, "name", str, "attrs", index),
        kind=_typed(table, "type", str, "attrs", index),
        default=default,
        doc=_typed(table, "doc", str, "attrs", index, ""),
    )


def _domain(verify: Mapping[str, Any]) -> tuple[float, float] | None:
    value = verify.get("domain")
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise LocatedSpecError("domain must be [low, high]", "verify", 0, "domain")
    return float(value[0]), float(value[1])


def _tolerances(table: Mapping[str, Any], key: str) -> dict[str, float]:
    value = table.get(key, {})
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"*": float(value)}
    if not isinstance(value, dict) or not all(
        k in DTYPES and isinstance(v, int | float) for k, v in value.items()
    ):
        raise LocatedSpecError(
            f"verify.{key} must be a number or a table of dtype = number", "verify", 0, key
        )
    return {k: float(v) for k, v in value.items()}


class _Locator:
    """Finds the line of a key in TOML text: (table, occurrence, key) -> line number."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z_.]+)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\"-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, int, str], int] = {}
        self.headers: dict[tuple[str, int], int] = {}
        table, counts = "", {"": 0}
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                table = header.group(2)
                counts[table] = counts.get(table, -1) + 1
                self.headers.setdefault((table, counts[table]), number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault((table, counts[table], key.group(1).strip('"')), number)

    def __call__(self, table: str, index: int, key: str) -> int:
        return self.lines.get((table, index, key)) or self.headers.get((table, index)) or 1
