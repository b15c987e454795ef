"""op.toml: loading, validation errors with file and line, and the round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from opkit.codegen import render_spec
from opkit.errors import SpecError
from opkit.spec import load_spec

GOLDEN = Path(__file__).parent / "golden"
VALID = """\
name = "MyOp"
version = 2

[types]
T = ["float32", "float64"]

[[inputs]]
name = "a"

[[inputs]]
name = "b"
type = "T"

[[outputs]]
name = "c"
shape = "broadcast"

[[attrs]]
name = "scale"
type = "float"
default = 2

[[attrs]]
name = "axes"
type = "list(int)"
default = [1, 2]

[verify]
domain = [-1.0, 1.0]
rtol = { float32 = 1e-4 }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "op.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_rendering_a_spec_reads_back_the_same(case: str) -> None:
    spec = load_spec(GOLDEN / case / "op.toml")
    assert render_spec(spec) == (GOLDEN / case / "op.toml").read_text()


def test_a_full_spec(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, VALID))
    assert spec.version == 2
    assert [a.name for a in spec.inputs] == ["a", "b"]
    assert spec.inputs[0].type == "T"  # the default type variable
    assert spec.outputs[0].shape_rule == ("broadcast", "")
    assert spec.attrs[1].default == (1, 2)
    assert spec.verify.domain == (-1.0, 1.0)
    assert dict(spec.verify.rtol) == {"float32": 1e-4}
    assert load_spec(write(tmp_path, render_spec(spec))) == spec


@pytest.mark.parametrize(
    ("edit", "line", "message"),
    [
        (
            ('shape = "broadcast"', 'shpe = "broadcast"'),
            16,
            "unknown key 'shpe' in [[outputs]] (expected one of: name, type, doc, shape)",
        ),
        (('name = "b"', 'name = "b-2"'), 11, "invalid input name 'b-2'"),
        (
            ('type = "T"', 'type = "float33"'),
            12,
            "input b: unknown dtype or type variable 'float33'",
        ),
        (('"float64"]', '"complex256"]'), 5, "type variable T: unknown dtype"),
        (
            ("default = 2\n", 'default = "two"\n'),
            21,
            "attribute scale: default 'two' is not a valid float",
        ),
        (('type = "list(int)"', 'type = "tuple"'), 25, "attribute axes: type must be one of"),
        (("version = 2", "version = 0"), 2, "version must be a positive integer, not 0"),
        (("version = 2", 'version = "2"'), 2, "version must be a int, not str '2'"),
        (
            ('shape = "broadcast"', 'shape = "same:q"'),
            16,
            "output c: shape must be 'same:<input>' (inputs: a, b), 'broadcast' or 'kernel'",
        ),
        (('name = "a"', 'name = "scale"'), 19, "name 'scale' is used twice"),
        (("domain = [-1.0, 1.0]", "domain = [1.0, -1.0]"), 29, "domain must be [low, high]"),
        (('name = "MyOp"', 'name = "class"'), 1, "invalid op name 'class': it is a C++ keyword"),
    ],
)
def test_bad_values_name_the_file_and_line(
    tmp_path: Path, edit: tuple[str, str], line: int, message: str
) -> None:
    old, new = edit
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(SpecError) as error:
        load_spec(path)
    text = str(error.value)
    assert text.startswith(f"{path}:{line}: "), text
    assert message in text
    assert "\n" not in text


def test_malformed_toml(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "MyOp"\n[[inputs]\nname = "x"\n')
    with pytest.raises(SpecError, match=re.escape(f"{path}:2: not valid TOML")):
        load_spec(path)


def test_missing_name_and_outputs(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="missing required key 'name'"):
        load_spec(write(tmp_path, "version = 1\n"))
    with pytest.raises(SpecError, match=r"needs at least one output"):
        load_spec(write(tmp_path, 'name = "X"\n'))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such op spec"):
        load_spec(tmp_path / "nope" / "op.toml")


def with_top_key(key_line: str) -> str:
    return VALID.replace("version = 2\n", f"version = 2\n{key_line}\n", 1)


def test_include_dirs_round_trip(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, with_top_key('include_dirs = ["../shared", "detail"]')))
    assert spec.include_dirs == ("../shared", "detail")
    assert load_spec(write(tmp_path, render_spec(spec))) == spec


@pytest.mark.parametrize(
    "folder", ["../../x", "/usr/include", "a/../b", "../a;b", "..", "${X}", ""]
)
def test_include_dirs_stay_next_to_the_op(tmp_path: Path, folder: str) -> None:
    path = write(tmp_path, with_top_key(f"include_dirs = [{folder!r}]"))
    with pytest.raises(SpecError, match=r":3: include directory .* in the op folder or next to it"):
        load_spec(path)


@pytest.mark.parametrize("source", ['a".cc', "../x.cc", "x.h", "a b.cc", "a;b.cc"])
def test_sources_are_plain_file_names(tmp_path: Path, source: str) -> None:
    path = write(tmp_path, with_top_key(f"sources = [{source!r}]"))
    with pytest.raises(
        SpecError, match=r":3: source .* must be a \.cc/\.cpp file in the op folder"
    ):
        load_spec(path)
