"""The local gender profile: what the database refuses, the admin (entry, municipality
page, list, query counts), the public plan page with women's shares the Turkish way,
scoping between municipalities, and the profile's figure offered as an indicator's
baseline."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from monitoring.roles import EQUALITY_UNIT, MANAGER
from plans.models import (
    Indicator,
    IndicatorProfileLink,
    Municipality,
    Plan,
    ProfileFigure,
    ProfileMeasure,
)

from .conftest import make_role_user

pytestmark = pytest.mark.django_db

NARLIDERE = "Narlıdere Belediyesi"
MERSIN = "Mersin Büyükşehir Belediyesi"
CHANGELIST = reverse("admin:plans_profilefigure_changelist")


def narlidere() -> Municipality:
    return Municipality.objects.get(name=NARLIDERE)


def measure(code: str) -> ProfileMeasure:
    return ProfileMeasure.objects.get(code=code)


def text_of(html: str, element_id: str) -> str:
    m = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert m, f"no #{element_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", m.group(2))).split())


def figure(**kw) -> ProfileFigure:
    values = {
        "municipality": Municipality.objects.get(name=MERSIN),
        "measure": measure("meclis-uyesi"),
        "year": 2024,
        "women": 10,
        "men": 20,
    }
    return ProfileFigure.objects.create(**{**values, **kw})


# ------------------------------------------------------------------ the database


@pytest.mark.parametrize(
    "bad",
    [
        {"total": 31},  # not women + men
        {"women": -1},
        {"men": -5},
        {"year": 1850},
    ],
    ids=["total", "women", "men", "year"],
)
def test_database_refuses_bad_figures(bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(**bad)


def test_one_figure_per_municipality_year_measure_and_area():
    figure()
    figure(area="Çamlıbel Mahallesi")  # a part is another figure
    figure(year=2023)
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(women=11)


def test_total_that_matches_is_kept():
    assert figure(total=30).total == 30


# ------------------------------------------------------------------ the admin


def test_admin_entry_stores_a_figure_and_refuses_a_wrong_total_in_turkish(admin_client_tr):
    mersin = Municipality.objects.get(name=MERSIN)
    add = reverse("admin:plans_profilefigure_add")
    data = {
        "municipality": mersin.pk,
        "measure": measure("personel").pk,
        "year": 2024,
        "area": "",
        "women": 1200,
        "men": 2100,
        "total": 3000,
        "source": "İnsan Kaynakları Dairesi",
        "raw_text": "",
    }
    response = admin_client_tr.post(add, data)
    assert response.status_code == 200
    assert "Toplam, kadın ve erkek sayılarının toplamı olmalı" in response.text
    assert not ProfileFigure.objects.filter(municipality=mersin).exists()
    response = admin_client_tr.post(add, {**data, "total": 3300})
    assert response.status_code == 302
    stored = ProfileFigure.objects.get(municipality=mersin)
    assert (stored.women, stored.men, stored.total, stored.women_share) == (
        1200,
        2100,
        3300,
        Decimal("36.36"),
    )
    response = admin_client_tr.post(add, data | {"total": ""})
    assert "zaten var" in response.text  # the same measure, year and area


def test_changelist_shows_womens_share_in_a_fixed_number_of_queries(
    admin_client_tr, django_assert_num_queries
):
    # session, user, count, total count, rows (with measure and municipality),
    # the municipality filter's choices, the year filter's choices, the measure filter
    with django_assert_num_queries(8):
        response = admin_client_tr.get(CHANGELIST)
    assert response.status_code == 200
    row = re.search(r"<tr>(?:(?!</tr>).)*?>2\. İnönü Mahallesi<.*?</tr>", response.text, re.S)
    cells = " ".join(unescape(re.sub(r"<[^>]+>", " ", row.group(0))).split())
    assert "Nüfus 2022 2. İnönü Mahallesi 4.367 4.385 8.752 %49,9" in cells
    assert "33 profil rakamı" in response.text  # the paginator counts with the singular
    assert 'href="/admin/plans/profilefigure/sablon.xlsx"' in response.text
    filtered = admin_client_tr.get(CHANGELIST, {"municipality__id__exact": narlidere().pk})
    assert f'href="/admin/plans/profilefigure/sablon.xlsx?belediye={narlidere().pk}"' in (
        filtered.text
    )


def test_municipality_page_holds_its_profile_in_a_fixed_number_of_queries(
    admin_client_tr, django_assert_num_queries
):
    from django.contrib.contenttypes.models import ContentType

    url = reverse("admin:plans_municipality_change", args=[narlidere().pk])
    ContentType.objects.clear_cache()  # another test may have left it filled
    # session, user, municipality, the measures (once for 33 rows), the figures with their
    # measures, content types (the history link): not one per figure
    with django_assert_num_queries(6):
        response = admin_client_tr.get(url)
    assert response.status_code == 200
    assert response.text.count('name="profile_figures-') > 33 * 6
    assert 'value="32270"' in response.text


# ------------------------------------------------------------------ the public page


def public_narlidere() -> Plan:
    plan = Plan.objects.get(municipality__name=NARLIDERE)
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    return plan


def test_public_plan_page_shows_the_profile_with_womens_shares():
    plan = public_narlidere()
    html = Client().get(reverse("monitoring:overview", args=[plan.pk])).content.decode()
    assert text_of(html, "h-profile") == "Yerel cinsiyet profili: Narlıdere Belediyesi"
    assert text_of(html, "profile-nufus") == (
        "Nüfus 2022 32.270 30.653 62.923 Kadın %51,3 · Erkek %48,7"
    )
    assert text_of(html, "profile-meclis-uyesi") == (
        "Belediye meclis üyeleri 2019 9 16 25 Kadın %36 · Erkek %64"
    )
    assert text_of(html, "profile-muhtar").endswith("2019 2 9 11 Kadın %18,2 · Erkek %81,8")
    assert text_of(html, "profile-personel").endswith("48 124 172 Kadın %27,9 · Erkek %72,1")
    # the managers are given by title only: their sum (7 women of 21)
    assert text_of(html, "profile-yonetici").endswith("2023 7 14 21 Kadın %33,3 · Erkek %66,7")
    parts = text_of(html, "profile-nufus-parts")
    assert "Ilıca Mahallesi 4.630 4.005 8.635 %53,6" in parts
    assert "Sahilevleri Mahallesi 994 893 1.887 %52,7" in parts
    years = text_of(html, "profile-nufus-years")
    assert "2010 30.356 42.476 72.832 %41,7" in years
    assert "TÜİK" in text_of(html, "profile-sources")


def test_public_plan_page_in_english():
    plan = public_narlidere()
    html = Client(headers={"accept-language": "en"}).get(
        reverse("monitoring:overview", args=[plan.pk])
    )
    row = text_of(html.content.decode(), "profile-nufus")
    assert row == "Nüfus 2022 32,270 30,653 62,923 Female 51.3% · Male 48.7%"


def test_a_municipality_without_profile_shows_no_card():
    plan = Plan.objects.get(municipality__name=MERSIN)
    html = Client().get(reverse("monitoring:overview", args=[plan.pk])).content.decode()
    assert 'id="gender-profile"' not in html


def test_the_profile_costs_one_query_whatever_its_size(django_assert_num_queries):
    tag = Template("{% load gender_profile %}{% gender_profile plan %}")
    for name in (NARLIDERE, MERSIN):
        plan = Plan.objects.select_related("municipality").get(municipality__name=name)
        with django_assert_num_queries(1):
            tag.render(Context({"plan": plan}))


# ------------------------------------------------------------------ scoping


def test_another_municipalitys_profile_is_not_visible_in_the_admin(client):
    user = make_role_user("esitlik_mersin", EQUALITY_UNIT, MERSIN)
    client.force_login(user)
    figure()  # Mersin's own
    theirs = ProfileFigure.objects.filter(municipality=narlidere()).first()
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "Meclis" in response.text or "meclis" in response.text
    assert "İnönü" not in response.text and "Narlıdere" not in response.text
    change = reverse("admin:plans_profilefigure_change", args=[theirs.pk])
    assert client.get(change).status_code in (302, 404)
    template = client.get(reverse("admin:plans_profilefigure_template"))
    assert template.status_code == 200


def test_a_unit_cannot_store_a_figure_for_another_municipality(client):
    client.force_login(make_role_user("esitlik_mersin", EQUALITY_UNIT, MERSIN))
    response = client.post(
        reverse("admin:plans_profilefigure_add"),
        {
            "municipality": narlidere().pk,
            "measure": measure("muhtar").pk,
            "year": 2024,
            "women": 3,
            "men": 8,
        },
    )
    assert response.status_code == 200  # the form again, with the choice refused
    assert ProfileFigure.objects.filter(municipality=narlidere(), year=2024).count() == 0


def test_a_manager_reads_the_profile_but_does_not_change_it(client):
    client.force_login(make_role_user("yonetici_n", MANAGER, NARLIDERE))
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(reverse("admin:plans_profilefigure_add")).status_code == 403
    assert client.get(reverse("admin:plans_profilefigure_import")).status_code == 403


def test_a_foreign_plan_page_shows_only_its_own_profile():
    figure(measure=measure("nufus"), women=900_000, men=880_000)  # Mersin
    plan = Plan.objects.get(municipality__name=MERSIN)
    html = Client().get(reverse("monitoring:overview", args=[plan.pk])).content.decode()
    assert text_of(html, "profile-nufus") == (
        "Nüfus 2024 900.000 880.000 1.780.000 Kadın %50,6 · Erkek %49,4"
    )
    assert "İnönü" not in html and "32.270" not in html


# ------------------------------------------------------------------ the baseline


def link(indicator: Indicator, code: str, quantity: str) -> IndicatorProfileLink:
    return IndicatorProfileLink.objects.create(
        indicator=indicator, measure=measure(code), quantity=quantity
    )


def narlidere_indicator() -> Indicator:
    return Indicator.objects.filter(activity__theme__plan__municipality=narlidere()).first()


def change_form_data(response) -> dict:
    """What the admin change form would post back as it is shown (inlines included)."""
    data = {}

    def put(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = "" if value is None else str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        put(inline.formset.management_form)
        for form in inline.formset.forms:
            put(form)
    return data


def test_indicator_admin_offers_the_profile_figure_and_takes_it_as_baseline(admin_client_tr):
    ind = narlidere_indicator()
    url = reverse("admin:plans_indicator_change", args=[ind.pk])
    assert "bölümünden bağlayın" in admin_client_tr.get(url).text
    link(ind, "meclis-uyesi", "women_share")
    response = admin_client_tr.get(url)
    offered = text_of(response.text, "profile-baseline")
    assert offered == "%36 (yerel profil, 2019: Belediye meclis üyeleri, 9 kadın / 16 erkek)"
    data = change_form_data(response) | {"_profile_baseline": "1"}
    response = admin_client_tr.post(url, data)
    assert response.status_code == 302 and response.url.endswith(f"/{ind.pk}/change/")
    ind.refresh_from_db()
    assert ind.baseline_value == Decimal("36")
    assert ind.baseline_raw == offered


@pytest.mark.parametrize(
    ("code", "quantity", "value"),
    [
        ("personel", "women", Decimal(48)),
        ("personel", "total", Decimal(172)),
        ("yonetici", "women_share", Decimal("33.33")),  # the titles summed
        ("nufus", "men", Decimal(30653)),  # 2022: the latest year before the plan (2023)
    ],
)
def test_proposed_baseline_measures_the_same_thing(code, quantity, value):
    from plans.gender_profile import proposed_baseline

    got = proposed_baseline(link(narlidere_indicator(), code, quantity))
    assert got[0] == value


def test_no_proposal_without_figures_of_the_indicators_municipality():
    from plans.gender_profile import proposed_baseline

    mersin_ind = Indicator.objects.filter(activity__theme__plan__municipality__name=MERSIN).first()
    assert proposed_baseline(link(mersin_ind, "muhtar", "women")) is None  # not Narlıdere's


def test_a_reader_sees_the_proposal_without_the_button(client):
    ind = narlidere_indicator()
    link(ind, "personel", "women")
    client.force_login(make_role_user("yonetici_n", MANAGER, NARLIDERE))
    response = client.get(reverse("admin:plans_indicator_change", args=[ind.pk]))
    assert response.status_code == 200
    assert text_of(response.text, "profile-baseline").startswith("48 (yerel profil, 2023")
    assert 'name="_profile_baseline"' not in response.text
