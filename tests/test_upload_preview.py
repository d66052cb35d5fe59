"""The realization upload preview shows what will be stored: the figure in Turkish format
and its state, the target, the rate and status it will get, and flags for what is
accepted but looks wrong; a refused file keeps the choices made; plan and year come from
the file when they are not chosen."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring import workflow
from monitoring.excel.report import report_bytes
from plans.models import Plan

from .excel_helpers import edit, find_row, read, snapshot, xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "admin:monitoring_realization_workbook_import"
NAME = "TCE atölyesine katılan çocuk sayısı"  # 1.1.4: target 377 in 2024, 987 realized


def mersin():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def _report_with(cell_value, reason=None):
    data = report_bytes(mersin(), 2024)
    r = find_row(read(data).worksheets[0], 1, "1.1.4.")
    changes = {f"I{r}": cell_value}
    if reason is not None:
        changes[f"L{r}"] = reason
    return edit(data, changes), r


def _preview(client, data, **fields):
    upload = SimpleUploadedFile("rapor.xlsx", data, content_type=XLSX)
    return client.post(reverse(URL), {"file": upload, **fields})


def _line(response, row):
    return next(x for x in response.context["changed_lines"] if x.row == row)


def _row_html(response, row) -> str:
    match = re.search(rf'<tr[^>]*id="line-{row}">(.*?)</tr>', response.text, flags=re.S)
    assert match, f"row {row} not in the preview"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_preview_row_shows_stored_value_target_rate_and_status(admin_client_tr):
    data, r = _report_with("1234")
    before = snapshot()
    response = _preview(admin_client_tr, data, year=2024)
    facts = _line(response, r).facts
    assert (facts.stored, facts.state, facts.target) == ("1.234", "Değer", "377")
    assert (facts.rate, facts.status_label) == ("%327,3", "Ulaşıldı")
    shown = _row_html(response, r)
    assert "987" in shown and "1.234 Değer" in shown and "377" in shown
    assert "%327,3" in shown and "Ulaşıldı" in shown
    assert snapshot() == before


def test_fraction_in_a_count_and_a_missing_reason_are_flagged(admin_client_tr):
    data, r = _report_with("8.2")
    response = _preview(admin_client_tr, data, year=2024)
    facts = _line(response, r).facts
    assert facts.stored == "8,2"
    assert facts.status_label == "Geride"
    shown = _row_html(response, r)
    assert "Sayı göstergesinde kesir: “8.2” 8,2" in shown
    assert "sapma nedeni yok" in shown
    assert 'id="count-flagged"' in response.text


def test_a_reason_in_the_file_clears_the_missing_reason_flag(admin_client_tr):
    data, r = _report_with("100", reason="Okullar kapalıydı")
    facts = _line(_preview(admin_client_tr, data, year=2024), r).facts
    assert facts.status_label == "Geride"
    assert not [f for f in facts.flags if "sapma nedeni" in f]


def test_more_than_five_times_the_target_is_flagged(admin_client_tr):
    data, r = _report_with("2000")  # 377 × 5 = 1.885
    facts = _line(_preview(admin_client_tr, data, year=2024), r).facts
    assert any("Hedefin (377) 5 katından fazla" in f for f in facts.flags)
    data, r = _report_with("1800")
    facts = _line(_preview(admin_client_tr, data, year=2024), r).facts
    assert not [f for f in facts.flags if "5 katından" in f]


def test_text_in_a_numeric_column_is_flagged(admin_client_tr):
    data, r = _report_with("Toplantıda belli olacak")
    facts = _line(_preview(admin_client_tr, data, year=2024), r).facts
    assert facts.state == "Belirlenecek"
    assert any("Sayı sütununda metin" in f for f in facts.flags)


def test_a_refused_file_at_confirmation_keeps_the_choices(admin_client_tr, superuser):
    plan = mersin()
    data, _r = _report_with("990")
    response = _preview(admin_client_tr, data, year=2025, plan=plan.pk)
    # 2025 is not the file's year: refused at once, with plan and year still chosen
    assert "Yılı kontrol edin" in response.text
    assert re.search(rf'<option value="{plan.pk}" selected>', response.text)
    assert 'name="year" value="2025"' in response.text
    # refused when confirming (the year was closed meanwhile): the form comes back filled
    response = _preview(admin_client_tr, data, year=2024, plan=plan.pk)
    token = response.context["token"]
    workflow.close_year(plan=plan, year=2024, user=superuser)
    response = admin_client_tr.post(reverse(URL), {"token": token})
    assert "hiçbir şey kaydedilmedi" in response.text
    assert re.search(rf'<option value="{plan.pk}" selected>', response.text)
    assert 'name="year" value="2024"' in response.text


def test_plan_and_year_are_read_from_the_file(admin_client_tr):
    data, r = _report_with("990")
    response = _preview(admin_client_tr, data)  # neither plan nor year typed
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.plan, result.year) == (mersin(), 2024)
    assert "plan ve yıl dosyadan okundu" in response.text
    # rows that stay as stored but will need a reason are listed apart
    assert "Değişmeyen ama uyarılı satırlar" in response.text
    flagged = response.context["flagged_lines"]
    assert flagged and all(x.kind == "unchanged" for x in flagged)
    assert any("sapma nedeni yok" in f for x in flagged for f in x.facts.flags)
    assert [(x.old, x.new) for x in response.context["changed_lines"]] == [("987", "990")]
    response = admin_client_tr.post(reverse(URL), {"token": response.context["token"]})
    assert response.status_code == 302


def test_a_file_without_title_needs_the_year(admin_client_tr):
    plan = mersin()
    data = xlsx([["Faaliyet", "Gösterge", "Gerçekleşme"], ["1.1.4", NAME, 990]])
    response = _preview(admin_client_tr, data, plan=plan.pk)
    assert "yılı seçin" in response.text
    response = _preview(admin_client_tr, data, plan=plan.pk, year=2024)
    assert [(x.old, x.new) for x in response.context["changed_lines"]] == [("987", "990")]
