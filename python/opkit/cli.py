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
    except KeyboardInterrupt:
        return 130


def _scaffold_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the op's name in models (its custom_code), e.g. Erfc")
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


def _scaffold(args: argparse.Namespace) -> int:
    from .scaffold import Signature, scaffold_op

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
    )
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
    kernel = os.path.relpath(result.op_dir / result.spec.kernel_file, cwd)
    if result.math is None:
        print(f"next: write the computation in {kernel} (its Eval reports 'not implemented')")
    else:
        print(
            f"the kernel computes {result.math.function}(x) for "
            f"{', '.join(result.spec.dtypes_of(result.spec.inputs[0]))}"
        )
    ops_dir = os.path.relpath(result.op_dir.parent, cwd)
    print(f"then:  opkit build {ops_dir} && opkit test {ops_dir}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .project import build

    print(build(args.dir))
    return 0


def _test(args: argparse.Namespace) -> int:
    from .project import build, open_project

    library = build(args.dir)
    project = open_project(args.dir)
    extra = [a for a in args.pytest_args if a != "--"]
    if args.select:
        extra += ["-k", args.select]
    command = [sys.executable, "-m", "pytest", str(project.root), "-p", "no:cacheprovider", *extra]
    env = {**os.environ, "OPKIT_LIBRARY": str(library)}
    return subprocess.run(command, env=env, check=False).returncode


def _list_ops(args: argparse.Namespace) -> int:
    from .library import list_ops

    for name, version in list_ops(args.library):
        print(f"{name} v{version}")
    return 0
