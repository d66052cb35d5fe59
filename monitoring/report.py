"""The yearly realization report (Gerçekleşme Raporu) as an Excel workbook, in the layout
of the Mersin 2024 report: a title row, theme and goal rows, one row per indicator with
the activity's cells merged over its indicators, then
Faaliyet | Sorumlu birim | Destekçi Kurum/Kuruluş | Gösterge | Mevcut | each plan year |
Gerçekleşme | Gerçekleşme oranı | Durum | Sapma nedeni, and hidden key columns so the
same file can come back in (``import_realizations``; ``import_plan`` for a whole plan).

Written with openpyxl's write-only mode: memory stays flat and it is fast on big plans.
"""

from __future__ import annotations

import io
from copy import copy
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from plans.models import Plan, Unit, ValueType
from plans.text import numeric_text, tr_upper

from .figures import IndicatorRow, plan_order, plan_table
from .progress import STATUS_COLORS, STATUS_LABELS
from .services import cell_text

KEY_HEADERS = ["yeep:gösterge", "yeep:faaliyet", "yeep:hedef-düzeyi"]
THIN = Side(style="thin", color="9E9E9E")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _styles(wb: Workbook) -> None:
    def add(name, **kw):
        style = NamedStyle(name=name, border=BORDER, **kw)
        wb.add_named_style(style)

    wrap_top = Alignment(wrap_text=True, vertical="top")
    add(
        "yeep_header",
        font=Font(bold=True, color="FFFFFF"),
        fill=PatternFill("solid", fgColor="4A235A"),
        alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
    )
    add(
        "yeep_theme",
        font=Font(bold=True, size=12),
        fill=PatternFill("solid", fgColor="D7BDE2"),
        alignment=wrap_top,
    )
    add(
        "yeep_goal",
        font=Font(bold=True, italic=True),
        fill=PatternFill("solid", fgColor="F4ECF7"),
        alignment=wrap_top,
    )
    add("yeep_text", alignment=wrap_top)
    add(
        "yeep_num",
        alignment=Alignment(vertical="top", horizontal="right"),
        number_format="#,##0.##",
    )
    add("yeep_pct", alignment=Alignment(vertical="top", horizontal="right"), number_format="0.0#%")
    for status, color in STATUS_COLORS.items():
        dark = status in ("achieved", "milestone_done", "behind", "milestone_not_done")
        add(
            f"yeep_status_{status}",
            fill=PatternFill("solid", fgColor=color),
            font=Font(bold=True, color="FFFFFF" if dark else "000000"),
            alignment=Alignment(vertical="top", horizontal="center", wrap_text=True),
        )


def _cell(ws, value, style: str) -> WriteOnlyCell:
    """A styled cell. Looking a named style up by name is a linear search in openpyxl,
    so each style's array is resolved once per sheet and copied onto the cells."""
    cache = ws.__dict__.setdefault("_yeep_styles", {})
    c = WriteOnlyCell(ws, value=value)
    if style not in cache:
        c.style = style
        cache[style] = copy(c._style)
    else:
        c._style = copy(cache[style])
    return c


def _as_excel_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _figure_cell(ws, rows: list, indicator, *, is_target: bool):
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
            return _cell(ws, float(first.value / 100), "yeep_pct")
        return _cell(ws, _as_excel_number(first.value), "yeep_num")
    return _cell(ws, cell_text(rows), "yeep_text")


def build_report(
    plan: Plan,
    year: int,
    *,
    unit: Unit | None = None,
    with_realizations: bool = True,
    approved_only: bool = False,
) -> Workbook:
    """The Gerçekleşme Raporu of ``plan`` for ``year``; one unit's activities when given
    (the form sent to a directorate), with the realization column empty if asked."""
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

    wb = Workbook(write_only=True)
    _styles(wb)
    ws = wb.create_sheet(title=f"{year} Gerçekleşme"[:31])
    years = plan.years
    headers = (
        ["Faaliyet", "Sorumlu birim", "Destekçi Kurum/Kuruluş", "Gösterge", "Mevcut"]
        + [str(y) for y in years]
        + ["Gerçekleşme", "Gerçekleşme oranı", "Durum", "Sapma nedeni", "Açıklama"]
        + KEY_HEADERS
    )
    ncols = len(headers)
    widths = [48, 24, 24, 34, 10] + [10] * len(years) + [13, 12, 14, 34, 28] + [8, 8, 8]
    for i, w in enumerate(widths, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = w
        if i > ncols - len(KEY_HEADERS):
            dim.hidden = True
    ws.freeze_panes = "B4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4

    title = f"{plan.municipality.name} — {plan.title}"
    subtitle = f"{year} YILI GERÇEKLEŞME RAPORU"
    if unit is not None:
        subtitle += f" — {unit.name}"
    merges: list[str] = []  # set once at the end: openpyxl's add() is quadratic
    ws.append([_cell(ws, title, "yeep_theme")])
    ws.append([_cell(ws, subtitle, "yeep_goal")])
    merges.append(f"A1:{get_column_letter(ncols - len(KEY_HEADERS))}1")
    merges.append(f"A2:{get_column_letter(ncols - len(KEY_HEADERS))}2")
    ws.append([_cell(ws, h, "yeep_header") for h in headers])
    last_visible = get_column_letter(ncols - len(KEY_HEADERS))

    row_no = 3
    current_theme = current_goal = current_strategy = None
    i = 0
    while i < len(rows):
        row = rows[i]
        act = row.activity
        if act.theme_id != current_theme:
            current_theme, current_goal, current_strategy = act.theme_id, None, None
            row_no += 1
            theme = act.theme
            label = f"{theme.code}. {theme.title}" if theme.code else theme.title
            ws.append([_cell(ws, label, "yeep_theme")])
            merges.append(f"A{row_no}:{last_visible}{row_no}")
        if act.goal_id and act.goal_id != current_goal:
            current_goal, current_strategy = act.goal_id, None
            row_no += 1
            goal = act.goal
            name = plan.goal_label or "Hedef"
            label = f"{goal.code}. {name}: {goal.title}" if goal.code else f"{name}: {goal.title}"
            ws.append([_cell(ws, label, "yeep_goal")])
            merges.append(f"A{row_no}:{last_visible}{row_no}")
        if act.strategy_id and act.strategy_id != current_strategy:
            current_strategy = act.strategy_id
            row_no += 1
            st = act.strategy
            name = plan.strategy_label or "Strateji"
            label = f"{tr_upper(name)} {st.code}. {st.title}".strip()
            ws.append([_cell(ws, label, "yeep_goal")])
            merges.append(f"A{row_no}:{last_visible}{row_no}")
        if isinstance(act, _Level):  # a goal or strategy with no activity: its row only
            i += 1
            continue
        group = [row]
        while i + len(group) < len(rows) and rows[i + len(group)].activity.pk == act.pk:
            group.append(rows[i + len(group)])
        first_row = row_no + 1
        for k, r in enumerate(group):
            row_no += 1
            ws.append(_indicator_cells(ws, r, years, year, with_realizations, first=k == 0))
        if len(group) > 1:
            for col in (1, 2, 3):
                letter = get_column_letter(col)
                merges.append(f"{letter}{first_row}:{letter}{row_no}")
        i += len(group)
    ws.merged_cells = MultiCellRange([CellRange(ref) for ref in merges])
    return wb


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


def _indicator_cells(ws, r: IndicatorRow, years, year, with_realizations, *, first: bool):
    ind, act = r.indicator, r.activity
    activity_level = not r.targets and bool(r.activity_targets)
    if ind is None:  # an activity without indicators
        head = [
            _cell(ws, f"{act.code}. {act.title}" if act.code else act.title, "yeep_text"),
            _cell(ws, act.responsible_raw, "yeep_text"),
            _cell(ws, act.partners_raw, "yeep_text"),
            None,
            None,
        ]
        targets = [
            _figure_cell(ws, r.activity_targets.get(y, []), None, is_target=True) for y in years
        ]
        return head + targets + [None] * 5 + [None, act.pk, "faaliyet"]
    cells: list = [
        _cell(ws, f"{act.code}. {act.title}" if act.code else act.title, "yeep_text")
        if first
        else None,
        _cell(ws, act.responsible_raw or ", ".join(u.name for u in r.responsible), "yeep_text")
        if first
        else None,
        _cell(ws, act.partners_raw or ", ".join(u.name for u in r.partners), "yeep_text")
        if first
        else None,
        _cell(ws, ind.name, "yeep_text"),
        _baseline_cell(ws, ind),
    ]
    for y in years:
        source = r.activity_targets if activity_level else r.targets
        cells.append(
            _figure_cell(ws, source.get(y, []), ind, is_target=True)
            if (first or not activity_level)
            else None
        )
    real_rows = r.realizations.get(year, []) if with_realizations else []
    cells.append(_figure_cell(ws, real_rows, ind, is_target=False))
    progress = r.progress(year)
    if with_realizations and progress.rate is not None:
        cells.append(_cell(ws, float(progress.rate), "yeep_pct"))
    else:
        cells.append(None)
    cells.append(
        _cell(ws, str(STATUS_LABELS[progress.status]), f"yeep_status_{progress.status}")
        if with_realizations
        else None
    )
    real = r.realization(year) if with_realizations else None
    cells.append(_cell(ws, real.deviation_reason, "yeep_text") if real else None)
    cells.append(_cell(ws, real.note, "yeep_text") if real and not real.note_internal else None)
    cells.extend([ind.pk, act.pk, "faaliyet" if activity_level else "gösterge"])
    return cells


def _baseline_cell(ws, ind):
    if ind.baseline_value is not None and numeric_text(ind.baseline_raw):
        if "%" in ind.baseline_raw or ind.value_type == ValueType.PERCENT:
            return _cell(ws, float(ind.baseline_value / 100), "yeep_pct")
        return _cell(ws, _as_excel_number(ind.baseline_value), "yeep_num")
    return _cell(ws, ind.baseline_raw, "yeep_text") if ind.baseline_raw else None


def report_bytes(plan: Plan, year: int, **kwargs) -> bytes:
    buffer = io.BytesIO()
    build_report(plan, year, **kwargs).save(buffer)
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
