"""Measures what the TFLite converter does with each TensorFlow op.

Traces every public callable of tf.math, tf.math.special, tf.nn and tf.signal
that accepts one float32[8] tensor (or two), keeps those whose graph holds a
single compute op, converts each with allow_custom_ops=True and records the
TFLite operators that came out. The result, python/opkit/data/converter_survey.json,
tells `scaffold-op` which TF ops have a TFLite builtin (no kernel needed) and
which become custom ops.

    python tools/survey_converter.py            # rewrites the JSON (a few minutes)
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
from ai_edge_litert import schema_py_generated as schema

OUT = Path(__file__).resolve().parents[1] / "python" / "opkit" / "data" / "converter_survey.json"
IGNORED_OPS = {"Placeholder", "Identity", "Const", "NoOp"}
BUILTIN_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}


def graph_ops(concrete: Any) -> set[str]:
    return {op.type for op in concrete.graph.get_operations()} - IGNORED_OPS


def tflite_ops(model: bytes) -> tuple[list[str], list[str]]:
    root = schema.Model.GetRootAs(model, 0)
    builtin, custom = set(), set()
    for i in range(root.OperatorCodesLength()):
        code = root.OperatorCodes(i)
        value = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        if value == schema.BuiltinOperator.CUSTOM:
            custom.add(code.CustomCode().decode())
        else:
            builtin.add(BUILTIN_NAMES[value])
    return sorted(builtin), sorted(custom)


def trace(fn: Any, arity: int) -> Any:
    specs = [tf.TensorSpec([8], tf.float32)] * arity
    return tf.function(lambda *xs: fn(*xs)).get_concrete_function(*specs)


def survey() -> dict[str, Any]:
    results: dict[str, Any] = {}
    modules = {
        "tf.math": tf.math,
        "tf.math.special": tf.math.special,
        "tf.nn": tf.nn,
        "tf.signal": tf.signal,
    }
    for prefix, module in modules.items():
        for name in sorted(dir(module)):
            fn = getattr(module, name)
            if name.startswith("_") or not callable(fn) or isinstance(fn, type):
                continue
            for arity in (1, 2):
                try:
                    concrete = trace(fn, arity)
                except Exception:
                    continue
                ops = graph_ops(concrete)
                if len(ops) != 1:
                    break
                (op_type,) = ops
                if op_type in results:
                    break
                converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], None)
                converter.allow_custom_ops = True
                try:
                    builtin, custom = tflite_ops(converter.convert())
                except Exception as error:
                    results[op_type] = {"callable": f"{prefix}.{name}", "error": str(error)[:200]}
                    break
                results[op_type] = {
                    "callable": f"{prefix}.{name}",
                    "inputs": arity,
                    "builtin": builtin,
                    "custom": custom,
                }
                print(f"{op_type:24} {prefix}.{name:28} {builtin} {custom}", file=sys.stderr)
                break
    return results


def main() -> None:
    warnings.simplefilter("ignore")
    data = {
        "what": "TF op type -> TFLite operators after conversion with allow_custom_ops=True "
        "(float32[8] inputs). Written by tools/survey_converter.py.",
        "tensorflow": tf.__version__,
        "ops": survey(),
    }
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({len(data['ops'])} ops)", file=sys.stderr)


if __name__ == "__main__":
    main()
