"""Where a login lands, and when the proxy's "this was https" header is believed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .test_security import run_manage

pytestmark = pytest.mark.django_db

LOGIN = {"username": "esitlik_m", "password": "Guclu-Parola-2024"}


@pytest.mark.parametrize(
    "next_url", ["https://kotu.example.org/", "//kotu.example.org/giris", "javascript:alert(1)"]
)
def test_login_with_a_refused_next_lands_on_the_admin_start_page(client, roles, next_url):
    response = client.post(f"{reverse('admin:login')}?next={next_url}", {**LOGIN, "next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(response.url).status_code == 200


def test_login_with_a_site_next_goes_there(client, roles):
    plan_list = reverse("monitoring:plan_list")
    response = client.post(reverse("admin:login"), {**LOGIN, "next": plan_list})
    assert response.status_code == 302 and response.url == plan_list


def proxy_header(**env) -> str:
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
        DEBUG="0",
        SECRET_KEY="p" * 20 + "-a-long-random-production-secret-key-0123",
        ALLOWED_HOSTS="yeep.example.org",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_proxy_https_header_is_not_trusted_unless_configured():
    assert proxy_header() == "None"
    assert proxy_header(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO") == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_malformed_proxy_header_stops_start_up():
    result = run_manage(
        "check",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="yeep.example.org",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr


def test_deploy_check_stays_clean_behind_a_proxy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="t" * 20 + "-a-long-random-production-secret-key-0123",
        ALLOWED_HOSTS="yeep.example.org",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
