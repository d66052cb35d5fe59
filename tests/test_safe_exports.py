"""No download holds a live formula: texts typed as formulas come back as text, numbers as
numbers and a dash as a dash (monitoring/excel/exports.py)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.excel.exports import is_formula_like
from monitoring.models import Realization
from plans.models import FigureState

from .factories import (
    ActivityFactory,
    IndicatorFactory,
    MunicipalityFactory,
    PlanFactory,
    RealizationFactory,
    TargetFactory,
    ThemeFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

IMPORTXML = '=IMPORTXML("http://x","//a")'
# a cell a spreadsheet would run; a lone "-" and plain numbers are not formulas
LIVE = re.compile(r"^[=+\-@\t\r]")
HARMLESS = re.compile(r"^(-|[+-]?\d+(?:[.,]\d+)*%?)$")


@pytest.fixture
def hostile(db):
    """A plan whose texts were typed as formulas, with a negative baseline and a dash."""
    municipality = MunicipalityFactory(name="Formül Belediyesi", slug="formul")
    plan = PlanFactory(municipality=municipality, is_public=True)
    unit = UnitFactory(municipality=municipality, name="@SUM(9)")
    activity = ActivityFactory(theme=ThemeFactory(plan=plan), code="1.1.1", title="+SUM(1,2)")
    activity.responsible_units.add(unit)
    formula = IndicatorFactory(
        activity=activity,
        name="=1+2",
        unit_of_measure="-",
        baseline_value=Decimal(-5),
        baseline_raw="-5",
    )
    TargetFactory(indicator=formula, year=2024, value=Decimal(10), raw_text="10")
    RealizationFactory(
        indicator=formula,
        year=2024,
        value=Decimal(3),
        raw_text="3",
        deviation_reason=IMPORTXML,
        note="\tyalnızca metin",
        status=Realization.Status.APPROVED,
    )
    dash = IndicatorFactory(activity=activity, name="Uygulanmayan gösterge", unit_of_measure="kişi")
    TargetFactory(
        indicator=dash, year=2024, value=None, raw_text="-", state=FigureState.NOT_APPLICABLE
    )
    RealizationFactory(
        indicator=dash, year=2024, value=Decimal(-5), raw_text="-5", deviation_reason="-"
    )
    return plan


def assert_no_live_csv_cell(rows):
    for row in rows:
        for value in row:
            assert not LIVE.match(value) or HARMLESS.match(value), value


def assert_no_formula_cell(ws):
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)


def text_cell(cell, expected):
    """A string cell holding the text as typed (with the quote prefix: it stays text when
    edited in Excel)."""
    assert (cell.data_type, cell.value) == ("s", expected)
    assert cell.quotePrefix


# ------------------------------------------------------------------ dashboard downloads


def dashboard_download(client, plan, kind):
    url = reverse("monitoring:indicator_table", args=[plan.pk])
    response = client.get(url, {"year": 2024, "export": kind})
    assert response.status_code == 200
    return response


def test_dashboard_csv_quotes_formulas_and_keeps_numbers_and_dashes(admin_client_tr, hostile):
    body = dashboard_download(admin_client_tr, hostile, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header, lines = rows[0], rows[1:]
    records = {r[header.index("Gösterge")]: dict(zip(header, r, strict=True)) for r in lines}
    assert set(records) == {"'=1+2", "Uygulanmayan gösterge"}
    formula = records["'=1+2"]
    assert formula["Faaliyet"] == "'+SUM(1,2)"
    assert formula["Sorumlu birim"] == "'@SUM(9)"
    assert formula["Sapma nedeni"] == "'" + IMPORTXML
    assert formula["Açıklama"] == "'\tyalnızca metin"
    assert formula["Ölçü birimi"] == "-"
    assert formula["Mevcut"] == "-5.0"
    assert formula["2024 hedefi"] == "10.0"
    dash = records["Uygulanmayan gösterge"]
    assert dash["2024 hedefi (metin)"] == "-"
    assert dash["2024 gerçekleşme"] == "-5.0"
    assert dash["2024 gerçekleşme (metin)"] == "-5"
    assert dash["Sapma nedeni"] == "-"
    assert_no_live_csv_cell(rows)


def test_dashboard_xlsx_writes_formulas_as_text_and_numbers_as_numbers(admin_client_tr, hostile):
    response = dashboard_download(admin_client_tr, hostile, "xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    rows = {r[header.index("Gösterge")].value: dict(zip(header, r, strict=True)) for r in ws[2:3]}
    assert set(rows) == {"=1+2", "Uygulanmayan gösterge"}
    formula = rows["=1+2"]
    text_cell(formula["Gösterge"], "=1+2")
    text_cell(formula["Faaliyet"], "+SUM(1,2)")
    text_cell(formula["Sorumlu birim"], "@SUM(9)")
    text_cell(formula["Sapma nedeni"], IMPORTXML)
    text_cell(formula["Açıklama"], "\tyalnızca metin")
    assert (formula["Ölçü birimi"].data_type, formula["Ölçü birimi"].value) == ("s", "-")
    assert (formula["Mevcut"].data_type, formula["Mevcut"].value) == ("n", -5)
    assert (formula["2024 hedefi"].data_type, formula["2024 hedefi"].value) == ("n", 10)
    dash = rows["Uygulanmayan gösterge"]
    assert dash["2024 hedefi (metin)"].value == "-"
    assert (dash["2024 gerçekleşme"].data_type, dash["2024 gerçekleşme"].value) == ("n", -5)
    assert_no_formula_cell(ws)


# ------------------------------------------------------- django-import-export flat tables


def flat_export(client, model: str, kind: str):
    """Download a flat table from the admin's export page, every column chosen."""
    app = "monitoring" if model == "realization" else "plans"
    url = reverse(f"admin:{app}_{model}_export")
    form = client.get(url).context["form"]
    data = {"format": next(v for v, label in form.fields["format"].choices if label == kind)}
    if "resource" in form.fields:
        data["resource"] = form.fields["resource"].choices[0][0]
    data.update(
        {name: "on" for name, f in form.fields.items() if f.__class__.__name__ == "BooleanField"}
    )
    response = client.post(url, data)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return response.content


# (model, column, what was typed) and, for the xlsx, a column that must stay a number
FLAT = {
    "unit": ([("birim", "@SUM(9)")], None),
    "indicator": ([("gösterge", "=1+2")], "faaliyet no"),
    "realization": ([("gösterge", "=1+2"), ("sapma nedeni", IMPORTXML)], "yıl"),
}


@pytest.mark.parametrize("model", FLAT)
def test_flat_table_csv_quotes_formulas(admin_client_tr, hostile, model):
    body = flat_export(admin_client_tr, model, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header = rows[0]
    typed, _number = FLAT[model]
    column, text = typed[0]
    ours = [
        dict(zip(header, r, strict=True)) for r in rows[1:] if r[header.index(column)] == "'" + text
    ]
    assert len(ours) == 1, [r for r in rows if "SUM" in ",".join(r) or "=1" in ",".join(r)]
    for column, text in typed:
        assert ours[0][column] == "'" + text
    if model == "indicator":
        assert (ours[0]["ölçü birimi"], ours[0]["mevcut"]) == ("-", "-5")
    if model == "realization":
        dash = next(r for r in rows if r[header.index("gösterge")] == "Uygulanmayan gösterge")
        assert dash[header.index("gerçekleşme")] == "-5"
        assert dash[header.index("sapma nedeni")] == "-"
    assert_no_live_csv_cell(rows)


@pytest.mark.parametrize("model", FLAT)
def test_flat_table_xlsx_writes_formulas_as_text(admin_client_tr, hostile, model):
    ws = load_workbook(io.BytesIO(flat_export(admin_client_tr, model, "xlsx"))).active
    header = [c.value for c in ws[1]]
    typed, number = FLAT[model]
    column, text = typed[0]
    ours = [
        dict(zip(header, r, strict=True))
        for r in ws.iter_rows(min_row=2)
        if r[header.index(column)].value == text
    ]
    assert len(ours) == 1
    for column, text in typed:
        text_cell(ours[0][column], text)
    if number:
        assert ours[0][number].data_type == "n"
    if model == "indicator":
        assert (ours[0]["ölçü birimi"].value, ours[0]["mevcut"].value) == ("-", "-5")
    assert_no_formula_cell(ws)


def test_flat_tables_export_only_the_safe_formats(admin_client_tr):
    form = admin_client_tr.get(reverse("admin:plans_unit_export")).context["form"]
    assert sorted(label for _v, label in form.fields["format"].choices if _v != "") == [
        "csv",
        "xlsx",
    ]


@pytest.mark.parametrize(
    ("value", "live"),
    [
        ("=1+2", True),
        ("+SUM(1,2)", True),
        ("@SUM(9)", True),
        ("-2+3", True),
        ("--", True),
        ("\t=1", True),
        ("\r=1", True),
        ("＝1+2", True),
        ("-", False),
        ("-5", False),
        ("+3", False),
        ("-1,5", False),
        ("-1.234,5", False),
        ("-8%", False),
        ("%8,2", False),
        ("Kadın 50", False),
        (-5, False),
        (None, False),
    ],
)
def test_what_counts_as_a_formula(value, live):
    assert is_formula_like(value) is live
