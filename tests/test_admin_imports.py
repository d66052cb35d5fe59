"""Admin uploads: preview first (nothing stored), then confirm; report downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.excel.report import report_bytes
from monitoring.models import Realization
from plans.models import Plan

from .excel_helpers import edit, find_row, read, snapshot

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def mersin():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_plan_upload_preview_then_confirm(admin_client_tr):
    url = reverse("admin:plans_plan_import")
    assert (
        "Plan tablosu içe aktar" in admin_client_tr.get(reverse("admin:plans_plan_changelist")).text
    )
    data = report_bytes(mersin(), 2024)
    before = snapshot()
    response = admin_client_tr.post(
        url, {"file": upload("mersin.xlsx", data), "municipality": "Silifke Belediyesi"}
    )
    assert response.status_code == 200
    text = response.text
    assert "henüz hiçbir şey kaydedilmedi" in text
    assert "<td>118</td>" in text and "<td>146</td>" in text
    assert "yeni belediye oluşturulacak" in text
    assert "Gerçekleşme yılı: 2024" in text  # a year, not "2.024"
    assert snapshot() == before
    token = response.context["token"]
    response = admin_client_tr.post(url, {"token": token})
    assert response.status_code == 302
    plan = Plan.objects.get(municipality__name="Silifke Belediyesi")
    assert plan.themes.count() == 8
    assert response.url == reverse("admin:plans_plan_change", args=[plan.pk])
    # the token is used up
    assert admin_client_tr.post(url, {"token": token}).status_code == 403


def test_plan_upload_of_a_bad_file_shows_where(admin_client_tr):
    before = snapshot()
    response = admin_client_tr.post(
        reverse("admin:plans_plan_import"),
        {
            "file": upload("plan.xlsx", "Faaliyet;Gösterge\n".encode()),
            "municipality": "X Belediyesi",
        },
    )
    assert response.status_code == 200
    assert "hiçbir şey kaydedilmedi" in response.text
    assert "Excel çalışma kitabı (.xlsx) değil" in response.text
    assert snapshot() == before


def test_upload_refuses_other_file_types(admin_client_tr):
    response = admin_client_tr.post(
        reverse("admin:plans_plan_import"),
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4"), "municipality": "X"},
    )
    assert "Yalnızca Excel çalışma kitabı" in response.text


def test_realization_upload_lists_changes_before_storing(admin_client_tr):
    plan = mersin()
    data = report_bytes(plan, 2024)
    r = find_row(read(data).worksheets[0], 1, "1.1.4.")
    data = edit(data, {f"I{r}": 990, f"L{r}": "Ek atölyeler açıldı"})
    url = reverse("admin:monitoring_realization_workbook_import")
    before = snapshot()
    response = admin_client_tr.post(url, {"file": upload("rapor.xlsx", data), "year": 2024})
    assert response.status_code == 200
    lines = response.context["changed_lines"]
    assert [(x.old, x.new) for x in lines] == [("987", "990")]
    assert "Ek atölyeler açıldı" in response.text
    assert snapshot() == before
    response = admin_client_tr.post(url, {"token": response.context["token"]})
    assert response.status_code == 302
    real = Realization.objects.get(
        indicator__activity__theme__plan=plan,
        year=2024,
        indicator__name="TCE atölyesine katılan çocuk sayısı",
    )
    assert (real.value, real.deviation_reason) == (990, "Ek atölyeler açıldı")


def test_realization_upload_error_names_the_cell(admin_client_tr):
    data = report_bytes(mersin(), 2024)
    r = find_row(read(data).worksheets[0], 1, "1.1.4.")
    response = admin_client_tr.post(
        reverse("admin:monitoring_realization_workbook_import"),
        {"file": upload("rapor.xlsx", edit(data, {f"I{r}": "çok"})), "year": 2024},
    )
    assert f"{r}. satır, I sütunu (Gerçekleşme)" in response.text
    assert "“çok” bir sayı değil" in response.text


def test_report_download_from_the_admin(admin_client_tr):
    plan = mersin()
    url = reverse("admin:monitoring_realization_report", args=[plan.pk])
    assert url in admin_client_tr.get(reverse("admin:plans_plan_change", args=[plan.pk])).text
    response = admin_client_tr.get(url, {"year": 2024})
    assert response["Content-Type"] == XLSX
    assert "2024-gerceklesme-raporu.xlsx" in response["Content-Disposition"]
    ws = read(response.content).worksheets[0]
    assert ws["A2"].value == "2024 YILI GERÇEKLEŞME RAPORU"


def test_unit_form_download_from_the_yearly_entry_page(admin_client_tr):
    plan = mersin()
    unit = plan.municipality.units.get(name="Ulaşım Dairesi Başkanlığı")
    page = admin_client_tr.get(
        reverse("admin:monitoring_realization_yearly_entry"),
        {"plan": plan.pk, "year": 2025, "unit": unit.pk},
    )
    assert "Bu birimin boş formunu indir" in page.text
    response = admin_client_tr.get(
        reverse("admin:monitoring_realization_report", args=[plan.pk]),
        {"year": 2025, "unit": unit.pk, "empty": 1},
    )
    assert "formu" in response["Content-Disposition"]
    ws = read(io.BytesIO(response.content).getvalue()).worksheets[0]
    assert "Ulaşım Dairesi Başkanlığı" in ws["A2"].value


def test_every_units_blank_form_in_one_zip(admin_client_tr):
    import zipfile

    plan = mersin()
    year_page = admin_client_tr.get(
        reverse("admin:monitoring_realization_year"), {"plan": plan.pk, "year": 2025}
    )
    url = reverse("admin:monitoring_realization_unit_forms", args=[plan.pk])
    assert url in year_page.text
    response = admin_client_tr.get(url, {"year": 2025})
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        names = zf.namelist()
        assert any("ulasim-dairesi-baskanligi" in n for n in names)
        form = next(n for n in names if "ulasim-dairesi-baskanligi" in n)
        ws = read(zf.read(form)).worksheets[0]
    assert "Ulaşım Dairesi Başkanlığı" in ws["A2"].value
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[13]]
    assert rows and all(r[8] is None for r in rows)
