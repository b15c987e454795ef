"""From a model to a verified .tflite: doctor, custom_op, convert, verify, --from-model."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import opkit
from opkit import _core
from opkit.errors import OpkitError
from opkit.tflite_model import summarize
from support.kernels import SCALED_SIN_BODY, STUB
from support.layers import scaled_sin_model, special_functions_model
from support.seed_models import SEED_MODELS

TESTS = Path(__file__).parent
BIN = Path(sys.executable).parent


def cli(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    tool, *rest = args
    env = {**os.environ, "PYTHONPATH": str(TESTS), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [str(BIN / tool), *rest], cwd=cwd, capture_output=True, text=True, env=env
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def custom_options(model: bytes) -> list[tuple[str, object]]:
    return [
        (node.op[0], _core.decode_custom_options(node.custom_options))
        for node in summarize(model).custom_nodes
    ]


# ---- custom_op ------------------------------------------------------------------------


def test_decorated_layer_converts_to_one_custom_op_with_its_attributes(tmp_path: Path) -> None:
    model = scaled_sin_model(2.0)
    converted = opkit.convert(model, allow_missing=True)
    assert custom_options(converted.model) == [("ScaledSin", {"scale": 2.0})]
    assert summarize(converted.model).builtin_ops == {}
    assert converted.missing == [("ScaledSin", 1)]

    path = tmp_path / "scaled.keras"
    scaled_sin_model(3.0).save(path)
    reloaded = keras.models.load_model(path)
    assert custom_options(opkit.convert(reloaded, allow_missing=True).model) == [
        ("ScaledSin", {"scale": 3.0})
    ]


def test_decorated_function() -> None:
    @opkit.custom_op("TimesK", k=3, label="x3", exact=True)
    def times_k(x: tf.Tensor) -> tf.Tensor:
        return x * 3.0

    entry = tf.function(lambda x: times_k(x), input_signature=[tf.TensorSpec([2], tf.float32)])
    converted = opkit.convert(entry, allow_missing=True)
    # The converter writes a fused op's bool attribute as an int: true -> -1 (GetBool reads it).
    assert custom_options(converted.model) == [("TimesK", {"exact": -1, "k": 3, "label": "x3"})]
    np.testing.assert_array_equal(times_k(tf.constant([1.0, 2.0])).numpy(), [3.0, 6.0])


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        (
            {"scale": [1.0, 2.0]},
            "attribute scale=[1.0, 2.0] has type list; fused-op attributes "
            "must be int, float, bool or str",
        ),
        ({"scale": None}, "attribute scale=None has type NoneType"),
        ({"scale": float("nan")}, "attribute scale=nan: only finite floats can be fused"),
        ({"bad-name": 1}, "invalid attribute name 'bad-name'"),
    ],
)
def test_bad_attributes_are_refused_at_decoration(attrs: dict[str, object], message: str) -> None:
    with pytest.raises(OpkitError) as error:
        opkit.custom_op("ScaledSin", **attrs)  # type: ignore[arg-type]
    assert message in str(error.value)


# ---- doctor ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED_MODELS))
def test_seed_models_need_builtins_only(name: str) -> None:
    report = opkit.doctor(SEED_MODELS[name]())
    assert report.conversion == "converts with builtins only"
    assert report.runnable
    assert report.ops and all(op.status == "builtin" for op in report.ops)
    expected = {
        "lambda": "MUL",
        "sin_layer": "SIN",
        "selu": "EXP",
        "normalization": "CONV_2D",
        "log_layer": "LOG",
    }[name]
    assert expected in {op.name for op in report.ops}
    assert "verdict: runs in the Python interpreters" in report.table()


def test_doctor_reports_each_special_op_with_and_without_libraries(
    special_ops_library: Path,
) -> None:
    model = special_functions_model()
    report = opkit.doctor(model, op_libraries=[])
    assert {op.name: op.status for op in report.ops} == {
        "ADD": "builtin",
        "Sinh": "missing",
        "Erfc": "missing",
        "Digamma": "missing",
    }
    assert "scaffold-op Erfc" in report.by_name("Erfc").fix
    assert not report.runnable

    # The catalog implements all three.
    report = opkit.doctor(model)
    assert report.runnable
    assert {report.by_name(n).library for n in ("Sinh", "Erfc", "Digamma")} == {
        opkit.catalog_library()
    }

    # A user's library (Erfc and Digamma) first: it runs those, the catalog runs Sinh.
    report = opkit.doctor(model, op_libraries=[special_ops_library, opkit.catalog_library()])
    assert report.runnable
    assert report.by_name("Erfc").library == special_ops_library
    assert report.by_name("Digamma").library == special_ops_library
    assert report.by_name("Sinh").library == opkit.catalog_library()
    table = report.table()
    assert f"Erfc         1  custom op, kernel in {special_ops_library}" in table
    assert "Sinh         1  custom op, kernel in opkit's catalog" in table

    report = opkit.doctor(model, op_libraries=[special_ops_library])
    assert [op.name for op in report.ops if op.status == "missing"] == ["Sinh"]


@pytest.fixture(scope="module")
def special_ops_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("special")
    cli("scaffold-op", "Erfc", cwd=home)
    cli("scaffold-op", "Digamma", cwd=home)
    return Path(cli("opkit", "build", cwd=home).stdout.strip().splitlines()[-1])


def test_doctor_on_tflite_files(tmp_path: Path, special_ops_library: Path) -> None:
    model = opkit.convert(special_functions_model()).save(tmp_path / "special.tflite")
    missing = cli("opkit", "doctor", str(model), "--no-catalog", cwd=tmp_path, check=False)
    assert missing.returncode == 1
    assert "Erfc         1  custom op, NO KERNEL: scaffold-op Erfc" in missing.stdout
    assert "verdict: cannot run yet: 3 op type(s) need work (Digamma, Erfc, Sinh)" in (
        missing.stdout
    )
    partial = cli(
        "opkit",
        "doctor",
        str(model),
        "--no-catalog",
        "--op-library",
        str(special_ops_library),
        cwd=tmp_path,
        check=False,
    )
    assert partial.returncode == 1 and "need work (Sinh)" in partial.stdout
    ok = cli("opkit", "doctor", str(model), cwd=tmp_path)
    assert "verdict: runs in the Python interpreters" in ok.stdout


# ---- the whole way: decorated layer -> scaffold --from-model -> build -> verify ------------


@pytest.fixture(scope="module")
def fused_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("fused")
    scaled_sin_model(2.0).save(home / "scaled.keras")
    result = cli(
        "scaffold-op", "--from-model", "scaled.keras", "--import", "support.layers", cwd=home
    )
    assert "created   ops/scaled_sin/scaled_sin.cc" in result.stdout
    kernel = home / "ops" / "scaled_sin" / "scaled_sin.cc"
    source = kernel.read_text()
    assert source.count(STUB) == 1
    kernel.write_text(
        source.replace(STUB, SCALED_SIN_BODY).replace(
            "#include <stdint.h>\n", "#include <stdint.h>\n\n#include <cmath>\n"
        )
    )
    cli("opkit", "build", cwd=home)
    yield home


def test_from_model_spec_comes_from_the_model_and_the_decorated_layer(fused_project: Path) -> None:
    spec = opkit.spec.load_spec(fused_project / "ops" / "scaled_sin" / "op.toml")
    assert spec.reference == "support.layers:ScaledSin"
    assert [(a.name, a.kind, a.default) for a in spec.attrs] == [("scale", "float", 2.0)]
    assert [(a.name, a.type) for a in spec.inputs] == [("x", "T")]
    assert spec.type_vars == {"T": ("float32",)}
    assert spec.outputs[0].shape == "same:x"


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_verify_passes_and_the_attribute_reaches_the_kernel(
    fused_project: Path, scale: float
) -> None:
    library = fused_project / "ops" / "build" / "libops.so"
    model = scaled_sin_model(scale)
    converted = opkit.convert(model, op_libraries=[library])
    report = opkit.verify(model, converted.model, op_libraries=[library])
    assert report.passed, report.table()
    assert report.outputs[0].max_rel_error < 1e-6
    x = np.linspace(-3, 3, 8, dtype=np.float32).reshape(2, 4)
    runner = opkit.Interpreter(converted.model, op_libraries=[library]).get_signature_runner()
    (y,) = runner(**{runner.get_input_details().popitem()[0]: x}).values()
    np.testing.assert_allclose(y, scale * np.sin(x), rtol=1e-6)


def test_generated_test_of_the_fused_op_passes(fused_project: Path) -> None:
    env_result = cli("opkit", "test", "-k", "scaled_sin", cwd=fused_project)
    assert "1 passed" in env_result.stdout


def test_cli_convert_and_verify(fused_project: Path) -> None:
    library = str(fused_project / "ops" / "build" / "libops.so")
    common = ["--import", "support.layers", "--op-library", library]
    converted = cli(
        "opkit", "convert", "scaled.keras", "-o", "scaled.tflite", *common, cwd=fused_project
    )
    assert converted.stdout.splitlines() == ["custom op ScaledSin v1: libops.so", "scaled.tflite"]
    verified = cli("opkit", "verify", "scaled.keras", "scaled.tflite", *common, cwd=fused_project)
    assert "verdict: matches TensorFlow" in verified.stdout


# ---- bad input -------------------------------------------------------------------------


def test_missing_model_path(tmp_path: Path) -> None:
    for command in (
        ["opkit", "doctor", "nope.keras"],
        ["opkit", "convert", "nope.keras", "-o", "x.tflite"],
    ):
        assert one_line_error(cli(*command, cwd=tmp_path, check=False)) == (
            "error: model not found: nope.keras"
        )
    assert not (tmp_path / "x.tflite").exists()


def test_truncated_and_corrupted_tflite(tmp_path: Path) -> None:
    good = opkit.convert(scaled_sin_model(), allow_missing=True).model
    (tmp_path / "truncated.tflite").write_bytes(good[: len(good) // 3])
    corrupted = bytearray(good)
    corrupted[8:40] = b"\xff" * 32
    (tmp_path / "corrupted.tflite").write_bytes(bytes(corrupted))
    (tmp_path / "text.tflite").write_text("hello")
    for name in ("truncated", "corrupted", "text"):
        line = one_line_error(cli("opkit", "doctor", f"{name}.tflite", cwd=tmp_path, check=False))
        assert line.startswith(f"error: {name}.tflite is ")
        with pytest.raises(opkit.ModelError):
            opkit.Interpreter(tmp_path / f"{name}.tflite")


def test_select_tf_ops_model(tmp_path: Path) -> None:
    concrete = tf.function(tf.math.sinh).get_concrete_function(tf.TensorSpec([4], tf.float32))
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.TFLITE_BUILTINS,
        tf.lite.OpsSet.SELECT_TF_OPS,
    ]
    path = tmp_path / "flex.tflite"
    path.write_bytes(converter.convert())
    report = opkit.doctor(path)
    assert [(op.name, op.status) for op in report.ops] == [("Sinh", "select-tf")]
    assert "no pip-installed interpreter runs them" in report.ops[0].fix
    result = cli("opkit", "doctor", "flex.tflite", cwd=tmp_path, check=False)
    assert result.returncode == 1 and "needs Select TF ops" in result.stdout
    with pytest.raises(opkit.ModelError, match=r"uses Select TF ops \(FlexSinh\)"):
        opkit.Interpreter(path)


def test_convert_refuses_a_custom_op_without_kernel(tmp_path: Path) -> None:
    scaled_sin_model().save(tmp_path / "scaled.keras")
    line = one_line_error(
        cli(
            "opkit",
            "convert",
            "scaled.keras",
            "-o",
            "out.tflite",
            "--import",
            "support.layers",
            cwd=tmp_path,
            check=False,
        )
    )
    assert line.startswith(
        "error: scaled.keras needs custom ops that no loaded op library "
        "implements: ScaledSin; scaffold kernels with `scaffold-op ScaledSin`"
    )
    assert not (tmp_path / "out.tflite").exists()
    with pytest.raises(opkit.MissingOpError):
        opkit.convert(scaled_sin_model())


def test_keras_model_with_unknown_custom_layer(tmp_path: Path) -> None:
    scaled_sin_model().save(tmp_path / "scaled.keras")
    line = one_line_error(cli("opkit", "doctor", "scaled.keras", cwd=tmp_path, check=False))
    assert line.startswith("error: cannot load Keras model scaled.keras:")
    assert line.endswith("on the command line: --import MODULE)")
