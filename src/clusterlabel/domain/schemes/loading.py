"""Reading and validating scheme files: YAML text, a parsed mapping, a file, a directory.

The loader refuses a bad file with **every** problem it can find: pydantic's structural errors
(worded by :mod:`~clusterlabel.domain.schemes.problems`) are merged with the cross-field checks
of :mod:`~clusterlabel.domain.schemes.checks`, and the cross-field checks run on the raw data
even when the structure is broken, so a file with a typo *and* a duplicate id reports both. A
directory is also checked across its files (:mod:`~clusterlabel.domain.schemes.across_files`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from clusterlabel.domain.errors import SchemeFileError, SchemeProblem
from clusterlabel.domain.schemes.across_files import check_across_files
from clusterlabel.domain.schemes.checks import _CrossChecks, _Path
from clusterlabel.domain.schemes.fields import _show
from clusterlabel.domain.schemes.model import Scheme
from clusterlabel.domain.schemes.problems import (
    format_location,
    location_sort_key,
    pydantic_problems,
)


class _SchemeYamlLoader(yaml.SafeLoader):
    """A safe loader that records duplicate mapping keys instead of silently keeping the last.

    A scalar PyYAML cannot convert (``2024-13-45`` read as a date, ``!!int abc``, an integer of
    more than 4300 digits) raises a plain ValueError in PyYAML; it is turned into a
    :class:`yaml.constructor.ConstructorError` with the scalar's position, like any other error
    in the YAML, so the loader reports it instead of crashing.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[Any, yaml.Mark]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                self.duplicate_keys.append((key, key_node.start_mark))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, ArithmeticError) as exc:
            # Every concrete node class names its kind in ``id`` (scalar, sequence, mapping);
            # the base class Node has none.
            shown = (
                str(node.value) if isinstance(node, yaml.ScalarNode) else getattr(node, "id", "")
            )
            shown = shown if len(shown) <= 40 else f"{shown[:37]}..."
            kind = node.tag.rsplit(":", 1)[-1]
            reason = str(exc).split(";")[0]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shown!r} as {kind} ({reason})", node.start_mark
            ) from None


def _mark(mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _parse_yaml(text: str, source: str) -> tuple[Any, list[SchemeProblem]]:
    loader: _SchemeYamlLoader | None = None
    try:
        loader = _SchemeYamlLoader(text)  # the reader refuses unprintable characters here
        data = loader.get_single_data()
        duplicate_keys = loader.duplicate_keys
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise SchemeFileError(
            [SchemeProblem(source, _mark(mark), f"YAML syntax error: {message}")]
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        where = f"line {line}, column {column}"
        message = str(exc).splitlines()[0]
        raise SchemeFileError(
            [SchemeProblem(source, where, f"YAML syntax error: {message}")]
        ) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise SchemeFileError([SchemeProblem(source, "", f"YAML error: {message}")]) from None
    except RecursionError:
        raise SchemeFileError(
            [SchemeProblem(source, "", "the YAML is nested too deeply to read")]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    problems = [
        SchemeProblem(source, _mark(mark), f"duplicate key {key!r}: the later value would win")
        for key, mark in duplicate_keys
    ]
    return data, problems


def load_scheme_text(text: str, *, source: str) -> Scheme:
    """Parse and validate a scheme from YAML text; ``source`` names it in error messages.

    Raises :class:`SchemeFileError` listing every problem found.
    """
    data, problems = _parse_yaml(text, source)
    return _validate(data, source, problems)


def load_scheme_data(data: Any, *, source: str) -> Scheme:
    """Validate an already parsed scheme (a mapping as YAML or JSON would give)."""
    return _validate(data, source, [])


def load_scheme_file(path: str | Path) -> Scheme:
    """Load one scheme file; errors name the file by its file name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SchemeFileError(
            [SchemeProblem(path.name, "", f"the file is not UTF-8 text ({exc.reason})")]
        ) from None
    return load_scheme_text(text, source=path.name)


def load_scheme_dir(path: str | Path) -> list[Scheme]:
    """Load every ``*.yaml`` / ``*.yml`` file of a directory, in file-name order.

    Problems of all files are collected into one :class:`SchemeFileError`. Across files it also
    refuses two files with the same (id, version) and recognitions that name a scheme or level
    the directory does not contain, or a scheme under another family.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise FileNotFoundError(f"scheme directory {directory} does not exist")
    files = sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
    schemes: list[tuple[str, Scheme]] = []
    problems: list[SchemeProblem] = []
    for file in files:
        try:
            schemes.append((file.name, load_scheme_file(file)))
        except SchemeFileError as exc:
            problems.extend(exc.errors)
    problems.extend(check_across_files(schemes))
    if problems:
        raise SchemeFileError(problems)
    return [scheme for _, scheme in schemes]


def _validate(data: Any, source: str, problems: list[SchemeProblem]) -> Scheme:
    if not isinstance(data, dict):
        found = "nothing" if data is None else _show(data)
        raise SchemeFileError(
            [
                *problems,
                SchemeProblem(source, "", f"a scheme file is a mapping of fields, found {found}"),
            ]
        )
    located: list[tuple[_Path, str]] = []
    scheme: Scheme | None = None
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        located.extend(pydantic_problems(exc))
    located.extend(_CrossChecks(data).run())
    located.sort(key=lambda item: location_sort_key(item[0]))
    seen: set[tuple[str, str]] = set()
    for path, message in located:
        location = format_location(path, data)
        if (location, message) not in seen:
            seen.add((location, message))
            problems.append(SchemeProblem(source, location, message))
    if problems or scheme is None:
        raise SchemeFileError(problems)
    return scheme
