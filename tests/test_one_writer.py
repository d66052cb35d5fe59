"""One writer per kind of figure: every path that writes a target or a realization goes
through monitoring.targets / monitoring.realizations, so each path gives the same audit
row, the same closed-year refusal (a message, never a 500, nothing changed) and the
same directorate scope."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tablib
from django.db import connection
from django.urls import reverse

from monitoring import workflow
from monitoring.excel.realization_form import import_realizations
from monitoring.excel.report import report_bytes
from monitoring.models import FigureChange, Realization, ReportingYear
from monitoring.resources import RealizationResource
from plans.models import DataVersion, Indicator, Plan, Target

ROOT = Path(__file__).resolve().parent.parent
ENTRY = reverse("admin:monitoring_realization_yearly_entry")


def mersin() -> Plan:
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def ind(code: str) -> Indicator:
    return Indicator.objects.filter(activity__theme__plan=mersin(), activity__code=code).first()


def fingerprint() -> list:
    """Every stored figure of the Mersin plan, to prove a refusal changed nothing."""
    plan = mersin()
    reals = Realization.objects.for_plan(plan).values_list("pk", "raw_text", "status", "version")
    targets = Target.objects.filter(indicator__activity__theme__plan=plan).values_list(
        "pk", "raw_text"
    )
    return [sorted(reals), sorted(targets), FigureChange.objects.count()]


def close_2024(user):
    ReportingYear.objects.create(plan=mersin(), year=2024, is_closed=True, changed_by=user)


def form_data(response):
    form = response.context["form"]
    return {n: ("" if form[n].value() is None else form[n].value()) for n in form.fields}


# ------------------------------------------------------------------ the entry points
# Each takes (client, user, realization of 1.1.1 in 2024, new text) and writes through
# one path; returns the response (or None for a service call).


def via_admin_form(client, user, real, text):
    url = reverse("admin:monitoring_realization_change", args=[real.pk])
    form = client.get(url).context["adminform"].form
    data = {n: form[n].value() or "" for n in form.fields}
    data.update(indicator=real.indicator_id, raw_text=text, deviation_reason="neden")
    return client.post(url, data)


def via_inline(client, user, real, text):
    url = reverse("admin:plans_indicator_change", args=[real.indicator_id])
    page = client.get(url)
    data = {}
    for fs in page.context["inline_admin_formsets"]:
        formset = fs.formset
        data.update(
            formset.management_form.initial
            and {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                data[form.add_prefix(name)] = "" if value is None else value
            if formset.model is Realization and form.instance.pk == real.pk:
                data[form.add_prefix("raw_text")] = text
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    return client.post(url, data)


def via_entry_page(client, user, real, text):
    query = {"plan": mersin().pk, "year": real.year}
    data = form_data(client.get(ENTRY, query))
    data[f"r_{real.indicator_id}"] = text
    data[f"d_{real.indicator_id}"] = "neden"
    return client.post(f"{ENTRY}?plan={query['plan']}&year={real.year}", data)


def via_excel_form(client, user, real, text):
    try:
        return import_realizations(
            source=_form_with(real, text), year=real.year, plan=mersin(), user=user
        )
    except Exception as exc:  # the product's own refusal: a WorkbookError
        return exc


def _form_with(real, text) -> bytes:
    """The exported report with one realization cell changed (found by its key)."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(report_bytes(mersin(), real.year)))
    for ws in wb.worksheets:
        header = None
        for row in ws.iter_rows():
            values = [c.value for c in row]
            if "yeep:gösterge" in values:
                header = {v: i for i, v in enumerate(values) if isinstance(v, str)}
                continue
            if header and values[header["yeep:gösterge"]] == real.indicator_id:
                col = next(i for v, i in header.items() if "Gerçekleşme" in v)
                row[col].value = text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def via_flat_import(client, user, real, text):
    data = tablib.Dataset(headers=["plan", "gösterge no", "yıl", "grup", "gerçekleşme"])
    data.append([mersin().pk, real.indicator_id, real.year, "", text])
    return RealizationResource(user=user).import_data(data, dry_run=False)


def via_workflow(client, user, real, text):
    real.refresh_from_db()
    try:
        return workflow.return_for_changes([real], user=user, comment=text)
    except Exception as exc:
        return exc


def via_single_delete(client, user, real, text):
    url = reverse("admin:monitoring_realization_delete", args=[real.pk])
    return client.post(url, {"post": "yes"})


def via_bulk_delete(client, user, real, text):
    url = reverse("admin:monitoring_realization_changelist")
    return client.post(
        url, {"action": "delete_selected", "_selected_action": [real.pk], "post": "yes"}
    )


CHANGES = [via_admin_form, via_inline, via_entry_page, via_excel_form, via_flat_import]
DELETES = [via_single_delete, via_bulk_delete]


@pytest.fixture
def real(db):
    r = Realization.objects.get(indicator=ind("1.1.1"), year=2024)
    return r


@pytest.mark.parametrize("path", CHANGES, ids=lambda f: f.__name__)
def test_each_change_path_is_audited(admin_client_tr, superuser, real, path):
    response = path(admin_client_tr, superuser, real, "55")
    assert getattr(response, "status_code", 302) in (200, 302)
    stored = Realization.objects.get(indicator=real.indicator, year=2024)
    assert stored.raw_text == "55", getattr(response, "context", None)
    audit = FigureChange.objects.exclude(source="demo").get(indicator=real.indicator)
    assert (audit.old_text, audit.new_text, audit.user) == ("26", "55", superuser)
    assert (audit.plan_title, audit.activity_code) == (mersin().title, "1.1.1")
    assert audit.indicator_name == real.indicator.name and audit.year == 2024


@pytest.mark.parametrize("path", CHANGES + DELETES + [via_workflow], ids=lambda f: f.__name__)
def test_each_path_refuses_a_closed_year(admin_client_tr, superuser, real, path):
    close_2024(superuser)
    before = fingerprint()
    response = path(admin_client_tr, superuser, real, "77")
    assert getattr(response, "status_code", 200) in (200, 302)
    assert fingerprint() == before
    text = response.content.decode() if hasattr(response, "content") else str(response)
    if hasattr(response, "status_code") and response.status_code == 302:
        text = admin_client_tr.get(response.url).content.decode()
    if hasattr(response, "base_errors"):
        text = " ".join(str(e.error) for e in response.base_errors)
    assert "kapatılmış" in text


@pytest.mark.parametrize("path", DELETES, ids=lambda f: f.__name__)
def test_deleting_a_figure_is_audited(admin_client_tr, superuser, real, path):
    path(admin_client_tr, superuser, real, "")
    assert not Realization.objects.filter(indicator=real.indicator, year=2024).exists()
    audit = FigureChange.objects.exclude(source="demo").get(indicator=real.indicator)
    assert (audit.old_text, audit.new_text, audit.source) == ("26", "", "yönetim: silindi")


@pytest.mark.parametrize("path", [via_admin_form, via_entry_page, via_flat_import])
def test_a_directorate_change_sends_an_approved_figure_back_to_draft(roles, as_user, path):
    user = roles["directorate"]
    figure = Realization.objects.filter(
        indicator__activity__responsible_units__name="Ulaşım Dairesi Başkanlığı",
        indicator__activity__theme__plan=mersin(),
        year=2024,
        state="value",
        group__isnull=True,
    ).first()
    assert figure.status == Realization.Status.APPROVED
    path(as_user(user), user, figure, "5555")
    figure = Realization.objects.get(indicator=figure.indicator, year=2024)
    assert (figure.raw_text, figure.status) == ("5555", Realization.Status.DRAFT)


def test_a_directorate_is_refused_another_units_figure(roles, real):
    before = fingerprint()
    result = via_flat_import(None, roles["directorate"], real, "9")
    assert fingerprint() == before
    assert any("biriminizin" in str(e.error) for e in result.base_errors)


def test_a_multi_group_target_cell_is_one_line_and_never_sums(admin_client_tr):
    """Büyükçekmece gives targets per activity: "40 kız çocuğu 40 kız oğlan çocuğu"."""
    from django.db.models import Count

    cell = (
        Target.objects.filter(activity__isnull=False, group__isnull=False)
        .values("activity", "year")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("activity", "year")
        .first()
    )
    target = Target.objects.filter(activity_id=cell["activity"], year=cell["year"]).first()
    activity = target.activity
    url = reverse("admin:plans_activity_change", args=[activity.pk])
    page = admin_client_tr.get(url)
    assert "gruplara ayrılışı" in page.content.decode().casefold()
    cells = Target.objects.filter(activity=activity, year=target.year)
    assert cells.count() >= 2
    from monitoring.targets import TargetChange, targets_apply

    targets_apply(
        [
            TargetChange(
                year=target.year, raw="40 kız çocuğu 40 oğlan çocuğu", activity_id=activity.pk
            )
        ],
        user=None,
        source="test",
    )
    rows = list(Target.objects.filter(activity=activity, year=target.year))
    assert sorted(str(t.value) for t in rows) == ["40.0000", "40.0000"]
    assert {t.raw_text for t in rows} == {"40 kız çocuğu 40 oğlan çocuğu"}


def test_closed_targets_and_the_plan_period_are_refused_by_the_database(superuser):
    from django.db import IntegrityError, transaction

    close_2024(superuser)
    plan = mersin()
    for write in (
        lambda: Target.objects.filter(indicator__activity__theme__plan=plan, year=2024).update(
            raw_text="x"
        ),
        lambda: Target.objects.filter(indicator__activity__theme__plan=plan, year=2024).delete(),
        lambda: Plan.objects.filter(pk=plan.pk).update(first_year=2025),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            write()


def test_deleting_an_indicator_keeps_its_history(admin_client_tr, real):
    indicator = real.indicator
    name = indicator.name
    url = reverse("admin:plans_indicator_delete", args=[indicator.pk])
    admin_client_tr.post(url, {"post": "yes"})
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    rows = FigureChange.objects.filter(indicator_name=name, activity_code="1.1.1")
    assert rows.filter(source="yönetim: silindi").exists()
    assert all(r.indicator_id is None for r in rows)


def test_a_shell_update_gives_the_dashboard_a_new_version(real):
    before = DataVersion.of(mersin().pk)
    Realization.objects.filter(pk=real.pk).update(raw_text="99")
    after_update = DataVersion.of(mersin().pk)
    with connection.cursor() as c:
        c.execute("UPDATE monitoring_realization SET note = 'x' WHERE id = %s", [real.pk])
    assert before < after_update < DataVersion.of(mersin().pk)


# the writers are the only code that writes figures or their audit
WRITERS = {"monitoring/targets.py", "monitoring/realizations.py", "monitoring/audit.py"}
WRITE = re.compile(
    r"\b(Target|Realization|FigureChange)\.objects\b[^\n]*\.(update|delete|bulk_create|"
    r"bulk_update|create|get_or_create|update_or_create)\(|"
    r"insert_rows\((Target|Realization|FigureChange)\b"
)


def test_nothing_else_writes_figures(db):
    offenders = []
    for path in [
        *ROOT.glob("plans/**/*.py"),
        *ROOT.glob("monitoring/**/*.py"),
        *ROOT.glob("fixtures/**/*.py"),
    ]:
        rel = path.relative_to(ROOT).as_posix()
        if rel in WRITERS or "/migrations/" in rel:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITE.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, offenders


def test_the_equality_unit_still_reads_the_history_of_a_deleted_indicator(roles, as_user, real):
    client = as_user(roles["equality"])
    name = real.indicator.name
    from monitoring.realizations import realizations_delete

    realizations_delete([real], user=roles["equality"], source="yönetim: silindi")
    Indicator.objects.filter(pk=real.indicator_id).delete()
    page = client.get(reverse("admin:monitoring_figurechange_changelist"), {"q": ""})
    assert page.status_code == 200
    rows = page.context["cl"].result_list
    assert any(r.indicator_name == name and r.indicator_id is None for r in rows)
