"""The yearly workflow: draft > submitted > approved or returned; closing a year;
the audit trail; two people editing the same figure."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from monitoring import workflow
from monitoring.models import FigureChange, Realization, YearEvent
from plans.models import Indicator, Plan

pytestmark = pytest.mark.django_db

ENTRY = reverse("admin:monitoring_realization_yearly_entry")
YEAR = reverse("admin:monitoring_realization_year")


def mersin():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def form_data(response):
    form = response.context["form"]
    return {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields
    }


def indicator(code, name=""):
    return Indicator.objects.get(
        activity__theme__plan=mersin(), activity__code=code, name__startswith=name
    )


def test_submit_needs_a_reason_below_target_then_approve(roles):
    eq = roles["equality"]
    behind = Realization.objects.get(indicator=indicator("3.1.6", "Bütçe"), year=2024)
    behind.status = Realization.Status.DRAFT
    behind.save()
    with pytest.raises(ValidationError, match="sapma nedeni"):
        workflow.submit([behind], user=roles["directorate"])
    behind.deviation_reason = "Ekip kuruldu, üyeler sonra atandı"
    behind.save()
    assert workflow.submit([behind], user=eq) == 1
    behind.refresh_from_db()
    assert behind.status == Realization.Status.SUBMITTED
    assert workflow.approve([behind], user=eq) == 1
    behind.refresh_from_db()
    assert (behind.status, behind.reviewed_by) == (Realization.Status.APPROVED, eq)
    log = (
        FigureChange.objects.filter(indicator=behind.indicator)
        .exclude(source="demo")
        .order_by("at", "pk")
    )
    assert [(c.old_status, c.new_status) for c in log] == [
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]


def test_return_with_a_comment(roles):
    real = Realization.objects.get(indicator=indicator("1.1.1"), year=2024)
    real.status = Realization.Status.SUBMITTED
    real.save()
    with pytest.raises(ValidationError):
        workflow.return_for_changes([real], user=roles["equality"], comment=" ")
    workflow.return_for_changes([real], user=roles["equality"], comment="Katılım listesi?")
    real.refresh_from_db()
    assert (real.status, real.return_comment) == ("returned", "Katılım listesi?")


def test_directorate_cannot_approve(roles):
    from django.core.exceptions import PermissionDenied

    real = Realization.objects.get(indicator=indicator("1.1.1"), year=2024)
    with pytest.raises(PermissionDenied):
        workflow.approve([real], user=roles["directorate"])


def test_closing_needs_every_figure_approved_and_then_nothing_changes(roles, as_user):
    plan = mersin()
    eq = roles["equality"]
    Realization.objects.for_plan(plan).filter(year=2024).update(status="submitted")
    with pytest.raises(ValidationError, match="onaylanmamış 145"):
        workflow.close_year(plan=plan, year=2024, user=eq)
    Realization.objects.for_plan(plan).filter(year=2024).update(status="approved")
    client = as_user(eq)
    Realization.objects.for_plan(plan).filter(year=2024).update(deviation_reason="Nedeni")
    missing = Indicator.objects.filter(activity__theme__plan=plan).exclude(realizations__year=2024)
    Indicator.objects.filter(pk__in=missing.values("pk")).delete()  # nothing left to enter
    url = f"{YEAR}?plan={plan.pk}&year=2024"
    confirm = client.post(url, {"action": "close", "note": "Meclise sunuldu"})
    assert confirm.status_code == 200 and "Evet, 2024 yılını kapat" in confirm.text
    assert not workflow.is_closed(plan, 2024)  # a confirmation step first
    response = client.post(url, {"action": "close_confirmed", "note": "Meclise sunuldu"})
    assert response.status_code == 302
    assert workflow.is_closed(plan, 2024)
    event = YearEvent.objects.get(plan=plan, year=2024)
    assert (event.action, event.user, event.note) == ("closed", eq, "Meclise sunuldu")
    # the database itself refuses a change
    real = Realization.objects.for_plan(plan).filter(year=2024).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Realization.objects.filter(pk=real.pk).update(raw_text="1", value=1)
    # the entry page refuses and says so
    page = client.get(ENTRY, {"plan": plan.pk, "year": 2024})
    assert "kapatıldı" in page.text
    response = client.post(f"{ENTRY}?plan={plan.pk}&year=2024", form_data(page))
    assert "kapatılmış" in response.text
    # reopening needs a reason and is recorded
    client.post(f"{YEAR}?plan={plan.pk}&year=2024", {"action": "reopen", "note": ""})
    assert workflow.is_closed(plan, 2024)
    client.post(
        f"{YEAR}?plan={plan.pk}&year=2024", {"action": "reopen", "note": "Düzeltme gerekti"}
    )
    assert not workflow.is_closed(plan, 2024)
    assert YearEvent.objects.filter(plan=plan, year=2024).count() == 2


def test_entry_page_change_is_audited(admin_client_tr, superuser):
    plan = mersin()
    ind = indicator("1.1.1")
    data = form_data(admin_client_tr.get(ENTRY, {"plan": plan.pk, "year": 2024}))
    data[f"r_{ind.pk}"] = "27"
    data[f"d_{ind.pk}"] = ""
    admin_client_tr.post(f"{ENTRY}?plan={plan.pk}&year=2024", data)
    change = FigureChange.objects.exclude(source="demo").get(indicator=ind)
    assert (change.old_text, change.new_text, change.user) == ("26", "27", superuser)
    assert change.source == "yıllık giriş"
    log = admin_client_tr.get(reverse("admin:monitoring_figurechange_changelist"))
    assert "yıllık giriş" in log.text


def test_second_editor_is_told_and_nothing_is_lost(admin_client_tr, roles, as_user):
    plan = mersin()
    ind = indicator("1.1.1")
    page = admin_client_tr.get(ENTRY, {"plan": plan.pk, "year": 2024})
    first = form_data(page)  # the first person opens the page...
    # ...meanwhile the equality unit changes the same figure
    other = as_user(roles["equality"])
    second = form_data(other.get(ENTRY, {"plan": plan.pk, "year": 2024}))
    second[f"r_{ind.pk}"] = "30"
    assert other.post(f"{ENTRY}?plan={plan.pk}&year=2024", second).status_code == 302
    admin_client_tr.force_login(type(roles["equality"]).objects.get(username="admin"))
    first[f"r_{ind.pk}"] = "28"
    response = admin_client_tr.post(f"{ENTRY}?plan={plan.pk}&year=2024", first)
    assert response.status_code == 200
    assert "değiştirdi (şimdi: 30)" in response.text
    assert Realization.objects.get(indicator=ind, year=2024).raw_text == "30"


def test_admin_form_conflict(admin_client_tr):
    real = Realization.objects.get(indicator=indicator("1.1.1"), year=2024)
    url = reverse("admin:monitoring_realization_change", args=[real.pk])
    page = admin_client_tr.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["indicator"] = real.indicator_id
    Realization.objects.filter(pk=real.pk).update(version=real.version + 1, raw_text="31")
    data["raw_text"] = "29"
    response = admin_client_tr.post(url, data)
    assert response.status_code == 200
    assert "başka biri tarafından değiştirildi" in response.text
    assert Realization.objects.get(pk=real.pk).raw_text == "31"


def test_send_reminders_command(mailoutbox):
    from django.core.management import call_command

    plan = mersin()
    plan.municipality.units.update(contact_emails="birim@mersin.example.org")
    call_command("send_reminders", "--plan", plan.pk, "--year", 2025)
    assert mailoutbox
    message = mailoutbox[0]
    assert "2025 gerçekleşmeleri" in message.subject
    assert "1.1.1 Eğitim sayısı" in "".join(m.body for m in mailoutbox)


def test_year_page_lists_who_has_not_reported(admin_client_tr):
    plan = mersin()
    response = admin_client_tr.get(YEAR, {"plan": plan.pk, "year": 2024})
    debts = response.context["debts"]
    assert sum(len(d.missing) for d in debts) >= 1  # 2.1.3's second indicator is blank
    assert "Birimlere göre girilmemiş göstergeler" in response.text


def test_target_edits_in_the_admin_are_audited(admin_client_tr, superuser):
    target = indicator("1.1.4", "TCE").targets.get(year=2025)
    url = reverse("admin:plans_target_change", args=[target.pk])
    response = admin_client_tr.post(
        url,
        {
            "indicator": target.indicator_id,
            "activity": "",
            "year": 2025,
            "group": "",
            "raw_text": "%8,5",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert (str(target.value), target.state) == ("8.5000", "value")
    change = FigureChange.objects.exclude(source="demo").get(
        kind="target", indicator=target.indicator
    )
    assert (change.old_text, change.new_text, change.user) == ("477", "%8,5", superuser)


def test_year_page_and_report_queries_do_not_grow_with_the_plan(admin_client_tr):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from monitoring.excel.report import report_bytes

    from .factories import make_plan

    counts = []
    for n in (10, 300):
        plan = make_plan(n, 2)
        with CaptureQueriesContext(connection) as page:
            response = admin_client_tr.get(YEAR, {"plan": plan.pk, "year": 2024})
        assert response.status_code == 200
        with CaptureQueriesContext(connection) as report:
            report_bytes(plan, 2024)
        counts.append((len(page.captured_queries), len(report.captured_queries)))
    assert counts[0] == counts[1]
