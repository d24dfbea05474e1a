"""Property-based requests generated from the OpenAPI document (schemathesis): whatever the
parameters, no answer is a server error, and every answer has a documented status, content
type and body. The number of examples per endpoint is bounded so that the fast suite stays
fast; ``API_SCHEMATHESIS_EXAMPLES`` raises it for a longer run."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clusterlabel.accounts.api_tokens import api_token_create
from clusterlabel.accounts.choices import Role
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, grant_role
from tests.labels.label_factories import make_label

EXAMPLES = int(os.environ.get("API_SCHEMATHESIS_EXAMPLES", "25"))


pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(loaded_schemes, settings):
    """The document ``/api/schema/`` serves, and the requests sent to the application (WSGI,
    in the test's database transaction), with a few labels to find."""
    settings.API_ANON_RATE = "100000/minute"
    holder = OrganisationFactory(cluster_name="Cluster Süd", country="DE", region="DE-BW")
    make_label(organisation=holder)
    make_label(organisation=holder, scheme_id="ecei-bronze", state="revoked")
    make_label(organisation=OrganisationFactory(country="AT", region=""), scheme_id="ecei-silver")
    programme = ProgrammeFactory(rule={"any_of": [{"label": "ecei-gold"}]})
    holder.programmes.add(programme)
    # As Django's test client does: a request must not close the test's database connection
    # (PostgreSQL), which holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(api_schema) -> str:
    """A token of a person who follows go-cluster and is a secretariat (procedures)."""
    person = grant_role(UserFactory(role=Role.SECRETARIAT), Role.PROGRAMME)
    return api_token_create(user=person, name="schemathesis", lifetime_days=30).key


# schemathesis's own pytest integration (``from_fixture``) needs a pytest internal that
# pytest 9.2 removed; the operation's hypothesis strategy is all the test needs.
OPERATIONS = [
    ("GET", "/api/v1/labels/"),
    ("GET", "/api/v1/labels/{number}/"),
    ("GET", "/api/v1/organisations/{id}/"),
    ("GET", "/api/v1/statistics/"),
    ("GET", "/api/v1/procedures/"),
    ("POST", "/api/v1/procedures/"),
    ("GET", "/api/v1/programmes/"),
    ("GET", "/api/v1/programmes/{key}/members/"),
    ("POST", "/api/v1/label-imports/"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
@pytest.mark.parametrize("with_token", [True, False])
def test_the_api_keeps_to_its_document(api_schema, token, method, path, with_token):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {token}"} if with_token else {}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def keeps_to_the_document(case):
        case.call_and_validate(
            headers=headers,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )

    keeps_to_the_document()


def test_the_test_asks_every_operation_of_the_document(api_schema):
    operations = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert operations == set(OPERATIONS)
