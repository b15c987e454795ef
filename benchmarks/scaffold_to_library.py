"""How long the user's loop takes: scaffold-op -> built library -> edit -> rebuild.

Runs the installed command-line tools in a temporary folder, as a user would,
and prints wall-clock figures. Target (issue 3): an incremental rebuild after
editing one kernel within 10 s on a 2-core machine.

    python benchmarks/scaffold_to_library.py [--ops N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EXTRA_OPS = ["Cosh", "Tan", "Atan", "Asinh", "Erf", "Acos", "Asin", "Atanh"]


def timed(*command: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=4, help="ops in the folder (1-9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        scaffold = timed("scaffold-op", "Erfc", cwd=home)
        for name in EXTRA_OPS[: max(args.ops - 1, 0)]:
            timed("scaffold-op", name, cwd=home)
        first = timed("opkit", "build", cwd=home)
        noop = timed("opkit", "build", cwd=home)
        kernel = home / "ops" / "erfc" / "erfc.cc"
        kernel.write_text(
            kernel.read_text()
            .replace("std::erfc(", "(T(0) + std::erfc(")
            .replace("x_data[i]);", "x_data[i]));")
        )
        edited = timed("opkit", "build", cwd=home)
    print(f"ops in the folder:                       {args.ops}")
    print(f"scaffold-op Erfc:                        {scaffold:6.2f} s")
    print(f"opkit build (configure + full build):    {first:6.2f} s")
    print(f"opkit build (nothing changed):           {noop:6.2f} s")
    print(f"opkit build after editing one kernel:    {edited:6.2f} s   (target <= 10 s)")
    print(f"scaffold-op to first library:            {scaffold + first:6.2f} s")
    print(f"cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
