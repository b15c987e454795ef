"""opkit's own TFLite C declarations match the measured ABI layout.

tests/data/tflite_c_abi_layout.json holds sizes, alignments, offsets and enum
values measured against the real TFLite C headers (x86_64). A probe compiled
against opkit's declarations must reproduce every one of them, in C and C++.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.native import compile_and_run

LAYOUT = json.loads((Path(__file__).parent / "data" / "tflite_c_abi_layout.json").read_text())

# The JSON names enum groups by their TFLite names; these are opkit's constants.
ENUM_CONSTANTS = {
    "BuiltinOperator (selected)": {"CUSTOM": "kTfLiteBuiltinCustom", "SIN": "kTfLiteBuiltinSin"},
}


def probe_source(language: str) -> str:
    alignof = "_Alignof" if language == "c" else "alignof"
    lines = []
    for struct, info in LAYOUT["structs"].items():
        lines.append(f'  printf("size {struct} %zu\\n", sizeof({struct}));')
        lines.append(f'  printf("align {struct} %zu\\n", (size_t){alignof}({struct}));')
        for field in info["fields"]:
            lines.append(
                f'  printf("offset {struct}.{field} %zu\\n", offsetof({struct}, {field}));'
            )
    for group, values in LAYOUT["enums"].items():
        for name in values:
            constant = ENUM_CONSTANTS.get(group, {}).get(name, name)
            lines.append(f'  printf("enum {group}.{name} %d\\n", (int){constant});')
    body = "\n".join(lines)
    return (
        "#include <stddef.h>\n#include <stdio.h>\n"
        '#include "opkit/tflite_c.h"\n'
        f"int main(void) {{\n{body}\n  return 0;\n}}\n"
    )


def expected_lines() -> set[str]:
    lines = set()
    for struct, info in LAYOUT["structs"].items():
        lines.add(f"size {struct} {info['size']}")
        lines.add(f"align {struct} {info['align']}")
        for field, offset in info["fields"].items():
            lines.add(f"offset {struct}.{field} {offset}")
    for group, values in LAYOUT["enums"].items():
        for name, value in values.items():
            lines.add(f"enum {group}.{name} {value}")
    return lines


@pytest.mark.parametrize("language", ["c", "c++"])
def test_declarations_match_measured_layout(language: str, tmp_path: Path) -> None:
    output = compile_and_run(
        probe_source(language),
        tmp_path,
        language=language,
        flags=["-DOPKIT_FORCE_OWN_TFLITE_DECLS"],
    )
    measured = set(output.splitlines())
    expected = expected_lines()
    assert len(expected) > 100  # the whole file was read, not a fragment
    assert sorted(expected - measured) == []
    assert sorted(measured - expected) == []
