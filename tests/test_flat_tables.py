"""django-import-export flat tables (units, indicators with targets, realizations),
keyed on natural keys, with the admin's dry-run preview."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import Realization
from monitoring.resources import IndicatorResource, RealizationResource
from plans.models import Indicator, Plan, Unit
from plans.resources import UnitResource

pytestmark = pytest.mark.django_db


def mersin():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def test_units_round_trip_with_aliases():
    plan = mersin()
    data = UnitResource().export(Unit.objects.filter(municipality=plan.municipality))
    assert "Kadın ve Aile Hizmetleri Dairesi Başkanlığı" in data.csv
    rows = tablib.Dataset(headers=["belediye", "birim", "tür", "e-postalar", "başka yazılışlar"])
    rows.append(
        [
            plan.municipality.name,
            "Ulaşım Dairesi Başkanlığı",
            "internal",
            "ulasim@mersin.bel.tr",
            "UDB; Ulaşım D.B.",
        ]
    )
    result = UnitResource().import_data(rows, dry_run=False)
    assert not result.has_errors(), result.row_errors()
    unit = Unit.objects.get(municipality=plan.municipality, name="Ulaşım Dairesi Başkanlığı")
    assert unit.emails == ["ulasim@mersin.bel.tr"]
    assert sorted(a.alias for a in unit.aliases.all()) == ["UDB", "Ulaşım D.B."]


def test_indicators_with_targets_by_natural_key():
    plan = mersin()
    exported = IndicatorResource().export(
        Indicator.objects.filter(activity__theme__plan=plan, activity__code="1.1.4")
    )
    row = exported.dict[0]
    assert (row["faaliyet kodu"], row["gösterge"]) == (
        "1.1.4",
        "TCE atölyesine katılan çocuk sayısı",
    )
    assert row["hedefler"] == "2024=377 | 2025=477 | 2026=500"
    data = tablib.Dataset(
        headers=[
            "plan",
            "faaliyet kodu",
            "gösterge",
            "ölçü birimi",
            "değer türü",
            "birikim",
            "yön",
            "mevcut",
            "hedefler",
        ]
    )
    data.append(
        [
            plan.pk,
            "1.1.4",
            "TCE atölyesine katılan çocuk sayısı",
            "kişi",
            "count",
            "per_year",
            "increase",
            "277",
            "2024=400 | 2025=480 | 2026=%60",
        ]
    )
    data.append(
        [
            plan.pk,
            "1.1.4",
            "Atölyeye katılan ebeveyn sayısı",
            "",
            "count",
            "per_year",
            "increase",
            "-",
            "2025=50 Kadın 50 Erkek",
        ]
    )
    result = IndicatorResource().import_data(data, dry_run=False)
    assert not result.has_errors(), result.row_errors()
    ind = Indicator.objects.get(activity__theme__plan=plan, name__startswith="TCE atölye")
    assert [t.value for t in ind.targets.order_by("year")] == [400, 480, 60]
    new = Indicator.objects.get(activity__theme__plan=plan, name="Atölyeye katılan ebeveyn sayısı")
    assert new.position == 3 and new.baseline_raw == "-" and new.baseline_value is None
    assert {t.group.code: t.value for t in new.targets.all()} == {"kadin": 50, "erkek": 50}


def test_unknown_or_ambiguous_activity_is_a_row_error():
    data = tablib.Dataset(headers=["plan", "faaliyet kodu", "gösterge", "hedefler"])
    data.append([mersin().pk, "9.9.9", "Yok", ""])
    result = IndicatorResource().import_data(data, dry_run=True)
    assert result.has_errors()
    assert "9.9.9 kodlu faaliyet" in str(result.row_errors()[0][1][0].error)


def test_realizations_by_natural_key_and_dry_run():
    plan = mersin()
    data = tablib.Dataset(
        headers=[
            "plan",
            "faaliyet kodu",
            "gösterge",
            "yıl",
            "grup",
            "gerçekleşme",
            "sapma nedeni",
            "açıklama",
        ]
    )
    data.append(
        [
            plan.pk,
            "1.1.4",
            "TCE atölyesine katılan çocuk sayısı",
            2025,
            "",
            "1.234",
            "",
            "Yaz okulu",
        ]
    )
    data.append(
        [plan.pk, "2.1.5", "Kadın personel oranı", 2025, "", "%8,2", "Atama yapılamadı", ""]
    )
    preview = RealizationResource().import_data(data, dry_run=True)
    assert not preview.has_errors(), preview.row_errors()
    assert not Realization.objects.filter(year=2025).exists()
    RealizationResource().import_data(data, dry_run=False)
    got = {
        r.indicator.name: r
        for r in Realization.objects.filter(year=2025).select_related("indicator")
    }
    assert got["TCE atölyesine katılan çocuk sayısı"].value == 1234
    assert str(got["Kadın personel oranı"].value) == "8.2000"
    again = RealizationResource().import_data(data, dry_run=False)
    assert again.totals["skip"] == 2


def all_errors(result) -> list[str]:
    """Row errors and the import's own (the writer's refusals come once per import)."""
    rows = [str(e.error) for _, errors in result.row_errors() for e in errors]
    return rows + [str(e.error) for e in result.base_errors]


def test_realization_rows_with_bad_values_are_refused():
    plan = mersin()
    data = tablib.Dataset(
        headers=["plan", "faaliyet kodu", "gösterge", "yıl", "grup", "gerçekleşme"]
    )
    data.append([plan.pk, "1.1.4", "TCE atölyesine katılan çocuk sayısı", 2030, "", "5"])
    data.append([plan.pk, "1.1.4", "TCE atölyesine katılan çocuk sayısı", 2025, "", "çok"])
    result = RealizationResource().import_data(data, dry_run=True)
    messages = all_errors(result)
    assert any("2030 yılı planın dönemi" in m for m in messages)
    assert any("“çok” bir sayı değil" in m for m in messages)


@pytest.mark.parametrize("model", ["unit", "indicator", "realization"])
def test_admin_import_and_export_pages_open(admin_client_tr, model):
    app = "monitoring" if model == "realization" else "plans"
    assert admin_client_tr.get(reverse(f"admin:{app}_{model}_import")).status_code == 200
    assert admin_client_tr.get(reverse(f"admin:{app}_{model}_export")).status_code == 200


def test_admin_flat_import_shows_a_preview_first(admin_client_tr):
    plan = mersin()
    csv = (
        "plan,faaliyet kodu,gösterge,yıl,grup,gerçekleşme\n"
        f"{plan.pk},1.1.1,Eğitim sayısı,2025,,31\n"
    ).encode()
    url = reverse("admin:monitoring_realization_import")
    page = admin_client_tr.get(url)
    formats = page.context["form"].fields["format"].choices
    csv_choice = next(value for value, label in formats if "csv" in str(label).lower())
    response = admin_client_tr.post(
        url, {"import_file": SimpleUploadedFile("r.csv", csv), "format": csv_choice}
    )
    assert response.status_code == 200
    assert "confirm_form" in response.context or "result" in response.context
    assert not Realization.objects.filter(year=2025).exists()


def test_flat_imports_are_scoped_to_the_user(roles):
    plan = mersin()
    data = tablib.Dataset(
        headers=["plan", "faaliyet kodu", "gösterge", "yıl", "grup", "gerçekleşme"]
    )
    data.append([plan.pk, "1.1.1", "Eğitim sayısı", 2025, "", "5"])
    before = Realization.objects.count()
    for user in (roles["other_equality"], roles["directorate"]):  # 1.1.1 is not Ulaşım's
        result = RealizationResource(user=user).import_data(data, dry_run=False)
        messages = all_errors(result)
        assert any("sorumlu olduğu bir gösterge değil" in m or "planda yok" in m for m in messages)
    assert Realization.objects.count() == before
    result = RealizationResource(user=roles["equality"]).import_data(data, dry_run=False)
    assert not result.has_errors()
    from monitoring.models import FigureChange

    assert FigureChange.objects.filter(source="düz tablo", user=roles["equality"]).exists()
    units = tablib.Dataset(headers=["belediye", "birim", "tür", "e-postalar", "başka yazılışlar"])
    units.append([plan.municipality.name, "Sızma Birimi", "internal", "", ""])
    result = UnitResource(user=roles["other_equality"]).import_data(units, dry_run=False)
    assert result.has_errors()
    assert not Unit.objects.filter(name="Sızma Birimi").exists()
    inds = tablib.Dataset(headers=["plan", "faaliyet kodu", "gösterge", "hedefler"])
    inds.append([plan.pk, "1.1.4", "Sızma göstergesi", ""])
    result = IndicatorResource(user=roles["other_equality"]).import_data(inds, dry_run=False)
    assert result.has_errors()
    assert not Indicator.objects.filter(name="Sızma göstergesi").exists()


@pytest.mark.parametrize("kind", ["natural keys", "indicator numbers"])
def test_realization_flat_import_queries_do_not_grow_with_rows(
    roles, kind, django_assert_max_num_queries
):
    """The lookups are made once per plan; the writer stores every cell at once."""
    plan = mersin()
    inds = list(
        Indicator.objects.filter(activity__theme__plan=plan, value_type="count")
        .select_related("activity")
        .order_by("pk")[:40]
    )

    def dataset(n):
        data = tablib.Dataset(
            headers=[
                "plan",
                "faaliyet kodu",
                "gösterge",
                "gösterge no",
                "yıl",
                "grup",
                "gerçekleşme",
            ]
        )
        for ind in inds[:n]:
            number = ind.pk if kind == "indicator numbers" else ""
            data.append([plan.pk, ind.activity.code, ind.name, number, 2025, "", "7"])
        return data

    counts = []
    for n in (5, 40):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            result = RealizationResource(user=roles["equality"]).import_data(
                dataset(n), dry_run=True
            )
        assert not result.has_errors(), [str(e.error) for e in result.base_errors]
        # django-import-export wraps each row in a savepoint; no other statement per row
        sql = [q["sql"] for q in ctx.captured_queries]
        counts.append(sum(1 for q in sql if "SAVEPOINT" not in q))
    assert counts[1] <= counts[0], counts  # (the first import also reads the permissions)


def test_realization_flat_table_xlsx_round_trip(admin_client_tr):
    """Exported as xlsx and imported back through the admin (our reader, not openpyxl):
    the preview finds every row unchanged."""
    url = reverse("admin:monitoring_realization_export")
    page = admin_client_tr.get(url)
    formats = page.context["form"].fields["format"].choices
    xlsx = next(value for value, label in formats if "xlsx" in str(label).lower())
    fields = {
        f"realizationresource_{name}": "on"
        for name in (
            "plan",
            "activity_code",
            "indicator_name",
            "indicator",
            "year",
            "group",
            "raw_text",
            "deviation_reason",
            "note",
        )
    }
    exported = admin_client_tr.post(url, {"format": xlsx, "resource": 0, **fields})
    assert exported.status_code == 200
    data = exported.content
    url = reverse("admin:monitoring_realization_import")
    formats = admin_client_tr.get(url).context["form"].fields["format"].choices
    xlsx = next(value for value, label in formats if "xlsx" in str(label).lower())
    before = list(Realization.objects.values_list("pk", "raw_text", "version").order_by("pk"))
    response = admin_client_tr.post(
        url, {"import_file": SimpleUploadedFile("r.xlsx", data), "format": xlsx}
    )
    assert response.status_code == 200
    assert not response.context["form"].errors
    result = response.context["result"]
    assert not result.has_errors(), [str(e.error) for e in result.base_errors]
    assert result.totals["skip"] == len(before) and result.totals["update"] == 0
    assert (
        list(Realization.objects.values_list("pk", "raw_text", "version").order_by("pk")) == before
    )
