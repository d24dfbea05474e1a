"""axe-core in the browser tests: the violations of WCAG rules on the page a test looks at.

axe-core comes from npm (``tests/e2e/package.json``; ``npm ci`` in ``tests/e2e``), never from the
repository. It is evaluated in the page through the DevTools protocol rather than added as a
``<script>`` tag: the site's Content-Security-Policy (``script-src 'self'``) refuses inline
scripts, and switching the policy off for the test (``bypass_csp``) would hide a page that breaks
it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

# The impacts that fail a test; "moderate" and "minor" findings are reported by axe but not
# required by the issue that introduced these checks.
BLOCKING = ("critical", "serious")

RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(
            f"{AXE} is missing: run `npm ci` in tests/e2e (axe-core for the accessibility checks)"
        )
    # The trailing expression keeps the evaluated script's value small.
    return AXE.read_text(encoding="utf-8") + "\n;true"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every violation axe-core finds on the page as it is now, with up to five elements each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return list(page.evaluate(RUN))


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    return [v for v in axe_violations(page) if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in violations
    )


def assert_accessible(page: Page, where: str = "") -> None:
    """Fail when axe-core finds a critical or serious violation on the page."""
    violations = blocking_violations(page)
    assert not violations, f"{where or page.url}:\n{describe(violations)}"
