"""Excel: the yearly report read back cell by cell, plan and realization imports, the
round trip, and every kind of bad input (clear Turkish message, nothing stored)."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitoring.excel.plan_rows import split_indicators
from monitoring.excel.plan_table import import_plan
from monitoring.excel.reader import WorkbookError
from monitoring.excel.realization_form import import_realizations
from monitoring.excel.report import report_bytes
from monitoring.models import Realization
from plans.models import Activity, Indicator, Plan

from .excel_helpers import edit, find_row, plan_signature, read, snapshot, xlsx
from .factories import make_plan

pytestmark = pytest.mark.django_db


def mersin():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def buyukcekmece():
    return Plan.objects.get(municipality__name="Büyükçekmece Belediyesi")


# ------------------------------------------------------------------ the report


def test_report_reads_like_the_mersin_report():
    wb = read(report_bytes(mersin(), 2024))
    ws = wb.worksheets[0]
    assert "Mersin Büyükşehir Belediyesi" in ws["A1"].value
    assert ws["A2"].value == "2024 YILI GERÇEKLEŞME RAPORU"
    headers = [c.value for c in ws[3]]
    assert headers[:13] == [
        "Faaliyet",
        "Sorumlu birim",
        "Destekçi Kurum/Kuruluş",
        "Gösterge",
        "Mevcut",
        "2024",
        "2025",
        "2026",
        "Gerçekleşme",
        "Gerçekleşme oranı",
        "Durum",
        "Sapma nedeni",
        "Açıklama",
    ]
    assert ws["A4"].value == "1. EĞİTİM VE FARKINDALIK"
    assert ws["A5"].value.startswith("1.1. Hedef: Toplumsal Cinsiyet")
    r = find_row(ws, 1, "1.1.4.")
    assert [ws.cell(r, c).value for c in range(4, 10)] == [
        "TCE atölyesine katılan çocuk sayısı",
        277,
        377,
        477,
        500,
        987,
    ]
    assert ws.cell(r, 10).value == pytest.approx(987 / 377)
    assert "%" in ws.cell(r, 10).number_format
    assert ws.cell(r, 11).value == "Ulaşıldı"
    assert ws.cell(r, 11).fill.fgColor.rgb.endswith("2E7D32")
    # the activity's cells are merged over its two indicators
    assert f"A{r}:A{r + 1}" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.cell(r + 1, 4).value == "Atölye sayısı"
    # percent cells are numbers formatted as percent; a dash stays a dash, 0 stays 0
    r = find_row(ws, 1, "2.1.5.")
    assert ws.cell(r, 7).value == pytest.approx(0.082) and "%" in ws.cell(r, 7).number_format
    r = find_row(ws, 1, "2.1.8.")
    assert ws.cell(r, 5).value == "-" and ws.cell(r, 9).value == 0
    r = find_row(ws, 1, "8.2")
    row = [ws.cell(r + k, 9).value for k in range(2)]
    assert "Toplantıda belli olacak" in row


def test_report_prints_on_a4_landscape_with_repeated_header():
    ws = read(report_bytes(mersin(), 2024)).worksheets[0]
    assert ws.freeze_panes == "B4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # one page wide (1 is the file format's default, so the attribute may be left out),
    # as many pages down as needed
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0
    assert ws.print_options.horizontalCentered
    assert ws["A3"].font.bold and ws["A3"].alignment.wrap_text
    # Faaliyet is the widest column, and the visible ones fit one landscape page at
    # 100 % (0.3" margins): the body prints at 9 pt
    # (a width as stored counts the padding: 7 pixels to the unit)
    width_of = {c: d.width for d in ws.column_dimensions.values() for c in range(d.min, d.max + 1)}
    widths = [width_of[c] for c in range(1, 14)]
    assert max(widths) == widths[0]
    assert sum(widths) * 7 * 0.75 <= (11.69 - 0.6) * 72
    assert ws.oddHeader.center.text.endswith("2024 YILI GERÇEKLEŞME RAPORU")
    assert ws.oddFooter.center.text == "&P / &N"
    # every row's height is set from its wrapped text: the activity 1.1.5 (six lines in
    # the Faaliyet column) is taller than the one-line theme row
    assert all(ws.row_dimensions[r].customHeight for r in range(1, 20))
    r = find_row(ws, 1, "1.1.5.")
    assert ws.row_dimensions[r].height > 4 * ws.row_dimensions[4].height
    hidden = {i for d in ws.column_dimensions.values() if d.hidden for i in range(d.min, d.max + 1)}
    assert hidden == {14, 15, 16}  # N, O, P: the keys that bring the file back in
    assert [ws.cell(3, c).value for c in (14, 15, 16)] == [
        "yeep:gösterge",
        "yeep:faaliyet",
        "yeep:hedef-düzeyi",
    ]


def test_report_for_one_unit_with_empty_realizations():
    plan = mersin()
    unit = plan.municipality.units.get(name="Ulaşım Dairesi Başkanlığı")
    ws = read(report_bytes(plan, 2025, unit=unit, with_realizations=False)).worksheets[0]
    assert "Ulaşım Dairesi Başkanlığı" in ws["A2"].value
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[13]]
    expected = Indicator.objects.filter(activity__responsible_units=unit).count()
    assert len(rows) == expected and all(r[8] is None for r in rows)


def test_report_keeps_group_targets_as_written():
    ws = read(report_bytes(buyukcekmece(), 2023)).worksheets[0]
    r = find_row(ws, 1, "1.1.9.")
    assert ws.cell(r, 6).value == "50 Kadın 50 Erkek 50 Kız Çocuğu 50 Oğlan Çocuğu"
    assert ws.cell(r, ws.max_column).value == "faaliyet düzeyi"


def test_export_report_command(tmp_path):
    out = tmp_path / "rapor.xlsx"
    call_command("export_report", mersin().pk, "--year", "2024", "-o", str(out))
    assert read(out.read_bytes()).worksheets[0]["A2"].value == "2024 YILI GERÇEKLEŞME RAPORU"
    with pytest.raises(CommandError, match="dönemi"):
        call_command("export_report", mersin().pk, "--year", "2030", "-o", str(out))


# ------------------------------------------------------------------ round trip


@pytest.mark.parametrize("source", ["mersin", "buyukcekmece"])
def test_export_and_import_into_another_municipality_reproduces_the_plan(source):
    plan = mersin() if source == "mersin" else buyukcekmece()
    data = report_bytes(plan, plan.first_year)
    result = import_plan(source=data, municipality_name="Tarsus Belediyesi")
    copy = result.plan
    assert copy.municipality.name == "Tarsus Belediyesi"
    assert (copy.first_year, copy.last_year) == (plan.first_year, plan.last_year)
    assert plan_signature(copy) == plan_signature(plan)


def test_import_plan_command_dry_run_stores_nothing(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(report_bytes(mersin(), 2024))
    before = snapshot()
    call_command("import_plan", str(path), "--municipality", "Tarsus Belediyesi", "--dry-run")
    out = capsys.readouterr().out
    assert "8 tema, 19 hedef" in out and "118 faaliyet, 146 gösterge" in out
    assert "145 gerçekleşme" in out
    assert snapshot() == before


# ------------------------------------------------------------------ realizations


def test_round_trip_of_a_years_figures():
    plan = mersin()
    form = report_bytes(plan, 2025, with_realizations=False)
    ws = read(form).worksheets[0]
    r1 = find_row(ws, 1, "1.1.4.")
    r2 = find_row(ws, 1, "2.1.5.")
    filled = edit(
        form, {f"I{r1}": 480, f"I{r2}": "%8,2", f"L{r2}": "Atama yapılamadı", f"I{r1 + 1}": "-"}
    )
    result = import_realizations(source=filled, year=2025, dry_run=True)
    assert result.plan == plan
    assert result.counts == {"new": 3, "changed": 0, "unchanged": 0}
    assert not Realization.objects.filter(year=2025).exists()
    result = import_realizations(source=filled, year=2025)
    stored = {
        r.indicator.name: r
        for r in Realization.objects.filter(year=2025).select_related("indicator")
    }
    assert stored["TCE atölyesine katılan çocuk sayısı"].value == 480
    assert stored["Kadın personel oranı"].value == Decimal("8.2")
    assert stored["Kadın personel oranı"].deviation_reason == "Atama yapılamadı"
    assert stored["Atölye sayısı"].state == "na"
    again = import_realizations(source=filled, year=2025)
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 3}
    changed = edit(filled, {f"I{r1}": 500})
    preview = import_realizations(source=changed, year=2025, dry_run=True)
    line = next(x for x in preview.lines if x.kind == "changed")
    assert (line.old, line.new) == ("480", "500") and line.row == r1


def test_reimporting_the_full_report_changes_nothing():
    before = snapshot()
    result = import_realizations(source=report_bytes(mersin(), 2024), year=2024)
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 145}
    assert snapshot() == before


def test_import_realizations_command(tmp_path, capsys):
    plan = mersin()
    form = report_bytes(plan, 2025, with_realizations=False)
    r = find_row(read(form).worksheets[0], 1, "1.1.1.")
    path = tmp_path / "form.xlsx"
    path.write_bytes(edit(form, {f"I{r}": 31}))
    call_command("import_realizations", str(path), "--year", "2025", "--dry-run")
    out = capsys.readouterr().out
    assert "1.1.1 Eğitim sayısı: yeni 31" in out and "1 yeni, 0 değişen" in out


def statements(ctx) -> tuple[list[str], int]:
    """Queries other than bulk INSERT batches (their SQL without the values), and the
    number of INSERT batches (SQLite caps a statement at 999 parameters, so a bulk
    insert of many rows is sent in several batches)."""
    others, inserts = [], 0
    for q in ctx.captured_queries:
        sql = q["sql"]
        if sql.startswith("INSERT"):
            inserts += 1
        elif not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            others.append(sql.split(" WHERE ")[0][:60])
    return others, inserts


def test_realization_import_queries_do_not_grow_with_rows():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seen = []
    for n in (5, 200):
        plan = make_plan(n, 2)
        data = report_bytes(plan, 2025, with_realizations=False)
        ws = read(data).worksheets[0]
        changes = {
            f"I{row[0].row}": 7 for row in ws.iter_rows(min_row=4) if ws.cell(row[0].row, 14).value
        }
        data = edit(data, changes)
        with CaptureQueriesContext(connection) as ctx:
            result = import_realizations(source=data, year=2025)
        assert result.counts["new"] == n * 2
        seen.append(statements(ctx))
    (small, small_inserts), (big, big_inserts) = seen
    assert small == big  # the same reads, whatever the size: no query per row
    from monitoring.models import FigureChange

    # only bulk batches: the realizations and their audit records
    batches = sum(
        400 * len(m._meta.concrete_fields) // 999 + 1 for m in (Realization, FigureChange)
    )
    assert big_inserts <= batches


def test_plan_import_queries_do_not_grow_with_rows():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seen = []
    for n in (5, 150):
        data = report_bytes(make_plan(n, 2), 2024)
        with CaptureQueriesContext(connection) as ctx:
            import_plan(source=data, municipality_name=f"Sorgu {n} Belediyesi")
        seen.append(statements(ctx))
    (small, _), (big, big_inserts) = seen
    assert small == big
    # themes, units, activities, their units, indicators, targets, realizations: each
    # sent in as few batches as the database's parameter limit allows
    assert big_inserts <= 25


# ------------------------------------------------------------------ bad input


def refused(fn, *fragments):
    before = snapshot()
    with pytest.raises(WorkbookError) as exc:
        fn()
    message = str(exc.value)
    for fragment in fragments:
        assert fragment in message, message
    assert snapshot() == before
    return message


def plan_from(data):
    return lambda: import_plan(source=data, municipality_name="Hatalı Belediye")


def reals_from(data, year=2024, plan=None):
    return lambda: import_realizations(source=data, year=year, plan=plan)


def test_a_text_file_named_xlsx():
    refused(
        plan_from(b"Faaliyet;Gosterge\n1.1.1;Egitim\n"), "Excel çalışma kitabı (.xlsx) değil", "CSV"
    )


def test_a_csv():
    data = "Faaliyet,Gösterge,2024\n1.1.1 Eğitim,Sayı,5\n".encode()
    refused(reals_from(data), ".xlsx) değil")


def test_an_old_xls():
    refused(plan_from(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), ".xls", "Farklı Kaydet")


def test_an_empty_workbook():
    refused(plan_from(xlsx([])), "boş")
    refused(reals_from(xlsx([])), "boş")


def test_no_recognisable_header():
    data = xlsx([["Ad", "Soyad"], ["Ayşe", "Yılmaz"]])
    refused(plan_from(data), "Başlık satırı bulunamadı", "Faaliyet")


def test_a_required_column_missing():
    data = xlsx([["Faaliyet", "Gösterge", "Mevcut", "2024"], ["1.1.1. Eğitim", "Sayı", 1, 2]])
    refused(
        reals_from(data, plan=mersin()), "'Sayfa1' sayfası, 1. satır", "“Gerçekleşme” sütunu yok"
    )


def test_text_in_a_numeric_realization():
    data = report_bytes(mersin(), 2024)
    r = find_row(read(data).worksheets[0], 1, "1.1.4.")
    message = refused(
        reals_from(edit(data, {f"I{r}": "yaklaşık yüz"})),
        f"{r}. satır",
        "I sütunu (Gerçekleşme)",
        "“yaklaşık yüz” bir sayı değil",
    )
    assert "2024 Gerçekleşme" in message


def test_an_unknown_indicator_key():
    data = report_bytes(mersin(), 2024)
    r = find_row(read(data).worksheets[0], 1, "1.1.4.")
    refused(
        reals_from(edit(data, {f"N{r}": 99999999})),
        f"{r}. satır",
        "N sütunu",
        "99999999 numaralı gösterge bu planda yok",
    )


def test_an_unknown_indicator_by_name():
    data = xlsx([["Faaliyet", "Gösterge", "Gerçekleşme"], ["1.1.1. Eğitim", "Olmayan gösterge", 5]])
    refused(reals_from(data, plan=mersin()), "2. satır", "B sütunu (Gösterge)", "planda bulunamadı")


def test_the_same_row_twice():
    data = xlsx(
        [
            ["Faaliyet", "Gösterge", "Gerçekleşme"],
            ["1.1.1. Eğitim", "Eğitim sayısı", 5],
            ["1.1.1. Eğitim", "Eğitim sayısı", 6],
        ]
    )
    refused(reals_from(data, plan=mersin()), "3. satır", "iki kez", "2. satırda")
    plan_rows = xlsx(
        [
            ["Faaliyet", "Gösterge", "2024"],
            ["1.1.1. Eğitim", "Eğitim sayısı", 5],
            [None, "Eğitim sayısı", 6],
        ]
    )
    refused(plan_from(plan_rows), "3. satır", "ikinci kez")


def test_formula_error_values_are_reported():
    data = xlsx(
        [["Faaliyet", "Gösterge", "Gerçekleşme"], ["1.1.1. Eğitim", "Eğitim sayısı", "#DIV/0!"]]
    )
    refused(reals_from(data, plan=mersin()), "2. satır", "C sütunu", "#DIV/0!")


def test_a_file_over_the_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    refused(plan_from(report_bytes(mersin(), 2024)), "çok büyük", "MB")


def test_a_file_over_the_cell_limit(settings):
    settings.IMPORT_MAX_CELLS = 500
    refused(plan_from(report_bytes(mersin(), 2024)), "hücre", "sınır")


def test_a_year_outside_the_plan():
    refused(reals_from(report_bytes(mersin(), 2024), year=2030), "2030 yılı", "2024-2026")


def test_a_file_for_another_year():
    refused(reals_from(report_bytes(mersin(), 2024), year=2025), "2024 yılına ait")


# ------------------------------------------------------------------ parsing details


def test_indicators_in_one_cell():
    assert split_indicators("-Düzenlenen eğitim sayısı -Katılımcı sayısı") == [
        "Düzenlenen eğitim sayısı",
        "Katılımcı sayısı",
    ]
    assert split_indicators("-18-25 yaş arası katılımcı sayısı") == [
        "18-25 yaş arası katılımcı sayısı",
    ]
    assert split_indicators("-Eğitim sayısı\n-Katılımcı Erkek Sayısı:") == [
        "Eğitim sayısı",
        "Katılımcı Erkek Sayısı",
    ]
    assert split_indicators("-") == []


def test_plan_table_with_messy_headers_and_merged_activity():
    data = xlsx(
        [
            ["ÖRNEK BELEDİYESİ 2024 YILI GERÇEKLEŞME RAPORU"],
            ["1. EĞİTİM"],
            ["1.1. Hedef: Farkındalık"],
            [
                "FAALİYET ",
                "Sorumlu\nBirim",
                "Destekçi Kurum\n/Kuruluş",
                "GÖSTERGE",
                "Mevcut",
                "2024",
                "2025",
                "Gerçek leşme",
            ],
            ["1.1.1.Eğitim vermek", "Sosyal Destek Hiz. Müd.", "-", "Eğitim sayısı", 5, 6, 7, 9],
            [None, None, None, "Katılımcı kadın sayısı", "-", "%8,2", "50 Kadın 50 Erkek", "%7.88"],
            ["2. İSTİHDAM"],
            [
                "FAALİYET",
                "Sorumlu birim",
                "Destekçi Kurum/Kuruluş",
                "Gösterge",
                "Mevcut",
                "2024",
                "2025",
                "Gerçekleşme",
            ],
            [
                "2.1 İş kursu",
                "Sosyal Destek Hizmetleri Müdürlüğü",
                "İŞKUR",
                "Kurs sayısı",
                0,
                1,
                "Toplantıda belli olacak",
                0,
            ],
        ]
    )
    result = import_plan(source=data, municipality_name="Örnek Belediyesi")
    plan = result.plan
    assert result.summary.counts()["faaliyet"] == 2
    assert (plan.first_year, plan.last_year, result.report_year) == (2024, 2025, 2024)
    acts = Activity.objects.for_plan(plan).order_by("theme__position", "position")
    assert [a.code for a in acts] == ["1.1.1", "2.1"]
    assert acts[0].goal.title == "Farkındalık" and acts[1].goal is None
    # both spellings are one unit
    assert plan.municipality.units.filter(name__startswith="Sosyal Destek").count() == 1
    second = Indicator.objects.get(activity=acts[0], position=2)
    assert second.baseline_raw == "-" and second.baseline_value is None
    assert {t.year: (t.value, t.raw_text) for t in second.targets.filter(group=None)} == {
        2024: (Decimal("8.2"), "%8,2"),
    }
    assert {t.group.code: t.value for t in second.targets.filter(year=2025)} == {
        "kadin": 50,
        "erkek": 50,
    }
    assert second.realizations.get().value == Decimal("7.88")
    course = Indicator.objects.get(activity=acts[1])
    assert course.targets.get(year=2025).state == "tbd"
    assert course.realizations.get().value == 0


def test_bad_plan_file_through_the_command_exits_non_zero(tmp_path):
    path = tmp_path / "bos.xlsx"
    path.write_bytes(xlsx([]))
    with pytest.raises(CommandError, match="hiçbir şey kaydedilmedi"):
        call_command("import_plan", str(path), "--municipality", "X Belediyesi")


def test_round_trip_keeps_an_objective_without_actions():
    """Narlıdere's theme 6 has an objective (HEDEF 1.2) with no action under it."""
    plan = Plan.objects.get(municipality__name="Narlıdere Belediyesi")
    copy = import_plan(source=report_bytes(plan, 2023), municipality_name="Kopya Belediyesi").plan
    assert plan_signature(copy) == plan_signature(plan)
    assert (copy.goal_label, copy.strategy_label) == ("Amaç", "Hedef")


def test_several_years_of_realizations_in_one_table():
    data = xlsx(
        [
            [
                "Faaliyet",
                "Gösterge",
                "Mevcut",
                "Hedef 2024",
                "Hedef 2025",
                "2024 Gerçekleşme",
                "2025 Gerçekleşme",
            ],
            ["1.1.1. Eğitim vermek", "Eğitim sayısı", 5, 6, 7, 8, 9],
        ]
    )
    plan = import_plan(source=data, municipality_name="Yıllar Belediyesi").plan
    ind = Indicator.objects.get(activity__theme__plan=plan)
    assert {t.year: t.value for t in ind.targets.all()} == {2024: 6, 2025: 7}
    assert {r.year: r.value for r in ind.realizations.all()} == {2024: 8, 2025: 9}
    # a realization workbook picks the column of the year it is loaded for
    edited = edit(data, {"G2": 10})
    result = import_realizations(source=edited, year=2025, plan=plan)
    assert result.counts["changed"] == 1
    assert ind.realizations.get(year=2025).value == 10
    bad = edit(data, {"G2": "on"})
    with pytest.raises(WorkbookError, match="G sütunu"):
        import_realizations(source=bad, year=2025, plan=plan)
