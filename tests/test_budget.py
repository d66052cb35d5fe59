"""The gender budget (issue 15.3): planned and actual lira per activity and year, written
through monitoring.budgets, read back on the budget page, in the report and on the
yearly entry page."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.audit import FigureRefused, YearClosed
from monitoring.budgets import BudgetChange, budgets_apply, parse_tl
from monitoring.excel.report import report_bytes
from monitoring.models import ActivityBudget, FigureChange, ReportingYear
from plans.models import Activity, Plan
from tests.factories import make_plan

pytestmark = pytest.mark.django_db

ENTRY = reverse("admin:monitoring_realization_yearly_entry")


def _mersin() -> Plan:
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def _act(code: str) -> Activity:
    return Activity.objects.get(theme__plan=_mersin(), code=code)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("125.000", Decimal("125000")),
        ("12.500,50 TL", Decimal("12500.50")),
        ("₺3.000", Decimal("3000")),
        ("1.250.000 TL", Decimal("1250000")),
        ("0", Decimal("0")),
        ("", None),
    ],
)
def test_amounts_are_read_the_turkish_way(raw, expected):
    assert parse_tl(raw, label="x")[0] == expected


@pytest.mark.parametrize("raw", ["-5.000", "yaklaşık bin", "12 kadın"])
def test_a_negative_or_a_text_is_refused(raw):
    with pytest.raises(FigureRefused, match="x:"):
        parse_tl(raw, label="x")


def test_the_database_refuses_a_negative_amount_and_a_second_row():
    act = _act("1.1.1")
    ActivityBudget.objects.create(activity=act, year=2024, planned=Decimal(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityBudget.objects.create(activity=act, year=2024, planned=Decimal(6))
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityBudget.objects.create(activity=act, year=2025, actual=Decimal(-1))


@pytest.fixture
def two_budgets():
    """Two activities of two themes and units, entered as a user would type them."""
    a, b = _act("1.1.1"), _act("2.1.1")
    budgets_apply(
        [
            BudgetChange(a.pk, 2024, "125.000", "98.500,50 TL", "PP-01.2"),
            BudgetChange(b.pk, 2024, "1.250.000", "1.000.000", ""),
        ],
        user=None,
        source="deneme",
    )
    return a, b


def test_written_once_audited_and_unchanged_is_untouched(two_budgets):
    a, _b = two_budgets
    stored = ActivityBudget.objects.get(activity=a, year=2024)
    assert (stored.planned, stored.actual, stored.code) == (
        Decimal("125000"),
        Decimal("98500.50"),
        "PP-01.2",
    )
    assert stored.actual_raw == "98.500,50 TL"
    audit = FigureChange.objects.filter(kind=FigureChange.Kind.BUDGET, activity=a).get()
    assert audit.new_text == "planlanan 125000 TL; harcanan 98500.5 TL; kod PP-01.2"
    again = budgets_apply(
        [BudgetChange(a.pk, 2024, "125.000", "98.500,50 TL", "PP-01.2")], user=None, source="x"
    )
    assert again == {"unchanged": 1}
    budgets_apply([BudgetChange(a.pk, 2024, "", "", "")], user=None, source="x")
    assert not ActivityBudget.objects.filter(activity=a).exists()


def test_a_closed_year_and_a_year_outside_the_plan_are_refused(two_budgets):
    a, _b = two_budgets
    ReportingYear.objects.create(plan=_mersin(), year=2024, is_closed=True)
    with pytest.raises(YearClosed):
        budgets_apply([BudgetChange(a.pk, 2024, "1", "", "")], user=None, source="x")
    with pytest.raises(FigureRefused, match="dönemi"):
        budgets_apply([BudgetChange(a.pk, 2030, "1", "", "")], user=None, source="x")
    assert ActivityBudget.objects.get(activity=a, year=2024).planned == Decimal("125000")


def test_who_may_write_a_budget(roles):
    other = _act("1.1.1")  # Kadın ve Aile Hizmetleri, not Ulaşım
    with pytest.raises(FigureRefused, match="biriminizin"):
        budgets_apply(
            [BudgetChange(other.pk, 2024, "1", "", "")], user=roles["directorate"], source="x"
        )
    with pytest.raises(PermissionDenied):
        budgets_apply(
            [BudgetChange(other.pk, 2024, "1", "", "")], user=roles["manager"], source="x"
        )
    with pytest.raises(FigureRefused, match="belediyenizin"):
        budgets_apply(
            [BudgetChange(other.pk, 2024, "1", "", "")], user=roles["other_equality"], source="x"
        )
    budgets_apply([BudgetChange(other.pk, 2024, "1", "", "")], user=roles["equality"], source="x")
    assert ActivityBudget.objects.get(activity=other).updated_by == roles["equality"]


def test_the_budget_page_sums_per_theme_unit_and_year(two_budgets, client):
    html = client.get(reverse("monitoring:budget", args=[_mersin().pk]), {"year": 2024}).text
    assert re.search(r'id="fig-planned">1\.375\.000 TL<', html)
    assert re.search(r'id="fig-actual">1\.098\.500,50 TL<', html)
    assert re.search(r'id="fig-spent">%79,9<', html)
    row = re.search(r'<tr data-activity="1.1.1">(.*?)</tr>', html, re.S).group(1)
    assert "PP-01.2" in row and "125.000 TL" in row and "98.500,50 TL" in row and "%78,8" in row
    assert "1. EĞİTİM VE FARKINDALIK" in html and "Kadın ve Aile Hizmetleri" in html
    theme = _act("1.1.1").theme
    assert f"?year=2024&amp;theme={theme.pk}" in html  # traceable to the indicators
    # a year with no budget shows "–", never "0 TL"
    assert not re.search(r">0 TL<", html)


def test_budget_page_queries_do_not_grow(django_assert_num_queries, client):
    counts = []
    for n in (10, 200):
        plan = make_plan(n, 1)
        Plan.objects.filter(pk=plan.pk).update(is_public=True)
        budgets_apply(
            [
                BudgetChange(a.pk, 2024, str(i + 1), "", "")
                for i, a in enumerate(Activity.objects.filter(theme__plan=plan))
            ],
            user=None,
            source="x",
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            Client().get(reverse("monitoring:budget", args=[plan.pk]), {"year": 2024})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_report_has_the_budget_sheet(two_budgets):
    wb = load_workbook(io.BytesIO(report_bytes(_mersin(), 2024)))
    assert wb.sheetnames == ["2024 Gerçekleşme", "2024 Kime Ulaşıldı", "2024 Bütçe"]
    rows = list(wb["2024 Bütçe"].iter_rows(values_only=True))
    year_row = next(r for r in rows if r[0] == "2024")
    assert year_row[1:5] == (1375000, 1098500.5, pytest.approx(0.799), 2)
    act_row = next(r for r in rows if (r[0] or "").startswith("1.1.1 "))
    assert act_row[1:4] == ("PP-01.2", 125000, 98500.5)
    assert next(r for r in rows if r[0] == "2025")[1] is None  # no budget: empty, not 0


def test_a_plan_without_budget_has_no_budget_sheet():
    wb = load_workbook(io.BytesIO(report_bytes(make_plan(2), 2024)))
    assert "2024 Bütçe" not in wb.sheetnames


def test_the_entry_page_shows_and_saves_the_budget(two_budgets, admin_client_tr):
    a, b = two_budgets
    plan = _mersin()
    response = admin_client_tr.get(ENTRY, {"plan": plan.pk, "year": 2024})
    form = response.context["form"]
    assert form[f"bp_{a.pk}"].value() == "125.000"
    assert form[f"ba_{a.pk}"].value() == "98.500,50 TL"
    assert form[f"bc_{a.pk}"].value() == "PP-01.2"
    assert f'id="budget-{a.pk}"' in response.text
    data = {n: ("" if form[n].value() is None else form[n].value()) for n in form.fields}
    data[f"ba_{b.pk}"] = "1.100.000"
    response = admin_client_tr.post(f"{ENTRY}?plan={plan.pk}&year=2024", data)
    assert response.status_code == 302
    assert ActivityBudget.objects.get(activity=b, year=2024).actual == Decimal("1100000")
    assert "1 faaliyetin bütçesi kaydedildi" in admin_client_tr.get(response.url).text


def test_the_entry_page_refuses_a_bad_amount_beside_the_field(two_budgets, admin_client_tr):
    a, _b = two_budgets
    plan = _mersin()
    form = admin_client_tr.get(ENTRY, {"plan": plan.pk, "year": 2024}).context["form"]
    data = {n: ("" if form[n].value() is None else form[n].value()) for n in form.fields}
    data[f"bp_{a.pk}"] = "-10"
    response = admin_client_tr.post(f"{ENTRY}?plan={plan.pk}&year=2024", data)
    assert response.status_code == 200
    assert "tutar eksi olamaz" in response.text
    assert ActivityBudget.objects.get(activity=a, year=2024).planned == Decimal("125000")


def test_the_admin_inline_saves_through_the_writer(admin_client_tr):
    act = _act("1.1.4")
    url = reverse("admin:plans_activity_change", args=[act.pk])
    page = admin_client_tr.get(url)
    assert page.status_code == 200
    data = _inline_post(page)
    prefix = "budgets"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-year": "2024",
            f"{prefix}-0-planned_text": "40.000",
            f"{prefix}-0-actual_text": "12.000,25",
            f"{prefix}-0-code": "KAH-3",
            f"{prefix}-0-activity": str(act.pk),
        }
    )
    response = admin_client_tr.post(url, data)
    assert response.status_code == 302, _errors(response)
    stored = ActivityBudget.objects.get(activity=act, year=2024)
    assert (stored.planned, stored.actual, stored.code) == (
        Decimal("40000"),
        Decimal("12000.25"),
        "KAH-3",
    )
    assert FigureChange.objects.filter(kind="budget", activity=act, source="yönetim").exists()
    data[f"{prefix}-0-actual_text"] = "-3"
    response = admin_client_tr.post(url, data)
    assert response.status_code == 200 and "tutar eksi olamaz" in response.text


def _inline_post(page) -> dict:
    """Every field of the change form as the browser would send it."""
    data = {}
    for form in [page.context["adminform"].form]:
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, list):
                data[name] = [str(v) for v in value]
            elif value is not None:
                data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data[f"{fs.prefix}-TOTAL_FORMS"] = str(len(fs.forms))
        data[f"{fs.prefix}-INITIAL_FORMS"] = str(fs.initial_form_count())
        data[f"{fs.prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{fs.prefix}-MAX_NUM_FORMS"] = "1000"
        for form in fs.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None and value is not False:
                    data[form.add_prefix(name)] = value
    return data


def _errors(response) -> str:
    ctx = response.context or {}
    errs = [str(ctx["adminform"].form.errors)] if "adminform" in ctx else []
    for fs in ctx.get("inline_admin_formsets", []):
        errs.append(str(fs.formset.errors) + str(fs.formset.non_form_errors()))
    return " ".join(errs)


# ---------------------------------------------------------------- the plan import's "Bütçe"


def _plan_table(budget_header="Bütçe (TL)", cells=("125.000", "1.250.000 TL")):
    from tests.excel_helpers import xlsx

    return xlsx(
        [
            [
                "Faaliyet",
                "Gösterge",
                "Sorumlu birim",
                "2024",
                "2025",
                budget_header,
                "Harcanan bütçe",
                "Bütçe kodu",
            ],
            [
                "1.1.1 Kadın kooperatifleri eğitimi",
                "Eğitim alan kadın sayısı",
                "Kadın Müdürlüğü",
                "50",
                "60",
                cells[0],
                "100.000",
                "PP-7",
            ],
            [
                "1.1.2 Kreş",
                "Yararlanan çocuk sayısı",
                "Kadın Müdürlüğü",
                "20",
                "25",
                cells[1],
                "",
                "",
            ],
        ]
    )


def test_the_plan_import_reads_a_budget_column():
    from monitoring.excel.plan_table import import_plan

    result = import_plan(source=_plan_table(), municipality_name="Bütçe Deneme Belediyesi")
    budgets = {
        b.activity.code: b
        for b in ActivityBudget.objects.filter(activity__theme__plan=result.plan).select_related(
            "activity"
        )
    }
    assert (budgets["1.1.1"].year, budgets["1.1.1"].planned, budgets["1.1.1"].actual) == (
        2024,
        Decimal("125000"),
        Decimal("100000"),
    )
    assert budgets["1.1.1"].code == "PP-7"
    assert budgets["1.1.2"].planned == Decimal("1250000")
    assert any("bütçe sütununda yıl yok" in w for w in result.warnings)
    # the import counts people too: "Eğitim alan kadın sayısı" counts women
    ind = result.plan.themes.get().activities.get(code="1.1.1").indicators.get()
    assert (ind.counts_people, ind.people_group.code) == (True, "kadin")


def test_a_budget_column_with_a_year():
    from monitoring.excel.plan_table import import_plan

    result = import_plan(
        source=_plan_table("2025 Bütçe"), municipality_name="Bütçe Yıllı Belediyesi"
    )
    years = set(
        ActivityBudget.objects.filter(
            activity__theme__plan=result.plan, planned__isnull=False
        ).values_list("year", flat=True)
    )
    assert years == {2025}


def test_a_bad_amount_in_the_budget_column_stores_nothing():
    from monitoring.excel.issues import WorkbookError
    from monitoring.excel.plan_table import import_plan

    before = Plan.objects.count()
    with pytest.raises(WorkbookError, match=r"3\. satır.*“bilinmiyor” bir tutar değil"):
        import_plan(
            source=_plan_table(cells=("125.000", "bilinmiyor")),
            municipality_name="Bütçe Hatalı Belediyesi",
        )
    assert Plan.objects.count() == before
