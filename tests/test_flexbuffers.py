"""opkit's C++ FlexBuffers reader (via _core) against the flatbuffers package.

The reader parses custom_options inside kernels, so it must agree with the
reference implementation on everything the converter and users write, and it
must reject - never crash on - malformed bytes.
"""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from flatbuffers import flexbuffers

from opkit import _core

# custom_options as tensorflow 2.21's converter wrote them (tf.math.sinh on
# float32, tf.math.cumprod(exclusive=True, reverse=True)), captured once.
CONVERTER_OPTIONS = [
    b"T\x00\x01\x03\x01\x01\x01\x00\x04\x02$\x01",
    b"T\x00Tidx\x00exclusive\x00reverse\x00\x04\x1a\x19\x15\x0c\x04\x01\x04\x00\x02\x01"
    b"\x01\x04\x04hh\x08$\x01",
]


def same(a: Any, b: Any) -> bool:
    """Structural equality where NaN equals NaN, bool is not int, bytearray is bytes."""
    if isinstance(a, bytes | bytearray) and isinstance(b, bytes | bytearray):
        return bytes(a) == bytes(b)
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def random_value(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["int", "bigint", "float", "bool", "str", "none", "bytes"]
    if depth < 3:
        kinds += ["list", "dict", "dict"]
    kind = rng.choice(kinds)
    if kind == "int":
        return rng.randint(-300, 300)
    if kind == "bigint":
        return rng.choice([-(2**63), 2**63 - 1, -(2**31) - 1, 2**40, 70000, -129])
    if kind == "float":
        return rng.choice(
            [0.0, -0.0, 2.0, 1e-300, -1.0e30, math.inf, -math.inf, math.nan, rng.uniform(-1e6, 1e6)]
        )
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "str":
        return "".join(rng.choice("abcXYZ_09 é") for _ in range(rng.randint(0, 300)))
    if kind == "bytes":
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 20)))
    if kind == "list":
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 6))]
    if kind == "dict":
        keys = {
            "".join(rng.choice("abcdefT_") for _ in range(rng.randint(1, 8)))
            for _ in range(rng.randint(0, 6))
        }
        return {k: random_value(rng, depth + 1) for k in keys}
    return None


@pytest.mark.parametrize("options", CONVERTER_OPTIONS)
def test_converter_options_decode_like_flatbuffers(options: bytes) -> None:
    assert same(_core.decode_custom_options(options), flexbuffers.Loads(options))


def test_converter_options_values() -> None:
    assert _core.decode_custom_options(CONVERTER_OPTIONS[1]) == {
        "T": 0,
        "Tidx": 2,
        "exclusive": True,
        "reverse": True,
    }


def test_random_documents_decode_like_flatbuffers() -> None:
    rng = random.Random(1234)
    for _ in range(500):
        value = {"attr": random_value(rng)} if rng.random() < 0.5 else random_value(rng)
        data = flexbuffers.Dumps(value)
        assert same(_core.decode_custom_options(data), flexbuffers.Loads(data)), value


def build(fill: Any) -> bytes:
    builder = flexbuffers.Builder()
    fill(builder)
    return bytes(builder.Finish())


@pytest.mark.parametrize(
    "fill",
    [
        lambda b: b.TypedVectorFromElements([1, -2, 300000]),
        lambda b: b.TypedVectorFromElements([1.5, -2.25]),
        lambda b: b.TypedVectorFromElements([True, False, True]),
        lambda b: b.TypedVectorFromElements([2**64 - 1, 5], flexbuffers.Type.UINT),
        lambda b: b.FixedTypedVectorFromElements([1, 2, 3]),
        lambda b: b.FixedTypedVectorFromElements([1.0, 2.0], flexbuffers.Type.FLOAT),
        lambda b: b.FixedTypedVectorFromElements([7, 8, 9, 10], flexbuffers.Type.UINT),
        lambda b: b.IndirectInt(-5, 8),
        lambda b: b.IndirectUInt(2**63 + 1, 8),
        lambda b: b.IndirectFloat(0.1, 8),
        lambda b: b.Float(-1.5e300, 8),
        lambda b: b.Blob(b"\x00\x01\x02"),
        lambda b: b.Key("a key"),
        lambda b: b.MapFromElements({"shape": [2, 3], "scale": 0.5, "name": "x"}),
    ],
)
def test_every_value_kind_decodes_like_flatbuffers(fill: Any) -> None:
    data = build(fill)
    assert same(_core.decode_custom_options(data), flexbuffers.Loads(data))


def test_malformed_buffers_are_rejected_not_crashed() -> None:
    rng = random.Random(99)
    samples = [flexbuffers.Dumps(random_value(rng)) for _ in range(60)] + CONVERTER_OPTIONS
    rejected = 0
    for data in samples:
        for _ in range(60):
            mutated = bytearray(data)
            if rng.random() < 0.3:
                mutated = mutated[rng.randrange(len(mutated)) :]  # truncated from the front
            for _ in range(rng.randint(1, 4)):
                if mutated:
                    mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            try:
                _core.decode_custom_options(bytes(mutated))
            except ValueError as error:
                assert str(error).startswith("custom_options:")
                rejected += 1
    assert rejected > 1000  # the mutations really produce malformed input


@pytest.mark.parametrize("data", [b"", b"\x00", b"\x01\x02", b"\x00\x00\x09", b"\xff" * 16])
def test_short_or_garbage_buffers(data: bytes) -> None:
    with pytest.raises(ValueError, match="custom_options"):
        _core.decode_custom_options(data)


def test_self_referencing_vector_is_bounded() -> None:
    # A vector whose single element points back at the vector itself.
    data = bytes([1, 0, 0x28, 0x02, 0x28, 0x01])
    with pytest.raises(ValueError, match="custom_options"):
        _core.decode_custom_options(data)
