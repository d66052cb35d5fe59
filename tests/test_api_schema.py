"""The API fuzzed against its own published schema (schemathesis, in-process through the
WSGI app): every operation, as an anonymous caller and with a signed-in token. No answer
is a 500 or falls outside the schema, and nothing the public may not see (a draft, an
internal note, a private plan's figure, another municipality's draft) reaches an
anonymous caller, whatever the filters and ids generated. Bounded: a few examples per
operation (API_FUZZ_EXAMPLES raises it for a longer run by hand)."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from .api_fixtures import NEVER_PUBLIC, OTHER_DRAFT, PRIVATE, planted, token_for

__all__ = ["planted"]
pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def published_schema() -> dict:
    """What /api/v1/schema/ serves (drf-spectacular's generator; no database query), made
    here at collection time: schemathesis's lazy fixture loader does not work with pytest
    9 (it sets a private node attribute that is gone)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def _schema(*, coverage: bool):
    """The schema on the WSGI app. The coverage phase (boundary and schema-violating
    values of every parameter) runs for the anonymous caller, where a leak would matter
    most; the token run generates valid and random values only, to stay quick."""
    from yeep.wsgi import application

    config = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": coverage}}})
    loaded = schemathesis.openapi.from_dict(published_schema(), config=config)
    loaded.app = application
    return loaded


schema = _schema(coverage=True)
quick_schema = _schema(coverage=False)


@pytest.fixture(autouse=True)
def _fuzz_setup(planted, settings):
    """No throttle; and the WSGI app called directly keeps the test's database connection
    (Django closes it after each request otherwise, as its test client avoids too: on
    PostgreSQL the test's transaction would be gone)."""
    from django.core import signals
    from django.db import close_old_connections

    settings.API_THROTTLE_ANON = ""
    settings.API_THROTTLE_USER = ""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_published_schema_is_the_one_fuzzed(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert json.loads(response.content) == published_schema()


@schema.parametrize()
@FUZZ
def test_anonymous_against_the_schema(case):
    response = case.call_and_validate()
    for secret in NEVER_PUBLIC:
        assert secret not in response.text, (case.path, case.query, secret)


@quick_schema.parametrize()
@FUZZ
def test_signed_in_token_against_the_schema(case, roles):
    key = token_for(roles["equality"])
    response = case.call_and_validate(headers={"Authorization": f"Token {key}"})
    for secret in (PRIVATE, OTHER_DRAFT):  # another municipality's draft, a private plan
        assert secret not in response.text, (case.path, case.query, secret)
