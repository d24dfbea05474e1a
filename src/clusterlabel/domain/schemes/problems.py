"""Pydantic's validation errors as scheme problems: where, in words, and in file order.

A location path such as ``("indicators", 3, "threshold")`` is written
``indicators[3] (STR-04).threshold``, and the messages say what a scheme author can fix
("must be a whole number, found 'ten'", "unknown field; did you mean 'threshold'?").
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from clusterlabel.domain.schemes.checks import _Path
from clusterlabel.domain.schemes.fields import _show
from clusterlabel.domain.schemes.model import Scheme

_SECTION_ORDER = {name: index for index, name in enumerate(Scheme.model_fields)}


def location_sort_key(path: _Path) -> tuple[int, int]:
    if not path:
        return (-1, 0)
    section = _SECTION_ORDER.get(str(path[0]), len(_SECTION_ORDER))
    index = path[1] if len(path) > 1 and isinstance(path[1], int) else -1
    return (section, index)


def format_location(path: _Path, data: Any) -> str:
    """``('indicators', 3, 'threshold')`` -> ``indicators[3] (STR-04).threshold``."""
    text = ""
    node = data
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
            node = node[segment] if isinstance(node, list) and 0 <= segment < len(node) else None
            identifier = node.get("id") if isinstance(node, dict) else None
            if isinstance(identifier, str) and identifier:
                text += f" ({identifier})"
        else:
            text += f".{segment}" if text else str(segment)
            node = node.get(segment) if isinstance(node, dict) else None
    return text


def _model_at(path: _Path) -> type[BaseModel] | None:
    """The model class that parses the mapping at ``path`` (for 'did you mean' hints)."""
    annotation: Any = Scheme
    for segment in path:
        annotation = _unwrap(annotation, want_item=isinstance(segment, int))
        if isinstance(segment, int):
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        fields = {f.alias or name: f for name, f in annotation.model_fields.items()}
        if segment not in fields:
            return None
        annotation = fields[segment].annotation
    annotation = _unwrap(annotation, want_item=False)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any, *, want_item: bool) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation
        elif want_item and origin is tuple:
            annotation = get_args(annotation)[0]
            want_item = False
        else:
            return annotation


def pydantic_problems(exc: ValidationError) -> Iterable[tuple[_Path, str]]:
    for error in exc.errors():
        path: _Path = tuple(error["loc"])
        raw, minimum = error.get("input"), (error.get("ctx") or {}).get("min_length", 0)
        if error["type"] == "too_short" and isinstance(raw, list) and len(raw) >= minimum:
            continue  # pydantic counts only the valid items; the invalid ones are reported
        yield path, _pydantic_message(error, path)


def _pydantic_message(error: Any, path: _Path) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        language = {"de": "German", "en": "English"}.get(str(path[-1]) if path else "")
        if language:
            return f"the {language} text ({path[-1]}) is missing"
        return "required field is missing"
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        allowed = [f.alias or name for name, f in model.model_fields.items()] if model else []
        close = get_close_matches(str(path[-1]), allowed, n=1)
        if close:
            return f"unknown field; did you mean {close[0]!r}?"
        return f"unknown field (allowed: {', '.join(allowed)})" if allowed else "unknown field"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, found {_show(value)}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number, found {_show(value)}"
    if kind == "bool_type":
        return f"must be true or false, found {_show(value)}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"must be a mapping (key: value), found {_show(value)}"
    if kind in {"tuple_type", "list_type"}:
        return f"must be a list, found {_show(value)}"
    if kind == "too_short":
        return f"must list at least {ctx.get('min_length', 1)} entry"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, found {_show(value)}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}, found {_show(value)}"
    return str(error["msg"])
