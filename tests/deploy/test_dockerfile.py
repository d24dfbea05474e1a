"""The Dockerfile, read without docker: the base image, the extras, static files collected at
build time, a non-root user, the /healthz HEALTHCHECK, gunicorn; and the two scripts it installs,
run here: the health check against a live server, the daily loop with a stand-in command."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError

from clusterlabel.core import health

ROOT = Path(__file__).resolve().parents[2]
HEALTHCHECK = ROOT / "deploy" / "healthcheck.py"
DAILY = ROOT / "deploy" / "daily.sh"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            found.append((keyword.upper(), " ".join(arguments.split())))
    return found


def arguments_of(keyword: str) -> list[str]:
    return [arguments for found, arguments in instructions() if found == keyword]


def test_the_base_image_is_python_3_11_slim():
    assert arguments_of("FROM") == ["python:3.11-slim"]


def test_the_application_is_installed_with_the_server_and_s3_extras():
    assert 'pip install ".[server,s3]"' in arguments_of("RUN")


def test_static_files_are_collected_at_build_time():
    (collect,) = [run for run in arguments_of("RUN") if "collectstatic" in run]
    assert "clusterlabel collectstatic --noinput" in collect
    assert "CLUSTERLABEL_STATIC_DIR=/opt/clusterlabel/static" in arguments_of("ENV")[0]


def test_the_image_runs_as_a_user_that_is_not_root():
    users = arguments_of("USER")
    assert users, "no USER: the container would run as root"
    user, _, group = users[-1].partition(":")
    assert user not in {"root", "0"}
    assert group not in {"root", "0"}
    # ... after everything that needs root, before the command.
    keywords = [keyword for keyword, _ in instructions()]
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")


def test_the_healthcheck_asks_healthz_through_the_installed_script():
    (check,) = arguments_of("HEALTHCHECK")
    command = json.loads(check.split("CMD", 1)[1])
    assert command == ["python", "/usr/local/bin/clusterlabel-healthcheck"]
    assert "COPY deploy/healthcheck.py /usr/local/bin/clusterlabel-healthcheck" in [
        f"COPY {arguments}" for arguments in arguments_of("COPY")
    ]
    assert '"http://127.0.0.1:8000/healthz"' in HEALTHCHECK.read_text()


def test_the_command_is_gunicorn_on_the_wsgi_application():
    (command,) = arguments_of("CMD")
    assert json.loads(command)[:2] == ["gunicorn", "clusterlabel.wsgi"]
    assert "0.0.0.0:8000" in json.loads(command)
    assert arguments_of("EXPOSE") == ["8000"]


def test_every_copied_source_exists_and_is_not_ignored():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for arguments in arguments_of("COPY"):
        *sources, _target = shlex.split(arguments)
        for source in sources:
            assert (ROOT / source).exists(), source
            top = source.split("/")[0]
            assert f"!{top}" in ignored, f"{source} is not let through .dockerignore"


def run_healthcheck(url: str, allowed_hosts: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HEALTHCHECK_URL": url, "ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.django_db(transaction=True)
def test_the_healthcheck_script_passes_on_ready_and_fails_on_unready(live_server, monkeypatch):
    url = f"{live_server.url}/healthz"
    # The first usable host name of ALLOWED_HOSTS is sent (a leading dot stripped, * skipped).
    ready = run_healthcheck(url, "*, .localhost, labels.example.org")
    assert ready.returncode == 0, ready.stdout
    assert json.loads(ready.stdout)["status"] == "ok"

    class BrokenConnection:
        def cursor(self):
            raise OperationalError("down")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    unready = run_healthcheck(url, "localhost")
    assert unready.returncode == 1
    assert unready.stdout.startswith("503: ")
    assert json.loads(unready.stdout[5:])["failed"] == ["database"]


def test_the_healthcheck_script_fails_when_nothing_answers(tmp_path):
    result = run_healthcheck("http://127.0.0.1:9/healthz", "localhost")
    assert result.returncode == 1
    assert result.stdout.startswith("no answer")


def fake_clusterlabel(tmp_path: Path, failing: str = "") -> Path:
    """A ``clusterlabel`` that writes down each call (and fails for ``failing``)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "clusterlabel"
    script.write_text(
        f'#!/bin/sh\necho "$1" >> {tmp_path / "calls"}\n[ "$1" = "{failing}" ] && exit 3\nexit 0\n'
    )
    script.chmod(0o755)
    return bin_dir


def run_daily(tmp_path: Path, bin_dir: Path, **environment: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["sh", str(DAILY)],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_daily_loop_runs_each_command_at_start_then_waits(tmp_path):
    bin_dir = fake_clusterlabel(tmp_path, failing="send-reminders")
    process = run_daily(tmp_path, bin_dir, DAILY_COMMANDS="send-reminders apply-retention")
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            calls = tmp_path / "calls"
            if calls.exists() and len(calls.read_text().split()) == 2:
                break
            time.sleep(0.1)
        time.sleep(0.5)
        assert process.poll() is None, "the loop must keep running until the next day"
    finally:
        # docker stop: SIGTERM ends the loop at once, its sleep too.
        process.terminate()
        stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert stdout.splitlines()[-1] == "daily: stopped"
    # A failing command is logged and does not stop the others.
    assert (tmp_path / "calls").read_text().split() == ["send-reminders", "apply-retention"]
    assert "daily: clusterlabel send-reminders failed (exit status 3)" in stderr
    assert "daily: next run at " in stdout


def test_the_daily_loop_refuses_an_unclear_time(tmp_path):
    bin_dir = fake_clusterlabel(tmp_path)
    process = run_daily(tmp_path, bin_dir, DAILY_AT="six o'clock")
    _stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 2
    assert "DAILY_AT must be a time of day such as 06:00" in stderr
    assert not (tmp_path / "calls").exists()
