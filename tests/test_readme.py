"""README.md shows commands and code that really work, with their real output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from test_interpreter import MISSING_OPS_MESSAGE

from support.kernels import STUB
from support.readme import block_after, blocks_after, code_blocks

ROOT = Path(__file__).resolve().parents[1]


def test_ci_installs_with_the_readme_command_and_runs_the_readme_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    install = block_after("## Install", "bash").strip()
    test = block_after("## Run the tests", "bash").strip()
    assert install == 'pip install ".[test]"'
    assert test == "python -m pytest"
    assert 'python -m pip install ".[test]"' in ci
    assert ci.rstrip().endswith(test)


def test_the_sinh_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    example = block_after("## Run a model that has a custom op", "python")
    shown = block_after("prints the TFLite result and TensorFlow's", "text")
    result = subprocess.run(
        [sys.executable, "-c", example],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        check=True,
    )
    printed = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert printed == shown.strip().splitlines()


def test_the_cmake_example_is_the_tested_project() -> None:
    shown = block_after("## Build an op library of your own", "cmake")
    assert shown == (ROOT / "tests" / "data" / "user_ops" / "CMakeLists.txt").read_text()


def test_the_missing_op_error_shown_is_the_one_tested() -> None:
    (shown,) = [b for b in code_blocks("text") if "MissingOpError" in b]
    assert shown.strip() == f"opkit.errors.MissingOpError: {MISSING_OPS_MESSAGE}"


def test_the_scaffold_build_test_loop_prints_what_the_readme_shows(tmp_path: Path) -> None:
    commands = block_after("## Write a kernel for an op: scaffold-op, build, test", "bash")
    shown = block_after("## Write a kernel for an op: scaffold-op, build, test", "text")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    printed = result.stdout.splitlines()
    for line in shown.splitlines():
        if line == "...":
            continue
        if line.endswith("/ops/build/libops.so"):
            assert str(tmp_path / "ops" / "build" / "libops.so") in printed
        else:
            assert line in printed, line


def run_bash(commands: str, cwd: Path) -> list[str]:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def assert_shown(shown: str, printed: list[str]) -> None:
    numbers = re.compile(r"\d+\.\d+e-\d+")
    for line in shown.splitlines():
        if "max abs error" in line:  # the figures vary with the random weights
            assert any(numbers.sub("N", line) == numbers.sub("N", p) for p in printed), line
        else:
            assert line in printed, line


def test_the_model_to_verified_tflite_walkthrough(tmp_path: Path) -> None:
    heading = "## From a Keras model to a verified .tflite"
    (tmp_path / "my_model.py").write_text(block_after(heading, "python"))
    printed = run_bash(block_after(heading, "bash"), tmp_path)
    assert_shown(block_after(heading, "text"), printed)


def test_the_op_of_your_own_walkthrough(tmp_path: Path) -> None:
    heading = "### An op of your own"
    (tmp_path / "my_layers.py").write_text(block_after(heading, "python"))
    scaffold, build = blocks_after(heading, "bash")
    run_bash(scaffold, tmp_path)
    kernel = tmp_path / "ops" / "scaled_sin" / "scaled_sin.cc"
    source = kernel.read_text()
    assert source.count(STUB) == 1
    kernel.write_text(source.replace(STUB, block_after(heading, "cpp")))
    assert_shown(block_after(heading, "text"), run_bash(build, tmp_path))


def test_the_device_walkthrough(tmp_path: Path) -> None:
    model_heading = "## From a Keras model to a verified .tflite"
    (tmp_path / "my_model.py").write_text(block_after(model_heading, "python"))
    run_bash(
        "python my_model.py\nopkit convert model.keras -o model.tflite --import my_model", tmp_path
    )
    heading = "## On devices: C++ interpreters and TensorFlow Lite Micro"
    printed = run_bash(block_after(heading, "bash"), tmp_path)
    assert_shown(block_after(heading, "text"), printed)
    assert (tmp_path / "model_cpp" / "build" / "libcustom_ops_micro.a").is_file()
