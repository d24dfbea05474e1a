"""Every audit action the code writes reads as words on the pages, not as its code."""

import re
from pathlib import Path

import clusterlabel
from clusterlabel.audit.display import action_label

SOURCE = Path(clusterlabel.__file__).parent
WRITTEN = re.compile(r'action=f?"([a-z_]+\.[a-z_]+)"')


def test_every_written_action_has_a_label():
    codes = {
        code
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts
        for code in WRITTEN.findall(path.read_text(encoding="utf-8"))
    }
    assert "access.grant" in codes  # the scan finds the codes
    unlabelled = sorted(code for code in codes if action_label(code) == code)
    assert unlabelled == []
