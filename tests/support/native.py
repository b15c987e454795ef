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


# What would pull the heap into firmware: C++ new/delete, the C allocator, and
# the printf family (newlib's allocates; measured: linking vsnprintf alone
# brings in _malloc_r and _sbrk).
FIRMWARE_FORBIDDEN = frozenset(
    {
        *("_Znwj", "_Znwm", "_Znaj", "_Znam", "_ZdlPv", "_ZdaPv", "_ZdlPvj", "_ZdlPvm"),
        *("malloc", "free", "calloc", "realloc", "__cxa_allocate_exception"),
        *("printf", "sprintf", "snprintf", "vsnprintf", "vsprintf", "fprintf", "vfprintf"),
        "puts",
    }
)


def forbidden_in_firmware(binary: Path, nm: str = "nm") -> list[str]:
    """The symbols of FIRMWARE_FORBIDDEN that an object or archive needs."""
    tool = shutil.which(nm)
    assert tool is not None, f"{nm} is required"
    listing = subprocess.run(
        [tool, "--undefined-only", str(binary)], check=True, capture_output=True, text=True
    ).stdout
    undefined = {line.split()[-1] for line in listing.splitlines() if line.startswith(" ")}
    return sorted(undefined & FIRMWARE_FORBIDDEN)
