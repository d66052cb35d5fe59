"""Every admin changelist and change form opens, lists the demo data, and does so in a
fixed number of queries (no query per row)."""

import pytest
from django.urls import reverse

from monitoring.models import Realization
from plans.models import (
    Activity,
    Goal,
    Group,
    Indicator,
    Municipality,
    Plan,
    Target,
    Theme,
    Unit,
)

from .factories import make_plan

pytestmark = pytest.mark.django_db

MODELS = [Municipality, Unit, Group, Plan, Theme, Goal, Activity, Indicator, Target, Realization]


def url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_opens_in_turkish(admin_client_tr, model):
    response = admin_client_tr.get(url(model))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "tr"
    assert "değiştirmek için" in response.text or "seçin" in response.text


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_form_opens(admin_client_tr, model):
    obj = model.objects.order_by("pk").first()
    if obj is None:
        obj = make_plan(1) if model is Plan else None
    response = admin_client_tr.get(url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_add_form_opens(admin_client_tr, model):
    assert admin_client_tr.get(url(model, "add")).status_code == 200


def count_queries(client, django_assert_max_num_queries, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("model", "params"),
    [
        (Activity, ""),
        (Indicator, ""),
        (Target, ""),
        (Realization, ""),
        (Plan, ""),
        (Theme, ""),
        (Unit, ""),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_changelist_queries_do_not_grow_with_rows(admin_client_tr, model, params):
    """Same query count for a page of 10 and a page of 100 rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = make_plan(3)
    with CaptureQueriesContext(connection) as ctx:
        admin_client_tr.get(
            url(model) + f"?plan={small.pk}" if model not in (Plan, Theme, Unit) else url(model)
        )
    small_count = len(ctx.captured_queries)
    big = make_plan(120, 2)
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client_tr.get(
            url(model) + f"?plan={big.pk}" if model not in (Plan, Theme, Unit) else url(model)
        )
    assert response.status_code == 200
    assert len(ctx.captured_queries) == small_count


def test_activity_changelist_query_count(admin_client_tr, django_assert_num_queries):
    plan = Plan.objects.get(municipality__name__startswith="Mersin")
    # session, user, count, rows, prefetch units, plan filter, theme filter, unit filter
    # (+ savepoints are not used); no count of every activity (show_full_result_count off)
    with django_assert_num_queries(8):
        response = admin_client_tr.get(url(Activity) + f"?plan={plan.pk}")
    assert "1.1.4" in response.text
    assert "118 faaliyet" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [("istihdam", "İSTİHDAM"), ("İSTİHDAM", "İSTİHDAM"), ("ışık", "IŞIK"), ("IŞIK", "IŞIK")],
)
def test_search_folds_turkish_case(admin_client_tr, query, expected):
    plan = make_plan(2)
    theme = plan.themes.first()
    Activity.objects.create(
        theme=theme, code="9.9.9", title=f"KADIN {expected} PROGRAMI", position=99
    )
    Activity.objects.create(theme=theme, code="9.9.8", title="ilgisiz", position=98)
    response = admin_client_tr.get(url(Activity), {"q": query})
    assert f"KADIN {expected} PROGRAMI" in response.text
    assert "ilgisiz" not in response.text


def test_search_by_code_and_lower_case_turkish_in_seed(admin_client_tr):
    response = admin_client_tr.get(url(Indicator), {"q": "erişilebilir otobüs"})
    assert "Erişilebilir otobüs sayısı" in response.text
    response = admin_client_tr.get(url(Activity), {"q": "1.1.4"})
    assert "çocuk gelişim merkezleri" in response.text


def test_plan_page_shows_structure_with_links(admin_client_tr):
    plan = Plan.objects.get(municipality__name__startswith="Mersin")
    response = admin_client_tr.get(url(Plan, "change", plan.pk))
    text = response.text
    assert "EĞİTİM VE FARKINDALIK" in text
    assert "Toplumsal Cinsiyet Eşitliği Farkındalığı Oluşturmak" in text
    assert (
        reverse(
            "admin:plans_activity_change",
            args=[Activity.objects.get(theme__plan=plan, code="1.1.4").pk],
        )
        in text
    )
    assert "Yıllık gerçekleşme girişi" in text


def test_unit_autocomplete_finds_abbreviation_by_folded_name(admin_client_tr):
    response = admin_client_tr.get(
        reverse("admin:autocomplete"),
        {
            "term": "kadın ve aile",
            "app_label": "plans",
            "model_name": "activity",
            "field_name": "responsible_units",
        },
    )
    assert response.status_code == 200
    names = [r["text"] for r in response.json()["results"]]
    assert "Kadın ve Aile Hizmetleri Dairesi Başkanlığı" in names


def test_years_and_values_are_written_as_people_read_them(admin_client_tr):
    """2024, not "2.024"; 987, not "987,0000"; a decimal with a comma."""
    plan = Plan.objects.get(municipality__name__startswith="Mersin")
    response = admin_client_tr.get(url(Realization), {"plan": plan.pk, "q": "1.1.4"})
    assert ">2024<" in response.text and "2.024" not in response.text
    assert ">987<" in response.text and "987,0000" not in response.text
    response = admin_client_tr.get(url(Realization), {"plan": plan.pk, "q": "2.1.5"})
    assert ">7,88<" in response.text
