"""Generated files: golden files for four kinds of op in both kernel flavours
(TFLite and TFLite Micro), compiled with strict flags - the micro ones also the
way firmware is built, and for a Cortex-M when arm-none-eabi-g++ is installed.

Set OPKIT_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change,
then review the diff.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from opkit.codegen import render_op, render_op_glue, render_project
from opkit.known_ops import math_for
from opkit.spec import load_spec
from support.native import INCLUDE_DIR, STRICT, compiler, forbidden_in_firmware

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
UPDATE = os.environ.get("OPKIT_UPDATE_GOLDEN") == "1"


def check_golden(path: Path, text: str) -> None:
    if UPDATE:
        path.write_text(text)
    assert path.is_file(), f"missing golden file {path}"
    assert text == path.read_text(), f"{path.name} differs from the generated text"


def test_the_four_kinds_are_covered() -> None:
    specs = {case: load_spec(GOLDEN / case / "op.toml") for case in CASES}
    assert math_for(specs["erfc"]) is not None  # elementwise TF op, math filled in
    assert specs["cumprod"].attrs  # attributes
    assert len(specs["igamma"].inputs) == 2  # several inputs
    assert specs["scaled_sin"].reference == "scaled_sin_reference:scaled_sin"  # fused op
    assert all(math_for(specs[c]) is None for c in ("cumprod", "igamma", "scaled_sin"))


@pytest.mark.parametrize("case", CASES)
def test_generated_files_match_golden(case: str) -> None:
    spec = load_spec(GOLDEN / case / "op.toml")
    for file in render_op(spec, "ops", math_for(spec), "both"):
        if file.path.endswith("op.toml"):
            assert file.text == (GOLDEN / file.path).read_text()
        else:
            check_golden(GOLDEN / f"{file.path}.golden", file.text)


def test_project_glue_matches_golden() -> None:
    check_golden(GOLDEN / "CMakeLists.txt.golden", render_project("ops", CASES))


def _golden_kernel(case: str, micro: bool, tmp_path: Path) -> Path:
    spec = load_spec(GOLDEN / case / "op.toml")
    name = spec.micro_kernel_file if micro else spec.kernel_file
    source = tmp_path / name
    source.write_text((GOLDEN / case / f"{name}.golden").read_text())
    return source


def _compile(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("case", CASES)
def test_generated_kernel_compiles_without_warnings(case: str, tmp_path: Path) -> None:
    source = _golden_kernel(case, False, tmp_path)
    _compile(
        [
            compiler("c++"),
            "-std=c++17",
            *STRICT,
            "-Wshadow",
            "-fno-rtti",
            f"-I{INCLUDE_DIR}",
            "-c",
            str(source),
            "-o",
            str(tmp_path / "kernel.o"),
        ]
    )


# How firmware builds TFLM kernels: no exceptions, no RTTI. The stand-in TFLM
# declarations take the place of a tflite-micro checkout.
MICRO_FLAGS = [
    "-std=c++17",
    *STRICT,
    "-Wshadow",
    "-fno-exceptions",
    "-fno-rtti",
    "-DOPKIT_TFLM_STANDIN",
    "-DTF_LITE_STATIC_MEMORY",
    f"-I{INCLUDE_DIR}",
]


@pytest.mark.parametrize("case", CASES)
def test_micro_kernel_compiles_for_firmware_without_heap(case: str, tmp_path: Path) -> None:
    source = _golden_kernel(case, True, tmp_path)
    obj = tmp_path / "kernel_micro.o"
    _compile([compiler("c++"), *MICRO_FLAGS, "-c", str(source), "-o", str(obj)])
    assert forbidden_in_firmware(obj) == []


ARM_GXX = shutil.which("arm-none-eabi-g++")


@pytest.mark.skipif(
    ARM_GXX is None, reason="arm-none-eabi-g++ is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("case", CASES)
def test_micro_kernel_compiles_for_cortex_m(case: str, tmp_path: Path) -> None:
    assert ARM_GXX is not None
    source = _golden_kernel(case, True, tmp_path)
    obj = tmp_path / "kernel_micro.o"
    _compile(
        [
            ARM_GXX,
            "-mcpu=cortex-m4",
            "-mthumb",
            "-mfloat-abi=hard",
            "-mfpu=fpv4-sp-d16",
            "-Os",
            *MICRO_FLAGS,
            "-c",
            str(source),
            "-o",
            str(obj),
        ]
    )
    assert forbidden_in_firmware(obj, "arm-none-eabi-nm") == []


@pytest.mark.parametrize("case", ["erfc", "cumprod", "igamma"])
def test_tensorflow_ops_derive_the_golden_spec(case: str) -> None:
    from opkit.tf_opdef import lookup, spec_from_op_def

    golden = load_spec(GOLDEN / case / "op.toml")
    assert spec_from_op_def(lookup(golden.name)).spec == golden


@pytest.mark.parametrize(
    "op_dir",
    sorted(p.parent for p in (Path(__file__).parents[1] / "ops").glob("*/op.toml")),
    ids=lambda p: p.name,
)
def test_catalog_glue_is_generated_from_its_spec(op_dir: Path) -> None:
    check_golden(op_dir / "opkit_op.cmake", render_op_glue(load_spec(op_dir / "op.toml")))
