"""Log lines: the message alone by default, one JSON object per line with LOG_FORMAT=json, and
the request's id on each line written while it is served (core.logs)."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from django.db import OperationalError
from django.urls import reverse

from clusterlabel.core import health
from clusterlabel.core.logs import REQUEST_ID_HEADER, RequestIdFilter, logging_config
from tests.core.test_settings import PRODUCTION_ENV, run_django
from tests.test_cli import assert_one_sentence, run_cli

LOG_SOMETHING = (
    "import logging\n"
    "log = logging.getLogger('clusterlabel.example')\n"
    "log.warning('Sent %s reminders', 3)\n"
    "try:\n"
    "    1 / 0\n"
    "except ZeroDivisionError:\n"
    "    log.exception('The run failed')\n"
)


def test_json_lines_have_the_documented_keys(tmp_path):
    result = run_django(
        ["shell", "--no-imports", "-c", LOG_SOMETHING],
        {**PRODUCTION_ENV, "LOG_FORMAT": "json"},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    # Every line is one JSON object (Django's and django-axes' lines too).
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    first, second = [line for line in lines if line["logger"] == "clusterlabel.example"]
    assert first.keys() == {"time", "level", "logger", "message", "request_id"}
    assert first["level"] == "WARNING"
    assert first["logger"] == "clusterlabel.example"
    assert first["message"] == "Sent 3 reminders"
    assert first["request_id"] == "-"  # not inside a request
    assert first["time"][:2] == "20" and first["time"][10] == "T"
    assert second["level"] == "ERROR"
    assert second["message"] == "The run failed"
    assert second["exception"].startswith("Traceback")
    assert "ZeroDivisionError: division by zero" in second["exception"]


def test_text_stays_the_default(tmp_path):
    result = run_django(["shell", "--no-imports", "-c", LOG_SOMETHING], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Sent 3 reminders" in result.stderr.splitlines()
    assert not any(line.startswith("{") for line in result.stderr.splitlines())


def test_an_unknown_format_is_refused_with_a_sentence(tmp_path):
    result = run_cli(["migrate"], {**PRODUCTION_ENV, "LOG_FORMAT": "xml"}, tmp_path)
    assert_one_sentence(result, "LOG_FORMAT must be text or json; got 'xml'")


@pytest.fixture
def json_lines():
    """The JSON lines that ``clusterlabel.core.health`` writes, formatted as LOG_FORMAT=json
    does, with the request id filter of the settings' handler."""
    config = logging_config("json", "INFO")
    formatter = logging.config.DictConfigurator(config).configure_formatter(
        config["formatters"]["json"]
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("clusterlabel.core.health")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


class BrokenConnection:
    def cursor(self):
        raise OperationalError("could not connect to server")


@pytest.mark.django_db
def test_a_line_written_in_a_request_carries_its_id(client, monkeypatch, json_lines):
    monkeypatch.setattr(health, "connection", BrokenConnection())
    given = "5f0c2a8e-proxy-request-id"
    response = client.get(reverse("healthz"), headers={REQUEST_ID_HEADER: given})
    assert response.status_code == 503
    assert response[REQUEST_ID_HEADER] == given
    (line,) = json_lines()
    assert line["request_id"] == given
    assert line["message"] == "Readiness check database failed"
    assert "OperationalError: could not connect to server" in line["exception"]


@pytest.mark.parametrize("given", ["", "short", "a" * 65, "id with spaces", "evil\\ninjected"])
def test_an_implausible_request_id_is_replaced(client, given):
    response = client.get(reverse("health"), headers={REQUEST_ID_HEADER: given})
    answered = response[REQUEST_ID_HEADER]
    assert answered != given
    assert len(answered) == 32 and int(answered, 16) >= 0


def test_each_request_gets_its_own_id(client):
    first = client.get(reverse("health"))[REQUEST_ID_HEADER]
    second = client.get(reverse("health"))[REQUEST_ID_HEADER]
    assert first != second
