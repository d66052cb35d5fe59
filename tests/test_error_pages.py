"""Turkish error pages that tell nothing about the request or the error."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.error_urls"),
]

LEAKS = ["gizli", "Traceback", "RuntimeError", "PermissionDenied", "secret.py", "hunter2"]


def assert_tells_nothing(response, *also):
    for word in [*LEAKS, *also]:
        assert word not in response.text, word


@override_settings(DEBUG=False)
def test_500_is_turkish_and_shows_no_exception():
    client = Client(raise_request_exception=False)
    response = client.get("/deneme/hata/")
    assert response.status_code == 500
    assert "Bir şeyler ters gitti" in response.text
    assert 'lang="tr"' in response.text
    assert_tells_nothing(response, "deneme/hata")


@override_settings(DEBUG=False)
def test_500_needs_no_request_context_and_no_database(django_assert_num_queries):
    request = RequestFactory().get("/deneme/hata/")  # no session, no user
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Sunucu hatası" in response.content.decode()


@override_settings(DEBUG=False)
def test_404_is_turkish_and_does_not_repeat_the_path(client):
    response = client.get("/plan/gizli-yol-123/<script>/")
    assert response.status_code == 404
    assert "Sayfa bulunamadı" in response.text
    assert_tells_nothing(response, "gizli-yol-123", "<script>", "request_path")


@override_settings(DEBUG=False)
def test_404_of_a_missing_plan_reads_the_same_as_any_404(roles, as_user):
    client = as_user(roles["equality"])
    missing = client.get(reverse("monitoring:overview", args=[999_999]))
    assert missing.status_code == 404
    assert "Sayfa bulunamadı" in missing.text and "999999" not in missing.text
    assert missing.content == client.get("/hic-olmayan-sayfa/").content


@override_settings(DEBUG=False)
def test_403_is_turkish_and_shows_no_reason(client):
    response = client.get("/deneme/yasak/")
    assert response.status_code == 403
    assert "Bu sayfayı açma izniniz yok" in response.text
    assert_tells_nothing(response, "kullanıcı 17")


@override_settings(DEBUG=False)
def test_admin_page_a_role_may_not_open_gets_the_turkish_403(roles, as_user):
    response = as_user(roles["directorate"]).get(reverse("admin:plans_userprofile_changelist"))
    assert response.status_code == 403
    assert "Bu sayfayı açma izniniz yok" in response.text
