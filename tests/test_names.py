"""Naming rules: every identifier the generators derive, and what is refused."""

from __future__ import annotations

import re

import pytest

from opkit.errors import InvalidNameError
from opkit.names import (
    check_member_name,
    check_op_name,
    cpp_float,
    cpp_int,
    cpp_string,
    library_name,
    register_function,
    snake_case,
    tensor_constant,
)


@pytest.mark.parametrize(
    ("op", "folder", "register"),
    [
        ("Sinh", "sinh", "Register_SINH"),
        ("BesselI0e", "bessel_i0e", "Register_BESSEL_I0E"),
        ("CumulativeLogsumexp", "cumulative_logsumexp", "Register_CUMULATIVE_LOGSUMEXP"),
        ("RFFTND", "rfftnd", "Register_RFFTND"),
        ("MyOp", "my_op", "Register_MY_OP"),
        ("EuclideanNorm", "euclidean_norm", "Register_EUCLIDEAN_NORM"),
        ("my_op2", "my_op2", "Register_MY_OP2"),
    ],
)
def test_op_naming(op: str, folder: str, register: str) -> None:
    assert check_op_name(op) == op
    assert snake_case(op) == folder
    assert register_function(op) == register


@pytest.mark.parametrize(
    ("arg", "constant"),
    [
        ("x", "kXTensor"),
        ("reduction_indices", "kReductionIndicesTensor"),
        ("input", "kInputTensor"),
    ],
)
def test_tensor_constants(arg: str, constant: str) -> None:
    assert tensor_constant(arg) == constant


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "invalid op name '': use letters, digits and underscores"),
        ("9lives", "not starting with a digit"),
        ("my-op", "use letters, digits and underscores"),
        ('Evil"); system("rm', "use letters, digits and underscores"),
        ("Foo Bar", "use letters, digits and underscores"),
        ("A" * 65, "longer than 64 characters"),
        ("class", "it is a C++ keyword"),
        ("Namespace", "'namespace' is a C++ keyword"),
        ("Tflite", "its kernel's namespace 'tflite' would hide the C++ namespace"),
        ("Opkit", "its kernel's namespace 'opkit' would hide the C++ namespace"),
        ("STD", "its kernel's namespace 'std' would hide the C++ namespace"),
        ("Ünïcode", "use letters, digits and underscores"),
    ],
)
def test_bad_op_names_are_refused(name: str, message: str) -> None:
    with pytest.raises(InvalidNameError, match=re.escape(message)):
        check_op_name(name)


@pytest.mark.parametrize("name", ["context", "node", "data", "T", "i", "delete"])
def test_member_names_that_clash_with_generated_code(name: str) -> None:
    with pytest.raises(InvalidNameError):
        check_member_name(name, "input name")


def test_literals() -> None:
    assert cpp_float(2.0) == "2.0f"
    assert cpp_float(1e-7, "double") == "1e-07"
    assert cpp_float(float("inf")) == "std::numeric_limits<float>::infinity()"
    assert cpp_float(float("-inf"), "double") == "-std::numeric_limits<double>::infinity()"
    assert cpp_int(-(2**63)) == "std::numeric_limits<int64_t>::min()"
    assert cpp_int(5) == "INT64_C(5)"
    assert cpp_string('a"b\\c?\n') == '"a\\"b\\\\c\\077\\012"'
    assert cpp_string("é") == '"\\303\\251"'
    assert library_name("my-ops") == "my_ops"
    assert library_name("3d") == "ops_3d"
