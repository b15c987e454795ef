"""The catalog's TensorFlow Lite Micro kernels: built for a Cortex-M without heap or
printf, and run on the host (opkit.micro_host) against TensorFlow's own
ops by the same rules as the TFLite kernels (tests/support/catalog_check.py).

The micro kernels compute float32 in float32 (the C library's erfcf, not erfc
on doubles: a Cortex-M4's FPU is single precision, and double is emulated in
software), so where TensorFlow is off they are held to 2 ulp of the true value
- glibc's stated bound for erfcf, the only function that needs it - instead of
the TFLite kernels' 1. On the host they call glibc's libm; on a device, the
toolchain's (newlib's), whose accuracy is the toolchain's to state.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from opkit.micro_host import MicroHost
from opkit.names import snake_case
from support.catalog_check import (
    OpAccuracy,
    build_catalog_micro_host,
    check_catalog,
    elementwise_ops,
    micro_runner,
)
from support.native import forbidden_in_firmware

ROOT = Path(__file__).resolve().parents[1]
TOOLCHAIN = ROOT / "tests" / "support" / "toolchains" / "arm-none-eabi-cortex-m4.cmake"
SAMPLES = 3000


def catalog_op_dirs() -> list[Path]:
    return [ROOT / "ops" / snake_case(name) for name in elementwise_ops()]


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> MicroHost:
    return build_catalog_micro_host(tmp_path_factory.mktemp("catalog_micro"))


def test_every_elementwise_catalog_op_has_a_micro_kernel(host: MicroHost) -> None:
    assert sorted(host.ops) == sorted(elementwise_ops())
    assert len(host.ops) == 31


@pytest.fixture(scope="module", params=[np.float32, np.float64], ids=["float32", "float64"])
def reports(request: pytest.FixtureRequest, host: MicroHost) -> dict[str, OpAccuracy]:
    return {
        r.name: r
        for r in check_catalog(
            elementwise_ops(), request.param, SAMPLES, seed=7, run=micro_runner(host), true_ulps=2.0
        )
    }


@pytest.mark.parametrize("name", elementwise_ops())
def test_micro_kernel_matches_tensorflow(reports: dict[str, OpAccuracy], name: str) -> None:
    report = reports[name]
    assert report.samples > SAMPLES
    assert report.passed, "; ".join(report.failures[:5])


@pytest.mark.skipif(
    shutil.which("arm-none-eabi-g++") is None,
    reason="arm-none-eabi-g++ is not installed (.ci/run installs it)",
)
def test_catalog_micro_kernels_cross_compile_without_heap(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    folders = "\n".join(f'  "{d}"' for d in catalog_op_dirs())
    (project / "CMakeLists.txt").write_text(
        f"""cmake_minimum_required(VERSION 3.20)
project(catalog_micro LANGUAGES CXX)
set(OPKIT_INCLUDE_DIR "{ROOT / "cpp" / "include"}")
set(OPKIT_RUNTIME_SOURCES "{ROOT / "cpp" / "runtime" / "delegate.cc"}")
include("{ROOT / "cmake" / "opkitOpLibrary.cmake"}")
opkit_add_op_library(catalog_micro MICRO OPS
{folders}
)
"""
    )
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    for command in (
        [
            "cmake",
            "-S",
            str(project),
            "-B",
            str(tmp_path / "build"),
            *generator,
            f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}",
            "-DCMAKE_BUILD_TYPE=MinSizeRel",
            "-DOPKIT_COMPILE_CHECK=ON",
            "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror",
        ],
        ["cmake", "--build", str(tmp_path / "build")],
    ):
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    archive = tmp_path / "build" / "libcatalog_micro.a"
    assert forbidden_in_firmware(archive, "arm-none-eabi-nm") == []
