"""`clusterlabel schemes check|load`: a broken file is refused with every problem located."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from clusterlabel.schemes.models import SchemeVersion

BROKEN = """\
format: clusterlabel-scheme/1
id: broken-scheme
version: "1"
family: test
name: {de: Kaputt, en: Broken}
description: {de: Test, en: Test}
owner: {name: Test, country: DE}
operator: {name: Test, country: DE}
awarding_authority: {name: Test, country: DE}
levels:
  - id: only
    name: {de: Einzig, en: Only}
    rank: 1
    award: {requires_complete_assessment: true}
categories:
  - id: structures
    name: {de: Strukturen, en: Structures}
indicators:
  - id: STR-01
    category: structures
    name: {de: Mitglieder, en: Members}
    help: {de: Hilfe, en: Help}
    type: number
    unit: {de: Mitglieder, en: members}
    threshold: "viele"
    points: 5
  - id: STR-01
    category: structures
    name: {de: Doppelt, en: Duplicate}
    help: {de: Hilfe, en: Help}
    type: boolean
    threshold: true
    points: 2
validity: {anchor: assessment_month, months: 24}
renewal: {grace_months_after_expiry: 0, extension_months: 24}
fees:
  currency: EUR
  vat_percent: "19"
  items: []
"""


def test_check_lists_every_problem_with_its_location(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 scheme file"):
        call_command("schemes", "check", str(path), stderr=err)
    output = err.getvalue()
    assert "broken.yaml" in output
    assert "indicators[0]" in output and "threshold" in output  # a string on a number
    assert "STR-01" in output and "duplicate" in output.lower()  # the id used twice
    assert "procedure" in output  # the required block that is missing


def test_check_accepts_the_shipped_files(shipped_dir):
    out = io.StringIO()
    call_command(
        "schemes", "check", *sorted(str(p) for p in shipped_dir.glob("*.yaml")), stdout=out
    )
    assert out.getvalue().count(": ok (") == 4


@pytest.mark.django_db
def test_load_is_all_or_nothing(tmp_path, shipped_dir):
    for path in shipped_dir.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("schemes", "load", str(tmp_path))
    assert SchemeVersion.objects.count() == 0


def test_the_console_script_exits_non_zero_on_a_broken_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "clusterlabel", "schemes", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]),
    )
    assert result.returncode == 1
    assert "threshold" in result.stderr
