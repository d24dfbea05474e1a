"""The credentials package must work without Django (offline CLI, third parties)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_package_does_not_import_django() -> None:
    code = (
        "import sys; import clusterlabel.credentials, clusterlabel.credentials.cli; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
