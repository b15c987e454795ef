"""Interpreters with op libraries loaded: many lifetimes, several threads."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import opkit
from support.models import convert_fn

# 64K float32 elements: the tensor between the two Sinh nodes lives on the
# heap (see delegate.cc), so leaking it, or a partition, would cost 256 KB
# per interpreter - 250 MB over the loop below, far above the bound.
SHAPE = (64, 1024)
RSS_GROWTH_BOUND_MB = 4.0

# The loop runs in a fresh process with glibc's mmap threshold fixed. Measured
# without that: a one-time jump of ~4 MB at a random point of the loop, with
# or without opkit (glibc raises the threshold after the first 256 KB tensor
# is freed, then serves such tensors from a fragmenting heap), and more late
# in a full test run. Fixed, growth is 0-0.5 MB per 1,000 lifetimes, and a
# leaked tensor is still resident memory.
LIFETIMES = """
import gc, sys
import numpy as np
import opkit

model, runtime = open(sys.argv[1], "rb").read(), sys.argv[2]
x = np.full((64, 1024), 0.5, np.float32)

def lifetime():
    interpreter = opkit.Interpreter(model, runtime=runtime)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20

for _ in range(50):  # warm up allocator pools and caches
    lifetime()
gc.collect()
before = resident_mb()
for _ in range(1000):
    y = lifetime()
gc.collect()
growth = resident_mb() - before  # before numpy.testing's imports add their megabytes
np.testing.assert_allclose(y, np.sinh(np.sinh(x)), rtol=1e-6)
print(growth)
"""


@pytest.fixture(scope="module")
def sinh_twice() -> bytes:
    return convert_fn(lambda x: tf.math.sinh(tf.math.sinh(x)), tf.TensorSpec(SHAPE, tf.float32))


@pytest.mark.parametrize("runtime", ["litert", "tensorflow"])
def test_thousand_interpreters_do_not_leak(sinh_twice: bytes, runtime: str, tmp_path: Path) -> None:
    model = tmp_path / "sinh_twice.tflite"
    model.write_bytes(sinh_twice)
    result = subprocess.run(
        [sys.executable, "-c", LIFETIMES, str(model), runtime],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "MALLOC_MMAP_THRESHOLD_": "65536"},
    )
    assert result.returncode == 0, result.stderr
    growth = float(result.stdout.strip().splitlines()[-1])
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
