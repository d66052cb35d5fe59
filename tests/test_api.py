"""The read-only API: what an anonymous caller, each role of two municipalities and a token
get, through lists, filters and ids; the field names; throttling; the docs page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from monitoring.api.fields import BY_NAME, RESOURCES
from monitoring.dashboard import plan_fingerprint, plan_snapshot
from monitoring.models import Realization
from plans.models import Activity, Goal, Indicator, Strategy, Target, Theme, Unit

from .api_fixtures import (
    DRAFT,
    EVIDENCE,
    NEVER_PUBLIC,
    NOTE,
    OTHER_DRAFT,
    PRIVATE,
    planted,
    token_for,
)

__all__ = ["planted"]
pytestmark = pytest.mark.django_db

LISTS = [r.name for r in RESOURCES]


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_THROTTLE_ANON = ""
    settings.API_THROTTLE_USER = ""


def get(client, path, **params):
    response = client.get(f"/api/v1/{path}", params, HTTP_ACCEPT="application/json")
    return response


def every_row(client, name, **params) -> tuple[list[dict], str]:
    """All rows of a list, page after page, and the raw text of every page."""
    rows, texts = [], []
    response = get(client, f"{name}/", limit=500, **params)
    while True:
        assert response.status_code == 200, (name, response.content[:300])
        texts.append(response.content.decode())
        data = response.json()
        rows.extend(data["results"])
        if not data["next"]:
            return rows, "".join(texts)
        response = client.get(data["next"], HTTP_ACCEPT="application/json")


def plans_of(rows) -> set[int]:
    return {r["plan"] if "plan" in r else r["id"] for r in rows}


# ---------------------------------------------------------------------------- anonymous


def test_anonymous_gets_public_plans_and_approved_figures_only(planted):
    anon = Client()
    public = {planted["mersin"].pk, planted["bc"].pk}
    for name in LISTS:
        rows, text = every_row(anon, name)
        for secret in NEVER_PUBLIC:
            assert secret not in text, (name, secret)
        if name in ("municipalities", "groups", "units"):
            continue
        assert plans_of(rows) <= public, name
    reals, _ = every_row(anon, "realizations")
    assert reals and {r["approval"] for r in reals} == {"approved"}
    assert all(r["evidence_url"] is None and r["has_evidence_file"] is None for r in reals)
    noted = next(r for r in reals if r["id"] == planted["noted"])
    assert noted["note"] == "" and noted["note_internal"] is False
    assert noted["deviation_reason"] == "Kamuya açık neden"  # the dashboard shows it too
    munis, _ = every_row(anon, "municipalities")
    assert "Narlıdere Belediyesi" not in {m["name"] for m in munis}


@pytest.mark.parametrize(
    "params",
    [
        {"plan": "PRIVATE"},
        {"approval": "draft"},
        {"approval": "submitted"},
        {"indicator": "DRAFT_INDICATOR"},
        {"indicator": "DRAFT_INDICATOR", "year": 2024},
        {"approved_only": "false"},
        {"status": "no_data", "plan": "PRIVATE"},
    ],
)
def test_no_filter_brings_a_hidden_figure_to_the_public(planted, params):
    anon = Client()
    ids = {"PRIVATE": planted["narlidere"].pk, "DRAFT_INDICATOR": planted["draft_indicator"]}
    params = {k: ids.get(v, v) for k, v in params.items()}
    for name in ("realizations", "progress", "targets", "indicators", "themes", "units", "goals"):
        response = get(anon, f"{name}/", **params)
        if response.status_code == 400:  # a filter this list does not have a choice for
            continue
        assert response.status_code == 200
        text = response.content.decode()
        for secret in NEVER_PUBLIC:
            assert secret not in text, (name, params)
        if "plan" in params:
            assert response.json()["count"] == 0, (name, params)


def test_a_hidden_object_by_id_is_a_404(planted):
    anon = Client()
    narl = planted["narlidere"]
    hidden = {
        "plans": narl.pk,
        "themes": Theme.objects.filter(plan=narl).first().pk,
        "goals": Goal.objects.filter(theme__plan=narl).first().pk,
        "activities": Activity.objects.filter(theme__plan=narl).first().pk,
        "indicators": Indicator.objects.filter(activity__theme__plan=narl).first().pk,
        "realizations": planted["private"],
    }
    strategy = Strategy.objects.filter(goal__theme__plan=narl).first()
    if strategy:
        hidden["strategies"] = strategy.pk
    only_narl = Unit.objects.filter(municipality=narl.municipality).first()
    if only_narl:
        hidden["units"] = only_narl.pk
    for name, pk in hidden.items():
        assert get(anon, f"{name}/{pk}/").status_code == 404, name
    for pk in (planted["draft"], planted["other_draft"]):
        assert get(anon, f"realizations/{pk}/").status_code == 404
    assert get(anon, "realizations/99999999/").status_code == 404
    assert get(anon, f"realizations/{planted['noted']}/").json()["note"] == ""


def test_anonymous_cannot_write(planted):
    anon = Client()
    assert anon.post("/api/v1/plans/", {}).status_code == 405
    assert anon.delete(f"/api/v1/plans/{planted['mersin'].pk}/").status_code == 405


# ---------------------------------------------------------------------------- roles


@pytest.mark.parametrize("role", ["equality", "directorate", "manager"])
def test_a_mersin_role_sees_what_it_sees_on_the_dashboard(planted, roles, as_user, role):
    client = as_user(roles[role])
    reals, text = every_row(client, "realizations", plan=planted["mersin"].pk)
    draft = next(r for r in reals if r["id"] == planted["draft"])
    assert draft["raw_text"] == DRAFT and draft["approval"] == "draft"
    noted = next(r for r in reals if r["id"] == planted["noted"])
    assert noted["note"] == NOTE and noted["note_internal"] is True
    assert noted["evidence_url"] == EVIDENCE
    ind = Indicator.objects.get(pk=planted["draft_indicator"])
    url = reverse("monitoring:indicator", args=[planted["mersin"].pk, ind.pk])
    page = client.get(url, {"year": 2024}).content.decode()  # the dashboard shows it too
    assert "777" in page and "onay bekliyor" in page
    noted_ind = Realization.objects.get(pk=planted["noted"]).indicator_id
    url = reverse("monitoring:indicator", args=[planted["mersin"].pk, noted_ind])
    assert NOTE in client.get(url, {"year": 2024}).content.decode()
    for secret in (PRIVATE, OTHER_DRAFT):  # another municipality's draft, a private plan
        assert secret not in every_row(client, "realizations")[1]
    plans = {p["id"]: p["figures"] for p in every_row(client, "plans")[0]}
    assert plans == {planted["mersin"].pk: "all", planted["bc"].pk: "approved"}
    assert get(client, f"plans/{planted['narlidere'].pk}/").status_code == 404


def test_approved_only_is_the_publics_view(planted, roles, as_user):
    client = as_user(roles["equality"])
    rows, text = every_row(client, "realizations", approved_only="true")
    assert DRAFT not in text and NOTE not in text
    assert {r["approval"] for r in rows} == {"approved"}


def test_the_other_municipality_sees_its_own_drafts_and_mersins_approved_figures(planted, roles):
    client = Client()
    key = token_for(roles["other_equality"])
    response = client.get(
        "/api/v1/realizations/", {"limit": 500}, HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert OTHER_DRAFT in text
    assert DRAFT not in text and NOTE not in text and PRIVATE not in text


def test_a_wrong_token_is_a_401_and_a_good_one_signs_in(planted, roles):
    client = Client()
    bad = client.get("/api/v1/plans/", HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 401
    key = token_for(roles["directorate"])
    good = client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert {p["figures"] for p in good["results"] if p["id"] == planted["mersin"].pk} == {"all"}


# ---------------------------------------------------------------------------- contents


def test_field_names_are_the_documented_ones(planted):
    anon = Client()
    for name in LISTS:
        rows = get(anon, f"{name}/", limit=3).json()["results"]
        assert rows, name
        assert list(rows[0]) == BY_NAME[name].field_names(), name
    plan = get(anon, f"plans/{planted['mersin'].pk}/").json()
    assert list(plan) == BY_NAME["plans"].field_names()


def test_states_and_raw_text_are_kept(planted):
    anon = Client()
    states = {r["state"] for r in every_row(anon, "targets")[0]}
    assert {"value", "na"} <= states
    dash = get(anon, "targets/", state="na").json()["results"][0]
    assert dash["value"] is None and dash["raw_text"].strip() in {"-", "–", ""} or dash["raw_text"]
    grouped = [r for r in every_row(anon, "targets", plan=planted["bc"].pk)[0] if r["group"]]
    assert grouped and all(r["group_code"] for r in grouped)
    assert any(r["level"] == "activity" for r in grouped)


def test_progress_is_the_dashboards(planted, roles, as_user):
    plan = planted["mersin"]
    for client, internal in ((Client(), False), (as_user(roles["manager"]), True)):
        rows, _ = every_row(client, "progress", plan=plan.pk, year=2024)
        snap = plan_snapshot(plan, internal=internal, fingerprint=plan_fingerprint(plan))
        index = snap.index()
        assert len(rows) == snap.indicator_count
        for r in rows:
            assert r["status"] == snap.status_of(2024, index[r["indicator"]])
        behind = get(client, "progress/", plan=plan.pk, year=2024, status="behind").json()
        assert behind["count"] == len(snap.ids_where(2024, statuses=["behind"]))
        inds = get(client, "indicators/", plan=plan.pk, year=2024, status="achieved").json()
        assert inds["count"] == len(snap.ids_where(2024, statuses=["achieved"]))
    draft = get(
        as_user(roles["manager"]), "progress/", indicator=planted["draft_indicator"], year=2024
    ).json()["results"][0]
    assert draft["realization_text"] == DRAFT and draft["figures"] == "all"


def test_filters_by_plan_year_unit_and_theme(planted):
    anon = Client()
    plan = planted["mersin"]
    theme = Theme.objects.filter(plan=plan).order_by("position").first()
    rows = every_row(anon, "indicators", theme=theme.pk)[0]
    assert rows and {r["theme"] for r in rows} == {theme.pk}
    reals = every_row(anon, "realizations", plan=plan.pk, year=2024)[0]
    assert reals and {r["year"] for r in reals} == {2024}
    unit = Unit.objects.get(municipality=plan.municipality, name="Ulaşım Dairesi Başkanlığı")
    acts = every_row(anon, "activities", unit=unit.pk)[0]
    assert acts and all(unit.pk in a["responsible_units"] for a in acts)
    assert every_row(anon, "plans", year=2025)[0]
    assert get(anon, "realizations/", year="abc").status_code == 400
    assert get(anon, "realizations/", plan=2**80).status_code == 400
    assert get(anon, "targets/", offset=10**12).status_code == 400  # as the schema says
    past_the_end = get(anon, "targets/", offset=10**9).json()
    assert past_the_end["results"] == [] and past_the_end["count"] > 0
    assert get(anon, "targets/", limit=0).status_code == 400
    assert get(anon, "targets/", plan="").status_code == 400
    assert get(anon, "realizations/", approved_only="maybe").status_code == 400
    assert get(anon, "plans/abc/").status_code == 404
    assert get(anon, "no-such-list/").json() == {"detail": "Bulunamadı / not found"}


def test_targets_count_every_target_of_the_public_plans(planted):
    anon = Client()
    expected = (
        Target.objects.filter(indicator__activity__theme__plan__is_public=True).count()
        + Target.objects.filter(activity__theme__plan__is_public=True).count()
    )
    assert get(anon, "targets/").json()["count"] == expected
    approved = Realization.objects.filter(
        indicator__activity__theme__plan__is_public=True, status="approved"
    ).count()
    assert get(anon, "realizations/").json()["count"] == approved


def test_throttled(settings, planted):
    settings.API_THROTTLE_ANON = "3/min"
    anon = Client(REMOTE_ADDR="10.9.8.7")
    codes = [get(anon, "groups/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Retry-After" in get(anon, "groups/").headers


# ---------------------------------------------------------------------------- docs


def test_the_schema_is_openapi_3_with_every_list(planted):
    response = Client().get("/api/v1/schema/", {"format": "json"})
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for name in LISTS:
        assert f"/api/v1/{name}/" in schema["paths"]
    swagger = Client().get("/api/v1/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in swagger  # no CDN
    assert "cdn" not in swagger.lower() and "<script>" not in swagger  # the CSP: no inline


def test_the_field_page_lists_every_field_in_turkish_and_english(planted):
    html = Client().get(reverse("api:fields")).content.decode()
    for r in RESOURCES:
        assert f'id="fields-{r.name}"' in html
        for f in r.fields:
            assert f"<code>{f.name}</code>" in html
    assert "Kalıcı kimlik numarası." in html
    english = Client().get(reverse("api:fields"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Permanent id." in english and "Open data and API: fields" in english


def test_the_public_plan_page_links_the_field_page_and_the_open_data(planted):
    html = Client().get(reverse("monitoring:overview", args=[planted["mersin"].pk])).content
    html = html.decode()
    assert reverse("api:fields") in html
    assert reverse("monitoring:open_data", args=[planted["mersin"].pk]) in html
