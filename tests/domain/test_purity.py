"""The domain core stays pure: no Django, and no clusterlabel code outside the domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import clusterlabel.domain

DOMAIN_DIR = Path(clusterlabel.domain.__file__).parent
MODULES = sorted(DOMAIN_DIR.rglob("*.py"))


def imported_modules(path: Path) -> list[str]:
    """Every module an ``import`` or ``from ... import`` in ``path`` names (absolute form)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = "clusterlabel.domain"
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the domain package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                names.append(f"{base}.{node.module}" if node.module else base)
            else:
                names.append(node.module or "")
    return names


def forbidden(name: str) -> bool:
    if name == "django" or name.startswith("django."):
        return True
    in_project = name == "clusterlabel" or name.startswith("clusterlabel.")
    in_domain = name == "clusterlabel.domain" or name.startswith("clusterlabel.domain.")
    return in_project and not in_domain


def test_the_domain_has_modules_to_check() -> None:
    names = {path.relative_to(DOMAIN_DIR).as_posix() for path in MODULES}
    assert {"schemes/model.py", "scoring.py", "award.py", "validity.py", "fees.py"} <= names


@pytest.mark.parametrize(
    "path", MODULES, ids=[p.relative_to(DOMAIN_DIR).as_posix() for p in MODULES]
)
def test_module_imports_neither_django_nor_the_rest_of_the_project(path: Path) -> None:
    bad = [name for name in imported_modules(path) if forbidden(name)]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("import django", True),
        ("from django.db import models", True),
        ("import django.utils.timezone as tz", True),
        ("from clusterlabel.labels.models import Label", True),
        ("from clusterlabel import settings", True),
        ("from .. import settings", True),
        ("from clusterlabel.domain.dates import add_months", False),
        ("from . import dates", False),
        ("import djangoish", False),
        ("import yaml", False),
    ],
)
def test_the_checker_itself_catches_forbidden_imports(
    tmp_path: Path, source: str, bad: bool
) -> None:
    path = tmp_path / "module.py"
    path.write_text(source + "\n", encoding="utf-8")
    assert any(forbidden(name) for name in imported_modules(path)) is bad
