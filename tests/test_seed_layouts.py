"""Workbooks typed from the seeds in their own layouts (tests/workbooks.py) go through
import_plan and import_realizations; counts and values are compared with the source."""

from decimal import Decimal

import pytest

from monitoring.excel.plan_table import import_plan
from monitoring.excel.reader import WorkbookError
from monitoring.excel.realization_form import import_realizations
from monitoring.models import Realization
from plans.models import Activity, Indicator, Plan, Strategy, Target

from . import workbooks as W
from .excel_helpers import snapshot

pytestmark = pytest.mark.django_db


def load(path, **kwargs):
    return import_plan(source=path.read_bytes(), municipality_name="Deneme Belediyesi", **kwargs)


def counts(plan):
    return {
        "themes": plan.themes.count(),
        "goals": sum(t.goals.count() for t in plan.themes.all()),
        "strategies": Strategy.objects.filter(goal__theme__plan=plan).count(),
        "activities": Activity.objects.for_plan(plan).count(),
        "indicators": Indicator.objects.filter(activity__theme__plan=plan).count(),
    }


MERSIN_LAYOUTS = [
    {},
    {"merged": False},
    {"tables": "per_goal"},
    {"header_variant": 1},
    {"header_variant": 2, "header_row": 4},
    {"header_variant": 3, "noise": True, "percents": "number"},
]


@pytest.mark.parametrize(
    "layout", MERSIN_LAYOUTS, ids=lambda d: "-".join(map(str, d.values())) or "default"
)
def test_mersin_layouts(tmp_path, layout):
    result = load(W.mersin_report(tmp_path / "m.xlsx", **layout))
    plan = result.plan
    assert counts(plan) == {
        "themes": 8,
        "goals": 19,
        "strategies": 0,
        "activities": 118,
        "indicators": 146,
    }
    assert result.report_year == 2024 and (plan.first_year, plan.last_year) == (2024, 2026)
    ind = Indicator.objects.get(
        activity__theme__plan=plan, activity__code="1.1.4", name__startswith="TCE"
    )
    assert ind.baseline_value == 277
    assert [t.value for t in ind.targets.order_by("year")] == [377, 477, 500]
    assert ind.realizations.get().value == 987
    pct = Indicator.objects.get(activity__theme__plan=plan, activity__code="2.1.5")
    assert pct.targets.get(year=2025).value == Decimal("8.2")
    assert pct.value_type == "percent"
    tbd = Realization.objects.get(
        indicator__activity__theme__plan=plan,
        indicator__activity__code="8.2",
        indicator__name__startswith="Katılımcı",
    )
    assert tbd.state == "tbd"
    dash = Indicator.objects.get(activity__theme__plan=plan, activity__code="2.1.8")
    assert dash.baseline_raw == "-" and dash.realizations.get().value == 0
    assert Target.objects.filter(indicator__activity__theme__plan=plan).count() == 438
    assert Realization.objects.for_plan(plan).count() == 145


def test_mersin_without_a_year_in_the_title_needs_the_year(tmp_path):
    path = W.mersin_report(tmp_path / "m.xlsx", year_title=False)
    before = snapshot()
    with pytest.raises(WorkbookError, match="--year"):
        load(path)
    assert snapshot() == before
    assert load(path, year=2024).report_year == 2024


@pytest.mark.parametrize("indicators", ["newline", "rows"])
def test_buyukcekmece_layouts(tmp_path, indicators):
    result = load(W.buyukcekmece_plan(tmp_path / "b.xlsx", indicators=indicators))
    plan = result.plan
    assert counts(plan) == {
        "themes": 6,
        "goals": 6,
        "strategies": 9,
        "activities": 86,
        "indicators": 203,
    }
    assert (plan.first_year, plan.last_year) == (2023, 2024)
    act = Activity.objects.get(theme__plan=plan, code="1.1.9")
    assert {t.group.code: t.value for t in act.activity_targets.filter(year=2023)} == {
        "kadin": 50,
        "erkek": 50,
        "kiz-cocuk": 50,
        "oglan-cocuk": 50,
    }
    assert not Target.objects.filter(indicator__activity__theme__plan=plan).exists()
    assert act.timing == "medium"
    first = Activity.objects.get(theme__plan=plan, code="1.1.2")
    assert "Örneğin hamilelik" in first.title
    assert len(Activity.objects.get(theme__plan=plan, code="1.1.1").responsible_units.all()) == 5


def test_buyukcekmece_indicators_on_one_line(tmp_path):
    result = load(W.buyukcekmece_plan(tmp_path / "b.xlsx", indicators="space"))
    # three cells of the seed lack a dash between two indicators: those stay one name
    assert counts(result.plan)["indicators"] == 203 - 3


@pytest.mark.parametrize(
    "layout",
    [{}, {"one_sheet": True}, {"chapter_numbers": True, "stats_sheet": True}],
    ids=["sheets", "one-sheet", "chapters"],
)
def test_narlidere_layouts(tmp_path, layout):
    result = load(W.narlidere_plan(tmp_path / "n.xlsx", **layout))
    plan = result.plan
    assert counts(plan) == {
        "themes": 6,
        "goals": 25,
        "strategies": 52,
        "activities": 77,
        "indicators": 80,
    }
    assert (plan.first_year, plan.last_year) == (2023, 2025)
    assert (plan.goal_label, plan.strategy_label) == ("Amaç", "Hedef")
    assert Activity.objects.for_plan(plan).filter(code="1.1.1").count() > 3
    assert any("daha önce de geçiyor" in w for w in result.warnings)
    assert set(
        Activity.objects.for_plan(plan).exclude(timing_raw="").values_list("start_year", "end_year")
    ) == {(2023, 2025)}


def test_realizations_from_a_typed_report_by_code_and_name(tmp_path):
    plan = Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")
    path = W.mersin_report(tmp_path / "m.xlsx")
    result = import_realizations(source=path.read_bytes(), year=2024, plan=plan, dry_run=True)
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 145}


@pytest.mark.parametrize(
    ("kind", "fragments"),
    [
        ("not_xlsx_text", [".xlsx) değil"]),
        ("xls_as_xlsx", [".xls", "Farklı Kaydet"]),
        ("empty", ["boş"]),
        ("no_header", ["Başlık satırı bulunamadı"]),
        ("missing_column", ["“Gösterge” sütunu yok", "3. satır"]),
        ("formula", ["#DIV/0!", "I sütunu"]),
        ("duplicate_row", ["ikinci kez"]),
        ("truncated", ["açılamadı"]),
    ],
)
def test_broken_plan_workbooks(tmp_path, kind, fragments):
    path = W.broken(kind, tmp_path / "bozuk.xlsx")
    before = snapshot()
    with pytest.raises(WorkbookError) as exc:
        load(path)
    for fragment in fragments:
        assert fragment in str(exc.value), str(exc.value)
    assert snapshot() == before


def test_formula_cached_values_are_read(tmp_path):
    """=10+5 comes in as 15 (only the #DIV/0! cell is refused)."""
    from monitoring.excel.plan_rows import parse_workbook

    path = W.broken("formula", tmp_path / "f.xlsx")
    with pytest.raises(WorkbookError) as exc:
        parse_workbook(path.read_bytes())
    assert len(exc.value.issues) == 1
    from openpyxl import load_workbook

    code, indicator, key = W.FORMULA_SUM[:3]
    cell = W.mersin_cell(code, key, indicator)
    assert load_workbook(path, data_only=True).active[cell].value == 15


def test_text_in_a_numeric_column_of_a_plan_is_kept_with_a_warning(tmp_path):
    result = load(W.broken("text_in_numeric", tmp_path / "t.xlsx"))
    assert any("“yaklaşık yüz” bir sayı değil" in w for w in result.warnings)


def test_text_in_numeric_realization_import_is_refused(tmp_path):
    plan = Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")
    path = W.broken("text_in_numeric", tmp_path / "t.xlsx")
    before = snapshot()
    with pytest.raises(WorkbookError, match="“yaklaşık yüz” bir sayı değil"):
        import_realizations(source=path.read_bytes(), year=2024, plan=plan)
    assert snapshot() == before


def test_csv_and_xls_files(tmp_path):
    for kind in ("csv", "xls"):
        path = W.broken(kind, tmp_path / "x.xlsx")
        with pytest.raises(WorkbookError, match="xls"):
            load(path)


def test_a_huge_file_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_CELLS = 20_000
    path = W.broken("huge", tmp_path / "h.xlsx", rows=1000, cols=30)
    with pytest.raises(WorkbookError, match="hücre"):
        load(path)
