"""Command line: ``opkit`` (build, test, list-ops, scaffold-op) and ``scaffold-op``.

A thin layer: it parses arguments, calls the library, and turns opkit's own
errors into one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .errors import OpkitError

EXIT_ERROR = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="opkit", description="Custom operators for TensorFlow Lite: scaffold, build, test."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scaffold = commands.add_parser("scaffold-op", help="write an op folder (same as scaffold-op)")
    _scaffold_arguments(scaffold)
    scaffold.set_defaults(run=_scaffold)

    build = commands.add_parser("build", help="build the op library of an ops folder")
    build.add_argument("dir", nargs="?", default="ops", help="the ops folder (default: ops)")
    build.set_defaults(run=_build)

    test = commands.add_parser("test", help="build an ops folder, then run its ops' tests")
    test.add_argument("dir", nargs="?", default="ops", help="the ops folder (default: ops)")
    test.add_argument(
        "-k",
        dest="select",
        metavar="EXPRESSION",
        help="run only the tests matching EXPRESSION (pytest's -k), e.g. erfc",
    )
    test.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="after DIR and --: more arguments for pytest"
    )
    test.set_defaults(run=_test)

    doctor = commands.add_parser("doctor", help="say what a model needs, op by op")
    doctor.add_argument("model", help="a .keras or .h5 file, a SavedModel folder, or a .tflite")
    _library_arguments(doctor)
    doctor.set_defaults(run=_doctor)

    convert = commands.add_parser("convert", help="convert a model, with custom ops if needed")
    convert.add_argument("model", help="a .keras or .h5 file, or a SavedModel folder")
    convert.add_argument("-o", "--output", required=True, help="the .tflite file to write")
    convert.add_argument(
        "--quantization",
        choices=["dynamic", "float16"],
        help="post-training quantization that needs no calibration data",
    )
    convert.add_argument(
        "--allow-missing",
        action="store_true",
        help="write the model even if a custom op has no kernel yet",
    )
    _library_arguments(convert)
    convert.set_defaults(run=_convert)

    verify = commands.add_parser("verify", help="compare a .tflite model with its TF model")
    verify.add_argument("reference", help="the TensorFlow model: .keras, .h5 or SavedModel")
    verify.add_argument("tflite", help="the converted .tflite model")
    verify.add_argument("--rtol", type=float, help="relative tolerance")
    verify.add_argument("--atol", type=float, help="absolute tolerance")
    _library_arguments(verify)
    verify.set_defaults(run=_verify)

    export = commands.add_parser(
        "export-cpp", help="write a C++ project that runs a .tflite model with exactly its ops"
    )
    export.add_argument("model", help="the .tflite model")
    export.add_argument(
        "--ops",
        action="append",
        default=[],
        metavar="DIR",
        help="an ops folder with the model's custom ops (repeatable; opkit's catalog is last)",
    )
    export.add_argument("--out", required=True, help="the folder to write the project into")
    export.add_argument(
        "--target",
        choices=["tflite", "micro", "both"],
        default="tflite",
        help="interpreter built from TFLite source (default), TensorFlow Lite Micro, or both",
    )
    export.add_argument("--no-catalog", action="store_true", help="leave opkit's catalog out")
    export.add_argument(
        "--force", action="store_true", help="replace files you edited since the last export"
    )
    export.set_defaults(run=_export_cpp)

    list_ops = commands.add_parser("list-ops", help="list the ops an op library implements")
    list_ops.add_argument("library", nargs="?", help="an op library (default: opkit's catalog)")
    list_ops.set_defaults(run=_list_ops)

    args = parser.parse_args(argv)
    return _guarded(args.run, args)


def _quiet_tensorflow() -> None:
    from . import _tf

    _tf.QUIET = True


def scaffold_op_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scaffold-op",
        description="Write an op spec, a C++ kernel, a test and the build glue for a custom op.",
    )
    _scaffold_arguments(parser)
    return _guarded(_scaffold, parser.parse_args(argv))


def _guarded(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    _quiet_tensorflow()
    try:
        return run(args)
    except OpkitError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:  # a file or folder the command could not use
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _library_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--op-library",
        action="append",
        default=[],
        metavar="PATH",
        help="an op library to use (besides opkit's catalog); repeatable",
    )
    parser.add_argument("--no-catalog", action="store_true", help="leave opkit's catalog out")
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="MODULE",
        help="import a module first (one defining a model's custom layers)",
    )


def _libraries(args: argparse.Namespace) -> list[str]:
    from ._paths import catalog_library

    for module in args.imports:
        _import_user_module(module)
    return [*args.op_library, *([] if args.no_catalog else [str(catalog_library())])]


def _import_user_module(module: str) -> None:
    import importlib

    from ._tf import import_tensorflow, quiet_output

    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    import_tensorflow(f"--import {module}")  # quietly, before the module imports it loudly
    try:
        with quiet_output():
            importlib.import_module(module)
    except ImportError as error:
        raise OpkitError(f"--import {module}: {error}") from None


def _scaffold_arguments(parser: argparse.ArgumentParser) -> None:
    _library_arguments(parser)
    parser.add_argument(
        "name", nargs="?", help="the op's name in models (its custom_code), e.g. Erfc"
    )
    parser.add_argument(
        "--from-model",
        metavar="MODEL",
        help="scaffold every custom op MODEL needs that has no kernel yet",
    )
    parser.add_argument("--dir", default="ops", help="the ops folder to write into (default: ops)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace your op.toml, kernel and test (backups are kept)",
    )
    parser.add_argument(
        "--fused",
        action="store_true",
        help="scaffold a kernel even when TFLite has a builtin of that name",
    )
    parser.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="NAME[:TYPE]",
        help="an input tensor (ops that are not TF ops); TYPE is T or a dtype",
    )
    parser.add_argument(
        "--output", action="append", default=[], metavar="NAME[:TYPE]", help="an output tensor"
    )
    parser.add_argument(
        "--attr",
        action="append",
        default=[],
        metavar="NAME:KIND[=DEFAULT]",
        help="an attribute, e.g. scale:float=2.0",
    )
    parser.add_argument(
        "--dtypes", metavar="LIST", help="comma-separated dtypes of T, e.g. float32,float64"
    )
    parser.add_argument(
        "--shape", metavar="RULE", help="output shape: same:<input>, broadcast or kernel"
    )
    parser.add_argument(
        "--reference", metavar="REF", help="reference implementation: tf.<path> or module:function"
    )
    parser.add_argument("--doc", help="one line describing the op")
    parser.add_argument("--version", type=int, default=1, help="op version (default 1)")
    parser.add_argument(
        "--target",
        choices=["tflite", "micro", "both"],
        default="tflite",
        help="kernel flavour: TFLite (default), TensorFlow Lite Micro, or both",
    )


def _scaffold(args: argparse.Namespace) -> int:
    from .scaffold import Signature, scaffold_from_model, scaffold_op

    if args.from_model:
        if args.name:
            raise OpkitError("give either NAME or --from-model MODEL, not both")
        results = scaffold_from_model(
            args.from_model,
            directory=args.dir,
            op_libraries=_libraries(args),
            force=args.force,
            target=args.target,
        )
        if not results:
            print(f"{args.from_model}: every custom op has a kernel; nothing to scaffold")
        for result in results:
            _print_scaffolded(result)
        return 0
    if not args.name:
        raise OpkitError("give an op NAME (e.g. scaffold-op Erfc) or --from-model MODEL")

    result = scaffold_op(
        args.name,
        directory=args.dir,
        signature=Signature(
            inputs=args.input,
            outputs=args.output,
            attrs=args.attr,
            shape=args.shape,
            reference=args.reference,
            doc=args.doc,
        ),
        dtypes=args.dtypes.split(",") if args.dtypes else None,
        version=args.version,
        fused=args.fused,
        force=args.force,
        target=args.target,
    )
    _print_scaffolded(result)
    return 0


def _print_scaffolded(result: Any) -> None:
    cwd = os.getcwd()
    for written in result.written:
        shown = os.path.relpath(written.path, cwd)
        if written.action == "kept":
            print(f"kept      {shown} (yours; --force replaces it and keeps a backup)")
        elif written.action == "replaced":
            backup = os.path.relpath(written.backup, cwd) if written.backup else "?"
            print(f"replaced  {shown} (the old one is in {backup})")
        elif written.action != "unchanged":
            print(f"{written.action:9} {shown}")
    for note in result.notes:
        print(f"note: {note}")
    kernels = [w.path for w in result.written if w.path.suffix == ".cc"]
    kernel = os.path.relpath(kernels[0] if kernels else result.op_dir, cwd)
    if result.math is None:
        print(f"next: write the computation in {kernel} (its Eval reports 'not implemented')")
    else:
        print(
            f"the kernel computes {result.math.function}(x) for "
            f"{', '.join(result.spec.dtypes_of(result.spec.inputs[0]))}"
        )
    ops_dir = os.path.relpath(result.op_dir.parent, cwd)
    print(f"then:  opkit build {ops_dir} && opkit test {ops_dir}")
    if (result.op_dir / result.spec.micro_kernel_file).is_file():
        print(
            "       (`opkit test` runs the TFLM kernel here, in opkit's stand-in TFLM runtime; "
            f"`opkit export-cpp MODEL --ops {ops_dir} --out DIR --target micro` makes the "
            "firmware sources)"
        )


def _doctor(args: argparse.Namespace) -> int:
    from .diagnosis import doctor

    report = doctor(args.model, op_libraries=_libraries(args))
    print(report.table())
    return 0 if report.runnable else EXIT_ERROR


def _convert(args: argparse.Namespace) -> int:
    from .converter import convert

    result = convert(
        args.model,
        op_libraries=_libraries(args),
        allow_missing=args.allow_missing,
        quantization=args.quantization,
    )
    for (name, version), library in result.custom_ops.items():
        where = library.path.name if library else "NO KERNEL (scaffold-op --from-model)"
        print(f"custom op {name} v{version}: {where}")
    print(result.save(args.output))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from .verification import verify

    libraries = _libraries(args)
    report = verify(
        args.reference, args.tflite, op_libraries=libraries, rtol=args.rtol, atol=args.atol
    )
    print(report.table())
    return 0 if report.passed else EXIT_ERROR


def _build(args: argparse.Namespace) -> int:
    from .project import build, open_project

    build(args.dir)
    for path in _built(open_project(args.dir)):
        print(path)
    return 0


def _built(project: Any) -> list[Any]:
    """What `opkit build` made: the op library and the micro host, if the ops have them."""
    tflite, micro = project.kernel_folders()
    return [project.library] * bool(tflite) + [project.micro_host] * bool(micro)


def _test(args: argparse.Namespace) -> int:
    from .project import build, open_project

    build(args.dir)
    project = open_project(args.dir)
    extra = [a for a in args.pytest_args if a != "--"]
    if args.select:
        extra += ["-k", args.select]
    command = [sys.executable, "-m", "pytest", str(project.root), "-p", "no:cacheprovider", *extra]
    env = {
        **os.environ,
        "OPKIT_LIBRARY": str(project.library),
        "OPKIT_MICRO_HOST": str(project.micro_host),
    }
    return subprocess.run(command, env=env, check=False).returncode


def _export_cpp(args: argparse.Namespace) -> int:
    from .cpp_export import export_cpp

    result = export_cpp(
        args.model,
        args.out,
        ops_dirs=args.ops,
        target=args.target,
        catalog=not args.no_catalog,
        force=args.force,
    )
    cwd = os.getcwd()
    counts: dict[str, int] = {}
    for file in result.files:
        counts[file.action] = counts.get(file.action, 0) + 1
        shown = os.path.relpath(file.path, cwd)
        if file.action == "replaced":
            backup = os.path.relpath(file.backup, cwd) if file.backup else "?"
            print(f"replaced  {shown} (your version is in {backup})")
        elif file.action == "kept":
            print(f"kept      {shown} (yours; no longer part of the export)")
        elif file.action == "removed":
            print(f"removed   {shown} (no longer part of the export)")
    out = os.path.relpath(result.out, cwd)
    summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
    print(f"{out}: {summary} ({result.target} project for {result.model})")
    for op in result.ops:
        where = "opkit's catalog" if op.from_catalog else os.path.relpath(op.source, cwd)
        print(f"custom op {op.name} v{op.version}: from {where}")
    for note in result.notes:
        print(f"note: {note}")
    print(f"next: see {os.path.join(out, 'README.md')} for the build commands")
    return 0


def _list_ops(args: argparse.Namespace) -> int:
    from .library import list_ops

    for name, version in list_ops(args.library):
        print(f"{name} v{version}")
    return 0
