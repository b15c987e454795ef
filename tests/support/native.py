"""Compiling and running small C/C++ programs against opkit's headers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# The checkout's headers, so that tests see edits without a reinstall.
INCLUDE_DIR = Path(__file__).resolve().parents[2] / "cpp" / "include"

# Warnings are errors for everything the tests compile: the headers are meant
# to be warning-free in users' builds, including strict firmware builds.
STRICT = ["-Wall", "-Wextra", "-Werror"]


def compiler(language: str) -> str:
    name = {"c": "gcc", "c++": "g++"}[language]
    path = shutil.which(name)
    assert path is not None, f"{name} is required by the test suite"
    return path


def compile_and_run(
    source: str, workdir: Path, *, language: str = "c++", flags: list[str] | None = None
) -> str:
    """Builds ``source`` with opkit's include dir and returns the program's stdout."""
    suffix = {"c": ".c", "c++": ".cc"}[language]
    src = workdir / f"probe{suffix}"
    exe = workdir / "probe"
    src.write_text(source)
    std = ["-std=c11"] if language == "c" else ["-std=c++17"]
    command = [
        compiler(language),
        *std,
        *STRICT,
        *(flags or []),
        f"-I{INCLUDE_DIR}",
        str(src),
        "-o",
        str(exe),
    ]
    subprocess.run(command, check=True, capture_output=True, text=True)
    return subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
