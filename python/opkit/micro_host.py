"""Running TensorFlow Lite Micro kernels on this machine, through opkit's
stand-in TFLM runtime (cpp/micro_host/tflm_host.cc).

An ops folder's ``opkit build`` builds its TFLM kernels into such a library
(``opkit_add_micro_host``; ``OpsProject.micro_host``); ``build_micro_host``
builds one from any op folders. ``load_micro_host`` opens it; ``run_micro``
runs one op the way a TFLM interpreter runs a one-node model (Init, Prepare,
Invoke, Free) and returns its outputs, or raises ``MicroKernelError`` with the
kernel's message. ``opkit.testing.check_op`` uses it to check micro kernels
against their reference.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ._paths import cmake_dir
from .errors import BuildError, OpkitError
from .library import snapshot_copy

# Enough for any kernel opkit scaffolds: a few persistent bytes of attributes
# and Prepare's temporary TfLiteTensors.
DEFAULT_ARENA_SIZE = 16 * 1024

# numpy dtype -> TfLiteType (opkit/tflite_c.h numbering, not the schema's).
TFLITE_TYPES: dict[np.dtype[np.generic], int] = {
    np.dtype(np.float32): 1,
    np.dtype(np.int32): 2,
    np.dtype(np.uint8): 3,
    np.dtype(np.int64): 4,
    np.dtype(np.bool_): 6,
    np.dtype(np.int16): 7,
    np.dtype(np.complex64): 8,
    np.dtype(np.int8): 9,
    np.dtype(np.float16): 10,
    np.dtype(np.float64): 11,
    np.dtype(np.complex128): 12,
    np.dtype(np.uint64): 13,
    np.dtype(np.uint32): 16,
    np.dtype(np.uint16): 17,
}

# opkit_micro_run's return codes (tflm_host.cc).
STAGES = {1: "call", 2: "Init", 3: "Prepare", 4: "Invoke", 5: "Free"}

# Written to outputs before a run: a kernel that leaves elements unwritten
# shows up as this pattern (-2.87e-16 as float32, never an erfc value).
POISON = 0xA5


class MicroKernelError(OpkitError):
    """A run that failed; ``stage`` is "Init", "Prepare", "Invoke", "Free" or "call"."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message


class _Tensor(ctypes.Structure):
    # OpkitMicroTensor in tflm_host.cc.
    _fields_ = [
        ("type", ctypes.c_int32),
        ("rank", ctypes.c_int32),
        ("dims", ctypes.POINTER(ctypes.c_int32)),
        ("data", ctypes.c_void_p),
        ("bytes", ctypes.c_size_t),
    ]


@dataclass(frozen=True)
class MicroHost:
    """A loaded host library; ``ops`` are the op names its resolver holds."""

    path: Path
    cdll: ctypes.CDLL
    ops: tuple[str, ...]


def build_micro_host(
    op_dirs: Sequence[str | os.PathLike[str]],
    build_dir: str | os.PathLike[str],
    *,
    cxx_flags: str = "",
) -> Path:
    """Builds the TFLM kernels of ``op_dirs`` with the host runtime; returns the library.

    ``op_dirs`` may live anywhere (each holds op.toml, opkit_op.cmake and
    ``<op>_micro.cc``). Configures ``build_dir`` once; later calls rebuild
    incrementally. ``cxx_flags``: more compiler flags (e.g. "-Werror").
    """
    cmake = shutil.which("cmake")
    if cmake is None:
        raise BuildError("cmake is not installed: pip install cmake")
    build_dir = Path(build_dir)
    project = build_dir / "project"
    project.mkdir(parents=True, exist_ok=True)
    folders = "\n".join(f'  "{_cmake_path(d)}"' for d in op_dirs)
    listing = (
        "cmake_minimum_required(VERSION 3.20...3.31)\n"
        "project(opkit_micro_host LANGUAGES CXX)\n"
        "set(CMAKE_EXPORT_COMPILE_COMMANDS ON)\n"
        "find_package(opkit REQUIRED)\n"
        f"opkit_add_micro_host(opkit_micro_host OPS\n{folders}\n)\n"
    )
    listfile = project / "CMakeLists.txt"
    if not listfile.is_file() or listfile.read_text() != listing:
        listfile.write_text(listing)
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    steps = [
        [
            cmake,
            "-S",
            str(project),
            "-B",
            str(build_dir / "build"),
            *generator,
            "-DCMAKE_BUILD_TYPE=Release",
            f"-Dopkit_DIR={cmake_dir()}",
            f"-DCMAKE_CXX_FLAGS={cxx_flags}",
        ],
        [cmake, "--build", str(build_dir / "build")],
    ]
    for command in steps:
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(
                f"building the micro host in {build_dir} failed:\n{result.stdout}{result.stderr}"
            )
    return build_dir / "build" / "libopkit_micro_host.so"


def _cmake_path(folder: str | os.PathLike[str]) -> str:
    path = Path(folder).resolve()
    text = path.as_posix()
    if any(c in text for c in '"\\;$'):
        raise OpkitError(f"op folder {path}: its path has a character CMake would misread")
    return text


def load_micro_host(path: str | os.PathLike[str]) -> MicroHost:
    """Opens a library built by ``build_micro_host`` or ``opkit build``.

    Loads a snapshot of the file (see library.snapshot_copy), so a rebuilt
    library loads as itself.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise OpkitError(
            f"micro host library {path} not found; build it with `opkit build` "
            "on an ops folder whose ops have TFLM kernels (<op>_micro.cc)"
        )
    cdll = ctypes.CDLL(str(snapshot_copy(path)))
    cdll.opkit_micro_op_count.restype = ctypes.c_int
    cdll.opkit_micro_op_count.argtypes = []
    cdll.opkit_micro_op_name.restype = ctypes.c_char_p
    cdll.opkit_micro_op_name.argtypes = [ctypes.c_int]
    cdll.opkit_micro_check_resolver.restype = ctypes.c_int
    cdll.opkit_micro_check_resolver.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    cdll.opkit_micro_run.restype = ctypes.c_int
    cdll.opkit_micro_run.argtypes = [
        ctypes.c_char_p,  # op_name
        ctypes.c_void_p,  # custom_options
        ctypes.c_size_t,
        ctypes.c_int,  # num_inputs
        ctypes.POINTER(_Tensor),
        ctypes.c_int,  # num_outputs
        ctypes.POINTER(_Tensor),
        ctypes.c_void_p,  # arena
        ctypes.c_size_t,
        ctypes.c_char_p,  # error
        ctypes.c_size_t,
    ]
    names = (cdll.opkit_micro_op_name(i) for i in range(cdll.opkit_micro_op_count()))
    return MicroHost(path=path, cdll=cdll, ops=tuple(n.decode() for n in names if n))


def check_resolver(lib: MicroHost) -> tuple[bool, list[str]]:
    """Whether the resolver refused a duplicate and an overflow as TFLM does, and its messages."""
    log = ctypes.create_string_buffer(1024)
    ok = lib.cdll.opkit_micro_check_resolver(log, len(log)) == 0
    return ok, log.value.decode().splitlines()


def _describe(array: npt.NDArray[Any], keep: list[object]) -> _Tensor:
    dtype = array.dtype
    if dtype not in TFLITE_TYPES:
        raise TypeError(f"no TfLiteType for dtype {dtype}")
    dims = (ctypes.c_int32 * max(array.ndim, 1))(*array.shape)
    keep.append(dims)
    return _Tensor(TFLITE_TYPES[dtype], array.ndim, dims, array.ctypes.data, array.nbytes)


def run_micro(
    lib: MicroHost,
    op_name: str,
    inputs: Sequence[npt.ArrayLike],
    output_specs: Sequence[tuple[Sequence[int], npt.DTypeLike]],
    custom_options: bytes = b"",
    *,
    arena_size: int = DEFAULT_ARENA_SIZE,
) -> list[npt.NDArray[Any]]:
    """Runs ``op_name``'s micro kernel once; outputs are allocated as ``(shape, dtype)``.

    ``custom_options`` are the node's custom options (a flexbuffer map, as the
    converter writes them); ``arena_size`` is the kernel memory available.
    Raises ``MicroKernelError`` with the reported message(s) when a stage fails.
    """
    arrays = [np.asarray(x, order="C") for x in inputs]  # (ascontiguousarray makes 0-d 1-d)
    outputs = [np.empty(tuple(shape), dtype) for shape, dtype in output_specs]
    for output in outputs:
        output.reshape(-1).view(np.uint8).fill(POISON)
    keep: list[object] = []
    tensors_in = (_Tensor * max(len(arrays), 1))(*(_describe(a, keep) for a in arrays))
    tensors_out = (_Tensor * max(len(outputs), 1))(*(_describe(o, keep) for o in outputs))
    options = ctypes.create_string_buffer(bytes(custom_options), max(len(custom_options), 1))
    # 16-byte aligned, so that the usable size is exactly arena_size.
    arena = (ctypes.c_uint8 * (arena_size + 15))()
    arena_start = ctypes.addressof(arena) + (-ctypes.addressof(arena) % 16)
    error = ctypes.create_string_buffer(4096)
    status = lib.cdll.opkit_micro_run(
        op_name.encode(),
        ctypes.cast(options, ctypes.c_void_p),
        len(custom_options),
        len(arrays),
        tensors_in,
        len(outputs),
        tensors_out,
        arena_start,
        arena_size,
        error,
        len(error),
    )
    if status != 0:
        raise MicroKernelError(
            STAGES.get(status, str(status)), error.value.decode(errors="replace").strip()
        )
    return outputs
