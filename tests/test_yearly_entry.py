"""The yearly entry page: every realization of a plan's year in one form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import Realization
from plans.models import FigureState, Indicator, Plan

from .factories import make_plan

pytestmark = pytest.mark.django_db

URL = reverse("admin:monitoring_realization_yearly_entry")


def mersin():
    return Plan.objects.get(municipality__name__startswith="Mersin")


def form_data(response):
    """What the browser would send back: every input as it is on the page."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def test_page_lists_every_indicator_with_its_target(admin_client_tr):
    plan = mersin()
    response = admin_client_tr.get(URL, {"plan": plan.pk, "year": 2024})
    assert response.status_code == 200
    assert len(response.context["form"].rows) == 146
    text = response.text
    assert "TCE atölyesine katılan çocuk sayısı" in text
    assert 'value="987"' in text  # current realization pre-filled
    assert ">377<" in text  # target beside it


def test_filter_by_responsible_unit(admin_client_tr):
    plan = mersin()
    unit = plan.municipality.units.get(name="Ulaşım Dairesi Başkanlığı")
    response = admin_client_tr.get(URL, {"plan": plan.pk, "year": 2024, "unit": unit.pk})
    rows = response.context["form"].rows
    assert rows and len(rows) < 146
    assert all(unit in r.indicator.activity.responsible_units.all() for r in rows)


def test_saves_what_was_typed(admin_client_tr, superuser):
    plan = make_plan(3)
    response = admin_client_tr.get(URL, {"plan": plan.pk, "year": 2025})
    data = form_data(response)
    inds = list(Indicator.objects.filter(activity__theme__plan=plan).order_by("pk"))
    data[f"r_{inds[0].pk}"] = "1.234"
    data[f"r_{inds[1].pk}"] = "%8,2"
    data[f"d_{inds[1].pk}"] = "Bütçe kesintisi"
    data[f"r_{inds[2].pk}"] = "-"
    response = admin_client_tr.post(f"{URL}?plan={plan.pk}&year=2025", data)
    assert response.status_code == 302
    got = {r.indicator_id: r for r in Realization.objects.filter(year=2025, indicator__in=inds)}
    assert got[inds[0].pk].value == Decimal("1234")
    assert got[inds[1].pk].value == Decimal("8.2")
    assert got[inds[1].pk].deviation_reason == "Bütçe kesintisi"
    assert got[inds[1].pk].entered_by == superuser
    assert (got[inds[2].pk].state, got[inds[2].pk].value) == (FigureState.NOT_APPLICABLE, None)
    page = admin_client_tr.get(response.url)
    assert "3 yeni" in page.text


def test_group_values_are_split(admin_client_tr):
    plan = make_plan(1)
    ind = Indicator.objects.get(activity__theme__plan=plan)
    data = form_data(admin_client_tr.get(URL, {"plan": plan.pk, "year": 2024}))
    data[f"r_{ind.pk}"] = "40 Kadın 35 Erkek"
    admin_client_tr.post(f"{URL}?plan={plan.pk}&year=2024", data)
    rows = {r.group.code: r.value for r in ind.realizations.filter(year=2024)}
    assert rows == {"kadin": 40, "erkek": 35}


def test_bad_numbers_are_rejected_beside_the_field_and_nothing_is_saved(admin_client_tr):
    plan = make_plan(3)
    inds = list(Indicator.objects.filter(activity__theme__plan=plan).order_by("pk"))
    before = list(
        Realization.objects.filter(indicator__in=inds)
        .values_list("indicator_id", "year", "value", "raw_text")
        .order_by("pk")
    )
    data = form_data(admin_client_tr.get(URL, {"plan": plan.pk, "year": 2024}))
    data[f"r_{inds[0].pk}"] = "999"  # valid, but must not be saved either
    data[f"r_{inds[1].pk}"] = "yaklaşık yüz"
    data[f"r_{inds[2].pk}"] = "-5"
    response = admin_client_tr.post(f"{URL}?plan={plan.pk}&year=2024", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "bir sayı değil" in form.errors[f"r_{inds[1].pk}"][0]
    assert "eksi olamaz" in form.errors[f"r_{inds[2].pk}"][0]
    assert "Hiçbir değer kaydedilmedi" in response.text
    assert f'id="row-{inds[1].pk}"' in response.text
    after = list(
        Realization.objects.filter(indicator__in=inds)
        .values_list("indicator_id", "year", "value", "raw_text")
        .order_by("pk")
    )
    assert after == before


def test_saving_the_page_unchanged_changes_nothing(admin_client_tr):
    plan = mersin()
    data = form_data(admin_client_tr.get(URL, {"plan": plan.pk, "year": 2024}))
    before = list(Realization.objects.for_plan(plan).values_list("pk", "value", "updated_at"))
    response = admin_client_tr.post(f"{URL}?plan={plan.pk}&year=2024", data)
    assert response.status_code == 302
    after = list(Realization.objects.for_plan(plan).values_list("pk", "value", "updated_at"))
    assert after == before


def test_entry_page_query_count_does_not_grow(admin_client_tr, django_assert_num_queries):
    small, big = make_plan(5), make_plan(200, 2)
    # session, user, plan, units, indicators, targets, activity targets, realizations,
    # groups (for the parser), is the year closed, the plan picker
    for plan in (small, big):
        with django_assert_num_queries(11):
            admin_client_tr.get(URL, {"plan": plan.pk, "year": 2024})


def test_ids_over_a_thousand_are_not_written_with_a_thousands_separator(admin_client_tr):
    """Turkish number formatting must not turn option values into "12.345"."""
    from .factories import ActivityFactory, IndicatorFactory, PlanFactory, UnitFactory

    plan = PlanFactory(id=23456)
    unit = UnitFactory(id=12345, municipality=plan.municipality)
    activity = ActivityFactory(theme__plan=plan)
    activity.responsible_units.add(unit)
    ind = IndicatorFactory(id=34567, activity=activity)
    response = admin_client_tr.get(URL, {"plan": 23456, "year": 2024})
    assert 'value="23456"' in response.text
    assert 'value="12345"' in response.text
    assert 'id="row-34567"' in response.text and f'name="r_{ind.pk}"' in response.text


@pytest.mark.parametrize(
    ("fast", "django_widget"),
    [
        ("TextInput", "TextInput"),
        ("HiddenInput", "HiddenInput"),
        ("URLInput", "URLInput"),
        ("FileInput", "FileInput"),
        ("Textarea", "Textarea"),
    ],
)
@pytest.mark.parametrize("value", [None, "", "987", '5 "Kadın" <b>&amp;</b>', "%8,2\nİkinci satır"])
def test_entry_widgets_write_what_django_templates_write(fast, django_widget, value):
    """The entry page's widgets build their HTML in Python; it is Django's, byte for byte."""
    from django import forms

    from monitoring import widgets

    attrs = {"rows": 1, "placeholder": 'a "b" <c>', "maxlength": "500", "required": False}
    extra = {"id": "id_r_7", "disabled": True, "data-x": 0}
    ours = getattr(widgets, fast)(attrs=dict(attrs)).render("r_7", value, dict(extra))
    theirs = getattr(forms, django_widget)(attrs=dict(attrs)).render("r_7", value, dict(extra))
    assert str(ours) == str(theirs)


def test_on_a_phone_each_cell_names_its_column_and_the_plan_is_named_once(admin_client_tr):
    """Below 768 px the table becomes one card per indicator (CSS): each cell carries its
    column's name; the plan picker names the municipality once (checked at 390 px in
    Chromium: no page-wide scroll)."""
    plan = mersin()
    text = admin_client_tr.get(URL, {"plan": plan.pk, "year": 2024}).text
    assert "@media (max-width: 767px)" in text
    assert 'data-label="2024 hedefi"' in text and 'data-label="2024 gerçekleşme"' in text
    assert 'data-label="Sapma nedeni"' in text and 'data-label="Mevcut"' in text
    option = f'<option value="{plan.pk}" selected>{plan.title} (2024-2026)</option>'
    assert option in text
    assert plan.title.startswith("Mersin Büyükşehir Belediyesi")
