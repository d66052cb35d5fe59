"""The report's title names the municipality once: in the workbook (title row and page
header), in the PDF and in the reminder e-mail, whether or not the plan's title already
names it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from monitoring.chasing import plan_name
from monitoring.excel.report import report_bytes
from monitoring.excel.report_pdf import report_pdf_bytes
from plans.models import Municipality, Plan
from plans.text import plan_heading

from .excel_helpers import read

pytestmark = pytest.mark.django_db

MERSIN = "Mersin Büyükşehir Belediyesi"


@pytest.mark.parametrize(
    ("municipality", "title", "heading"),
    [
        (MERSIN, "Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı", None),
        (MERSIN, "MERSİN BÜYÜKŞEHİR BELEDİYESİ YEREL EŞİTLİK EYLEM PLANI", None),
        ("Narlıdere Belediyesi", "Narlıdere Yerel Eşitlik Eylem Planı", None),
        ("Narlıdere Belediyesi", "NARLIDERE YEREL EŞİTLİK EYLEM PLANI", None),
        ("Narlıdere Belediyesi", "Narlidere YEEP", None),  # typed without Turkish letters
        (
            "Narlıdere Belediyesi",
            "Yerel Eşitlik Eylem Planı",
            "Narlıdere Belediyesi — Yerel Eşitlik Eylem Planı",
        ),
    ],
)
def test_plan_heading_names_the_municipality_once(municipality, title, heading):
    assert plan_heading(municipality, title) == (heading or title)


def _with_title(title: str) -> Plan:
    plan = Plan.objects.get(municipality__name=MERSIN)
    plan.title = title
    plan.save(update_fields=["title"])
    return plan


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı", None),
        ("Yerel Eşitlik Eylem Planı", f"{MERSIN} — Yerel Eşitlik Eylem Planı"),
    ],
)
def test_the_workbook_title_names_the_municipality_once(title, expected):
    plan = _with_title(title)
    book = read(report_bytes(plan, 2024))
    ws = book.worksheets[0]
    assert ws["A1"].value == (expected or title)
    assert ws["A1"].value.count("Mersin") == 1
    assert ws.oddHeader.center.text.count("Mersin") == 1
    reached = book["2024 Kime Ulaşıldı"]  # the report's other sheets, too
    assert reached["A1"].value == (expected or title)
    assert reached.oddHeader.center.text.count("Mersin") == 1


def test_the_pdf_title_names_the_municipality_once():
    plan = _with_title("Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı")
    page_one = PdfReader(io.BytesIO(report_pdf_bytes(plan, 2024))).pages[0].extract_text()
    text = " ".join(page_one.split())
    assert text.count("Mersin Büyükşehir Belediyesi") == 2  # the page header and the title
    assert "Mersin Büyükşehir Belediyesi Mersin" not in text
    assert "— Mersin" not in text


def test_the_reminder_names_the_plan_as_the_report_does():
    plan = Plan(municipality=Municipality(name="Narlıdere Belediyesi"), title="Narlıdere YEEP")
    assert plan_name(plan) == "Narlıdere YEEP"


@pytest.mark.parametrize("url", ["desk:start", "desk:review", "admin:monitoring_realization_year"])
def test_the_work_pages_pickers_name_the_municipality_once(admin_client_tr, url):
    from django.urls import reverse

    plan = _with_title("Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı")
    text = admin_client_tr.get(reverse(url), {"plan": plan.pk}).text
    assert "Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı (20" in text
    assert "Belediyesi · Mersin Büyükşehir Belediyesi" not in text
