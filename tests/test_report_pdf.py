"""The Gerçekleşme Raporu as a PDF (WeasyPrint): downloaded from the plan page and from
``export_report --format pdf``, read back with pypdf: the same rows as the workbook in
the same order, numbers the Turkish way, the page header and "page / pages"."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from monitoring.excel.report import report_bytes
from plans.models import Plan

from .excel_helpers import read
from .factories import make_plan

pytestmark = pytest.mark.django_db
OUTPUT = Path(__file__).parent / "output"


def pdf_text(data: bytes) -> tuple[int, list[str]]:
    """Pages, and each page's text with runs of white space as one space."""
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [" ".join(p.extract_text().split()) for p in reader.pages]


def mersin() -> Plan:
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def test_the_pdf_downloads_beside_the_workbook_and_reads_like_it(client):
    plan = mersin()
    page = client.get(reverse("monitoring:overview", args=[plan.pk]), {"year": 2024})
    pdf_url = reverse("monitoring:report_pdf", args=[plan.pk])
    assert f'href="{pdf_url}?year=2024"' in page.content.decode()

    response = client.get(pdf_url, {"year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="mersin-buyuksehir-belediyesi-2024-gerceklesme-raporu.pdf"'
    )
    OUTPUT.mkdir(exist_ok=True)  # to look at: tests/output/ is not committed
    (OUTPUT / "rapor-mersin-2024-weasyprint.pdf").write_bytes(response.content)
    pages, texts = pdf_text(response.content)
    assert pages >= 6  # A4 landscape at 9 pt: 146 indicators take pages
    for no, text in enumerate(texts, start=1):
        assert "2024 YILI GERÇEKLEŞME RAPORU" in text
        assert f"{no} / {pages}" in text
        assert "Faaliyet" in text and "Gerçekleşme oranı" in text  # the header row
    text = " ".join(texts)
    # 1.1.4: 277, 377, 477, 500, realized 987: %261,8, achieved
    assert "TCE atölyesine katılan çocuk sayısı 277 377 477 500 987 %261,8 Ulaşıldı" in text
    # thousands with a dot, percent figures the Turkish way
    assert "7.848 10.448 13.098 15.798 12.114 %115,9" in text
    assert "%50,0" in text
    # a running level: its step under the status, the formula in the page footer
    assert "Erişilebilir otobüs sayısı 427 432 437 442 432 %100,0 Ulaşıldı" in text
    assert "+5 / +5 planlanan artış" in text
    assert "Süregelen düzey: oran = (gerçekleşme − mevcut) / (hedef − mevcut)" in text


def test_the_pdf_has_the_rows_of_the_workbook_in_its_order():
    plan = make_plan(12, 2)
    ws = read(report_bytes(plan, 2024)).worksheets[0]
    workbook_codes = [
        str(ws.cell(r, 1).value).split(" ")[0]
        for r in range(4, ws.max_row + 1)
        if ws.cell(r, 1).value
    ]
    from monitoring.excel.report_pdf import report_pdf_bytes

    _, texts = pdf_text(report_pdf_bytes(plan, 2024))
    text = " ".join(texts)
    assert len(workbook_codes) == 4 + 12  # themes and activities
    at = 0
    for code in workbook_codes:  # each one after the one before it
        found = re.compile(rf"(?<![\d.]){re.escape(code)} ").search(text, at)
        assert found, f"{code} missing or out of order"
        at = found.end()


def test_export_report_command_writes_a_pdf(tmp_path):
    out = tmp_path / "rapor.pdf"
    call_command("export_report", mersin().pk, "--year", "2024", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert "%261,8" in " ".join(pdf_text(out.read_bytes())[1])
    small, no_suffix = make_plan(4), tmp_path / "rapor"
    call_command(
        "export_report", small.pk, "--year", "2024", "--format", "pdf", "-o", str(no_suffix)
    )
    assert "Faaliyet 4" in " ".join(pdf_text(no_suffix.read_bytes())[1])
