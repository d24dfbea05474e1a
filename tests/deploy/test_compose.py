"""compose.yaml, checked without docker: it is a valid Compose file (the Compose Specification's
JSON schema), its services fit together (images, depends_on, volumes, files, variables), every
container of the application image is wired to the same PostgreSQL, Redis, bucket and task
queue, the servers' and the proxy's health checks ask /healthz, and only the proxy publishes a
port."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
# The Compose Specification's JSON schema as docker-compose 1.29.2 ships it
# (compose/config/compose_spec.json in its wheel on PyPI, Apache-2.0), kept here so that the
# test needs neither docker nor the network; the current schema has more keys, none of which
# this file uses.
SCHEMA = Path(__file__).with_name("compose_spec.json")

APP_SERVERS = ["app1", "app2"]
APP_IMAGE_SERVICES = [*APP_SERVERS, "migrate", "worker", "webhooks", "scheduler"]
WIRING = {
    "DATABASE_URL",
    "REDIS_URL",
    "STORAGE_S3_BUCKET",
    "STORAGE_S3_ENDPOINT_URL",
    "STORAGE_S3_ACCESS_KEY",
    "STORAGE_S3_SECRET_KEY",
    "STORAGE_S3_REGION",
    "TASKS_BACKEND",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def schema_errors(document: dict) -> list[str]:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_the_file_follows_the_compose_specification(compose):
    assert schema_errors(compose) == []


def test_the_schema_check_would_find_a_mistake(compose):
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["app1"]["healthcheck"]["intervall"] = "5s"
    broken["services"]["worker"]["depends_on"]["migrate"]["condition"] = "service_done"
    errors = schema_errors(broken)
    assert any(error.startswith("services/app1/healthcheck") for error in errors)
    assert any(error.startswith("services/worker/depends_on") for error in errors)


def test_the_expected_services_are_there(services):
    assert set(services) == {
        "proxy",
        *APP_IMAGE_SERVICES,
        "postgres",
        "redis",
        "minio",
        "minio-init",
    }


def test_every_service_has_an_image_and_the_application_image_is_built_here(services):
    for name, service in services.items():
        assert service.get("image"), name
    for name in APP_IMAGE_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["image"] == services["app1"]["image"], name
    assert (ROOT / "Dockerfile").is_file()


def test_every_application_container_is_wired_the_same(services):
    reference = services["app1"]["environment"]
    for name in APP_IMAGE_SERVICES:
        environment = services[name]["environment"]
        assert set(environment) >= WIRING, (name, WIRING - set(environment))
        assert environment == reference, name
    assert reference["TASKS_BACKEND"] == "database"
    assert reference["DATABASE_URL"].startswith("postgres://clusterlabel:")
    assert reference["DATABASE_URL"].endswith("@postgres:5432/clusterlabel")
    assert reference["REDIS_URL"] == "redis://redis:6379/0"
    assert reference["STORAGE_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert reference["USE_X_FORWARDED_PROTO"] == "1"


def test_the_application_never_gets_the_root_passwords(services):
    for name in APP_IMAGE_SERVICES:
        environment = services[name]["environment"]
        assert not {"POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"} & set(environment), name
        assert "env_file" not in services[name], name


def test_the_bucket_the_store_makes_is_the_one_the_application_uses(services):
    init = services["minio-init"]["environment"]
    app = services["app1"]["environment"]
    for variable in ("STORAGE_S3_BUCKET", "STORAGE_S3_ACCESS_KEY", "STORAGE_S3_SECRET_KEY"):
        assert init[variable] == app[variable], variable
    script = (ROOT / "deploy" / "minio-init.sh").read_text()
    assert 'mc anonymous set none "store/$STORAGE_S3_BUCKET"' in script


def test_depends_on_names_services_that_exist_with_the_right_conditions(services):
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            one_shot = services[dependency].get("restart") == "no"
            expected = "service_completed_successfully" if one_shot else "service_healthy"
            assert rule["condition"] == expected, (name, dependency)
            if expected == "service_healthy":
                assert not services[dependency]["healthcheck"].get("disable"), dependency
    for name in [*APP_SERVERS, "worker", "webhooks", "scheduler"]:
        assert set(services[name]["depends_on"]) >= {"migrate", "minio-init", "redis"}, name
    assert "postgres" in services["migrate"]["depends_on"]
    assert set(services["proxy"]["depends_on"]) == set(APP_SERVERS)


def test_the_commands_of_the_application_containers(services):
    assert "command" not in services["app1"]  # the image's gunicorn
    assert services["worker"]["command"] == ["clusterlabel", "db_worker"]
    assert services["webhooks"]["command"] == ["clusterlabel", "webhooks", "deliver"]
    assert services["scheduler"]["command"] == ["clusterlabel-daily"]
    migrate = " ".join(services["migrate"]["command"])
    assert "clusterlabel migrate --noinput && clusterlabel schemes load" in migrate
    assert "clusterlabel keys init" in migrate


def test_the_servers_and_the_proxy_ask_healthz(services):
    for name in APP_SERVERS:
        check = services[name]["healthcheck"]
        assert check["test"] == ["CMD", "python", "/usr/local/bin/clusterlabel-healthcheck"]
        assert "/healthz" in (ROOT / "deploy" / "healthcheck.py").read_text()
    caddyfile = CADDYFILE.read_text()
    assert re.search(r"^\s*health_uri /healthz$", caddyfile, re.MULTILINE)
    assert services["proxy"]["environment"]["APP_UPSTREAMS"] == " ".join(
        f"{name}:8000" for name in APP_SERVERS
    )
    # The other containers of the image serve nothing: the image's check is off for them.
    for name in ["migrate", "worker", "webhooks", "scheduler"]:
        assert services[name]["healthcheck"] == {"disable": True}, name


def test_only_the_proxy_publishes_ports(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    for name in ("postgres", "redis", "minio"):
        assert "ports" not in services[name]
        assert "network_mode" not in services[name]


def test_named_volumes_are_declared_and_mounted_files_exist(compose, services):
    declared = set(compose["volumes"])
    used = set()
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), (name, source)
            else:
                used.add(source)
    assert used == declared
    # Every container that signs shares the keys.
    for name in APP_IMAGE_SERVICES:
        assert "keys:/var/lib/clusterlabel/keys" in services[name]["volumes"], name


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_every_variable_compose_reads_is_in_the_env_example():
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE.read_text()))
    assert used <= set(env_example()), used - set(env_example())


def test_required_variables_fail_loudly_when_unset():
    text = COMPOSE.read_text()
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "STORAGE_S3_SECRET_KEY"):
        assert f"${{{name}:?" in text, name
        assert env_example()[name] == "", f"{name} must be chosen, not copied"


def test_the_proxy_config_reads_only_variables_compose_gives_it(services):
    used = set(re.findall(r"\{\$([A-Z0-9_]+)\}", CADDYFILE.read_text()))
    assert used == set(services["proxy"]["environment"])
