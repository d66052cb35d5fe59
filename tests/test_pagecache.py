"""Rendered dashboard pages from the cache (monitoring/pagecache.py): a changed figure is
on the next page whichever process answers, a conditional GET gets a 304, each audience
and language gets its own page, and a cached page costs one query."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.urls import reverse

from monitoring import pagecache
from monitoring.dashboard import may_see, visible_plans
from monitoring.models import Realization
from plans.models import Plan
from tests.test_dashboard import text

pytestmark = pytest.mark.django_db

APPROVED, SUBMITTED = Realization.Status.APPROVED, Realization.Status.SUBMITTED


def mersin() -> Plan:
    return Plan.objects.get(municipality__name__startswith="Mersin")


def lone_figure(plan: Plan) -> Realization:
    """An approved 2024 realization that is its indicator's only one that year."""
    for real in Realization.objects.for_plan(plan).filter(year=2024, status=APPROVED):
        if Realization.objects.filter(indicator=real.indicator, year=2024).count() == 1:
            return real
    raise AssertionError("no lone figure")


def entered(client, plan: Plan | None = None, **query) -> str:
    """The overview's "entered" figure, e.g. "(145/146, 2024)"."""
    response = client.get(reverse("monitoring:overview", args=[(plan or mersin()).pk]), query)
    assert response.status_code == 200
    html = response.content.decode()
    return re.search(r"\((\d+/\d+), 2024\)", html).group(1)


@pytest.fixture
def anon():
    return Client()


@pytest.fixture(params=["redis", "no-redis"])
def two_workers(request, monkeypatch):
    """Two web processes, each with its own copies of pages (``pagecache.local``) and
    either one shared cache (as Redis) or a cache each: ``switch("a")`` makes the next
    requests those of process a."""
    shared = LocMemCache("shared", {})
    caches = {
        name: shared if request.param == "redis" else LocMemCache(f"cache-{name}", {})
        for name in "ab"
    }
    locals_ = {name: LocMemCache(f"local-{name}", {}) for name in "ab"}

    def switch(name):
        monkeypatch.setattr(pagecache, "cache", caches[name])
        monkeypatch.setattr(pagecache, "local", locals_[name])

    yield switch
    for c in [shared, *caches.values(), *locals_.values()]:
        c.clear()


def test_a_changed_figure_is_on_the_next_page_of_every_process(anon, two_workers):
    real = lone_figure(mersin())
    for worker in "ab":
        two_workers(worker)
        assert entered(anon) == "145/146"
        assert entered(anon) == "145/146"  # from its cache
    Realization.objects.filter(pk=real.pk).update(status=SUBMITTED)  # any write bumps
    for worker in "ab":
        two_workers(worker)
        assert entered(anon) == "144/146"


def test_a_figure_through_the_writer_is_on_the_next_page(anon, roles):
    from monitoring.realizations import realizations_set_status

    real = lone_figure(mersin())
    Realization.objects.filter(pk=real.pk).update(status=SUBMITTED)
    assert entered(anon) == "144/146"
    realizations_set_status([real], user=roles["equality"], new=APPROVED, source="test")
    assert entered(anon) == "145/146"


@pytest.mark.parametrize("name", ["overview", "indicator_table", "indicator"])
def test_conditional_get_is_answered_304_until_a_figure_changes(
    anon, name, django_assert_num_queries
):
    plan = mersin()
    real = lone_figure(plan)
    args = [plan.pk, real.indicator_id] if name == "indicator" else [plan.pk]
    url = reverse(f"monitoring:{name}", args=args)
    first = anon.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    with django_assert_num_queries(1):  # the plan and its data version
        again = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    Realization.objects.filter(pk=real.pk).update(raw_text="12.345")
    changed = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_cached_page_costs_one_query_anonymous(anon, django_assert_num_queries):
    plan = mersin()
    entered(anon, plan)
    with django_assert_num_queries(1):  # the plan and its data version
        assert entered(anon, plan) == "145/146"
    url = reverse("monitoring:indicator_table", args=[mersin().pk])
    anon.get(url, {"sort": "oran", "page": "2"})
    with django_assert_num_queries(1):
        assert anon.get(url, {"sort": "oran", "page": "2"}).status_code == 200


def test_a_cached_page_signed_in_adds_only_the_session_and_user(
    as_user, roles, django_assert_num_queries
):
    client = as_user(roles["equality"])
    plan = mersin()
    entered(client, plan)
    # session, user, the user's profile (which municipality), the plan and its version
    with django_assert_num_queries(4):
        assert entered(client, plan) == "145/146"


def test_the_public_never_gets_an_internal_page(anon, as_user, roles):
    real = lone_figure(mersin())
    Realization.objects.filter(pk=real.pk).update(status=SUBMITTED)
    equality = as_user(roles["equality"])
    internal = equality.get(reverse("monitoring:overview", args=[mersin().pk])).content.decode()
    assert "(145/146, 2024)" in internal and 'id="approval-toggle"' in internal
    assert "esitlik_m" in internal
    public = anon.get(reverse("monitoring:overview", args=[mersin().pk])).content.decode()
    assert "(144/146, 2024)" in public
    assert 'id="approval-toggle"' not in public and "Herkese açık görünüm" in public
    assert "esitlik_m" not in public and 'id="logout"' not in public
    assert "Giriş yap" in public
    # another municipality's user: the public's figures, with their own name
    other = Client()
    other.force_login(roles["other_equality"])
    theirs = other.get(reverse("monitoring:overview", args=[mersin().pk])).content.decode()
    assert "(144/146, 2024)" in theirs and "esitlik_b" in theirs and "esitlik_m" not in theirs
    # an internal user asking for approved figures only sees what the public sees
    assert entered(equality, onayli="1") == "144/146"
    assert entered(equality) == "145/146"


def test_each_signed_in_user_gets_their_own_header_and_a_working_csrf_token(roles):
    first, second = Client(), Client(enforce_csrf_checks=True)
    first.force_login(roles["equality"])
    second.force_login(roles["manager"])
    url = reverse("monitoring:overview", args=[mersin().pk])
    assert "esitlik_m" in first.get(url).content.decode()
    html = second.get(url).content.decode()  # the page from the cache, their header
    assert "yonetici_m" in html and "esitlik_m" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = second.post(reverse("admin:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in second.session


def test_the_etag_of_a_signed_in_page_is_that_sessions(roles):
    url = reverse("monitoring:overview", args=[mersin().pk])
    first, second = Client(), Client()
    first.force_login(roles["equality"])
    second.force_login(roles["equality"])
    etag = first.get(url)["ETag"]
    assert first.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # the same user in another browser: that copy holds another CSRF token
    assert second.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200  # signed out


def test_each_language_gets_its_own_page(anon):
    url = reverse("monitoring:overview", args=[mersin().pk])
    turkish = anon.get(url).content.decode()
    english = anon.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="tr">' in turkish and "Genel bakış" in turkish
    assert '<html lang="en">' in english and "Overview" in english
    assert "Genel bakış" not in english
    assert '<html lang="tr">' in anon.get(url).content.decode()


def test_cache_headers(anon, admin_client_tr):
    url = reverse("monitoring:overview", args=[mersin().pk])
    public = anon.get(url)
    vary = {v.strip().lower() for v in public["Vary"].split(",")}
    assert {"cookie", "accept-language"} <= vary
    assert "no-cache" in public["Cache-Control"] and "private" not in public["Cache-Control"]
    assert "nonce-" not in public["Content-Security-Policy"]  # a cached page keeps no nonce
    private = admin_client_tr.get(url)
    assert {"private", "no-cache"} <= {v.strip() for v in private["Cache-Control"].split(",")}


def test_each_query_string_has_its_own_page(anon):
    url = reverse("monitoring:indicator_table", args=[mersin().pk])
    whole = anon.get(url).content.decode()
    behind = anon.get(url, {"status": "behind"}).content.decode()
    assert text(whole, "result-count") != text(behind, "result-count")
    assert text(anon.get(url).content.decode(), "result-count") == text(whole, "result-count")
    assert (
        'aria-current="true" class="current">2025<'
        in anon.get(
            reverse("monitoring:overview", args=[mersin().pk]), {"year": "2025"}
        ).content.decode()
    )


def test_downloads_searches_and_unknown_parameters_are_not_cached(
    anon, django_assert_max_num_queries
):
    url = reverse("monitoring:indicator_table", args=[mersin().pk])
    csv = anon.get(url, {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "ETag" not in csv
    for query in ({"q": "kadın"}, {"utm_source": "x"}, {"year": ["2024", "2025"]}):
        first = anon.get(url, query)
        assert first.status_code == 200 and "ETag" not in first
    with django_assert_max_num_queries(20) as rendered:
        anon.get(url, {"q": "kadın"})
    assert len(rendered) > 5  # rendered again


def test_a_plan_that_is_not_public_still_needs_a_login(anon, admin_client_tr):
    narlidere = Plan.objects.get(municipality__name__startswith="Narlıdere")
    url = reverse("monitoring:overview", args=[narlidere.pk])
    assert admin_client_tr.get(url).status_code == 200  # now in the cache
    response = anon.get(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    assert anon.get(reverse("monitoring:overview", args=[999999])).status_code == 302
    assert admin_client_tr.get(reverse("monitoring:overview", args=[999999])).status_code == 404


def test_may_see_follows_visible_plans(roles, superuser):
    nobody = get_user_model().objects.create_user("nobody", "n@example.org", "x-Parola-123")
    for user in [AnonymousUser(), superuser, nobody, *roles.values()]:
        visible = set(visible_plans(user).values_list("pk", flat=True))
        for plan in Plan.objects.all():
            seen = may_see(user, is_public=plan.is_public, owner_id=plan.municipality_id)
            assert seen == (plan.pk in visible), (user, plan)


def test_without_the_page_cache_every_page_is_rendered(anon, settings):
    settings.PAGE_CACHE = False
    response = anon.get(reverse("monitoring:overview", args=[mersin().pk]))
    assert response.status_code == 200 and "ETag" not in response
    assert "Giriş yap" in response.content.decode()


def test_a_page_one_process_rendered_is_served_by_the_other_from_redis(
    anon, monkeypatch, django_assert_num_queries
):
    shared = LocMemCache("shared-redis", {})
    monkeypatch.setattr(pagecache, "cache", shared)
    plan = mersin()
    entered(anon, plan)  # process a renders it
    monkeypatch.setattr(pagecache, "local", LocMemCache("local-b", {}))
    with django_assert_num_queries(1):  # process b: the plan and its version, no render
        assert entered(anon, plan) == "145/146"
    shared.clear()


@pytest.mark.parametrize("name", ["overview", "indicator_table"])
def test_a_page_from_the_cache_is_the_page_rendered_for_the_request(name, settings, roles):
    """Byte for byte, apart from the CSRF token (masked anew for every response)."""
    url = reverse(f"monitoring:{name}", args=[mersin().pk])
    pages = []
    for page_cache in (False, True, True):  # rendered, rendered and stored, from the cache
        settings.PAGE_CACHE = page_cache
        for client in (Client(), Client()):
            if len(pages) % 2:
                client.force_login(roles["equality"])
            html = client.get(url).content.decode()
            pages.append(re.sub(r'(name="csrfmiddlewaretoken" value=)"[^"]+"', r"\1", html))
    assert pages[0] == pages[2] == pages[4]  # anonymous
    assert pages[1] == pages[3] == pages[5]  # signed in
    assert pages[0] != pages[1]
