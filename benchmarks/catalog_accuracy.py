"""Accuracy of every elementwise catalog op against TensorFlow: the full sweep.

100,000 samples per op and dtype (half uniform over the op's domain, half
spread logarithmically over the dtype's range, plus edge values), run through
a converted model and opkit.Interpreter, compared with TensorFlow's own op by
the rules in tests/support/catalog_check.py: where TensorFlow disagrees beyond
the target, both results are compared with the true value (float64 libraries
and mpmath) and the table says how far each one is.

    python benchmarks/catalog_accuracy.py [--samples N] [--markdown docs/catalog-accuracy.md]

With --micro, the catalog's TensorFlow Lite Micro kernels instead, run on this
machine by opkit's stand-in TFLM runtime; they compute float32 in float32, so
where TensorFlow is off they may be 2 ulp (not 1) from the true value.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import numpy as np

from support import catalog_check
from support.catalog_check import (
    build_catalog_micro_host,
    check_catalog,
    elementwise_ops,
    micro_runner,
    run_catalog,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--micro", action="store_true", help="the TFLM kernels instead")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    run, true_ulps = run_catalog, 1.0
    if args.micro:
        run = micro_runner(build_catalog_micro_host(Path(tempfile.mkdtemp())))
        true_ulps = 2.0
    rows = []
    failed = []
    for dtype in (np.float32, np.float64):
        for report in check_catalog(
            elementwise_ops(),
            dtype,
            args.samples,
            max_truth_checks=50_000,
            run=run,
            true_ulps=true_ulps,
        ):
            float32 = report.dtype == "float32"
            unit = "ulp" if float32 else "rel"
            worst = f"{report.worst_vs_tf:.0f} ulp" if float32 else f"{report.worst_vs_tf:.2g}"
            if report.beyond:
                detail = (
                    f"{report.beyond} beyond target; there ours {report.ours_vs_true:.3g} "
                    f"{unit}, TF {report.tf_vs_true:.3g} {unit} from the true value"
                )
            else:
                detail = "none beyond target"
            verdict = "pass" if report.passed else "FAIL: " + "; ".join(report.failures[:2])
            if not report.passed:
                failed.append(f"{report.name} {report.dtype}")
            rows.append(
                f"| {report.name} | {report.dtype} | {report.samples} | {worst} | "
                f"{detail} | {report.special_mismatches} | {verdict} |"
            )
    header = [
        f"Catalog {'TFLM kernels' if args.micro else 'kernels'}: accuracy against TensorFlow "
        f"{catalog_check.tf.__version__}, "
        f"{args.samples} samples per op and dtype plus edge values "
        f"(`python benchmarks/catalog_accuracy.py{' --micro' if args.micro else ''}`).",
        "",
        "Targets: float32 within 4 ulp of TensorFlow's float32 result; float64 within 1e-13 "
        "relative of TensorFlow's float64 result. Where TensorFlow itself is further than that "
        "from the true value, both are measured against the true value (float64 libraries, "
        f"then mpmath), and opkit must be within {true_ulps:g} ulp (float32) or 1e-13 (float64) "
        "of it.",
        "'Worst vs TF' excludes subnormal inputs, which TensorFlow flushes to zero. "
        "'NaN/inf diffs' counts samples where exactly one side is NaN or infinite and the "
        "true value decided.",
        "",
        "| op | dtype | samples | worst vs TF | where they differ beyond target | "
        "NaN/inf diffs | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    table = "\n".join([*header, *rows])
    print(table)
    print(
        f"\n{len(rows)} op/dtype pairs, {len(failed)} failed"
        + (f": {', '.join(failed)}" if failed else "")
        + f"; {time.perf_counter() - start:.0f} s"
    )
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table + "\n")


if __name__ == "__main__":
    main()
