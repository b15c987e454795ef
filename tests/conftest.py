"""Session-wide fixtures: a user op library built once, as README shows."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support.readme import block_after

# TensorFlow's C++ logging is noise in test output; set before it is imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def user_ops_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/user_ops built with the commands README.md shows users."""
    project = tmp_path_factory.mktemp("user_ops")
    shutil.copytree(DATA / "user_ops", project, dirs_exist_ok=True)
    commands = block_after("## Build an op library of your own", "bash")
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    )
    return project / "build" / "libuser_ops.so"
