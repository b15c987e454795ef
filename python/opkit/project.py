"""An ops folder (the user's ``ops/``): its op specs, generated glue and build.

Layout::

    ops/
      CMakeLists.txt         generated: one opkit_add_op_library over the op folders
      erfc/op.toml           the op spec (yours)
      erfc/erfc.cc           the kernel (yours)
      erfc/test_erfc.py      the op's test (yours)
      erfc/opkit_op.cmake    generated from op.toml
      build/libops.so        what `opkit build` produces
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ._paths import cmake_dir
from .codegen import render_glue
from .errors import BuildError, OpkitError
from .names import library_name
from .spec import OpSpec, load_spec
from .writer import Written, write_files

_FOLDER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
Echo = Callable[[str], None]


@dataclass(frozen=True)
class OpsProject:
    root: Path
    ops: tuple[tuple[str, OpSpec], ...]
    """(op folder name, spec), sorted by folder."""

    @property
    def name(self) -> str:
        return library_name(self.root.name)

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def library(self) -> Path:
        """The op library of the ops' TFLite kernels (for the Python interpreters)."""
        return self.build_dir / f"lib{self.name}.so"

    @property
    def micro_host(self) -> Path:
        """The library that runs the ops' TFLM kernels on this machine (opkit.micro_host)."""
        return self.build_dir / f"lib{self.name}_micro_host.so"

    def kernel_folders(self) -> tuple[list[str], list[str]]:
        """(the op folders with a TFLite kernel, those with a TFLM kernel)."""
        tflite, micro = [], []
        for folder, spec in self.ops:
            op_dir = self.root / folder
            has_tflite = all((op_dir / source).is_file() for source in spec.source_files)
            has_micro = (op_dir / spec.micro_kernel_file).is_file()
            if not has_tflite and not has_micro:
                raise OpkitError(
                    f"op {spec.name} in {op_dir} has no kernel ({spec.source_files[0]} or "
                    f"{spec.micro_kernel_file}); write one with "
                    f"`scaffold-op {spec.name} --dir {self.root}`"
                )
            if has_tflite:
                tflite.append(folder)
            if has_micro:
                micro.append(folder)
        return tflite, micro


def open_project(directory: str | os.PathLike[str]) -> OpsProject:
    """Reads every ``<op>/op.toml`` under ``directory``."""
    root = Path(directory).resolve()
    if not root.is_dir():
        raise OpkitError(
            f"no such ops folder: {directory} "
            f"(create one with `scaffold-op NAME --dir {directory}`)"
        )
    folders = sorted(p for p in root.iterdir() if (p / "op.toml").is_file())
    if not folders:
        raise OpkitError(
            f"{directory} holds no ops (no <op>/op.toml); "
            f"scaffold one with `scaffold-op NAME --dir {directory}`"
        )
    ops: list[tuple[str, OpSpec]] = []
    seen: dict[str, str] = {}
    for folder in folders:
        if not _FOLDER.match(folder.name):
            raise OpkitError(
                f"op folder name {folder.name!r} in {directory} may hold only letters, digits, "
                "'_', '.' and '-' (it is written into CMakeLists.txt)"
            )
        spec = load_spec(folder / "op.toml")
        if spec.name in seen:
            raise OpkitError(
                f"op {spec.name} is defined twice in {directory}: in {seen[spec.name]}/ "
                f"and {folder.name}/"
            )
        seen[spec.name] = folder.name
        ops.append((folder.name, spec))
    return OpsProject(root=root, ops=tuple(ops))


def sync_glue(project: OpsProject) -> list[Written]:
    """Regenerates opkit's files (each opkit_op.cmake, CMakeLists.txt) from the specs."""
    tflite, micro = project.kernel_folders()
    glue = render_glue(project.name, project.ops, tflite_folders=tflite, micro_folders=micro)
    return write_files(project.root, glue)


def build(directory: str | os.PathLike[str], *, echo: Echo | None = None) -> Path:
    """Configures (once) and builds an ops folder; returns its op library's path.

    The op library holds the ops' TFLite kernels; ops with a TensorFlow Lite
    Micro kernel are also built into ``project.micro_host`` (for an ops folder
    of TFLM kernels only, that is the path returned). Progress and compiler
    messages go to ``echo`` line by line (default: stderr).
    """
    echo = echo or _to_stderr
    project = open_project(directory)
    sync_glue(project)
    tflite, micro = project.kernel_folders()
    cmake = shutil.which("cmake")
    if cmake is None:
        raise BuildError("cmake is not installed: pip install cmake")
    if not (project.build_dir / "CMakeCache.txt").is_file():
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        _run(
            [
                cmake,
                "-S",
                str(project.root),
                "-B",
                str(project.build_dir),
                *generator,
                "-DCMAKE_BUILD_TYPE=Release",
                f"-Dopkit_DIR={cmake_dir()}",
            ],
            echo,
            f"CMake could not configure {directory} (see its messages above)",
        )
    _run(
        [cmake, "--build", str(project.build_dir), "--parallel", str(os.cpu_count() or 2)],
        echo,
        f"building {directory} failed (see the compiler's messages above)",
    )
    built = [project.library] if tflite else []
    built += [project.micro_host] if micro else []
    for path in built:
        if not path.is_file():
            raise BuildError(f"the build finished but {path} is missing")
    return built[0]


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _run(command: list[str], echo: Echo, failure: str) -> None:
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            echo(line.rstrip("\n"))
    if process.returncode != 0:
        raise BuildError(failure)
