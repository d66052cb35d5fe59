"""What a user of one municipality learns about another: nothing. No filter lists its
objects, "view on site" answers a foreign object as a missing one, and the user profile
page opens for the roles that may see it."""

from __future__ import annotations

import pytest
import tablib
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from monitoring.resources import IndicatorResource, RealizationResource
from monitoring.roles import EQUALITY_UNIT
from plans.models import Indicator, Plan
from plans.resources import UnitResource

from .conftest import make_role_user
from .factories import (
    ActivityFactory,
    IndicatorFactory,
    MunicipalityFactory,
    PlanFactory,
    RealizationFactory,
    ThemeFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Gizlidere"


@pytest.fixture
def hidden(db):
    """Municipality B: a private draft plan with everything under it, a unit and a user."""
    municipality = MunicipalityFactory(name=f"{SECRET} Belediyesi", slug="gizlidere")
    plan = PlanFactory(
        municipality=municipality,
        title=f"{SECRET} Gizli Taslak Planı",
        status=Plan.Status.DRAFT,
        is_public=False,
    )
    unit = UnitFactory(municipality=municipality, name=f"{SECRET} Zabıta Müdürlüğü")
    activity = ActivityFactory(
        theme=ThemeFactory(plan=plan, title=f"{SECRET} teması"), title=f"{SECRET} faaliyeti"
    )
    activity.responsible_units.add(unit)
    indicator = IndicatorFactory(activity=activity, name=f"{SECRET} göstergesi")
    RealizationFactory(indicator=indicator, year=2024)
    make_role_user("esitlik_g", EQUALITY_UNIT, municipality.name)
    return plan


def changelists():
    for model in admin.site._registry:
        yield reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_no_changelist_or_filter_names_another_municipalitys_objects(roles, as_user, hidden):
    client = as_user(roles["equality"])  # Mersin
    opened = []
    for url in changelists():
        for query in ({}, {"plan": hidden.pk}):
            response = client.get(url, query, follow=True)
            assert response.status_code in (200, 403), url
            assert SECRET not in response.text, (url, query)
            if response.status_code == 200 and not query:
                opened.append(url)
    # the test looks at real pages: the plan lists and their filters are among them
    assert reverse("admin:plans_theme_changelist") in opened
    assert reverse("admin:monitoring_realization_changelist") in opened
    themes = client.get(reverse("admin:plans_theme_changelist")).text
    assert "Mersin" in themes  # the user's own plan is in the plan filter


def test_theme_plan_filter_offers_own_plans_only(roles, as_user, hidden):
    user = roles["other_equality"]  # Büyükçekmece, with a second plan: the filter shows
    ThemeFactory(plan=PlanFactory(municipality=user.profile.municipality, title="İkinci plan"))
    response = as_user(user).get(reverse("admin:plans_theme_changelist"))
    cl = response.context["cl"]
    (spec,) = [s for s in cl.filter_specs if getattr(s, "field_path", None) == "plan"]
    offered = {c["display"] for c in list(spec.choices(cl))[1:]}  # after "Tümü"
    own = Plan.objects.filter(municipality=user.profile.municipality)
    assert offered == {str(p) for p in own} and len(offered) == 2


# ----------------------------------------------------------------------- user profiles


def profile_url(user):
    return reverse("admin:plans_userprofile_change", args=[user.profile.pk])


def test_equality_unit_opens_its_own_profile(roles, as_user):
    user = roles["equality"]
    response = as_user(user).get(profile_url(user))
    assert response.status_code == 200
    assert user.username in response.text
    assert "Mersin Büyükşehir Belediyesi" in response.text


def test_profile_pages_for_every_role(roles, as_user, superuser):
    user = roles["equality"]
    response = as_user(superuser).get(profile_url(user))
    assert response.status_code == 200 and user.username in response.text
    # a colleague's profile opens, another municipality's is not found (as a missing one)
    client = as_user(roles["equality"])
    colleague = roles["manager"]
    assert client.get(profile_url(colleague)).status_code == 200
    foreign = client.get(profile_url(roles["other_equality"]))
    assert foreign.status_code == 302 and foreign.url == reverse("admin:index")
    # directorate staff and managers have no profile pages at all
    for role in ("directorate", "manager"):
        response = as_user(roles[role]).get(profile_url(roles[role]))
        assert response.status_code == 403, role


def test_profile_user_choices_are_the_municipalitys_users(roles, as_user, superuser):
    """An equality user who may change profiles picks among the municipality's users."""
    from django.contrib.auth.models import Permission

    user = roles["equality"]
    user.user_permissions.add(Permission.objects.get(codename="change_userprofile"))
    user = get_user_model().objects.get(pk=user.pk)
    response = as_user(user).get(profile_url(user))
    assert response.status_code == 200
    choices = {str(u) for u in response.context["adminform"].form.fields["user"].queryset}
    assert {"esitlik_m", "mudurluk_m", "yonetici_m"} <= choices
    assert not choices & {"esitlik_b", "mudurluk_b", "admin"}


# ------------------------------------------------------------------------ view on site


def view_on_site(obj_or_model, pk=None):
    ct = ContentType.objects.get_for_model(obj_or_model)
    return reverse("admin:view_on_site", args=[ct.pk, pk if pk is not None else obj_or_model.pk])


def test_view_on_site_answers_a_foreign_plan_as_a_missing_one(roles, as_user, hidden):
    client = as_user(roles["equality"])
    foreign = client.get(view_on_site(hidden))
    missing = client.get(view_on_site(Plan, 999_999))
    garbage = client.get(view_on_site(Plan, "abc"))
    assert foreign.status_code == missing.status_code == garbage.status_code == 404
    assert foreign.content == missing.content
    assert SECRET not in foreign.text
    own = Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")
    response = client.get(view_on_site(own))
    assert response.status_code == 302 and response.url == own.get_absolute_url()


def test_view_on_site_of_models_without_a_municipality_is_not_found(roles, as_user):
    client = as_user(roles["equality"])
    ct = ContentType.objects.get_for_model(get_user_model())
    url = reverse("admin:view_on_site", args=[ct.pk, roles["equality"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[999_999, 1])).status_code == 404


# ---------------------------------------------------- flat imports: foreign = missing
#
def import_messages(resource, rows, headers) -> list[str]:
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    result = resource.import_data(data, dry_run=True)
    return [str(e.error) for _, errors in result.row_errors() for e in errors]


def same_text(foreign: list[str], missing: list[str], foreign_id, missing_id=999_999) -> bool:
    """The messages read the same once the number the row gave is set aside."""
    return bool(foreign) and [
        m.replace(f"{foreign_id} numaralı", "N numaralı") for m in foreign
    ] == [m.replace(f"{missing_id} numaralı", "N numaralı") for m in missing]


def mersin_plan():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def test_realization_import_reads_the_same_for_a_foreign_and_a_missing_plan(roles):
    headers = ["plan", "faaliyet kodu", "gösterge", "yıl", "grup", "gerçekleşme"]
    user = roles["other_equality"]
    foreign = import_messages(
        RealizationResource(user=user),
        [[mersin_plan().pk, "1.1.1", "Eğitim sayısı", 2024, "", "5"]],
        headers,
    )
    missing = import_messages(
        RealizationResource(user=user),
        [[999_999, "1.1.1", "Eğitim sayısı", 2024, "", "5"]],
        headers,
    )
    assert same_text(foreign, missing, mersin_plan().pk), (foreign, missing)


def test_realization_import_by_id_reads_the_same_for_a_foreign_and_a_missing_indicator(roles):
    headers = ["gösterge no", "yıl", "grup", "gerçekleşme"]
    user = roles["other_equality"]
    ind = Indicator.objects.filter(activity__theme__plan=mersin_plan()).first()
    foreign = import_messages(RealizationResource(user=user), [[ind.pk, 2024, "", "5"]], headers)
    missing = import_messages(RealizationResource(user=user), [[999_999, 2024, "", "5"]], headers)
    assert same_text(foreign, missing, ind.pk), (foreign, missing)


def test_indicator_import_reads_the_same_for_a_foreign_and_a_missing_plan(roles):
    headers = ["plan", "faaliyet kodu", "gösterge", "hedefler"]
    user = roles["other_equality"]
    plan = mersin_plan()
    foreign = import_messages(
        IndicatorResource(user=user), [[plan.pk, "1.1.4", "Sızma göstergesi", ""]], headers
    )
    missing = import_messages(
        IndicatorResource(user=user), [[999_999, "1.1.4", "Sızma göstergesi", ""]], headers
    )
    assert same_text(foreign, missing, plan.pk), (foreign, missing)


def test_unit_import_reads_the_same_for_a_foreign_and_a_missing_municipality(roles):
    headers = ["belediye", "birim", "tür", "e-postalar", "başka yazılışlar"]
    user = roles["other_equality"]
    foreign = import_messages(
        UnitResource(user=user),
        [["Mersin Büyükşehir Belediyesi", "Sızma Birimi", "internal", "", ""]],
        headers,
    )
    missing = import_messages(
        UnitResource(user=user),
        [["Olmayan Belediyesi", "Sızma Birimi", "internal", "", ""]],
        headers,
    )
    assert foreign and foreign == missing, (foreign, missing)
