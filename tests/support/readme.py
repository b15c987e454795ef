"""The code blocks of README.md, so that tests run exactly what it shows."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def code_blocks(language: str) -> list[str]:
    """Every fenced block of ``language`` in README.md, in order."""
    return [body for lang, body in _BLOCK.findall(README.read_text()) if lang == language]


def block_after(heading: str, language: str) -> str:
    """The first ``language`` block after the line ``heading``."""
    text = README.read_text()
    start = text.index(heading)
    for lang, body in _BLOCK.findall(text[start:]):
        if lang == language:
            return str(body)
    raise LookupError(f"no {language} block after {heading!r} in README.md")


def blocks_after(heading: str, language: str) -> list[str]:
    """Every ``language`` block in the section that starts at ``heading``."""
    text = README.read_text()
    start = text.index(heading)
    level = len(heading.split(" ")[0])
    following = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, start + len(heading))
    section = text[start : following.start() if following else len(text)]
    return [str(body) for lang, body in _BLOCK.findall(section) if lang == language]
