"""Where a login lands."""

from __future__ import annotations

import pytest
from django.urls import reverse

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
