"""Command line: ``opkit`` and ``scaffold-op`` (filled in by later issues)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("opkit: no commands yet", file=sys.stderr)
    return 2


def scaffold_op_main(argv: list[str] | None = None) -> int:
    print("scaffold-op: not available yet", file=sys.stderr)
    return 2
