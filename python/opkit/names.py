"""Names: validating what users type, and deriving every generated identifier.

Op, input, output and attribute names end up in C++ and CMake, so they are
checked here before anything is rendered: only identifiers of bounded length,
never a C++ keyword. All naming rules live in this module (templates only
substitute), and tests/test_names.py pins them down.
"""

from __future__ import annotations

import math
import re

from .errors import InvalidNameError, OpkitError

MAX_NAME_LENGTH = 64
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# C++ keywords and alternative tokens: never usable as generated identifiers.
CPP_KEYWORDS = frozenset(
    """alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t
    char16_t char32_t class compl concept const consteval constexpr constinit const_cast
    continue co_await co_return co_yield decltype default delete do double dynamic_cast else
    enum explicit export extern false float for friend goto if inline int long mutable
    namespace new noexcept not not_eq nullptr operator or or_eq private protected public
    register reinterpret_cast requires return short signed sizeof static static_assert
    static_cast struct switch template this thread_local throw true try typedef typeid typename
    union unsigned using virtual void volatile wchar_t while xor xor_eq""".split()  # noqa: SIM905
)
# Names the generated kernel itself uses.
RESERVED = frozenset({"context", "node", "data", "attribute_error", "count", "T", "i", "index"})
# Namespaces the generated kernels name unqualified: an op whose namespace
# (its snake_case name) were one of them would hide it.
RESERVED_NAMESPACES = frozenset({"opkit", "tflite", "std"})


def check_identifier(name: str, what: str) -> str:
    """Returns ``name`` if it can become a C++ identifier, else raises one clear error."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise InvalidNameError(
            f"invalid {what} {name!r}: use letters, digits and underscores, "
            "not starting with a digit"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidNameError(f"invalid {what} {name!r}: longer than {MAX_NAME_LENGTH} characters")
    if name in CPP_KEYWORDS:
        raise InvalidNameError(f"invalid {what} {name!r}: it is a C++ keyword")
    return name


def check_op_name(name: str) -> str:
    """An op name: an identifier whose snake_case form is not a keyword either."""
    check_identifier(name, "op name")
    if snake_case(name) in CPP_KEYWORDS:
        raise InvalidNameError(f"invalid op name {name!r}: {snake_case(name)!r} is a C++ keyword")
    if snake_case(name) in RESERVED_NAMESPACES:
        raise InvalidNameError(
            f"invalid op name {name!r}: its kernel's namespace {snake_case(name)!r} would hide "
            "the C++ namespace of that name; choose another name"
        )
    return name


def check_member_name(name: str, what: str) -> str:
    """An input, output or attribute name (becomes a constant or struct field).

    Clashes with the names derived from other tensors and attributes (x_data,
    y_dims, mode_size, axes_count) are checked with the whole spec, in spec.validate.
    """
    check_identifier(name, what)
    if name in RESERVED:
        raise InvalidNameError(f"invalid {what} {name!r}: the generated kernel uses that name")
    return name


_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(name: str) -> list[str]:
    """CamelCase / snake_case split into lower-case words: "BesselI0e" -> bessel, i0e."""
    parts = []
    for chunk in name.split("_"):
        parts += [p.lower() for p in _WORD_BOUNDARY.split(chunk) if p]
    return parts


def derived_names(kind: str, name: str) -> tuple[str, ...]:
    """The identifiers a generated kernel derives from a tensor or attribute name."""
    if kind == "tensor":
        return (f"{name}_data", f"{name}_dims")
    if kind == "string":
        return (f"{name}_size",)
    if kind.startswith("list("):
        return (f"{name}_count",)
    return ()


def snake_case(name: str) -> str:
    """Folder, file and namespace name of an op: "CumulativeLogsumexp" -> cumulative_logsumexp."""
    return "_".join(words(name)) or name.lower()


def register_function(op_name: str) -> str:
    """TFLite's registration naming: "Sinh" -> Register_SINH, "BesselI0e" -> Register_BESSEL_I0E."""
    return "Register_" + snake_case(op_name).upper()


def tensor_constant(arg_name: str) -> str:
    """Index constant of a tensor: "x" -> kXTensor, "axis_index" -> kAxisIndexTensor."""
    return "k" + "".join(w.capitalize() for w in words(arg_name)) + "Tensor"


def library_name(project_dir_name: str) -> str:
    """CMake target and library name of an ops folder: "my-ops" -> my_ops."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", project_dir_name)
    if not name or name[0].isdigit():
        name = "ops_" + name
    return name[:MAX_NAME_LENGTH]


def cpp_float(value: float, cpp_type: str = "float") -> str:
    """A C++ literal for ``value`` in ``cpp_type`` ("float" adds the f suffix)."""
    if math.isnan(value):
        return f"std::numeric_limits<{cpp_type}>::quiet_NaN()"
    if math.isinf(value):
        sign = "-" if value < 0 else ""
        return f"{sign}std::numeric_limits<{cpp_type}>::infinity()"
    text = repr(float(value))
    if "e" not in text and "." not in text:
        text += ".0"
    return text + ("f" if cpp_type == "float" else "")


def cpp_int(value: int) -> str:
    """A C++ int64_t literal; INT64_MIN cannot be written as a plain literal."""
    if value == -(2**63):
        return "std::numeric_limits<int64_t>::min()"
    if not -(2**63) < value < 2**63:
        raise OpkitError(f"integer default {value} does not fit in int64")
    return f"INT64_C({value})"


def cpp_string(value: str) -> str:
    """A C++ string literal with every non-printable or non-ASCII byte escaped."""
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif 32 <= byte < 127 and char != "?":  # '?' escaped: no trigraphs
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'
