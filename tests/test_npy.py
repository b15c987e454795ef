"""opkit/npy.h, the C++ .npy reader and writer, against numpy.

Exported C++ projects read a model's inputs with it and write the outputs for
numpy.load, so it must see exactly what numpy wrote, write what numpy reads
back unchanged, and turn every malformed file into a one-line error - never a
crash. One driver program, compiled once (with ASan and UBSan when the
toolchain has them), handles many files per run to keep this fast.
"""

from __future__ import annotations

import io
import math
import struct
import subprocess
import warnings
from pathlib import Path

import numpy as np
import numpy.lib.format as npformat
import pytest

from support.native import compile_and_run

DTYPES = [
    "float16",
    "float32",
    "float64",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "bool",
]
# Includes a 0-d array, zero-size arrays, and one bigger than 64 KB for every
# dtype (70049 elements).
SHAPES = [(), (1,), (5,), (2, 3), (0,), (0, 4), (4, 0, 3), (3, 2, 1, 2), (7, 10007)]
VERSIONS = [(1, 0), (2, 0), (3, 0)]

# Warnings the headers must not trigger, beyond the suite's -Wall -Wextra.
EXTRA_WARNINGS = [
    "-Wshadow",
    "-Wconversion",
    "-Wsign-conversion",
    "-Wpedantic",
    "-Wold-style-cast",
    "-O2",
    "-D_GLIBCXX_ASSERTIONS",
]
SANITIZERS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g"]

DRIVER = r"""
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "opkit/npy.h"

namespace npy = opkit::npy;

static void PrintError(const std::string& error) {
  // Messages must be one non-empty line.
  if (error.empty() || error.find_first_of("\r\n") != std::string::npos) {
    std::printf("badmessage\n");
  } else {
    std::printf("error %s\n", error.c_str());
  }
}

static void PrintArray(const npy::Array& a) {
  static const char kHex[] = "0123456789abcdef";
  std::printf("ok %s %zu", a.dtype.c_str(), a.shape.size());
  for (int64_t d : a.shape) std::printf(" %lld", static_cast<long long>(d));
  std::string hex;
  for (uint8_t byte : a.data) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xf];
  }
  if (a.count() < 0 || a.data.size() != static_cast<size_t>(a.count()) * a.item_size()) {
    hex = "inconsistent";
  }
  std::printf(" %s\n", hex.empty() ? "-" : hex.c_str());
}

static std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::printf("ready\n");
    return 0;
  }
  const std::string& mode = args[0];
  if (mode == "read") {  // read PATH...: one line per file
    for (size_t i = 1; i < args.size(); ++i) {
      npy::Array a;
      a.dtype = "sentinel";
      a.shape = {-7};
      std::string error;
      if (npy::Read(args[i], &a, &error)) {
        PrintArray(a);
      } else if (a.dtype != "sentinel" || a.shape.size() != 1 || !a.data.empty()) {
        std::printf("clobbered\n");
      } else {
        PrintError(error);
      }
    }
  } else if (mode == "copy") {  // copy IN OUT [IN OUT]...: read, then write
    for (size_t i = 1; i + 1 < args.size(); i += 2) {
      npy::Array a;
      std::string error;
      if (npy::Read(args[i], &a, &error) && npy::Write(args[i + 1], a, &error)) {
        std::printf("ok\n");
      } else {
        PrintError(error);
      }
    }
  } else if (mode == "ones") {  // ones PATH NDIM: uint8 7 of shape (1,) * NDIM
    npy::Array a;
    a.dtype = "uint8";
    a.shape.assign(std::strtoul(args[2].c_str(), nullptr, 10), 1);
    a.data = {7};
    std::string error;
    if (npy::Write(args[1], a, &error)) {
      std::printf("ok\n");
    } else {
      PrintError(error);
    }
  } else if (mode == "write-invalid") {  // write-invalid DIR
    struct Case {
      std::string name;
      std::string dtype;
      std::vector<int64_t> shape;
      size_t size;
    };
    const int64_t big = int64_t{1} << 40;
    const std::vector<Case> cases = {
        {"bad-dtype", "complex64", {2}, 16},
        {"empty-dtype", "", {}, 0},
        {"size-mismatch", "float32", {2, 3}, 20},
        {"negative-dim", "int8", {-1}, 0},
        {"count-overflow", "uint64", {big, big}, 0},
        {"bytes-overflow", "uint64", {int64_t{1} << 61}, 0},
        {"missing-dir", "float32", {2}, 8},
    };
    for (const Case& c : cases) {
      npy::Array a;
      a.dtype = c.dtype;
      a.shape = c.shape;
      a.data.assign(c.size, 0);
      const std::string path =
          args[1] + (c.name == "missing-dir" ? "/missing/" : "/") + c.name + ".npy";
      std::string error;
      std::printf("%s ", c.name.c_str());
      if (npy::Write(path, a, &error)) {
        std::printf("ok\n");
      } else {
        PrintError(error);
      }
    }
  } else if (mode == "api") {  // api TOKEN...: both mappings and ItemSize of each
    for (size_t i = 1; i < args.size(); ++i) {
      std::printf("%s %s %zu %s\n", args[i].c_str(), OrDash(npy::DescrFromDtype(args[i])).c_str(),
                  npy::ItemSize(args[i]), OrDash(npy::DtypeFromDescr(args[i])).c_str());
    }
  } else {
    std::printf("unknown mode\n");
    return 2;
  }
  return 0;
}
"""


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("npy_driver")
    try:
        output = compile_and_run(DRIVER, workdir, flags=EXTRA_WARNINGS + SANITIZERS)
    except subprocess.CalledProcessError:
        # No sanitizer runtime here; a warning would fail this build too.
        output = compile_and_run(DRIVER, workdir, flags=EXTRA_WARNINGS)
    assert output == "ready\n"
    return workdir / "probe"


def run(driver: Path, *args: object) -> list[str]:
    result = subprocess.run(
        [str(driver), *(str(a) for a in args)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and not result.stderr, result.stderr[-4000:]
    return result.stdout.splitlines()


def describe(a: np.ndarray) -> str:
    """The driver's line for an array it read correctly."""
    dims = "".join(f" {d}" for d in a.shape)
    return f"ok {a.dtype.name} {a.ndim}{dims} {a.tobytes().hex() or '-'}"


def sample(dtype: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    dt = np.dtype(dtype)
    n = math.prod(shape)
    if dt.kind == "b":
        flat = rng.integers(0, 2, n).astype(bool)
    elif dt.kind == "f":
        flat = (rng.standard_normal(n) * 100).astype(dt)
        specials = np.array([np.nan, np.inf, -np.inf, -0.0], dtype=dt)
        flat[: min(n, 4)] = specials[: min(n, 4)]
    else:
        info = np.iinfo(dt)
        flat = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    return flat.reshape(shape)


def npy_bytes(
    header: str | bytes, data: bytes = b"", version: tuple[int, int] = (1, 0), pad: bool = True
) -> bytes:
    """A .npy file with a hand-written header (padded and ended as numpy does if ``pad``)."""
    raw = header.encode("latin-1") if isinstance(header, str) else header
    prefix = 10 if version[0] == 1 else 12
    if pad:
        raw += b" " * (-(prefix + len(raw) + 1) % 64) + b"\n"
    length = struct.pack("<H" if version[0] == 1 else "<I", len(raw))
    return b"\x93NUMPY" + bytes(version) + length + raw + data


def numpy_bytes(a: np.ndarray, version: tuple[int, int] | None = None, **kwargs: object) -> bytes:
    f = io.BytesIO()
    npformat.write_array(f, a, version=version, **kwargs)  # type: ignore[arg-type]
    return f.getvalue()


def data_offset(path: Path) -> int:
    with path.open("rb") as f:
        version = npformat.read_magic(f)
        assert version == (1, 0)
        npformat.read_array_header_1_0(f)
        return f.tell()


@pytest.mark.parametrize("dtype", DTYPES)
def test_reads_what_numpy_writes(driver: Path, tmp_path: Path, dtype: str) -> None:
    rng = np.random.default_rng(DTYPES.index(dtype))
    paths, expected = [], []
    for version in VERSIONS:
        for shape in SHAPES:
            a = sample(dtype, shape, rng)
            path = tmp_path / f"v{version[0]}_{'x'.join(map(str, shape)) or 'scalar'}.npy"
            path.write_bytes(numpy_bytes(a, version))
            paths.append(path)
            expected.append(describe(a))
    # numpy.save's own choice of format, and a non-contiguous source array.
    a = sample(dtype, (6, 8), rng)[::2, 1::3]
    np.save(tmp_path / "saved.npy", a)
    paths.append(tmp_path / "saved.npy")
    expected.append(describe(a))
    assert run(driver, "read", *paths) == expected


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_loads_what_the_writer_writes(driver: Path, tmp_path: Path, dtype: str) -> None:
    rng = np.random.default_rng(100 + DTYPES.index(dtype))
    arrays, pairs = [], []
    for version in [(1, 0), (2, 0)]:
        for shape in SHAPES:
            a = sample(dtype, shape, rng)
            name = f"v{version[0]}_{'x'.join(map(str, shape)) or 'scalar'}"
            source, copy = tmp_path / f"{name}.npy", tmp_path / f"{name}.copy.npy"
            source.write_bytes(numpy_bytes(a, version))
            arrays.append(a)
            pairs += [source, copy]
    assert run(driver, "copy", *pairs) == ["ok"] * len(arrays)
    for a, copy in zip(arrays, pairs[1::2], strict=True):
        loaded = np.load(copy)
        assert loaded.dtype == a.dtype and loaded.shape == a.shape, copy.name
        assert loaded.tobytes() == a.tobytes(), copy.name
        assert data_offset(copy) % 64 == 0, copy.name
        assert copy.stat().st_size == data_offset(copy) + a.nbytes


def test_dtype_descr_mapping(driver: Path) -> None:
    lines = run(driver, "api", *DTYPES)
    for name, line in zip(DTYPES, lines, strict=True):
        descr = np.dtype(name).str
        assert line == f"{name} {descr} {np.dtype(name).itemsize} -"
    descrs = [np.dtype(name).str for name in DTYPES]
    assert [line.split()[3] for line in run(driver, "api", *descrs)] == DTYPES
    others = {
        "=f4": "float32",
        "f8": "float64",
        "|i1": "int8",
        ">u1": "uint8",
        "<b1": "bool",
        ">f4": "-",
        "!i4": "-",
        "<c8": "-",
        "|O": "-",
        "<U3": "-",
        "|S4": "-",
        "<M8[ns]": "-",
        "<f3": "-",
        "<f": "-",
        "": "-",
        "float32": "-",
    }
    lines = run(driver, "api", *others)
    assert [line.rsplit(" ", 1)[1] for line in lines] == list(others.values())
    assert run(driver, "api", "complex64", "float")[0:2] == ["complex64 - 0 -", "float - 0 -"]


# Headers numpy never writes but does read: the C++ reader must agree.
HAND_WRITTEN_HEADERS = {
    "reordered-keys": "{'shape': (2, 3), 'fortran_order': False, 'descr': '<i2'}",
    "double-quotes": '{"descr": "<i2", "fortran_order": False, "shape": (2, 3)}',
    "whitespace": "  {\t'descr' :'<i2' ,\n'fortran_order':False,'shape':( 2 ,3 , ) ,  }  ",
    "no-trailing-comma": "{'descr': '<i2', 'fortran_order': False, 'shape': (2,3)}",
    "native-order": "{'descr': '=i2', 'fortran_order': False, 'shape': (2, 3), }",
    "no-order": "{'descr': 'i2', 'fortran_order': False, 'shape': (2, 3), }",
    "long-suffix": "{'descr': '<i2', 'fortran_order': False, 'shape': (2L, 3L), }",
}


@pytest.mark.parametrize("version", VERSIONS)
def test_hand_written_headers(driver: Path, tmp_path: Path, version: tuple[int, int]) -> None:
    data = np.arange(6, dtype="<i2").tobytes()
    paths = []
    for name, header in HAND_WRITTEN_HEADERS.items():
        if name == "long-suffix" and version == (3, 0):
            continue  # numpy only strips Python 2's "L" from 1.0 and 2.0 headers
        paths.append(tmp_path / f"{name}.npy")
        paths[-1].write_bytes(npy_bytes(header, data, version))
    # Unaligned data (older numpy aligned to 16) and a header without '\n'.
    paths.append(tmp_path / "unaligned.npy")
    paths[-1].write_bytes(
        npy_bytes(
            "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }", data, version, False
        )
    )
    lines = run(driver, "read", *paths)
    for path, line in zip(paths, lines, strict=True):
        if path.stem == "long-suffix":
            with pytest.warns(UserWarning, match="Python 2"):
                assert line == describe(np.load(path)), path.name
        else:
            assert line == describe(np.load(path)), path.name
        assert line == describe(np.arange(6, dtype="<i2").reshape(2, 3)), path.name
    # One-byte types have no byte order: '>u1' is accepted.
    path = tmp_path / "u1.npy"
    path.write_bytes(npy_bytes("{'descr': '>u1', 'fortran_order': False, 'shape': (3,)}", b"abc"))
    assert run(driver, "read", path) == [describe(np.frombuffer(b"abc", np.uint8))]


def malformed_files() -> dict[str, tuple[bytes, str]]:
    """Malformed or unsupported files, each with a phrase its error message must hold."""
    good = numpy_bytes(np.arange(6, dtype="<f4").reshape(2, 3))
    v2 = numpy_bytes(np.arange(6, dtype="<f4"), (2, 0))
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }"
    f4 = np.zeros(2, "<f4").tobytes()
    return {
        "empty": (b"", "empty"),
        "bad-magic": (b"\x93NUMPX" + good[6:], "not a .npy file"),
        "short-magic": (b"\x93NU", "not a .npy file"),
        "text-file": (b"descr,shape\n<f4,(2,)\n", "not a .npy file"),
        "no-version": (b"\x93NUMPY", "truncated"),
        "half-version": (b"\x93NUMPY\x01", "truncated"),
        "version-4": (b"\x93NUMPY\x04\x00" + good[8:], "version 4.0"),
        "version-1.1": (b"\x93NUMPY\x01\x01" + good[8:], "version 1.1"),
        "truncated-length": (good[:9], "truncated"),
        "truncated-length-v2": (v2[:11], "truncated"),
        "truncated-header": (good[:40], "truncated in the header"),
        "truncated-header-v2": (v2[:70], "truncated in the header"),
        "header-longer-than-file": (
            b"\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr'",
            "truncated in the header",
        ),
        "truncated-data": (good[:-1], "truncated"),
        "no-data": (good[:128], "truncated"),
        "trailing-data": (good + b"\0", "unexpected bytes after"),
        "big-endian": (numpy_bytes(np.arange(3, dtype=">f4")), "big-endian"),
        "network-order": (npy_bytes(header % "(2,)", f4).replace(b"<f4", b"!f4"), "big-endian"),
        "fortran-order": (
            numpy_bytes(np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3))),
            "fortran_order",
        ),
        "object": (
            numpy_bytes(np.array([1, "a", None], dtype=object), allow_pickle=True),
            "object",
        ),
        "structured": (
            numpy_bytes(np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")])),
            "structured",
        ),
        "complex": (numpy_bytes(np.zeros(2, dtype="<c8")), "unsupported dtype"),
        "unicode": (numpy_bytes(np.array(["ab"])), "unsupported dtype"),
        "datetime": (numpy_bytes(np.zeros(2, dtype="<M8[s]")), "unsupported dtype"),
        "absurd-shape": (npy_bytes(header % f"({2**40}, {2**40})", f4), "overflow"),
        "absurd-bytes": (npy_bytes(header % f"({2**61},)", f4), "overflow"),
        "huge-shape": (npy_bytes(header % f"({2**60 // 4},)", f4), "truncated"),
        "dimension-too-big": (npy_bytes(header % f"({10**20},)", f4), "64 bits"),
        "negative-dim": (npy_bytes(header % "(-2,)", f4), "negative"),
        "shape-int": (npy_bytes(header % "2", f4), "tuple"),
        "shape-parenthesized-int": (npy_bytes(header % "(2)", f4), "tuple"),
        "shape-list": (npy_bytes(header % "[2]", f4), "tuple"),
        "shape-float": (npy_bytes(header % "(2.0,)", f4), "tuple"),
        "shape-unclosed": (npy_bytes(header.replace("%s, }", "(2,") % (), f4), "tuple"),
        "fortran-order-int": (
            npy_bytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", f4),
            "True or False",
        ),
        "fortran-order-prefix": (
            npy_bytes("{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,)}", f4),
            "True or False",
        ),
        "missing-key": (npy_bytes("{'descr': '<f4', 'shape': (2,)}", f4), "lacks"),
        "duplicate-key": (
            npy_bytes("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}"),
            "twice",
        ),
        "unknown-key": (
            npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", f4),
            "unexpected key",
        ),
        "text-after-dict": (npy_bytes((header % "(2,)") + " x", f4), "after the header dict"),
        "not-a-dict": (npy_bytes("('<f4', False, (2,))", f4), "not a dict"),
        "empty-header": (npy_bytes("", f4, pad=False), "not a dict"),
        "unclosed-dict": (npy_bytes("{'descr': '<f4'", f4), "bad header"),
        "unterminated-string": (npy_bytes("{'descr: '<f4'}", f4), "bad header"),
        "escaped-string": (npy_bytes("{'descr': '<\\x66\x34'}", f4), "bad header"),
        "binary-descr": (
            npy_bytes(b"{'descr': '\x01\xff\x7f\x80', 'fortran_order': False, 'shape': ()}"),
            "unsupported dtype descr '\\x01\\xff\\x7f\\x80'",
        ),
        "nul-in-header": (npy_bytes(b"{'descr': '<f4'\0, 'shape': (2,)}", f4), "bad header"),
    }


MALFORMED = malformed_files()


def test_malformed_files_fail_with_one_line(driver: Path, tmp_path: Path) -> None:
    paths = []
    for name, (content, _) in MALFORMED.items():
        paths.append(tmp_path / f"{name}.npy")
        paths[-1].write_bytes(content)
    missing, directory = tmp_path / "missing.npy", tmp_path / "dir.npy"
    directory.mkdir()
    lines = run(driver, "read", *paths, missing, directory)
    phrases = [phrase for _, phrase in MALFORMED.values()] + ["cannot open", "read error"]
    assert len(lines) == len(phrases)
    for path, phrase, line in zip([*paths, missing, directory], phrases, lines, strict=True):
        assert line.startswith(f"error npy: {path}: "), line
        assert phrase in line, (phrase, line)


def test_mutated_files_never_crash(driver: Path, tmp_path: Path) -> None:
    """Truncations and byte changes of valid files: an error or numpy's own reading."""
    rng = np.random.default_rng(7)
    seeds = [
        numpy_bytes(np.arange(6, dtype="<f4").reshape(2, 3)),
        numpy_bytes(np.array(3, dtype="<i8"), (2, 0)),
        numpy_bytes(np.arange(5, dtype="u1"), (3, 0)),
        npy_bytes("{'descr': '<i2', 'fortran_order': False, 'shape': (3,)}", bytes(6), pad=False),
    ]
    contents = [seed[:n] for seed in seeds for n in range(len(seed))]
    for _ in range(1500):
        content = bytearray(seeds[int(rng.integers(len(seeds)))])
        for _ in range(int(rng.integers(1, 4))):
            position = int(rng.integers(min(len(content), 90)))
            content[position] = int(rng.choice([*b"(),:'\"{} -0129LTF<>|=\n", rng.integers(256)]))
        contents.append(bytes(content))
    paths = []
    for i, content in enumerate(contents):
        paths.append(tmp_path / f"{i}.npy")
        paths[-1].write_bytes(content)
    lines = run(driver, "read", *paths)
    assert len(lines) == len(paths)
    accepted = 0
    for path, line in zip(paths, lines, strict=True):
        assert line.startswith(("ok ", f"error npy: {path}: ")), line
        if line.startswith("ok "):
            # Whatever the C++ reader accepts, numpy reads the same way.
            accepted += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "L" suffixes
                assert line == describe(np.load(path)), path.read_bytes()
    assert accepted > 10


def test_writer_falls_back_to_version_2(driver: Path, tmp_path: Path) -> None:
    small, large = tmp_path / "small.npy", tmp_path / "large.npy"
    assert run(driver, "ones", small, 64) == ["ok"]
    assert run(driver, "ones", large, 30000) == ["ok"]  # a header of about 90 KB
    assert small.read_bytes()[6:8] == b"\x01\x00"
    assert np.load(small).shape == (1,) * 64
    with large.open("rb") as f:
        assert npformat.read_magic(f) == (2, 0)
        shape, fortran_order, dtype = npformat.read_array_header_2_0(f, max_header_size=10**6)
        assert (shape, fortran_order, dtype) == ((1,) * 30000, False, np.dtype("u1"))
        assert f.tell() % 64 == 0
        assert f.read() == b"\x07"
    assert run(driver, "read", large) == ["ok uint8 30000" + " 1" * 30000 + " 07"]


def test_writer_rejects_invalid_arrays(driver: Path, tmp_path: Path) -> None:
    expected = {
        "bad-dtype": "unsupported dtype 'complex64'",
        "empty-dtype": "unsupported dtype ''",
        "size-mismatch": "data holds 20 bytes but the shape and dtype need 6 x 4",
        "negative-dim": "invalid shape",
        "count-overflow": "invalid shape",
        "bytes-overflow": "data holds 0 bytes",
        "missing-dir": "cannot open for writing",
    }
    lines = run(driver, "write-invalid", tmp_path)
    assert [line.split(" ", 1)[0] for line in lines] == list(expected)
    for line, (name, phrase) in zip(lines, expected.items(), strict=True):
        folder = tmp_path / "missing" if name == "missing-dir" else tmp_path
        assert line.startswith(f"{name} error npy: {folder / name}.npy: "), line
        assert phrase in line, line
    assert list(tmp_path.iterdir()) == []
