"""Each role starts at its own work (the admin's index), the review desk, the admin's
approve action that says why, and the changelist's review columns."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from monitoring import workflow
from monitoring.models import Realization
from plans.models import Indicator, Plan

from .factories import make_plan

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
START = reverse("desk:start")
REVIEW = reverse("desk:review")
ENTRY = reverse("admin:monitoring_realization_yearly_entry")
UNIT = "Ulaşım Dairesi Başkanlığı"


def mersin() -> Plan:
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def form_data(response):
    form = response.context["form"]
    return {n: ("" if form[n].value() is None else form[n].value()) for n in form.fields}


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def enter_and_submit(client, plan, year, *, first="1", others="99999", reason="Ihale gecikti"):
    """The directorate's entry page: every own indicator filled, then sent for review."""
    page = client.get(ENTRY, {"plan": plan.pk, "year": year})
    data = form_data(page)
    rows = page.context["form"].rows
    for k, row in enumerate(rows):
        data[f"r_{row.indicator.pk}"] = first if k == 0 else others
        data[f"d_{row.indicator.pk}"] = reason
    data["submit_for_review"] = "1"
    response = client.post(f"{ENTRY}?plan={plan.pk}&year={year}", data)
    assert response.status_code == 302, texts(response)
    return rows


# ---------------------------------------------------------------------------- start


def test_directorate_lands_on_its_open_year(roles, as_user):
    plan = mersin()
    year = workflow.open_year(plan)
    response = as_user(roles["directorate"]).get(INDEX)
    assert response.status_code == 200
    text = response.text
    assert f"{year} yılı" in text and "açık, gerçekleşmeler toplanıyor" in text
    assert "Girilmemiş: 10 gösterge" in text  # Ulaşım's ten indicators, none entered
    assert "Erişilebilir otobüs sayısı" in text
    entry = f"{ENTRY}?plan={plan.pk}&amp;year={year}"
    assert f'id="go-entry" href="{entry}"' in text
    assert "Kadın ve Aile Hizmetleri" not in text  # another unit's work is not shown


def test_directorate_sees_what_came_back_with_the_comment(roles, as_user):
    plan = mersin()
    year = workflow.open_year(plan)
    rows = enter_and_submit(as_user(roles["directorate"]), plan, year)
    returned = Realization.objects.filter(indicator=rows[0].indicator, year=year)
    workflow.return_for_changes(
        list(returned), user=roles["equality"], comment="Katılım listesini ekleyin"
    )
    text = as_user(roles["directorate"]).get(INDEX).text
    assert "İade edilen: 1 gerçekleşme" in text
    assert "“Katılım listesini ekleyin”" in text
    assert "Girilmemiş: 0 gösterge" in text


def test_equality_unit_sees_each_unit_and_the_year(roles, as_user):
    plan = mersin()
    year = workflow.open_year(plan)
    enter_and_submit(as_user(roles["directorate"]), plan, year)
    response = as_user(roles["equality"]).get(INDEX)
    assert response.status_code == 200
    units = response.context["units"]
    ulasim = units[0]  # what waits for review comes first
    assert ulasim.unit.name == UNIT
    assert (ulasim.total, ulasim.missing, ulasim.submitted) == (10, 0, 10)
    text = response.text
    review = f"{REVIEW}?plan={plan.pk}&amp;year={year}&amp;unit={ulasim.unit.pk}"
    assert review in text  # "10 waiting" links to the desk for that unit
    assert "Yıl takibi ve yılı kapatma" in text
    assert f"{reverse('admin:monitoring_realization_year')}?plan={plan.pk}" in text


def test_manager_lands_on_the_dashboard(roles, as_user):
    response = as_user(roles["manager"]).get(INDEX)
    assert response.status_code == 302 and response.url == reverse("monitoring:plan_list")


def test_manager_reaches_the_read_only_admin_lists_from_the_dashboard(roles, as_user):
    client = as_user(roles["manager"])
    dashboard = client.get(reverse("monitoring:plan_list"))
    link = re.search(r'<a href="([^"]+)" id="admin-link">', dashboard.text).group(1)
    index = client.get(unescape(link))
    assert index.status_code == 200
    assert reverse("admin:monitoring_realization_changelist") in index.text
    assert reverse("admin:monitoring_figurechange_changelist") in index.text


def test_platform_administrator_keeps_the_stock_index(admin_client_tr):
    response = admin_client_tr.get(INDEX)
    assert "Eylem planları" in response.text and 'id="start-link"' in response.text
    page = admin_client_tr.get(START, {"plan": mersin().pk})
    assert page.status_code == 200 and "İnceleme masası" in page.text


def test_start_page_queries_do_not_grow_with_the_plan(admin_client_tr):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (10, 300):
        plan = make_plan(n, 2)
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_tr.get(START, {"plan": plan.pk}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_directorate_start_page_query_count(roles, as_user, django_assert_num_queries):
    client = as_user(roles["directorate"])
    client.get(INDEX)
    # session, user, user's and group's permissions, profile, plans, closed years (open
    # year), is_closed, the unit, missing, returned, status counts
    with django_assert_num_queries(12):
        assert client.get(INDEX).status_code == 200


# ---------------------------------------------------------------------------- review


def test_review_desk_shows_each_submitted_figure(roles, as_user):
    plan = mersin()
    year = workflow.open_year(plan)
    rows = enter_and_submit(as_user(roles["directorate"]), plan, year, reason="Ihale gecikti")
    eq = as_user(roles["equality"])
    response = eq.get(REVIEW, {"plan": plan.pk, "year": year})
    assert response.status_code == 200
    shown = response.context["rows"]
    assert [r.indicator.pk for r in shown] == [r.indicator.pk for r in rows]
    first = shown[0]
    assert first.head.status == "submitted" and first.targets
    text = response.text
    assert "Ihale gecikti" in text and "Gönderildi" in text
    assert f"{year - 1} gerçekleşme" in text  # last year's figure beside
    assert 'name="approve"' in text and 'name="return"' in text
    # another unit's filter shows none of them
    other = Indicator.objects.filter(
        activity__theme__plan=plan, activity__responsible_units__name="Sosyal Hizmetler"
    ).first()
    unit_id = other.activity.responsible_units.first().pk
    assert not eq.get(REVIEW, {"plan": plan.pk, "year": year, "unit": unit_id}).context["rows"]


def test_review_desk_approves_and_returns_row_by_row_and_all(roles, as_user):
    plan = mersin()
    year = workflow.open_year(plan)
    rows = enter_and_submit(as_user(roles["directorate"]), plan, year)
    ids = [r.indicator.pk for r in rows]
    eq = as_user(roles["equality"])
    url = f"{REVIEW}?plan={plan.pk}&year={year}"
    response = eq.post(url, {"approve": ids[0]})
    assert response.status_code == 302 and "1 gerçekleşme onaylandı." in texts(response)
    response = eq.post(url, {"return": ids[1], f"comment_{ids[1]}": ""})
    assert "İade için bir açıklama yazın." in texts(response)
    response = eq.post(url, {"return": ids[1], f"comment_{ids[1]}": "Kanıt eksik"})
    assert "1 gerçekleşme iade edildi." in texts(response)
    back = Realization.objects.get(indicator_id=ids[1], year=year)
    assert (back.status, back.return_comment) == ("returned", "Kanıt eksik")
    response = eq.post(url, {"approve_all": "1"})
    assert f"{len(ids) - 2} gerçekleşme onaylandı." in texts(response)
    statuses = dict(
        Realization.objects.filter(indicator_id__in=ids, year=year).values_list(
            "indicator_id", "status"
        )
    )
    assert statuses[ids[1]] == "returned"
    assert {s for pk, s in statuses.items() if pk != ids[1]} == {"approved"}


def test_review_desk_says_why_drafts_are_not_approved(roles, as_user):
    plan = make_plan(3, municipality=mersin().municipality)  # 2024 figures, all drafts
    eq = as_user(roles["equality"])
    url = f"{REVIEW}?plan={plan.pk}&year=2024&durum=draft"
    page = eq.get(url)
    ids = [r.indicator.pk for r in page.context["rows"]]
    assert len(ids) == 3 and "Onayla<" not in page.text  # no approve button on a draft
    response = eq.post(url, {"approve_selected": "1", "pick": ids})
    assert (
        "Hiçbir gerçekleşme onaylanmadı: 3 gerçekleşme taslak: önce onaya gönderilmeli."
        in texts(response)
    )
    assert not Realization.objects.filter(indicator_id__in=ids, status="approved").exists()


def test_review_desk_is_for_the_equality_unit(roles, as_user):
    for role in ("directorate", "manager"):
        assert as_user(roles[role]).get(REVIEW).status_code == 403
    foreign = as_user(roles["other_equality"]).get(REVIEW, {"plan": mersin().pk})
    assert foreign.status_code == 404


def test_review_desk_queries_do_not_grow_with_rows(admin_client_tr):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (10, 300):
        plan = make_plan(n, 2)
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client_tr.get(REVIEW, {"plan": plan.pk, "year": 2024, "durum": "all"})
        assert len(response.context["rows"]) == n * 2
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_admin_approve_action_says_why_nothing_was_approved(roles, as_user):
    plan = make_plan(3, municipality=mersin().municipality)
    ids = list(Realization.objects.for_plan(plan).values_list("pk", flat=True))
    response = as_user(roles["equality"]).post(
        reverse("admin:monitoring_realization_changelist"),
        {"action": "approve_selected", "_selected_action": ids},
    )
    assert texts(response) == [
        "Hiçbir gerçekleşme onaylanmadı: 3 gerçekleşme taslak: önce onaya gönderilmeli."
    ]


def test_changelist_shows_target_and_reason(admin_client_tr):
    plan = mersin()
    real = Realization.objects.get(
        indicator__activity__theme__plan=plan,
        indicator__name__startswith="Bütçe",
        indicator__activity__code="3.1.6",
        year=2024,
    )
    response = admin_client_tr.get(
        reverse("admin:monitoring_realization_changelist"),
        {"plan": plan.pk, "q": "3.1.6"},
    )
    text = response.text
    assert "column-target_column" in text and "column-reason_column" in text
    target = real.indicator.targets.get(year=2024)
    assert f'<td class="field-target_column">{target.raw_text}</td>' in text
    assert "column-entered_by" not in text  # lean: fits 1366 px
