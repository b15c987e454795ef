"""`opkit export-cpp`: the C++ project for a custom interpreter, in both flavours.

Two models: one with two ops of the user's (ScaledSin, fused, with an
attribute; Erfc, a TF op) in both kernel flavours plus builtins, exported for
TFLite and TFLite Micro; one that also uses a catalog op (Sinh), exported for
TFLite. Every generated source is compiled with -Wall -Wextra -Werror against
opkit's stand-in declarations, the micro kernels also for a Cortex-M4 when
arm-none-eabi-g++ is installed, and the exported kernels are built as an op
library for the Python interpreter, which must run each model like TensorFlow
and exactly like the same kernels built by `opkit build`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

import opkit
from opkit.cpp_export import STAMP, export_cpp
from opkit.errors import MissingOpError, ModelError, OpkitError
from opkit.micro_host import build_micro_host, load_micro_host, run_micro
from opkit.project import build
from opkit.scaffold import scaffold_from_model, scaffold_op
from opkit.tflite_model import summarize
from support.kernels import SCALED_SIN_BODY, STUB, micro_stub
from support.layers import ScaledSin, scaled_sin_model
from support.models import convert_fn
from support.native import forbidden_in_firmware

ROOT = Path(__file__).resolve().parents[1]
TOOLCHAIN = ROOT / "tests" / "support" / "toolchains" / "arm-none-eabi-cortex-m4.cmake"
ARM_GXX = shutil.which("arm-none-eabi-g++")
STRICT = "-Wall -Wextra -Werror"


@keras.saving.register_keras_serializable(package="opkit_export_tests")
class Erfc(keras.layers.Layer):
    def call(self, x: Any) -> Any:
        return tf.math.erfc(x)


@keras.saving.register_keras_serializable(package="opkit_export_tests")
class Sinh(keras.layers.Layer):
    def call(self, x: Any) -> Any:
        return tf.math.sinh(x)


def two_op_model() -> keras.Model:
    """ScaledSin -> FULLY_CONNECTED, plus Erfc, added: two custom ops, two builtins."""
    inputs = keras.Input((4,))
    dense = keras.layers.Dense(4, kernel_initializer="glorot_uniform", bias_initializer="ones")
    outputs = keras.layers.Add()([dense(ScaledSin(3.0)(inputs)), Erfc()(inputs)])
    return keras.Model(inputs, outputs)


def catalog_model() -> keras.Model:
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Multiply()([Sinh()(inputs), Erfc()(inputs)]))


def configure_and_build(source: Path, build_dir: Path, *options: str) -> None:
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    for command in (
        ["cmake", "-S", str(source), "-B", str(build_dir), *generator, *options],
        ["cmake", "--build", str(build_dir), "--parallel", str(os.cpu_count() or 2)],
    ):
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def run_model(model: bytes, library: Path, x: np.ndarray) -> np.ndarray:
    interpreter = opkit.Interpreter(model, op_libraries=[library])
    try:
        index = interpreter.get_input_details()[0]["index"]
        interpreter.resize_tensor_input(index, x.shape)
        interpreter.allocate_tensors()
        interpreter.set_tensor(index, x)
        interpreter.invoke()
        return np.array(interpreter.get_tensor(interpreter.get_output_details()[0]["index"]))
    finally:
        interpreter.close()


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.ops = root / "ops"
        self.keras_two = two_op_model()
        self.keras_catalog = catalog_model()
        self.two = opkit.convert(self.keras_two, allow_missing=True).model
        self.with_catalog = opkit.convert(self.keras_catalog, allow_missing=True).model
        (root / "two.tflite").write_bytes(self.two)
        (root / "catalog.tflite").write_bytes(self.with_catalog)
        # The user's ops, both flavours, scaffolded from the model; the fused
        # op's computation written into both kernels.
        scaffold_from_model(root / "two.tflite", directory=self.ops, target="both")
        # Erfc's kernels are in the catalog; the user has a copy of their own.
        scaffold_op("Erfc", directory=self.ops, target="both")
        for kernel, stub in (
            ("scaled_sin.cc", STUB),
            ("scaled_sin_micro.cc", micro_stub("scaled_sin_micro.cc")),
        ):
            path = self.ops / "scaled_sin" / kernel
            assert path.read_text().count(stub) == 1
            path.write_text(path.read_text().replace(stub, SCALED_SIN_BODY))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def both(ws: Workspace) -> Path:
    out = ws.root / "two_both"
    export_cpp(ws.root / "two.tflite", out, ops_dirs=[ws.ops], target="both")
    return out


@pytest.fixture(scope="module")
def both_host_build(both: Path) -> Path:
    """Every generated source compiled on the host; the Python op library linked."""
    build_dir = both / "build-host"
    configure_and_build(
        both,
        build_dir,
        "-DCMAKE_BUILD_TYPE=Release",
        "-DOPKIT_COMPILE_CHECK=ON",
        "-DOPKIT_PYTHON_LIBRARY=ON",
        f"-DCMAKE_CXX_FLAGS={STRICT}",
        # A Debian-style library folder: the package must not assume lib/.
        "-DCMAKE_INSTALL_LIBDIR=lib/x86_64-linux-gnu",
    )
    return build_dir


# ---- What is written ---------------------------------------------------------------


def test_export_holds_exactly_the_models_ops(ws: Workspace, both: Path) -> None:
    assert summarize(ws.two).custom_ops == {("ScaledSin", 1): 1, ("Erfc", 1): 1}
    assert sorted(p.name for p in (both / "ops").iterdir()) == ["erfc", "scaled_sin"]
    for name in (
        "CMakeLists.txt",
        "README.md",
        "main.cc",
        "builtin_ops.cc",
        "builtin_ops.h",
        "micro_ops.cc",
        "micro_ops.h",
        "two.tflite",
        STAMP,
    ):
        assert (both / name).is_file(), name
    assert (both / "two.tflite").read_bytes() == ws.two
    assert (both / "opkit" / "include" / "opkit" / "kernel_util.h").is_file()
    assert (both / "opkit" / "cmake" / "opkitOpLibrary.cmake").is_file()
    manifest = json.loads((both / STAMP).read_text())["files"]
    assert "ops/erfc/erfc_micro.cc" in manifest and "main.cc" in manifest


def test_builtins_are_registered_selectively_at_the_models_versions(
    ws: Workspace, both: Path
) -> None:
    summary = summarize(ws.two)
    text = (both / "builtin_ops.cc").read_text()
    registered = [
        line.split("BuiltinOperator_")[1].split(",")[0]
        for line in text.splitlines()
        if "BuiltinOperator_" in line
    ]
    assert registered == sorted(summary.builtin_ops) == ["ADD", "FULLY_CONNECTED"]
    for name, version in summary.builtin_versions.items():
        assert f"Register_{name}(), 1, {version});" in text


def test_micro_resolver_size_counts_builtins_and_custom_ops(ws: Workspace, both: Path) -> None:
    summary = summarize(ws.two)
    header = (both / "micro_ops.h").read_text()
    count = len(summary.builtin_ops) + len(summary.custom_ops)
    assert f"constexpr unsigned int kModelOpCount = {count};" in header
    assert "resolver.AddFullyConnected();" in header and "resolver.AddAdd();" in header
    assert header.count("resolver.AddCustom(") == len(summary.custom_ops)
    assert (
        "template TfLiteStatus AddCustomOps<kModelOpCount>" in (both / "micro_ops.cc").read_text()
    )


def test_tflites_own_custom_ops_are_registered_not_required(ws: Workspace, tmp_path: Path) -> None:
    """AudioSpectrogram converts to a custom op that every TFLite interpreter has: the export
    registers TFLite's kernel for it, and reports what TFLM lacks (it, and SIGN)."""

    def model_fn(audio: Any, x: Any) -> Any:
        spectrogram = tf.raw_ops.AudioSpectrogram(
            input=audio, window_size=16, stride=8, magnitude_squared=False
        )
        return spectrogram, tf.math.sign(x) + tf.math.erfc(x)

    model = convert_fn(model_fn, tf.TensorSpec([64, 1], tf.float32), tf.TensorSpec([4], tf.float32))
    summary = summarize(model)
    assert summary.tflite_custom_ops == {("AudioSpectrogram", 1): 1}
    assert summary.custom_ops == {("Erfc", 1): 1}
    assert all(row.ok for row in opkit.doctor(model).ops)
    (tmp_path / "audio.tflite").write_bytes(model)
    result = export_cpp(
        tmp_path / "audio.tflite", tmp_path / "out", ops_dirs=[ws.ops], target="both"
    )
    out = tmp_path / "out"
    assert (
        'resolver->AddCustom("AudioSpectrogram", '
        "tflite::ops::custom::Register_AUDIO_SPECTROGRAM(), 1);"
        in (out / "builtin_ops.cc").read_text()
    )
    header = (out / "micro_ops.h").read_text()
    assert "//   AudioSpectrogram: TFLM has no kernel for it" in header
    assert "resolver.AddAdd();" in header
    assert "kModelOpCount = 4;" in header  # ADD, SIGN, AudioSpectrogram, Erfc
    assert sorted(result.notes) == [
        "AudioSpectrogram has no TensorFlow Lite Micro kernel; the firmware cannot run the model",
        "SIGN has no TensorFlow Lite Micro kernel; the firmware cannot run the model",
    ]
    configure_and_build(
        out, out / "build", "-DOPKIT_COMPILE_CHECK=ON", f"-DCMAKE_CXX_FLAGS={STRICT}"
    )


def test_tflm_method_names() -> None:
    from opkit.tflite_builtins import tflm_method

    assert tflm_method("CONV_2D") == "AddConv2D"
    assert tflm_method("CUMSUM") == "AddCumSum"
    assert tflm_method("TFLite_Detection_PostProcess") == "AddDetectionPostprocess"
    assert tflm_method("SELECT") is None  # TFLM has SELECT_V2 only


# ---- Compiling and running -------------------------------------------------------------


def test_every_generated_source_compiles_with_strict_flags(both_host_build: Path) -> None:
    for artefact in ("libcustom_ops.a", "libcustom_ops_micro.a", "libcustom_ops_python.so"):
        assert (both_host_build / artefact).is_file(), artefact
    objects = list(both_host_build.rglob("*.o"))
    names = {p.name for p in objects}
    for source in (
        "main.cc.o",
        "builtin_ops.cc.o",
        "micro_ops.cc.o",
        "erfc_micro.cc.o",
        "scaled_sin_micro.cc.o",
        "custom_ops_register.cc.o",
    ):
        assert source in names, source


def test_installed_libraries_are_a_cmake_package(both: Path, both_host_build: Path) -> None:
    """cmake --install, then another project: find_package(opkit), link opkit::custom_ops
    and opkit::custom_ops_micro, call RegisterCustomOps and AddCustomOps."""
    prefix = both.parent / "prefix"
    result = subprocess.run(
        ["cmake", "--install", str(both_host_build), "--prefix", str(prefix)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    libdir = "lib/x86_64-linux-gnu"  # as both_host_build configures it
    for installed in (
        f"{libdir}/libcustom_ops.a",
        f"{libdir}/libcustom_ops_micro.a",
        "include/custom_ops.h",
        "include/micro_ops.h",
        "include/opkit/kernel_util.h",
        f"{libdir}/cmake/opkit/opkitConfig.cmake",
        f"{libdir}/cmake/opkit/opkitTargets.cmake",
        "share/opkit/runtime/delegate.cc",
    ):
        assert (prefix / installed).is_file(), installed
    app = both.parent / "app"
    app.mkdir()
    (app / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20)\n"
        "project(app LANGUAGES CXX)\n"
        "find_package(opkit REQUIRED)\n"
        "add_library(app OBJECT app.cc)\n"
        "target_link_libraries(app PRIVATE opkit::custom_ops opkit::custom_ops_micro)\n"
        # The installed package builds op libraries too (its headers and runtime).
        f'opkit_add_op_library(more_ops OPS "{both / "ops" / "erfc"}")\n'
    )
    (app / "app.cc").write_text(
        '#include "custom_ops.h"\n'
        '#include "micro_ops.h"\n\n'
        "TfLiteStatus AddAll(tflite::MutableOpResolver* resolver,\n"
        "                    tflite::MicroMutableOpResolver<kModelOpCount>& micro) {\n"
        "  RegisterCustomOps(resolver);\n"
        "  return AddCustomOps(micro);\n"
        "}\n"
    )
    configure_and_build(
        app, app / "build", f"-DCMAKE_PREFIX_PATH={prefix}", f"-DCMAKE_CXX_FLAGS={STRICT}"
    )
    assert list((app / "build").rglob("app.cc.o"))
    assert (app / "build" / "libmore_ops.so").is_file()


def test_exported_kernels_run_in_python_like_tensorflow_and_like_opkit_build(
    ws: Workspace, both_host_build: Path
) -> None:
    x = np.random.default_rng(1).uniform(-3, 3, (5, 4)).astype(np.float32)
    exported = run_model(ws.two, both_host_build / "libcustom_ops_python.so", x)
    np.testing.assert_allclose(exported, ws.keras_two(x).numpy(), rtol=1e-5, atol=1e-6)
    built = run_model(ws.two, build(ws.ops, echo=lambda _: None), x)
    np.testing.assert_array_equal(exported, built)


@pytest.mark.skipif(
    ARM_GXX is None, reason="arm-none-eabi-g++ is not installed (.ci/run installs it)"
)
def test_micro_library_cross_compiles_for_cortex_m_without_heap(both: Path) -> None:
    build_dir = both / "build-cortex-m4"
    configure_and_build(
        both,
        build_dir,
        f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}",
        "-DCMAKE_BUILD_TYPE=MinSizeRel",
        "-DOPKIT_COMPILE_CHECK=ON",
        f"-DCMAKE_CXX_FLAGS={STRICT}",
    )
    archive = build_dir / "libcustom_ops_micro.a"
    assert forbidden_in_firmware(archive, "arm-none-eabi-nm") == []
    header = subprocess.run(
        ["arm-none-eabi-objdump", "-f", str(archive)], check=True, capture_output=True, text=True
    ).stdout
    assert "architecture: arm" in header


def test_exported_micro_kernels_compute_what_the_tflite_kernels_do(
    ws: Workspace, both: Path, both_host_build: Path
) -> None:
    """Each micro kernel of the export, run by the host TFLM stand-in with the
    custom options the converter wrote, against the same op's TFLite kernel
    (the export's Python library) on a one-op model: the same bytes."""
    host = load_micro_host(
        build_micro_host(
            sorted((both / "ops").iterdir()), both / "build-micro-host", cxx_flags="-Werror"
        )
    )
    x = np.random.default_rng(3).uniform(-5, 5, (6, 4)).astype(np.float32)
    one_op_models = {
        "ScaledSin": opkit.convert(scaled_sin_model(3.0), allow_missing=True).model,
        "Erfc": convert_fn(tf.math.erfc, tf.TensorSpec([None, 4], tf.float32)),
    }
    for name, model in one_op_models.items():
        (node,) = summarize(model).custom_nodes
        assert node.op == (name, 1)
        (micro,) = run_micro(host, name, [x], [(x.shape, np.float32)], node.custom_options)
        tflite = run_model(model, both_host_build / "libcustom_ops_python.so", x)
        assert micro.tobytes() == tflite.tobytes(), name


def test_catalog_ops_are_exported_with_their_shared_headers(ws: Workspace) -> None:
    out = ws.root / "catalog_tflite"
    result = export_cpp(ws.root / "catalog.tflite", out, ops_dirs=[ws.ops], target="both")
    assert {(op.name, op.from_catalog) for op in result.ops} == {("Sinh", True), ("Erfc", False)}
    assert (out / "ops" / "_catalog" / "elementwise.h").is_file()
    assert (out / "ops" / "sinh" / "sinh_micro.cc").is_file()
    build_dir = out / "build"
    configure_and_build(
        out,
        build_dir,
        "-DCMAKE_BUILD_TYPE=Release",
        "-DOPKIT_COMPILE_CHECK=ON",
        "-DOPKIT_PYTHON_LIBRARY=ON",
        f"-DCMAKE_CXX_FLAGS={STRICT}",
    )
    x = np.random.default_rng(2).uniform(-4, 4, (3, 4)).astype(np.float32)
    exported = run_model(ws.with_catalog, build_dir / "libcustom_ops_python.so", x)
    np.testing.assert_allclose(exported, ws.keras_catalog(x).numpy(), rtol=2e-6, atol=1e-7)


@pytest.mark.skipif(ARM_GXX is None, reason="arm-none-eabi-g++ is not installed")
def test_catalog_tflite_kernels_cross_compile_for_bare_metal(tmp_path: Path) -> None:
    """No std::thread on newlib: the catalog's TFLite kernels then run on the calling
    thread, and an interpreter built from source for a bare-metal target can hold them."""
    model = convert_fn(
        lambda x: tf.math.cumprod(tf.math.sinh(x), axis=0), tf.TensorSpec([4], tf.float32)
    )
    (tmp_path / "m.tflite").write_bytes(model)
    out = tmp_path / "m_cpp"
    export_cpp(tmp_path / "m.tflite", out)
    configure_and_build(
        out,
        out / "build-cortex-m4",
        f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}",
        "-DCMAKE_BUILD_TYPE=MinSizeRel",
        "-DOPKIT_COMPILE_CHECK=ON",
        f"-DCMAKE_CXX_FLAGS={STRICT}",
    )
    assert (out / "build-cortex-m4" / "libcustom_ops.a").is_file()


# ---- Re-exporting, and what is refused ----------------------------------------------


def test_reexport_changes_nothing_and_keeps_the_users_edits(ws: Workspace) -> None:
    out = ws.root / "re_export"
    model = ws.root / "two.tflite"
    export_cpp(model, out, ops_dirs=[ws.ops])
    again = export_cpp(model, out, ops_dirs=[ws.ops])
    assert {f.action for f in again.files} == {"unchanged"}

    edited = out / "main.cc"
    edited.write_text(edited.read_text() + "// my change\n")
    with pytest.raises(OpkitError, match=r"main\.cc changed since the last export.*--force"):
        export_cpp(model, out, ops_dirs=[ws.ops])
    assert edited.read_text().endswith("// my change\n")

    forced = export_cpp(model, out, ops_dirs=[ws.ops], force=True)
    (replaced,) = [f for f in forced.files if f.action == "replaced"]
    assert replaced.path == edited and replaced.backup is not None
    assert replaced.backup.read_text().endswith("// my change\n")
    assert not edited.read_text().endswith("// my change\n")


def test_a_smaller_export_removes_only_what_it_wrote(ws: Workspace) -> None:
    out = ws.root / "shrinking"
    export_cpp(ws.root / "two.tflite", out, ops_dirs=[ws.ops])
    mine = out / "ops" / "scaled_sin" / "notes.md"
    mine.write_text("mine\n")
    edited = out / "ops" / "scaled_sin" / "op.toml"
    edited.write_text(edited.read_text() + "# tuned\n")
    erfc_only = convert_fn(tf.math.erfc, tf.TensorSpec([3], tf.float32))
    (ws.root / "erfc.tflite").write_bytes(erfc_only)
    result = export_cpp(ws.root / "erfc.tflite", out, ops_dirs=[ws.ops])
    actions = {f.path.relative_to(out).as_posix(): f.action for f in result.files}
    assert actions["ops/scaled_sin/scaled_sin.cc"] == "removed"
    assert actions["two.tflite"] == "removed"
    assert actions["ops/scaled_sin/op.toml"] == "kept"
    assert mine.read_text() == "mine\n" and edited.read_text().endswith("# tuned\n")
    assert not (out / "ops" / "scaled_sin" / "scaled_sin.cc").exists()
    assert (out / "ops" / "erfc" / "erfc.cc").is_file()


def test_an_export_cut_short_is_one_error_and_leaves_nothing_looking_edited(
    ws: Workspace,
) -> None:
    out = ws.root / "cut_short"
    export_cpp(ws.root / "two.tflite", out, ops_dirs=[ws.ops])
    obstacle = out / "micro_ops.h"  # where the next export writes a file
    obstacle.mkdir()
    with pytest.raises(OpkitError, match=r"cannot write .*micro_ops\.h: Is a directory") as error:
        export_cpp(ws.root / "two.tflite", out, ops_dirs=[ws.ops], target="both")
    assert "\n" not in str(error.value)
    assert not list(out.glob(".*.opkit-tmp"))
    obstacle.rmdir()
    # CMakeLists.txt and README.md were rewritten before the failure: still opkit's.
    again = export_cpp(ws.root / "two.tflite", out, ops_dirs=[ws.ops], target="both")
    assert (out / "micro_ops.h").is_file()
    assert {f.action for f in again.files} <= {"created", "updated", "unchanged"}


def test_refuses_a_folder_it_did_not_write(ws: Workspace) -> None:
    out = ws.root / "someone_elses"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OpkitError, match="not empty and holds no earlier export"):
        export_cpp(ws.root / "two.tflite", out, ops_dirs=[ws.ops])
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_missing_op_names_the_fix(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(MissingOpError, match=r"ScaledSin .*scaffold-op --from-model") as error:
        export_cpp(ws.root / "two.tflite", tmp_path / "out", catalog=True)
    assert error.value.missing == [("ScaledSin", 1)]
    assert not (tmp_path / "out").exists()


def test_micro_target_needs_micro_kernels(ws: Workspace, tmp_path: Path) -> None:
    cumprod = convert_fn(lambda x: tf.math.cumprod(x, axis=0), tf.TensorSpec([3], tf.float32))
    (tmp_path / "cumprod.tflite").write_bytes(cumprod)
    with pytest.raises(
        OpkitError, match=r"no TensorFlow Lite Micro kernel for Cumprod.*--target micro"
    ):
        export_cpp(tmp_path / "cumprod.tflite", tmp_path / "out", target="micro")
    tflite_only = tmp_path / "ops"
    scaffold_op("Erfc", directory=tflite_only)
    erfc = convert_fn(tf.math.erfc, tf.TensorSpec([3], tf.float32))
    (tmp_path / "erfc.tflite").write_bytes(erfc)
    with pytest.raises(
        OpkitError, match=r"op Erfc has no TensorFlow Lite Micro kernel .*erfc_micro\.cc"
    ):
        export_cpp(
            tmp_path / "erfc.tflite", tmp_path / "out", ops_dirs=[tflite_only], target="micro"
        )
    assert not (tmp_path / "out").exists()


def test_firmware_path_scaffolds_only_the_micro_kernels_the_catalog_lacks(tmp_path: Path) -> None:
    model = convert_fn(
        lambda x: tf.math.cumprod(tf.math.sinh(x), axis=0), tf.TensorSpec([3], tf.float32)
    )
    (tmp_path / "m.tflite").write_bytes(model)
    ops = tmp_path / "ops"
    results = scaffold_from_model(tmp_path / "m.tflite", directory=ops, target="micro")
    assert [r.spec.name for r in results] == ["Cumprod"]  # Sinh's is in the catalog
    assert (ops / "cumprod" / "cumprod_micro.cc").is_file()
    assert not (ops / "cumprod" / "cumprod.cc").exists()
    result = export_cpp(tmp_path / "m.tflite", tmp_path / "fw", ops_dirs=[ops], target="micro")
    assert {(op.name, op.from_catalog) for op in result.ops} == {("Cumprod", False), ("Sinh", True)}
    assert not (tmp_path / "fw" / "main.cc").exists()
    assert (tmp_path / "fw" / "ops" / "sinh" / "sinh_micro.cc").is_file()

    # A firmware project as README.md shows it: set the TFLM include folders,
    # then add the export. (Configured only: there are no TFLM headers here.)
    firmware = tmp_path / "firmware"
    firmware.mkdir()
    (firmware / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20)\n"
        "project(firmware LANGUAGES CXX)\n"
        f'set(OPKIT_TFLM_INCLUDE_DIRS "{tmp_path / "tflite-micro"}")\n'
        f'add_subdirectory("{tmp_path / "fw"}" opkit_ops)\n'
        "if(NOT TARGET opkit::custom_ops_micro)\n"
        '  message(FATAL_ERROR "no opkit::custom_ops_micro")\n'
        "endif()\n"
    )
    configured = subprocess.run(
        ["cmake", "-S", str(firmware), "-B", str(firmware / "build")],
        capture_output=True,
        text=True,
    )
    assert configured.returncode == 0, configured.stdout + configured.stderr


def test_version_mismatch_is_refused(ws: Workspace, tmp_path: Path) -> None:
    ops = tmp_path / "ops"
    scaffold_op("Erfc", directory=ops, version=2)
    erfc = convert_fn(tf.math.erfc, tf.TensorSpec([3], tf.float32))
    (tmp_path / "erfc.tflite").write_bytes(erfc)
    with pytest.raises(OpkitError, match=r"Erfc version 1, but .*version 2; set version = 1"):
        export_cpp(tmp_path / "erfc.tflite", tmp_path / "out", ops_dirs=[ops], catalog=False)


def test_select_tf_ops_are_refused(tmp_path: Path) -> None:
    concrete = tf.function(tf.math.sinh).get_concrete_function(tf.TensorSpec([2], tf.float32))
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    converter.target_spec.supported_ops = [tf.lite.OpsSet.SELECT_TF_OPS]
    (tmp_path / "flex.tflite").write_bytes(converter.convert())
    with pytest.raises(ModelError, match=r"uses Select TF ops \(.*FlexSinh\)"):
        export_cpp(tmp_path / "flex.tflite", tmp_path / "out")


def test_cli_export(ws: Workspace, tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    ok = subprocess.run(
        [
            str(bin_dir / "opkit"),
            "export-cpp",
            "two.tflite",
            "--ops",
            "ops",
            "--out",
            str(tmp_path / "cli"),
            "--target",
            "both",
        ],
        cwd=ws.root,
        capture_output=True,
        text=True,
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    assert "custom op ScaledSin v1: from ops/scaled_sin" in ok.stdout
    assert "README.md for the build commands" in ok.stdout
    failed = subprocess.run(
        [
            str(bin_dir / "opkit"),
            "export-cpp",
            "catalog.tflite",
            "--out",
            str(tmp_path / "x"),
            "--no-catalog",
        ],
        cwd=ws.root,
        capture_output=True,
        text=True,
        env=env,
    )
    assert failed.returncode == 1
    (line,) = failed.stderr.strip().splitlines()
    assert line.startswith("error: catalog.tflite needs custom op(s) Erfc, Sinh")


def test_tflite_cpp_standin_is_generated_from_the_schema() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_tflite_cpp_standin", ROOT / "tools" / "make_tflite_cpp_standin.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    current = (ROOT / "cpp" / "include" / "opkit" / "tflite_cpp_standin.h").read_text()
    assert tool.render() == current, "run python tools/make_tflite_cpp_standin.py"
