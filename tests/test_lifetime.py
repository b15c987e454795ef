"""Interpreters with op libraries loaded: many lifetimes, several threads."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest
import tensorflow as tf

import opkit
from support.models import convert_fn

# 64K float32 elements: the tensor between the two Sinh nodes lives on the
# heap (see delegate.cc), so leaking it, or a partition, would cost 256 KB
# per interpreter - 250 MB over the loop below. The bound catches any leak of
# 16 KB or more per interpreter; growth measured without a leak is 0-1 MB
# alone and up to 4 MB late in a full test run (allocator noise).
SHAPE = (64, 1024)
RSS_GROWTH_BOUND_MB = 16.0


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


@pytest.fixture(scope="module")
def sinh_twice() -> bytes:
    return convert_fn(lambda x: tf.math.sinh(tf.math.sinh(x)), tf.TensorSpec(SHAPE, tf.float32))


@pytest.mark.parametrize("runtime", ["litert", "tensorflow"])
def test_thousand_interpreters_do_not_leak(sinh_twice: bytes, runtime: str) -> None:
    x = np.full(SHAPE, 0.5, np.float32)
    expected = np.sinh(np.sinh(x))

    def lifetime() -> np.ndarray:
        interpreter = opkit.Interpreter(sinh_twice, runtime=runtime)  # type: ignore[arg-type]
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

    for _ in range(50):  # warm up allocator pools and caches
        lifetime()
    gc.collect()
    before = resident_mb()
    for _ in range(1000):
        y = lifetime()
    gc.collect()
    growth = resident_mb() - before
    np.testing.assert_allclose(y, expected, rtol=1e-6)
    assert growth < RSS_GROWTH_BOUND_MB, f"resident memory grew {growth:.1f} MB"


def test_four_interpreters_on_four_threads(sinh_twice: bytes) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker(seed: int) -> None:
        try:
            rng = np.random.default_rng(seed)
            interpreter = opkit.Interpreter(sinh_twice)
            interpreter.allocate_tensors()
            input_index = interpreter.get_input_details()[0]["index"]
            output_index = interpreter.get_output_details()[0]["index"]
            barrier.wait()
            for _ in range(50):
                x = rng.uniform(-2, 2, SHAPE).astype(np.float32)
                interpreter.set_tensor(input_index, x)
                interpreter.invoke()
                y = interpreter.get_tensor(output_index)
                np.testing.assert_allclose(y, np.sinh(np.sinh(x)), rtol=2e-6)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
