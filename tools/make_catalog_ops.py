"""Writes the op folders of the catalog's elementwise ops (ops/<op>/).

For every elementwise op that the TFLite converter emits as a custom op
(known_ops.KNOWN_MATH minus the ops TFLite has builtins for), this writes the
op spec derived from TensorFlow's op definition, a kernel that plugs the op's
math into the shared elementwise kernel (ops/_catalog/elementwise.h), the
same for TensorFlow Lite Micro (ops/_catalog/elementwise_micro.h: plain loops,
no threads or vector libraries on a microcontroller), and the generated glue.
Existing op.toml and kernel files are kept (pass --force to rewrite them); the
glue is always regenerated.

    python tools/make_catalog_ops.py [--force]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from opkit.codegen import RenderedFile, render_op_glue, render_spec
from opkit.known_ops import KNOWN_MATH, conversion
from opkit.names import register_function
from opkit.tf_opdef import lookup, spec_from_op_def
from opkit.writer import write_files

OPS = Path(__file__).resolve().parents[1] / "ops"

KERNEL = """\
// {name}: {doc}
//
// Math: {where}.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "{header}"

namespace tflite {{
namespace ops {{
namespace custom {{
namespace {namespace} {{

struct Math {{
  static constexpr char kName[] = "{name}";
  static constexpr double kNanosPerElement = {cost};  // measured order of magnitude
  static float Apply(float x) {{ return {function}(x); }}
  static double Apply(double x) {{ return {function}(x); }}
}};

}}  // namespace {namespace}

TfLiteRegistration* {register}() {{
  return opkit::catalog::Unary<{namespace}::Math>::Registration();
}}

}}  // namespace custom
}}  // namespace ops
}}  // namespace tflite
"""

MICRO_KERNEL = """\
// {name}: {doc}
//
// TensorFlow Lite Micro flavour. Math: {where}.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

{include}

namespace tflite {{
namespace micro {{
namespace custom {{
namespace {namespace} {{

struct Math {{
  static constexpr char kName[] = "{name}";
  static float Apply(float x) {{ return {function}(x); }}
  static double Apply(double x) {{ return {function}(x); }}
}};

}}  // namespace {namespace}

TFLMRegistration {register}() {{
  return opkit::catalog::UnaryMicro<{namespace}::Math>::Registration();
}}

}}  // namespace custom
}}  // namespace micro
}}  // namespace tflite
"""


def micro_math(function: str, header: str) -> tuple[str, str]:
    """(where the micro kernel's math comes from, its #include line)."""
    if function.startswith("std::"):
        name = function.removeprefix("std::")
        return f"the C library's {name} ({name}f for float32)", f"#include <{header}>"
    return "opkit's special function, computed in double", f'#include "{header}"'


def catalog_function(function: str) -> tuple[str, str, str, str]:
    """(C++ function, header, where it comes from, ns per element) for the catalog kernel."""
    if function.startswith("std::"):
        name = function.removeprefix("std::")
        return (
            f"opkit::vmath::{name.capitalize()}",
            "vmath.h",
            f"the C library's {name}, vectorised through libmvec where available",
            "0.4",
        )
    return function, "", "opkit's special functions, computed in double and rounded once", "20"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rewrite op.toml and kernels")
    args = parser.parse_args()
    files: list[RenderedFile] = []
    for name, known in sorted(KNOWN_MATH.items()):
        conv = conversion(name)
        if conv is None or not conv.custom:
            continue  # TFLite has a builtin for it
        # The kernels include the catalog's shared headers (ops/_catalog).
        spec = replace(spec_from_op_def(lookup(name)).spec, include_dirs=("../_catalog",))
        function, header, where, cost = catalog_function(known.function)
        header = header or known.header
        kernel = KERNEL.format(
            name=name,
            doc=spec.doc,
            where=where,
            header=header,
            namespace=spec.folder,
            function=function,
            register=register_function(name),
            cost=cost,
        )
        where, include = micro_math(known.function, known.header)
        micro_kernel = MICRO_KERNEL.format(
            name=name,
            doc=spec.doc,
            where=where,
            include=include,
            namespace=spec.folder,
            function=known.function,
            register=register_function(name),
        )
        files += [
            RenderedFile(f"{spec.folder}/op.toml", render_spec(spec), "user"),
            RenderedFile(f"{spec.folder}/{spec.kernel_file}", kernel, "user"),
            RenderedFile(f"{spec.folder}/{spec.micro_kernel_file}", micro_kernel, "user"),
            RenderedFile(f"{spec.folder}/opkit_op.cmake", render_op_glue(spec), "opkit"),
        ]
    for written in write_files(OPS, files, force=args.force):
        if written.action != "unchanged":
            print(f"{written.action:9} {written.path.relative_to(OPS.parent)}")


if __name__ == "__main__":
    main()
