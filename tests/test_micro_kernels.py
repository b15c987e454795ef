"""Scaffolded TensorFlow Lite Micro kernels, run on the host as TFLM runs them.

The ops are scaffolded with ``target="both"`` into a temporary folder and their
``<op>_micro.cc`` kernels built once, with firmware flags, into a library with
the stand-in TFLM runtime of cpp/micro_host (see opkit.micro_host):
Init, Prepare, Invoke and Free run in TFLM's order, kernel memory comes only
from a fixed arena, outputs arrive sized.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import numpy.typing as npt
import pytest
import tensorflow as tf
from flatbuffers import flexbuffers

import opkit
import opkit.testing
from opkit.micro_host import (
    MicroHost,
    MicroKernelError,
    build_micro_host,
    check_resolver,
    load_micro_host,
    run_micro,
)
from opkit.scaffold import Signature
from support.kernels import SCALED_SIN_BODY, micro_stub
from support.models import convert_fn

LEAKED_DEALLOCATION = "  if (y != nullptr) micro_context->DeallocateTempTfLiteTensor(y);\n"
# %f: TFLM's own printf, which formats kernel messages on a device, may not have it.
UNPORTABLE_REPORT = """\
  opkit::ReportError(context, "%s: x[0] is %f", kOpName, static_cast<double>(opkit::Data<T>(x)[0]));
  return kTfLiteError;
"""

# Measured against tf.math.erfc (TF 2.21) on linspace(-6, 9) and uniform(-30, 30):
# TF's float32 erfc is off by up to 3.95e-6 relative (~60 ulp, worst in the tail
# x > 7), its float64 one by up to 1.4e-15 on [-6, 9] and 5.7e-14 beyond (x ~ 26).
# Against mpmath the micro kernel (std::erfc) stays within 2.3 ulp in both.
TF_RTOL = {
    np.float32: {"domain": 5e-6, "tail": 5e-6},
    np.float64: {"domain": 3e-15, "tail": 1e-13},
}
MPMATH_ULPS = 3.0


@dataclass(frozen=True)
class Ops:
    erfc_folder: Path  # an ops folder holding only Erfc, for its TFLite flavour
    dirs: dict[str, Path]  # op name -> op folder
    host: MicroHost
    build_dir: Path


def scaffold(
    name: str,
    directory: Path,
    signature: Signature | None = None,
    dtypes: list[str] | None = None,
) -> Path:
    result = opkit.scaffold_op(
        name, directory=directory, signature=signature or Signature(), dtypes=dtypes, target="both"
    )
    return result.op_dir.resolve()


def edit(kernel: Path, old: str, new: str) -> None:
    source = kernel.read_text()
    assert source.count(old) == 1, f"{kernel} changed: update this test"
    kernel.write_text(source.replace(old, new))


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> Ops:
    root = tmp_path_factory.mktemp("micro")
    unary = Signature(inputs=["x"], outputs=["y"])
    dirs = {
        "Erfc": scaffold("Erfc", root / "erfc_ops"),
        # A TF op with attributes and no known math: its Eval is a stub.
        "Cumprod": scaffold("Cumprod", root / "ops"),
        # A user's op (no known math either): a stub.
        "MyOp": scaffold("MyOp", root / "ops", Signature(inputs=["x", "y"], outputs=["z"])),
        "ScaledSin": scaffold(
            "ScaledSin",
            root / "ops",
            Signature(inputs=["x"], outputs=["y"], attrs=["scale:float=2.0"]),
            dtypes=["float32"],
        ),
        "Leaky": scaffold("Leaky", root / "ops", unary),
        "Unportable": scaffold("Unportable", root / "ops", unary),
    }
    edit(
        dirs["ScaledSin"] / "scaled_sin_micro.cc",
        micro_stub("scaled_sin_micro.cc"),
        SCALED_SIN_BODY,
    )
    # Prepare forgets to give back the output's temporary tensor.
    edit(dirs["Leaky"] / "leaky_micro.cc", LEAKED_DEALLOCATION, "")
    edit(
        dirs["Unportable"] / "unportable_micro.cc",
        micro_stub("unportable_micro.cc"),
        UNPORTABLE_REPORT,
    )
    build_dir = root / "host_build"
    library = build_micro_host(list(dirs.values()), build_dir, cxx_flags="-Werror")
    return Ops(root / "erfc_ops", dirs, load_micro_host(library), build_dir)


def expect_failure(run: Callable[[], object], stage: str, message: str) -> None:
    """``run`` fails in ``stage`` with exactly ``message`` (the kernel reports one line)."""
    with pytest.raises(MicroKernelError) as failure:
        run()
    assert (failure.value.stage, failure.value.message) == (stage, message)


def erfc_inputs(dtype: type[np.floating]) -> npt.NDArray[np.floating]:
    rng = np.random.default_rng(7)
    return np.concatenate([np.linspace(-6, 9, 3001), rng.uniform(-30, 30, 3000)]).astype(dtype)


def edge_cases(dtype: type[np.floating]) -> tuple[npt.NDArray[np.floating], list[float]]:
    """Inputs with their exact erfc in that dtype."""
    info = np.finfo(dtype)
    cases = [
        (np.nan, np.nan),
        (np.inf, 0.0),
        (-np.inf, 2.0),
        (0.0, 1.0),
        (-0.0, 1.0),
        (float(info.max), 0.0),
        (-float(info.max), 2.0),
        (1e30, 0.0),
        (-1e30, 2.0),
        (float(info.tiny), 1.0),
        (-float(info.tiny), 1.0),
        (float(info.smallest_subnormal), 1.0),
        (-float(info.smallest_subnormal), 1.0),
    ]
    return np.array([x for x, _ in cases], dtype), [y for _, y in cases]


# ---- The library -------------------------------------------------------------


def test_kernels_are_built_with_firmware_flags(ops: Ops) -> None:
    commands = json.loads((ops.build_dir / "build" / "compile_commands.json").read_text())
    kernels = [c["command"] for c in commands if c["file"].endswith("_micro.cc")]
    assert len(kernels) == len(ops.dirs)
    for command in kernels:
        flags = command.split()
        for flag in ["-Wall", "-Wextra", "-Werror", "-fno-exceptions", "-fno-rtti"]:
            assert flag in flags, command
        assert "-DOPKIT_TFLM_STANDIN" in flags


def test_resolver_holds_the_ops_and_refuses_like_tflm(ops: Ops) -> None:
    assert ops.host.ops == ("Erfc", "Cumprod", "MyOp", "ScaledSin", "Leaky", "Unportable")
    ok, refusals = check_resolver(ops.host)
    assert ok
    assert refusals == [
        'AddCustom("Erfc") refused: the op is registered already',
        'AddCustom("OpkitHostProbe2") refused: the resolver is full (room for 7 ops)',
    ]
    x = np.zeros(3, np.float32)
    expect_failure(
        lambda: run_micro(ops.host, "Erf", [x], [(x.shape, np.float32)]),
        "call",
        "op 'Erf' is not in this library "
        "(it has: Erfc, Cumprod, MyOp, ScaledSin, Leaky, Unportable)",
    )


# ---- Erfc: the math, against TensorFlow and mpmath ----------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_erfc_matches_tensorflow(ops: Ops, dtype: type[np.floating]) -> None:
    x = erfc_inputs(dtype)
    (y,) = run_micro(ops.host, "Erfc", [x], [(x.shape, dtype)])
    assert y.dtype == dtype
    expected = tf.math.erfc(x).numpy()
    domain = (x >= -6) & (x <= 9)  # op.toml's verify domain
    rtol = TF_RTOL[dtype]
    np.testing.assert_allclose(y[domain], expected[domain], rtol=rtol["domain"], atol=0)
    # Beyond it TF flushes results below the smallest normal number to zero
    # (x > 9.19 in float32, x > 26.54 in float64), where std::erfc returns the
    # subnormal.
    tiny = float(np.finfo(dtype).tiny)
    np.testing.assert_allclose(y, expected, rtol=rtol["tail"], atol=tiny)

    edges, exact = edge_cases(dtype)
    (y_edges,) = run_micro(ops.host, "Erfc", [edges], [(edges.shape, dtype)])
    np.testing.assert_array_equal(y_edges, np.array(exact, dtype))
    np.testing.assert_array_equal(y_edges, tf.math.erfc(edges).numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_erfc_is_within_a_few_ulp_of_mpmath(ops: Ops, dtype: type[np.floating]) -> None:
    # Up to where erfc leaves the normal range (TF is the less accurate one there).
    top = 9.19 if dtype == np.float32 else 26.5
    x = np.random.default_rng(11).uniform(-6, top, 400).astype(dtype)
    (y,) = run_micro(ops.host, "Erfc", [x], [(x.shape, dtype)])
    with mpmath.workdps(40):
        true = np.array([float(mpmath.erfc(mpmath.mpf(float(v)))) for v in x])
    ulps = np.abs(y.astype(np.float64) - true) / np.spacing(true.astype(dtype)).astype(np.float64)
    worst = int(np.argmax(ulps))
    assert ulps[worst] <= MPMATH_ULPS, f"{ulps[worst]:.1f} ulp at x = {x[worst]!r}"


@pytest.mark.parametrize("shape", [(), (1,), (2, 3, 4)])
def test_erfc_keeps_the_shape(ops: Ops, shape: tuple[int, ...]) -> None:
    x = np.linspace(-2, 3, int(np.prod(shape))).reshape(shape).astype(np.float32)
    (y,) = run_micro(ops.host, "Erfc", [x], [(shape, np.float32)])
    np.testing.assert_allclose(y, tf.math.erfc(x).numpy(), rtol=5e-6, atol=0)


@pytest.fixture(scope="module")
def erfc_tflite_library(ops: Ops) -> Path:
    return opkit.build(ops.erfc_folder, echo=lambda _: None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_micro_and_tflite_flavours_agree_bitwise(
    ops: Ops, erfc_tflite_library: Path, dtype: type[np.floating]
) -> None:
    edges, _ = edge_cases(dtype)
    x = np.concatenate([erfc_inputs(dtype), edges])
    model = convert_fn(tf.math.erfc, tf.TensorSpec([None], tf.as_dtype(dtype)))
    interpreter = opkit.Interpreter(model, op_libraries=[erfc_tflite_library])
    index = interpreter.get_input_details()[0]["index"]
    interpreter.resize_tensor_input(index, x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(index, x)
    interpreter.invoke()
    tflite = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    (micro,) = run_micro(ops.host, "Erfc", [x], [(x.shape, dtype)])
    assert micro.tobytes() == tflite.tobytes()


# ---- Prepare's checks -----------------------------------------------------------


def test_wrong_input_dtype_is_a_type_error(ops: Ops) -> None:
    x = np.arange(4, dtype=np.int32)
    expect_failure(
        lambda: run_micro(ops.host, "Erfc", [x], [(x.shape, np.int32)]),
        "Prepare",
        "Erfc: input x type int32 is not supported (supported: float32, float64)",
    )
    expect_failure(
        lambda: run_micro(ops.host, "Erfc", [x.astype(np.float32)], [(x.shape, np.float64)]),
        "Prepare",
        "Erfc: output y has type float64 but input x has type float32; they must match",
    )


def test_wrong_output_shape_is_a_shape_error(ops: Ops) -> None:
    x = np.zeros((2, 3), np.float32)
    for wrong in [(3, 2), (6,), (2, 3, 1)]:
        expect_failure(
            partial(run_micro, ops.host, "Erfc", [x], [(wrong, np.float32)]),
            "Prepare",
            "Erfc: output y must have the shape of input x",
        )
    # MyOp's output is the broadcast of its inputs' shapes.
    y = np.zeros(3, np.float32)
    expect_failure(
        lambda: run_micro(ops.host, "MyOp", [x, y], [((3,), np.float32)]),
        "Prepare",
        "MyOp: output z must have the broadcast shape of the inputs",
    )


# ---- Stubs: ops without known math fail honestly --------------------------------


def test_stubs_fail_in_invoke_naming_the_file_to_edit(ops: Ops) -> None:
    x = np.ones((2, 3), np.float32)
    expect_failure(
        lambda: run_micro(ops.host, "Cumprod", [x, np.int32(1)], [(x.shape, np.float32)]),
        "Invoke",
        "Cumprod: not implemented (edit cumprod_micro.cc)",
    )
    expect_failure(
        lambda: run_micro(ops.host, "MyOp", [x, x[0]], [(x.shape, np.float32)]),
        "Invoke",
        "MyOp: not implemented (edit my_op_micro.cc)",
    )


# ---- Attributes: custom options read in Init ----------------------------------


def options(attrs: dict[str, object]) -> bytes:
    return bytes(flexbuffers.Dumps(attrs))


def test_attributes_reach_eval(ops: Ops) -> None:
    x = np.linspace(-3, 3, 13).astype(np.float32)

    def scaled_sin(custom_options: bytes) -> npt.NDArray[Any]:
        return run_micro(ops.host, "ScaledSin", [x], [(x.shape, np.float32)], custom_options)[0]

    sin = np.sin(x.astype(np.float64))
    np.testing.assert_allclose(scaled_sin(b""), 2.0 * sin, rtol=1e-6, atol=1e-7)  # default
    np.testing.assert_allclose(scaled_sin(options({"scale": 0.5})), 0.5 * sin, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(scaled_sin(options({"scale": -3})), -3 * sin, rtol=1e-6, atol=1e-7)
    # Cumprod accepts the converter's bools, including TF 2.21's ints for fused ops:
    # Prepare passes and the stub fails in Invoke.
    x2 = np.ones((2, 2), np.float32)
    accepted: list[dict[str, object]] = [
        {"exclusive": True, "reverse": False},
        {"reverse": -1},
        {"T": 0},
    ]
    for attrs in accepted:
        with pytest.raises(MicroKernelError, match="not implemented") as failure:
            run_micro(
                ops.host, "Cumprod", [x2, np.int32(0)], [(x2.shape, np.float32)], options(attrs)
            )
        assert failure.value.stage == "Invoke"


@pytest.mark.parametrize(
    ("op", "custom_options", "message"),
    [
        (
            "Cumprod",
            options({"exclusive": "yes"}),
            "attribute 'exclusive' must be a bool, not string",
        ),
        ("Cumprod", options({"reverse": 1.5}), "attribute 'reverse' must be a bool, not float"),
        ("Cumprod", options({"reverse": [1]}), "attribute 'reverse' must be a bool, not list"),
        ("Cumprod", b"\x01\x02\x03", "custom_options is not a flexbuffer map (3 bytes)"),
        ("ScaledSin", options({"scale": "big"}), "attribute 'scale' must be a number, not string"),
    ],
    ids=["string-for-bool", "float-for-bool", "list-for-bool", "not-a-map", "string-for-float"],
)
def test_malformed_attribute_fails_prepare_naming_it(
    ops: Ops, op: str, custom_options: bytes, message: str
) -> None:
    x = np.ones(4, np.float32)
    inputs: list[npt.ArrayLike] = [x, np.int32(0)] if op == "Cumprod" else [x]
    expect_failure(
        lambda: run_micro(ops.host, op, inputs, [(x.shape, np.float32)], custom_options),
        "Prepare",
        f"{op}: {message}",
    )


# ---- Memory: the arena and temporary tensors -----------------------------------


def test_kernel_memory_comes_from_the_arena(ops: Ops) -> None:
    x = np.ones(4, np.float32)

    def run(arena_size: int) -> npt.NDArray[Any]:
        return run_micro(
            ops.host, "ScaledSin", [x], [(x.shape, np.float32)], arena_size=arena_size
        )[0]

    # No room for the attributes: Init returns nullptr, Prepare says why.
    expect_failure(lambda: run(0), "Prepare", "ScaledSin: no arena memory for the attributes")
    expect_failure(
        lambda: run_micro(
            ops.host, "Cumprod", [x, np.int32(0)], [(x.shape, np.float32)], arena_size=8
        ),
        "Prepare",
        "Cumprod: no arena memory for the attributes",
    )
    # Room for the attributes (16 bytes, aligned) but not for the temporary
    # tensors Prepare borrows: AllocateTempInputTensor returns nullptr, which
    # the scaffolded Prepare reports naming both possible causes.
    expect_failure(
        lambda: run(16),
        "Prepare",
        "ScaledSin: no input x (not connected, or no arena memory for it)",
    )
    # The attributes plus two temporary TfLiteTensors fit in 256 bytes.
    np.testing.assert_allclose(run(256), 2.0 * np.sin(x), rtol=1e-6)


def test_prepare_must_give_back_its_temporary_tensors(ops: Ops) -> None:
    x = np.ones(4, np.float32)
    expect_failure(
        lambda: run_micro(ops.host, "Leaky", [x], [(x.shape, np.float32)]),
        "Prepare",
        "Leaky: Prepare returned holding 1 temporary tensor(s); TFLM requires "
        "DeallocateTempTfLiteTensor for each before it returns",
    )


def test_messages_keep_to_what_tflm_can_print(ops: Ops) -> None:
    x = np.full(2, 1.5, np.float32)
    expect_failure(
        lambda: run_micro(ops.host, "Unportable", [x], [(x.shape, np.float32)]),
        "Invoke",
        "Unportable: x[0] is 1.500000\n"
        'Unportable: Invoke: ReportError format "%s: x[0] is %f" uses %f, which TFLM\'s printf '
        "may not format (keep to %s, %d and %u)",
    )


# ---- opkit test: both flavours of the user's ops ------------------------------


def test_opkit_test_checks_each_kernel_flavour(tmp_path: Path) -> None:
    """Erfc in both flavours, ScaledSin as a TFLM kernel only: `opkit build` builds the op
    library and the micro host, `opkit test` checks every kernel against its reference."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bin_dir / args[0]), *args[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
        )

    (tmp_path / "scaled_sin_ref.py").write_text(
        "import tensorflow as tf\n\n\ndef scaled_sin(x):\n    return 2.0 * tf.sin(x)\n"
    )
    assert cli("scaffold-op", "Erfc", "--target", "both").returncode == 0
    micro_only = cli(
        "scaffold-op",
        "ScaledSin",
        "--input",
        "x",
        "--output",
        "y",
        "--attr",
        "scale:float=2.0",
        "--dtypes",
        "float32",
        "--reference",
        "scaled_sin_ref:scaled_sin",
        "--target",
        "micro",
    )
    assert micro_only.returncode == 0, micro_only.stderr
    assert "export-cpp MODEL --ops ops --out DIR --target micro" in micro_only.stdout

    built = cli("opkit", "build")
    assert built.returncode == 0, built.stderr
    assert built.stdout.split() == [
        str(tmp_path / "ops" / "build" / "libops.so"),
        str(tmp_path / "ops" / "build" / "libops_micro_host.so"),
    ]
    stub = cli("opkit", "test")
    assert stub.returncode == 1
    assert "ScaledSin: not implemented (edit scaled_sin_micro.cc)" in stub.stdout
    assert "1 failed, 1 passed" in stub.stdout

    edit(
        tmp_path / "ops" / "scaled_sin" / "scaled_sin_micro.cc",
        micro_stub("scaled_sin_micro.cc"),
        SCALED_SIN_BODY,
    )
    passed = cli("opkit", "test")
    assert passed.returncode == 0, passed.stdout
    assert "2 passed" in passed.stdout

    results = opkit.testing.check_op(
        tmp_path / "ops" / "erfc",
        library=tmp_path / "ops" / "build" / "libops.so",
        micro_host=tmp_path / "ops" / "build" / "libops_micro_host.so",
    )
    assert sorted({(r.flavour, r.dtype) for r in results}) == [
        ("TFLite", "float32"),
        ("TFLite", "float64"),
        ("TFLite Micro", "float32"),
        ("TFLite Micro", "float64"),
    ]
