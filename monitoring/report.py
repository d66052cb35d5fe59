"""The yearly realization report (Gerçekleşme Raporu) as an Excel workbook, in the layout
of the Mersin 2024 report: a title row, theme and goal rows, one row per indicator with
the activity's cells merged over its indicators, then
Faaliyet | Sorumlu birim | Destekçi Kurum/Kuruluş | Gösterge | Mevcut | each plan year |
Gerçekleşme | Gerçekleşme oranı | Durum | Sapma nedeni, and hidden key columns so the
same file can come back in (``import_realizations``; ``import_plan`` for a whole plan).

Written with XlsxWriter: formats, merges and print settings in one pass, about three
times faster than openpyxl's write-only mode with styled cells (benchmarks/excel.py).
"""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from plans.models import Plan, Unit, ValueType
from plans.text import numeric_text, tr_upper

from .audit import cell_text
from .figures import IndicatorRow, plan_order, plan_table
from .progress import STATUS_COLORS, STATUS_LABELS

KEY_HEADERS = ["yeep:gösterge", "yeep:faaliyet", "yeep:hedef-düzeyi"]
# Where an indicator's targets are set. Not the bare words "faaliyet"/"gösterge": a
# column of those on every row would look like a header cell to the importer.
ACTIVITY_LEVEL, INDICATOR_LEVEL = "faaliyet düzeyi", "gösterge düzeyi"
BORDER = {"border": 1, "border_color": "#9E9E9E"}
WRAP_TOP = {"text_wrap": True, "valign": "top"}
STYLES: dict[str, dict] = {
    "yeep_header": {
        "bold": True,
        "font_color": "#FFFFFF",
        "bg_color": "#4A235A",
        "text_wrap": True,
        "valign": "vcenter",
        "align": "center",
    },
    "yeep_theme": {"bold": True, "font_size": 12, "bg_color": "#D7BDE2", **WRAP_TOP},
    "yeep_goal": {"bold": True, "italic": True, "bg_color": "#F4ECF7", **WRAP_TOP},
    "yeep_text": WRAP_TOP,
    "yeep_num": {"valign": "top", "align": "right", "num_format": "#,##0.##"},
    "yeep_pct": {"valign": "top", "align": "right", "num_format": "0.0#%"},
    **{
        f"yeep_status_{status}": {
            "bg_color": "#" + color,
            "bold": True,
            "font_color": "#FFFFFF"
            if status in ("achieved", "milestone_done", "behind", "milestone_not_done")
            else "#000000",
            "valign": "top",
            "align": "center",
            "text_wrap": True,
        }
        for status, color in STATUS_COLORS.items()
    },
}

# A cell of the report: (value, style name), or None for an empty unstyled cell.
Cell = tuple[object, str] | None


def _cell(value, style: str) -> Cell:
    return (value, style)


def _as_excel_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _figure_cell(rows: list, indicator, *, is_target: bool) -> Cell:
    """A number as a number (a percent as a percent-formatted cell), else the text as
    written ("50 Kadın 50 Erkek", "25 çift", "-", "Toplantıda belli olacak")."""
    if not rows:
        return None
    first = rows[0]
    grouped = any(r.group_id for r in rows)
    if (
        not grouped
        and first.state == "value"
        and first.value is not None
        and numeric_text(first.raw_text)
    ):
        percent = "%" in first.raw_text or (
            not first.raw_text
            and indicator is not None
            and indicator.value_type == ValueType.PERCENT
        )
        if percent:
            return (float(first.value / 100), "yeep_pct")
        return (_as_excel_number(first.value), "yeep_num")
    return (cell_text(rows), "yeep_text")


class _Writer:
    """Rows of cells into an XlsxWriter worksheet, one format object per style."""

    def __init__(self, wb, ws):
        self.ws = ws
        self.formats = {name: wb.add_format({**BORDER, **props}) for name, props in STYLES.items()}
        self.row_no = -1  # 0-based, as XlsxWriter counts

    def append(self, cells: list[Cell]) -> int:
        self.row_no += 1
        r = self.row_no
        ws, formats = self.ws, self.formats
        for c, cell in enumerate(cells):
            if cell is None:
                continue
            if type(cell) is not tuple:  # a hidden key: plain value
                if type(cell) is str:
                    ws.write_string(r, c, cell)
                else:
                    ws.write_number(r, c, cell)
                continue
            value, style = cell
            if value is None:
                ws.write_blank(r, c, None, formats[style])
            elif type(value) is str:
                ws.write_string(r, c, value, formats[style])
            else:
                ws.write_number(r, c, value, formats[style])
        return r

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, cell: Cell):
        value, style = cell if cell is not None else ("", "yeep_text")
        self.ws.merge_range(first_row, first_col, last_row, last_col, value, self.formats[style])


def build_report(
    plan: Plan,
    year: int,
    output,
    *,
    unit: Unit | None = None,
    with_realizations: bool = True,
    approved_only: bool = False,
) -> None:
    """Write the Gerçekleşme Raporu of ``plan`` for ``year`` to ``output`` (a file
    object); one unit's activities when given (the form sent to a directorate), with the
    realization column empty if asked."""
    from plans.models import Indicator

    indicators = Indicator.objects.filter(activity__theme__plan=plan)
    if unit is not None:
        indicators = indicators.filter(activity__responsible_units=unit)
    rows = plan_table(
        plan,
        indicators=indicators if unit is not None else None,
        approved_only=approved_only,
        with_empty_activities=unit is None,
    )
    if unit is None:
        rows = _with_empty_levels(plan, rows)

    wb = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,  # "=..." typed by a user stays text
            "strings_to_urls": False,
        },
    )
    ws = wb.add_worksheet(f"{year} Gerçekleşme"[:31])
    out = _Writer(wb, ws)
    years = plan.years
    headers = (
        ["Faaliyet", "Sorumlu birim", "Destekçi Kurum/Kuruluş", "Gösterge", "Mevcut"]
        + [str(y) for y in years]
        + ["Gerçekleşme", "Gerçekleşme oranı", "Durum", "Sapma nedeni", "Açıklama"]
        + KEY_HEADERS
    )
    ncols = len(headers)
    last_visible = ncols - len(KEY_HEADERS) - 1  # 0-based
    widths = [48, 24, 24, 34, 10] + [10] * len(years) + [13, 12, 14, 34, 28] + [8, 8, 8]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w, None, {"hidden": i > last_visible})
    ws.freeze_panes(3, 1)  # below the header row, right of Faaliyet: "B4"
    ws.repeat_rows(2)  # the header row on every printed page
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # as wide as one page, as many pages down as needed
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4)

    title = f"{plan.municipality.name} — {plan.title}"
    subtitle = f"{year} YILI GERÇEKLEŞME RAPORU"
    if unit is not None:
        subtitle += f" — {unit.name}"
    out.merge(0, 0, 0, last_visible, (title, "yeep_theme"))
    out.merge(1, 0, 1, last_visible, (subtitle, "yeep_goal"))
    out.row_no = 1
    out.append([(h, "yeep_header") for h in headers])

    def level_row(label: str, style: str) -> None:
        out.row_no += 1
        out.merge(out.row_no, 0, out.row_no, last_visible, (label, style))

    current_theme = current_goal = current_strategy = None
    i = 0
    while i < len(rows):
        row = rows[i]
        act = row.activity
        if act.theme_id != current_theme:
            current_theme, current_goal, current_strategy = act.theme_id, None, None
            theme = act.theme
            level_row(f"{theme.code}. {theme.title}" if theme.code else theme.title, "yeep_theme")
        if act.goal_id and act.goal_id != current_goal:
            current_goal, current_strategy = act.goal_id, None
            goal = act.goal
            name = plan.goal_label or "Hedef"
            level_row(
                f"{goal.code}. {name}: {goal.title}" if goal.code else f"{name}: {goal.title}",
                "yeep_goal",
            )
        if act.strategy_id and act.strategy_id != current_strategy:
            current_strategy = act.strategy_id
            st = act.strategy
            name = plan.strategy_label or "Strateji"
            level_row(f"{tr_upper(name)} {st.code}. {st.title}".strip(), "yeep_goal")
        if isinstance(act, _Level):  # a goal or strategy with no activity: its row only
            i += 1
            continue
        group = [row]
        while i + len(group) < len(rows) and rows[i + len(group)].activity.pk == act.pk:
            group.append(rows[i + len(group)])
        first_cells: list[Cell] = []
        for k, r in enumerate(group):
            cells = _indicator_cells(r, years, year, with_realizations, first=k == 0)
            if k == 0:
                first_cells = cells
            last_row = out.append(cells)
        if len(group) > 1:  # the activity's cells over its indicators' rows
            first_row = last_row - len(group) + 1
            for col in (0, 1, 2):
                out.merge(first_row, col, last_row, col, first_cells[col])
        i += len(group)
    wb.close()


class _Level:
    """Stands in for an activity where a goal or strategy has none, so the report still
    prints its row (and a whole-plan round trip keeps it)."""

    pk = None
    position = 0

    def __init__(self, theme, goal, strategy=None):
        self.theme, self.goal, self.strategy = theme, goal, strategy
        self.theme_id, self.goal_id = theme.pk, goal.pk
        self.strategy_id = strategy.pk if strategy else None


def _with_empty_levels(plan: Plan, rows: list[IndicatorRow]) -> list[IndicatorRow]:
    from plans.models import Goal, Strategy

    levels = [
        IndicatorRow(indicator=None, activity=_Level(g.theme, g))
        for g in Goal.objects.filter(theme__plan=plan, activities__isnull=True)
        .select_related("theme")
        .distinct()
    ] + [
        IndicatorRow(indicator=None, activity=_Level(st.goal.theme, st.goal, st))
        for st in Strategy.objects.filter(goal__theme__plan=plan, activities__isnull=True)
        .select_related("goal__theme")
        .distinct()
    ]
    if not levels:
        return rows

    return sorted(rows + levels, key=plan_order)


def _indicator_cells(r: IndicatorRow, years, year, with_realizations, *, first: bool):
    ind, act = r.indicator, r.activity
    activity_level = not r.targets and bool(r.activity_targets)
    if ind is None:  # an activity without indicators
        head = [
            _cell(f"{act.code}. {act.title}" if act.code else act.title, "yeep_text"),
            _cell(act.responsible_raw, "yeep_text"),
            _cell(act.partners_raw, "yeep_text"),
            None,
            None,
        ]
        targets = [_figure_cell(r.activity_targets.get(y, []), None, is_target=True) for y in years]
        return head + targets + [None] * 5 + [None, act.pk, ACTIVITY_LEVEL]
    cells: list = [
        _cell(f"{act.code}. {act.title}" if act.code else act.title, "yeep_text")
        if first
        else None,
        _cell(act.responsible_raw or ", ".join(u.name for u in r.responsible), "yeep_text")
        if first
        else None,
        _cell(act.partners_raw or ", ".join(u.name for u in r.partners), "yeep_text")
        if first
        else None,
        _cell(ind.name, "yeep_text"),
        _baseline_cell(ind),
    ]
    for y in years:
        source = r.activity_targets if activity_level else r.targets
        cells.append(
            _figure_cell(source.get(y, []), ind, is_target=True)
            if (first or not activity_level)
            else None
        )
    real_rows = r.realizations.get(year, []) if with_realizations else []
    cells.append(_figure_cell(real_rows, ind, is_target=False))
    progress = r.progress(year)
    if with_realizations and progress.rate is not None:
        cells.append(_cell(float(progress.rate), "yeep_pct"))
    else:
        cells.append(None)
    cells.append(
        _cell(str(STATUS_LABELS[progress.status]), f"yeep_status_{progress.status}")
        if with_realizations
        else None
    )
    real = r.realization(year) if with_realizations else None
    cells.append(_cell(real.deviation_reason, "yeep_text") if real else None)
    cells.append(_cell(real.note, "yeep_text") if real and not real.note_internal else None)
    cells.extend([ind.pk, act.pk, ACTIVITY_LEVEL if activity_level else INDICATOR_LEVEL])
    return cells


def _baseline_cell(ind):
    if ind.baseline_value is not None and numeric_text(ind.baseline_raw):
        if "%" in ind.baseline_raw or ind.value_type == ValueType.PERCENT:
            return _cell(float(ind.baseline_value / 100), "yeep_pct")
        return _cell(_as_excel_number(ind.baseline_value), "yeep_num")
    return _cell(ind.baseline_raw, "yeep_text") if ind.baseline_raw else None


def report_bytes(plan: Plan, year: int, **kwargs) -> bytes:
    buffer = io.BytesIO()
    build_report(plan, year, buffer, **kwargs)
    return buffer.getvalue()


def report_filename(plan: Plan, year: int, unit: Unit | None = None, empty: bool = False) -> str:
    kind = "gerceklesme formu" if empty else "gerceklesme raporu"
    base = slugify(f"{plan.municipality.name} {year} {kind}".replace("ı", "i"))
    if unit is not None:
        base += "-" + slugify(unit.name.replace("ı", "i"))[:40]
    return f"{base}.xlsx"


def report_response(plan: Plan, params, *, approved_only: bool = False) -> HttpResponse:
    """An HTTP download of the report: ?year= (default: the latest year with figures,
    else the first), ?unit= for one responsible unit, ?empty=1 for the blank form."""
    year_raw = str(params.get("year", ""))
    year = int(year_raw) if year_raw.isdigit() else None
    if year not in plan.years:
        year = plan.first_year
    unit = None
    unit_raw = str(params.get("unit", ""))
    if unit_raw.isdigit():
        unit = get_object_or_404(Unit, pk=int(unit_raw), municipality=plan.municipality)
    empty = params.get("empty") in ("1", "true", "evet")
    data = report_bytes(
        plan, year, unit=unit, with_realizations=not empty, approved_only=approved_only
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{report_filename(plan, year, unit, empty=empty)}"'
    )
    return response


def unit_forms_zip(plan: Plan, year: int) -> bytes:
    """One blank form per responsible unit (the workbooks e-mailed out in January)."""
    import zipfile

    units = Unit.objects.filter(responsible_for__theme__plan=plan).distinct().order_by("name")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for unit in units:
            data = report_bytes(plan, year, unit=unit, with_realizations=False)
            zf.writestr(report_filename(plan, year, unit, empty=True), data)
    return buffer.getvalue()
