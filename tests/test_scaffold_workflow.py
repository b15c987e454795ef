"""The user's loop, as a new user runs it in an empty folder: scaffold-op, build, run.

Every step goes through the installed command-line tools in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import opkit
from opkit.fusion import convert_with_fusion, fusable
from support.kernels import STUB
from support.models import convert_fn

BIN = Path(sys.executable).parent
MY_OP_BODY = """\
  const T* x_data = opkit::Data<T>(x);
  const T* y_data = opkit::Data<T>(y);
  T* z_data = opkit::Data<T>(z);
  for (int64_t i = 0; i < opkit::NumElements(z); ++i) {
    z_data[i] = x_data[i] * y_data[i] + T(1);
  }
  return kTfLiteOk;
"""
MY_OP_REFERENCE = """\
def my_op(x, y):
    return x * y + 1.0
"""


def cli(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    tool, *rest = args
    result = subprocess.run(
        [str(BIN / tool), *rest],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The error line of a failed command, checking it is a clean, single-line failure."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ")
    return last


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty folder where Erfc and a stub MyOp are scaffolded and built once."""
    home = tmp_path_factory.mktemp("user")
    cli("scaffold-op", "Erfc", cwd=home)
    cli(
        "scaffold-op",
        "MyOp",
        "--input",
        "x",
        "--input",
        "y",
        "--output",
        "z",
        "--reference",
        "my_op_reference:my_op",
        cwd=home,
    )
    (home / "ops" / "my_op" / "my_op_reference.py").write_text(MY_OP_REFERENCE)
    first = cli("opkit", "build", cwd=home)
    assert "] Linking CXX shared module libops.so" in first.stderr  # progress is shown
    again = cli("opkit", "build", cwd=home)
    assert "no work to do" in again.stderr  # incremental
    yield home


def build(home: Path) -> Path:
    """Runs `opkit build`; its last line of output is the library's path."""
    result = cli("opkit", "build", cwd=home)
    library = Path(result.stdout.strip().splitlines()[-1])
    assert library == home / "ops" / "build" / "libops.so"
    return library


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_erfc_model_runs_and_matches_tensorflow(project: Path, dtype: tf.DType) -> None:
    library = build(project)
    model = convert_fn(tf.math.erfc, tf.TensorSpec([None], dtype))
    x = np.concatenate([np.linspace(-6, 9, 301), [0.0, -0.0, np.inf, -np.inf, np.nan]])
    x = x.astype(dtype.as_numpy_dtype)
    interpreter = opkit.Interpreter(model, op_libraries=[library])
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    y = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    # TF's float32 erfc loses ~8 ulp in the far tail (e.g. 1e-6 relative at x = 8.8 against
    # mpmath), where the generated kernel's std::erfc stays within 1 ulp.
    rtol = 1e-5 if dtype == tf.float32 else 1e-14
    np.testing.assert_allclose(y, tf.math.erfc(x).numpy(), rtol=rtol, atol=0)


def test_the_generated_erfc_test_passes_unedited(project: Path) -> None:
    result = cli("opkit", "test", "-k", "erfc", cwd=project)
    assert "1 passed" in result.stdout


def test_stub_fails_honestly_until_its_eval_is_written(project: Path) -> None:
    library = build(project)
    op = fusable("MyOp", lambda x, y: x * y + 1.0)
    model = convert_with_fusion(lambda x, y: op(x, y), [tf.TensorSpec([5], tf.float32)] * 2)
    x = np.arange(5, dtype=np.float32)
    y = np.full(5, 2.0, np.float32)

    def run() -> np.ndarray:
        interpreter = opkit.Interpreter(model, op_libraries=[library])
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
        interpreter.set_tensor(interpreter.get_input_details()[1]["index"], y)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

    kernel = project / "ops" / "my_op" / "my_op.cc"
    with pytest.raises(RuntimeError, match=f"MyOp: not implemented — edit {kernel}"):
        run()
    failing = cli("opkit", "test", "-k", "my_op", cwd=project, check=False)
    assert failing.returncode != 0 and "MyOp: not implemented" in failing.stdout

    source = kernel.read_text()
    assert source.count(STUB) == 1
    kernel.write_text(source.replace(STUB, MY_OP_BODY))
    build(project)  # rebuilt into the same path; opkit loads the new code
    np.testing.assert_array_equal(run(), x * y + 1.0)
    passing = cli("opkit", "test", "-k", "my_op", cwd=project)
    assert "1 passed" in passing.stdout


def test_rerunning_keeps_the_users_kernel(project: Path) -> None:
    kernel = project / "ops" / "erfc" / "erfc.cc"
    mine = kernel.read_text() + "// my own change\n"
    kernel.write_text(mine)
    result = cli("scaffold-op", "Erfc", cwd=project)
    assert "kept      ops/erfc/erfc.cc" in result.stdout
    assert kernel.read_bytes() == mine.encode()
    result = cli("scaffold-op", "Erfc", "--force", cwd=project)
    assert "replaced  ops/erfc/erfc.cc (the old one is in ops/erfc/erfc.cc.bak)" in result.stdout
    assert (project / "ops" / "erfc" / "erfc.cc.bak").read_text() == mine
    assert "// my own change" not in kernel.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scaffold-op", "my-op"], "error: invalid op name 'my-op': use letters"),
        (["scaffold-op", "Foo", "--dtypes", "float33"], "error: unknown dtype 'float33'"),
        (["scaffold-op", "Foo", "--input", "x:float33"], "unknown dtype or type variable"),
        (
            ["scaffold-op", "Sin"],
            "error: Sin needs no kernel: tf.math.sin converts to the TFLite builtin SIN",
        ),
        (["scaffold-op", "Erfc", "--input", "q"], "error: Erfc is a TensorFlow op"),
        (["opkit", "build", "nowhere"], "error: no such ops folder: nowhere"),
        (["opkit", "list-ops", "nowhere.so"], "error: op library not found: nowhere.so"),
        (
            ["scaffold-op", "Foo", "--input", "x", "--output", "y", "--attr", "d:list(int)=1,2"],
            "(write it like d:list(int)=[1,2,3])",
        ),
        (["scaffold-op", "Tflite", "--input", "x", "--output", "y"], "would hide the C++"),
        (
            ["opkit", "export-cpp", "nowhere.tflite", "--out", "x"],
            "error: model file not found: nowhere.tflite",
        ),
    ],
)
def test_bad_input_gives_one_line_error(tmp_path: Path, args: list[str], message: str) -> None:
    assert message in one_line_error(cli(*args, cwd=tmp_path, check=False))
    assert not (tmp_path / "ops").exists() or args[0] == "opkit"


def test_malformed_spec_is_reported_with_file_and_line(tmp_path: Path) -> None:
    cli("scaffold-op", "Erfc", cwd=tmp_path)
    spec = tmp_path / "ops" / "erfc" / "op.toml"
    text = spec.read_text().replace('shape = "same:x"', 'shape = "same:q"')
    spec.write_text(text)
    number = text.splitlines().index('shape = "same:q"') + 1
    line = one_line_error(cli("opkit", "build", cwd=tmp_path, check=False))
    assert line.startswith(f"error: {spec}:{number}: output y: shape must be")


def test_a_kernel_that_does_not_compile(tmp_path: Path) -> None:
    cli("scaffold-op", "Broken", cwd=tmp_path)
    kernel = tmp_path / "ops" / "broken" / "broken.cc"
    lines = kernel.read_text().splitlines(keepends=True)
    bad = next(i for i, line in enumerate(lines) if "not implemented" in line)
    lines.insert(bad, "  this is not C++;\n")
    kernel.write_text("".join(lines))
    result = cli("opkit", "build", cwd=tmp_path, check=False)
    assert f"{kernel}:{bad + 1}:" in result.stderr  # the compiler's own line, at the user's file
    assert (
        one_line_error(result) == "error: building ops failed (see the compiler's messages above)"
    )
