"""Every elementwise catalog op, through a converted model, against TensorFlow's own op.

A smaller sample than benchmarks/catalog_accuracy.py (whose 100,000-sample
results are the table in docs/catalog.md), with the same rules; see
tests/support/catalog_check.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import opkit
from opkit.known_ops import KNOWN_MATH, conversion
from support.catalog_check import OpAccuracy, check_catalog, elementwise_ops

SAMPLES = 3000


def test_the_catalog_has_every_elementwise_custom_op_of_the_survey() -> None:
    custom = {name for name in KNOWN_MATH if (c := conversion(name)) and c.custom}
    assert len(custom) == 31
    assert custom <= {name for name, _ in opkit.list_ops()}
    assert set(elementwise_ops()) == custom


@pytest.fixture(scope="module", params=[np.float32, np.float64], ids=["float32", "float64"])
def reports(request: pytest.FixtureRequest) -> dict[str, OpAccuracy]:
    return {r.name: r for r in check_catalog(elementwise_ops(), request.param, SAMPLES)}


@pytest.mark.parametrize("name", sorted(n for n in KNOWN_MATH if (c := conversion(n)) and c.custom))
def test_op_matches_tensorflow(reports: dict[str, OpAccuracy], name: str) -> None:
    report = reports[name]
    assert report.samples > SAMPLES
    assert report.passed, "; ".join(report.failures[:5])
