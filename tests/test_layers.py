"""The apps are layers: each imports only the layers below it, so there is no import cycle
between apps (STYLE.md, "Layers without cycles").

``core`` is the leaf library (formatting, language, reasons, charts, form helpers) and imports
no app; ``portal`` is the top layer (start page, navigation, demo, the organisation's page) and
no app imports it. The check reads the source (``ast``), so it sees imports inside functions
too: an import moved into a function to dodge a cycle still fails here. Imports under
``if TYPE_CHECKING:`` are annotations only and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import clusterlabel

PACKAGE = Path(clusterlabel.__file__).parent

# Lowest first. A module may import from its own layer and from the layers before it.
LAYERS: list[str] = [
    "domain",  # pure Python rules, no Django
    "private_files",
    "private_sqlite",
    "credentials",
    "core",  # the leaf library
    "schemes",
    "audit",  # the trail every service appends to
    "accounts",
    "access",  # the policy: grants, can(), restrict()
    "organisations",
    "assessors",  # the expert pool: profiles, qualifications, declared conflicts
    "procedures",
    "labels",
    "invoices",  # issued from procedures' contracts; the PDF layout is labels'
    "benchmarks",
    "programmes",  # the programme view: reads organisations, procedures and labels
    "webhooks",  # reports labels' and procedures' writes (through their hooks), sends them
    "scheduling",  # the assessment's appointment: reads procedures, writes its own rows
    "reports",  # the structured report (its PDF set as the decision letter) and the feedback
    "privacy",  # data protection: reads accounts, grants, procedures, the trail
    "portal",  # the top layer
    "project",  # settings, urls, cli, wsgi: wire everything together
]
PROJECT_MODULES = {"settings", "urls", "api_urls", "cli", "wsgi", "__main__", "__init__"}


def layer_of(parts: tuple[str, ...]) -> str:
    """The layer of ``clusterlabel.<parts>``."""
    head = parts[0] if parts else "__init__"
    if head in PROJECT_MODULES:
        return "project"
    return head


def _type_checking_block(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Name | ast.Attribute)
        and ast.unparse(node.test).endswith("TYPE_CHECKING")
    )


def runtime_imports(tree: ast.Module, package: str) -> list[tuple[int, str]]:
    """(line, module) of every ``clusterlabel`` import that runs, at any depth."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if _type_checking_block(node):
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [(line, module) for line, module in found if module.startswith("clusterlabel.")]


def modules() -> list[tuple[str, Path]]:
    return sorted(
        (".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts), path)
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
    )


def violations() -> list[str]:
    rank = {name: index for index, name in enumerate(LAYERS)}
    found = []
    for module, path in modules():
        parts = tuple(module.split(".")[1:])
        own = layer_of(parts)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for line, target in runtime_imports(ast.parse(path.read_text()), package):
            other = layer_of(tuple(target.split(".")[1:]))
            if other not in rank or own not in rank:
                found.append(f"{module}:{line} imports {target}: a layer missing from LAYERS")
            elif rank[other] > rank[own]:
                found.append(f"{module}:{line} ({own}) imports {target} ({other}), a layer above")
    return found


def test_every_app_is_a_layer() -> None:
    apps = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert apps - {"locale", "templates"} <= set(LAYERS)


def test_no_app_imports_a_layer_above_it() -> None:
    assert violations() == []


def test_the_check_finds_an_upward_import(tmp_path: Path) -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from clusterlabel.portal import views\n"
        "def f():\n    from clusterlabel.labels.services import x\n"
        "from . import models\n"
    )
    imports = runtime_imports(tree, "clusterlabel.procedures")
    assert imports == [(5, "clusterlabel.labels.services"), (6, "clusterlabel.procedures")]


@pytest.mark.parametrize("leaf", ["core", "domain"])
def test_the_leaves_import_no_app(leaf: str) -> None:
    for module, path in modules():
        if module.split(".")[1] != leaf:
            continue
        for _line, target in runtime_imports(ast.parse(path.read_text()), module):
            assert target.split(".")[1] in {leaf, "domain"}, (module, target)
