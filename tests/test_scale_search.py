"""Admin search one table at a time (plans.admin_search) with the Turkish fold of
plans.lookups: the same rows on SQLite and PostgreSQL (this file runs on both), the
same rows as Django's own search would find, and through related tables."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from monitoring.models import Realization
from monitoring.targets import TargetChange, targets_apply
from plans import admin_search
from plans.admin_search import indexed_search
from plans.models import Activity, Indicator

from .factories import ActivityFactory, IndicatorFactory, ThemeFactory

pytestmark = pytest.mark.django_db

TITLES = {
    "a": "İSTANBUL kadın kooperatifi",
    "b": "istanbul gençlik merkezi",
    "c": "İstanbul Kadın Meclisi",
    "d": "ISTANBUL (noktasız yazılmış)",
    "e": "Işıklı ve IŞIK mahallesi",
    "f": "ilgisiz bir faaliyet",
}


@pytest.fixture
def activities():
    theme = ThemeFactory()
    return {
        key: ActivityFactory(theme=theme, title=title, code=f"7.{i}")
        for i, (key, title) in enumerate(TITLES.items(), start=1)
    }


def found(activities, term, fields=("title__tr_contains",)) -> set[str]:
    ids = {a.pk: k for k, a in activities.items()}
    qs = Activity.objects.filter(pk__in=ids)
    return {ids[pk] for pk in indexed_search(qs, fields, term).values_list("pk", flat=True)}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("istanbul", {"a", "b", "c"}),  # İ folds to i
        ("İSTANBUL", {"a", "b", "c"}),
        ("İstanbul", {"a", "b", "c"}),
        ("ISTANBUL", {"d"}),  # I folds to ı: the dotless spelling is another word
        ("ıstanbul", {"d"}),
        ("ışık", {"e"}),
        ("IŞIK", {"e"}),
        ("kadın", {"a", "c"}),
        ("KADIN istanbul", {"a", "c"}),  # every word, in any field
        ('"kadın meclisi"', {"c"}),  # a quoted phrase is one word
        ("100%", set()),  # LIKE's wildcards are plain characters
        ("_", set()),
    ],
)
def test_turkish_search_finds_the_same_rows_on_every_engine(activities, term, expected):
    assert found(activities, term) == expected


def test_related_tables_are_searched_one_at_a_time(activities, monkeypatch):
    """An activity found by its indicator's name (a reverse foreign key); a realization
    by its indicator's activity's code (two tables away); the same when the keys are too
    many for a list and a subquery carries them."""
    act = activities["f"]
    ind = IndicatorFactory(activity=act, name="Düzenlenen İSTİHDAM eğitimi sayısı")
    fields = ("title__tr_contains", "indicators__name__tr_contains")
    assert found(activities, "istihdam", fields) == {"f"}
    assert found(activities, "kadın", fields) == {"a", "c"}
    real = Realization.objects.create(indicator=ind, year=2024, value=1, raw_text="1")
    other = Realization.objects.create(indicator=IndicatorFactory(), year=2024, value=2)
    qs = Realization.objects.filter(pk__in=[real.pk, other.pk])
    code_fields = ("raw_text__tr_contains", "indicator__activity__code__tr_contains")
    assert list(indexed_search(qs, code_fields, act.code).values_list("pk", flat=True)) == [real.pk]
    monkeypatch.setattr(admin_search, "IDS_AT_MOST", 0)
    assert found(activities, "istihdam", fields) == {"f"}
    assert list(indexed_search(qs, code_fields, act.code).values_list("pk", flat=True)) == [real.pk]


def test_admin_search_lists_each_row_once(admin_client_tr, activities):
    """An activity whose two indicators both match is listed once (no join, so no
    DISTINCT needed); the count says so."""
    act = activities["f"]
    IndicatorFactory(activity=act, name="Kadın ZQX-İSTİHDAMI 1")
    IndicatorFactory(activity=act, name="Kadın zqx-istihdamı 2")
    page = admin_client_tr.get(reverse("admin:plans_activity_changelist"), {"q": "zqx-istihdamı"})
    assert page.status_code == 200
    # one row: its code and its title link to it
    assert page.text.count(f"/admin/plans/activity/{act.pk}/change/") == 2
    assert "1 faaliyet" in page.text


def test_audit_search_by_user_name(admin_client_tr, superuser):
    ind = IndicatorFactory(name="Ölçülen gösterge")
    targets_apply([TargetChange(2024, "5", indicator_id=ind.pk)], user=superuser, source="test")
    url = reverse("admin:monitoring_figurechange_changelist")
    page = admin_client_tr.get(url, {"q": superuser.username})
    assert "Ölçülen gösterge" in page.text
    page = admin_client_tr.get(url, {"q": "ölçülen"})
    assert "Ölçülen gösterge" in page.text
    assert "Ölçülen gösterge" not in admin_client_tr.get(url, {"q": "başkası"}).text


def test_platform_lists_sort_on_indexed_columns(superuser):
    """A platform administrator's lists are in an order an index gives; others keep the
    plan order."""
    request = RequestFactory().get("/")
    request.user = superuser
    assert site._registry[Realization].get_ordering(request)[:2] == ["-year", "plan_id"]
    assert site._registry[Indicator].get_ordering(request) == ["activity_id", "position"]
    assert site._registry[Activity].get_ordering(request) == ["theme_id", "position"]
