"""The local gender profile's sheet: the template downloaded and read back, a good sheet
previewed then stored, bad cells refused with sheet, row and column and nothing stored,
hostile files refused by the bounded reader, another municipality out of reach."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.excel.profile_sheet import HEADERS, import_profile, template_bytes
from monitoring.excel.reader import WorkbookError
from monitoring.roles import EQUALITY_UNIT
from plans.models import Municipality, ProfileFigure

from . import hostile
from .conftest import make_role_user
from .excel_helpers import read, xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT = reverse("admin:plans_profilefigure_import")
TEMPLATE = reverse("admin:plans_profilefigure_template")
MERSIN = "Mersin Büyükşehir Belediyesi"
NARLIDERE = "Narlıdere Belediyesi"


def municipality(name: str) -> Municipality:
    return Municipality.objects.get(name=name)


def sheet(*rows) -> bytes:
    return xlsx([HEADERS, *rows], title="Yerel profil")


GOOD = sheet(
    ["nufus", 2024, None, 956_000, 951_000, 1_907_000, "TÜİK ADNKS 2024"],
    ["Nüfus", 2024, "Akdeniz", "130.500", "129.800", None, "TÜİK ADNKS 2024"],  # by name
    ["meclis-uyesi", 2024, None, 18, 59, 77, "YSK 2024"],
)


def upload(client, data: bytes, **fields):
    return client.post(
        IMPORT, {"file": SimpleUploadedFile("profil.xlsx", data, content_type=XLSX), **fields}
    )


def issues(response) -> list[str]:
    return [str(i) for i in response.context["errors"]]


# ------------------------------------------------------------------ the template


def test_template_download_holds_the_municipalitys_figures_and_reads_back(admin_client_tr):
    narlidere = municipality(NARLIDERE)
    response = admin_client_tr.get(TEMPLATE, {"belediye": narlidere.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "yerel-profil-sablonu.xlsx" in response["Content-Disposition"]
    wb = read(response.content)
    assert wb.sheetnames == ["Yerel profil", "Ölçüler"]
    rows = list(wb["Yerel profil"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 1 + 33
    assert rows[1][:6] == ("nufus", 2022, None, 32270, 30653, 62923)
    assert ("yonetici", 2023, "Başkan Yardımcısı", 0, 2, None) in [r[:6] for r in rows]
    codes = [r[0] for r in wb["Ölçüler"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["nufus", "meclis-uyesi", "muhtar", "personel", "yonetici"]
    # read back by our own import: every figure is there, nothing to change
    result = import_profile(source=response.content, municipality=narlidere, dry_run=True)
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 33}


def test_blank_template_for_a_platform_administrator(admin_client_tr):
    rows = list(read(admin_client_tr.get(TEMPLATE).content)["Yerel profil"].values)
    assert rows == [tuple(HEADERS)]


def test_template_writes_no_live_formula():
    mersin = municipality(MERSIN)
    ProfileFigure.objects.create(
        municipality=mersin,
        measure_id=1,
        year=2024,
        area='=HYPERLINK("http://x","tıkla")',
        women=1,
        men=1,
        source="@SUM(1+1)",
    )
    ws = read(template_bytes(mersin))["Yerel profil"]
    for cell in (ws["C2"], ws["G2"]):
        assert cell.data_type == "s" and cell.quotePrefix
    assert ws["C2"].value.startswith("=HYPERLINK")


# ------------------------------------------------------------------ the import


def test_good_sheet_is_previewed_then_stored(admin_client_tr):
    mersin = municipality(MERSIN)
    response = upload(admin_client_tr, GOOD, municipality=mersin.pk)
    assert response.status_code == 200
    assert not ProfileFigure.objects.filter(municipality=mersin).exists()  # a preview only
    assert response.context["counts"] == {"new": 3, "changed": 0, "unchanged": 0}
    assert "%50,1" in response.text  # 956.000 of 1.907.000
    response = admin_client_tr.post(IMPORT, {"token": response.context["token"]})
    assert response.status_code == 302
    stored = {
        (f.measure.code, f.area): (f.women, f.men, f.total, f.source)
        for f in ProfileFigure.objects.filter(municipality=mersin).select_related("measure")
    }
    assert stored == {
        ("nufus", ""): (956_000, 951_000, 1_907_000, "TÜİK ADNKS 2024"),
        ("nufus", "Akdeniz"): (130_500, 129_800, None, "TÜİK ADNKS 2024"),
        ("meclis-uyesi", ""): (18, 59, 77, "YSK 2024"),
    }
    raw = ProfileFigure.objects.get(municipality=mersin, area="Akdeniz").raw_text
    assert raw == "Nüfus | 2024 | Akdeniz | 130.500 | 129.800 | TÜİK ADNKS 2024"
    # the same sheet again changes nothing; a changed figure is a change
    again = sheet(["meclis-uyesi", 2024, None, 20, 57, 77, "YSK 2024"])
    result = import_profile(source=again, municipality=mersin, dry_run=False)
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 0}
    assert ProfileFigure.objects.get(municipality=mersin, measure__code="meclis-uyesi").women == 20


def test_bad_cells_are_refused_with_sheet_row_and_column_and_nothing_stored(admin_client_tr):
    mersin = municipality(MERSIN)
    bad = sheet(
        ["nufus", 2024, None, 956_000, 951_000, 1_907_000, "ok"],  # a good row: not stored
        ["muhtar", 2024, None, "-", 40, None, None],
        ["personel", 2024, None, 10, 20, 31, None],
        ["kent konseyi", 2024, None, 1, 1, None, None],
        ["muhtar", "geçen yıl", None, 1, 2, None, None],
        ["yonetici", 2024, "Müdür", 2.5, -1, None, None],
        ["nufus", 2024, None, 1, 1, None, None],  # row 2 again
    )
    response = upload(admin_client_tr, bad, municipality=mersin.pk)
    assert issues(response) == [
        "'Yerel profil' sayfası, 3. satır, D sütunu (Kadın): Kadın sayısı “-”; bir sayı "
        "yazın ya da satırı silin.",
        "'Yerel profil' sayfası, 4. satır, F sütunu (Toplam): Toplam 31, kadın ve erkek "
        "sayılarının toplamı ise 30.",
        "'Yerel profil' sayfası, 5. satır, A sütunu (Ölçü): Ölçü tanınmadı: “kent konseyi”. "
        "Bilinen kodlar: meclis-uyesi, muhtar, nufus, personel, yonetici.",
        "'Yerel profil' sayfası, 6. satır, B sütunu (Yıl): Yıl 1900-2100 arasında bir yıl "
        "olmalı; “geçen yıl” okunamadı.",
        "'Yerel profil' sayfası, 7. satır, D sütunu (Kadın): Kadın sayısı tam sayı olmalı "
        "(kişi sayılır): 2.5.",
        "'Yerel profil' sayfası, 7. satır, E sütunu (Erkek): Erkek sayısı eksi olamaz: -1.",
        "'Yerel profil' sayfası, 8. satır: Aynı ölçü, yıl ve kısım 2. satırda da var.",
    ]
    assert "hiçbir şey kaydedilmedi" in response.text
    assert not ProfileFigure.objects.filter(municipality=mersin).exists()


def test_a_sheet_without_the_columns_is_refused():
    with pytest.raises(WorkbookError) as exc:
        import_profile(
            source=xlsx([["Mahalle", "Nüfus"], ["Akdeniz", 260300]]),
            municipality=municipality(MERSIN),
            dry_run=True,
        )
    assert "“Ölçü”, “Yıl”, “Kadın” ve “Erkek” sütunları olmalı" in str(exc.value)


@pytest.mark.parametrize(
    "name", ["billion_laughs_shared_strings", "xxe_inline_string", "zip_bomb", "ods", "csv"]
)
def test_hostile_files_are_refused_in_turkish(admin_client_tr, name):
    file_name, data = hostile.build(name)
    response = admin_client_tr.post(
        IMPORT,
        {
            # named .xlsx, so that the reader (not the file name) has to refuse it
            "file": SimpleUploadedFile(file_name.rsplit(".", 1)[0] + ".xlsx", data),
            "municipality": municipality(MERSIN).pk,
        },
    )
    assert response.status_code == 200
    assert response.context["errors"], response.text[:500]
    assert "hiçbir şey kaydedilmedi" in response.text
    assert not ProfileFigure.objects.filter(municipality__name=MERSIN).exists()


# ------------------------------------------------------------------ scoping


def test_a_unit_imports_into_its_own_municipality_only(client):
    client.force_login(make_role_user("esitlik_mersin", EQUALITY_UNIT, MERSIN))
    page = client.get(IMPORT)
    assert page.status_code == 200
    assert "Şablonu indirin (belediyenin kayıtlı rakamlarıyla)" in page.text
    choices = [c[1] for c in page.context["form"].fields["municipality"].choices]
    assert NARLIDERE not in choices
    # a posted id of another municipality is not taken: the field is the user's own
    response = upload(client, GOOD, municipality=municipality(NARLIDERE).pk)
    assert response.context["result"].municipality.name == MERSIN
    template = read(client.get(TEMPLATE, {"belediye": municipality(NARLIDERE).pk}).content)
    assert list(template["Yerel profil"].values) == [tuple(HEADERS)]  # Mersin's: none yet


def test_parts_that_do_not_add_up_to_the_whole_are_told_in_the_preview(admin_client_tr):
    data = sheet(
        ["nufus", 2024, None, 100, 90, None, None],
        ["nufus", 2024, "Akdeniz", 60, 50, None, None],
        ["nufus", 2024, "Mezitli", 30, 40, None, None],
        ["nufus", 2023, "Akdeniz", 1, 1, None, None],  # parts only: nothing to compare
    )
    response = upload(admin_client_tr, data, municipality=municipality(MERSIN).pk)
    assert response.context["result"].warnings == [
        "Nüfus, 2024: 2 kısmın toplamı 90 kadın / 90 erkek; belediyenin tamamı (2. satır) "
        "100 kadın / 90 erkek."
    ]
    assert "1 uyarı" in response.text
