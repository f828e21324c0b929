"""Reading a cohort in parts: case files and NDJSON registries split into byte ranges.

A ``.ndjson`` file (one ``osseous.case/1`` document per line) is cut at line boundaries into
parts of about ``part_bytes``; each part knows the number of its first line, so errors name the
file and line wherever the part is read. A ``.json`` file is one part. Workers read their parts
from the file themselves: only the part's address travels, never the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson

from osseous.core.case import Case
from osseous.core.errors import InvalidInput

PART_BYTES: Final = 16 * 1024 * 1024
_SCAN: Final = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Part:
    path: str
    start: int
    end: int  # -1: to the end of the file
    first_line: int


class CohortInputError(ValueError):
    """A document of the cohort that cannot be read, named by file and line."""


def case_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files given, folders replaced by their ``.json`` and ``.ndjson`` files."""
    for path in paths:
        if path.is_dir():
            yield from sorted([*path.glob("*.json"), *path.glob("*.ndjson")])
        else:
            yield path


def partitions(paths: Iterable[Path], part_bytes: int = PART_BYTES) -> list[Part]:
    """The parts of the cohort, in file and line order."""
    parts: list[Part] = []
    for path in case_files(paths):
        try:
            if path.suffix != ".ndjson":
                if not path.is_file():
                    raise CohortInputError(f"{path}: cannot read (no such file)")
                parts.append(Part(str(path), 0, -1, 1))
                continue
            parts.extend(_split(path, part_bytes))
        except OSError as exc:
            raise CohortInputError(f"{path}: cannot read ({exc.strerror})") from None
    return parts


def _split(path: Path, part_bytes: int) -> Iterator[Part]:
    start, line, position = 0, 1, 0
    lines_in_part = 0
    with path.open("rb") as handle:
        while block := handle.read(_SCAN):
            offset = 0
            while True:
                cut = start + part_bytes - position
                if cut >= len(block):
                    break
                newline = block.find(b"\n", max(cut, offset))
                if newline < 0:
                    break
                lines_in_part += block.count(b"\n", offset, newline + 1)
                end = position + newline + 1
                yield Part(str(path), start, end, line)
                line += lines_in_part
                lines_in_part, start, offset = 0, end, newline + 1
            lines_in_part += block.count(b"\n", offset)
            position += len(block)
    if position > start:
        yield Part(str(path), start, -1, line)


def documents(part: Part) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) of every non-blank line of the part."""
    path = Path(part.path)
    try:
        if part.end == -1 and part.start == 0 and path.suffix != ".ndjson":
            try:
                document = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError as exc:
                raise CohortInputError(f"{path}: not valid JSON ({exc})") from None
            yield 1, document
            return
        with path.open("rb") as handle:
            handle.seek(part.start)
            data = handle.read() if part.end == -1 else handle.read(part.end - part.start)
    except OSError as exc:
        raise CohortInputError(f"{path}: cannot read ({exc.strerror})") from None
    for number, line in enumerate(data.split(b"\n"), start=part.first_line):
        if line.strip():
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise CohortInputError(f"{path}:{number}: not valid JSON ({exc})") from None


def cases(part: Part) -> Iterator[Case]:
    """The validated cases of the part; the first invalid one stops it with every problem."""
    from osseous.core.validation import parse_case

    for number, data in documents(part):
        try:
            yield parse_case(data, list_ignored=False).case
        except InvalidInput as exc:
            where = f"{part.path}:{number}" if part.path.endswith(".ndjson") else part.path
            raise CohortInputError("\n".join(f"{where}: {p}" for p in exc.problems)) from None
