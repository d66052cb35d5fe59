"""Evidence on the yearly entry page; closing a year as a checklist with a confirmation
step; the dashboard marks figures not yet approved and can hide them; logging out."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring import closing, workflow
from monitoring.models import Realization, YearEvent
from plans.models import Plan

pytestmark = pytest.mark.django_db

ENTRY = reverse("admin:monitoring_realization_yearly_entry")
YEAR = reverse("admin:monitoring_realization_year")


def mersin() -> Plan:
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def form_data(response):
    form = response.context["form"]
    return {n: ("" if form[n].value() is None else form[n].value()) for n in form.fields}


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------------------- evidence


def test_entry_page_attaches_a_file_and_a_link_per_row(roles, as_user):
    plan = mersin()
    client = as_user(roles["directorate"])
    page = client.get(ENTRY, {"plan": plan.pk, "year": 2024})
    rows = page.context["form"].rows
    with_figure = [r for r in rows if r.current]
    assert with_figure and 'enctype="multipart/form-data"' in page.text
    first, second = with_figure[0].indicator.pk, with_figure[1].indicator.pk
    assert f'name="e_{first}"' in page.text and f'name="u_{first}"' in page.text
    data = form_data(page)
    data[f"e_{first}"] = SimpleUploadedFile(
        "katilim.pdf", b"%PDF-1.4 liste", content_type="application/pdf"
    )
    data[f"u_{second}"] = "drive.example.org/liste"
    response = client.post(f"{ENTRY}?plan={plan.pk}&year=2024", data)
    assert response.status_code == 302, texts(response)
    assert any("2 kanıt eklendi." in t for t in texts(response))
    one = Realization.objects.get(indicator_id=first, year=2024)
    two = Realization.objects.get(indicator_id=second, year=2024)
    assert one.evidence_file.name.endswith("katilim.pdf")
    assert two.evidence_url == "https://drive.example.org/liste"
    again = client.get(ENTRY, {"plan": plan.pk, "year": 2024})
    evidence = reverse("admin:monitoring_realization_evidence", args=[one.pk])
    assert evidence in again.text  # the stored file is shown beside the row


def test_entry_page_refuses_a_wrong_evidence_file_and_saves_nothing(roles, as_user):
    plan = mersin()
    client = as_user(roles["directorate"])
    page = client.get(ENTRY, {"plan": plan.pk, "year": 2024})
    row = next(r for r in page.context["form"].rows if r.current)
    pk = row.indicator.pk
    data = form_data(page)
    data[f"r_{pk}"] = "12345"
    data[f"e_{pk}"] = SimpleUploadedFile("betik.exe", b"MZ", content_type="application/x-exe")
    response = client.post(f"{ENTRY}?plan={plan.pk}&year=2024", data)
    assert response.status_code == 200
    assert "exe" in str(response.context["form"].errors[f"e_{pk}"])
    real = Realization.objects.get(indicator_id=pk, year=2024)
    assert not real.evidence_file and real.raw_text != "12345"


def test_rows_without_a_figure_take_no_evidence(roles, as_user):
    plan = mersin()
    year = workflow.open_year(plan)
    page = as_user(roles["directorate"]).get(ENTRY, {"plan": plan.pk, "year": year})
    rows = page.context["form"].rows
    assert rows and not any(r.current for r in rows)
    assert 'name="e_' not in page.text
    assert "Kanıt eklemek için önce gerçekleşmeyi kaydedin." in page.text


# ---------------------------------------------------------------------------- closing


def test_checklist_lists_what_is_left(roles):
    plan = mersin()
    checks = closing.checklist(plan, 2024)
    assert not checks.clear
    assert len(checks.missing) == 1  # 146 indicators, 145 figures
    assert checks.no_reason  # behind target, no reason written
    assert not checks.not_approved  # the demo's 2024 figures are approved
    one = Realization.objects.for_plan(plan).filter(year=2024).first()
    workflow.return_for_changes([one], user=roles["equality"], comment="Düzeltin")
    assert closing.checklist(plan, 2024).not_approved == [one]


def test_year_page_shows_the_checklist(roles, as_user):
    plan = mersin()
    text = as_user(roles["equality"]).get(YEAR, {"plan": plan.pk, "year": 2024}).text
    assert "Kapatma kontrol listesi" in text
    assert "Girilmemiş gerçekleşmeler: 1" in text
    assert "Onaylanmamış gerçekleşmeler: yok" in text
    assert 'name="override_reason"' in text


def test_closing_with_items_left_needs_a_reason_and_a_confirmation(roles, as_user):
    plan = mersin()
    client = as_user(roles["equality"])
    url = f"{YEAR}?plan={plan.pk}&year=2024"
    response = client.post(url, {"action": "close", "note": ""})
    assert response.status_code == 302 and not workflow.is_closed(plan, 2024)
    assert "kontrol listesinde eksik var" in texts(response)[0]
    # with a reason: a confirmation page first, listing what is left
    confirm = client.post(url, {"action": "close", "override_reason": "Meclis tarihi geldi"})
    assert confirm.status_code == 200 and not workflow.is_closed(plan, 2024)
    assert "Meclis tarihi geldi" in confirm.text and "Girilmemiş gerçekleşmeler: 1" in confirm.text
    # a confirmation without the reason is refused as well
    client.post(url, {"action": "close_confirmed"})
    assert not workflow.is_closed(plan, 2024)
    response = client.post(
        url,
        {"action": "close_confirmed", "override_reason": "Meclis tarihi geldi", "note": "Rapor"},
    )
    assert response.status_code == 302 and workflow.is_closed(plan, 2024)
    event = YearEvent.objects.get(plan=plan, year=2024)
    assert event.note == "Eksiklere rağmen kapatıldı: Meclis tarihi geldi\nRapor"


def test_close_year_with_an_override_closes_over_unapproved_figures(roles):
    plan = mersin()
    one = Realization.objects.for_plan(plan).filter(year=2024).first()
    workflow.return_for_changes([one], user=roles["equality"], comment="Düzeltin")
    with pytest.raises(Exception, match="onaylanmamış 1"):
        workflow.close_year(plan=plan, year=2024, user=roles["equality"])
    workflow.close_year(plan=plan, year=2024, user=roles["equality"], override_reason="Süre doldu")
    assert workflow.is_closed(plan, 2024)


def test_year_page_queries_with_the_checklist_do_not_grow(admin_client_tr):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_plan

    counts = []
    for n in (10, 300):
        plan = make_plan(n, 2)
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client_tr.get(YEAR, {"plan": plan.pk, "year": 2024})
        assert response.context["checklist"].not_approved  # drafts
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------------------- dashboard


def test_dashboard_marks_figures_not_approved_and_can_hide_them(roles, as_user):
    plan = mersin()
    real = Realization.objects.get(
        indicator__activity__theme__plan=plan,
        indicator__activity__code="1.1.1",
        indicator__name="Eğitim sayısı",
        year=2024,
    )
    workflow.return_for_changes([real], user=roles["equality"], comment="Düzeltin")
    client = as_user(roles["manager"])
    table = reverse("monitoring:indicator_table", args=[plan.pk])
    text = client.get(table, {"year": 2024, "q": "Eğitim sayısı"}).text
    assert text.count('class="tag tag-pending"') == 1
    assert "Yalnızca onaylanmış rakamları göster" in text
    hidden = client.get(table, {"year": 2024, "q": "Eğitim sayısı", "onayli": "1"}).text
    assert "tag-pending" not in hidden
    assert "Onay bekleyen rakamları da göster" in hidden
    overview = client.get(reverse("monitoring:overview", args=[plan.pk]), {"onayli": "1"})
    assert "yalnızca onaylanmış gerçekleşmeler gösterilir" in overview.text


def test_dashboard_has_a_logout_button_for_signed_in_users(roles, as_user, client):
    url = reverse("monitoring:plan_list")
    anonymous = client.get(url).text
    assert 'id="logout"' not in anonymous
    signed_in = as_user(roles["manager"])
    text = signed_in.get(url).text
    assert f'method="post" action="{reverse("admin:logout")}"' in text
    response = signed_in.post(reverse("admin:logout"), {"next": url})
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session
