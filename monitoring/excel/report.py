"""The yearly realization report (Gerçekleşme Raporu) as an Excel workbook, in the layout
of the Mersin 2024 report: a title row, theme and goal rows, one row per indicator with
the activity's cells merged over its indicators, then
Faaliyet | Sorumlu birim | Destekçi Kurum/Kuruluş | Gösterge | Mevcut | each plan year |
Gerçekleşme | Gerçekleşme oranı | Durum | Sapma nedeni, and hidden key columns so the
same file can come back in (``import_realizations``; ``import_plan`` for a whole plan).

``report_content`` says what the report holds; ``write_workbook`` writes it with
XlsxWriter (formats, merges and print settings in one pass, about three times faster
than openpyxl's write-only mode: benchmarks/excel.py), sized for print by report_layout;
report_pdf writes the same content as a PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.text import slugify

from plans.models import Plan, Unit, ValueType
from plans.text import numeric_text, tr_upper

from ..audit import cell_text
from ..figures import IndicatorRow, plan_order, plan_table
from ..progress import LEVEL_HELP, STATUS_COLORS, STATUS_LABELS, level_step_of
from .report_layout import (
    BODY_SIZE,
    CELL_PADDING,
    FONT_NAME,
    LINE_FACTOR,
    cell_height,
    column_points,
    page_breaks,
    page_setup,
    spread,
    text_room,
)

KEY_HEADERS = ["yeep:gösterge", "yeep:faaliyet", "yeep:hedef-düzeyi"]
# Where an indicator's targets are set. Not the bare words "faaliyet"/"gösterge": a
# column of those on every row would look like a header cell to the importer.
ACTIVITY_LEVEL, INDICATOR_LEVEL = "faaliyet düzeyi", "gösterge düzeyi"
# Every percentage of the report, rates and percent figures alike: "%8,2", "%261,8" in
# a Turkish Excel (the "%" written first, as Turkish writes it).
# "[$-41F]" is Turkish (LCID 041F): "1.234,5" and "%8,2" in any Excel or LibreOffice.
PERCENT_FORMAT = "[$-41F]%0.0"
TITLE_SIZE, LEVEL_SIZE, STEP_SIZE = 11, 9.5, 8.5
BORDER = {"border": 1, "border_color": "#9E9E9E"}
FONT = {"font_name": FONT_NAME, "font_size": BODY_SIZE}
WRAP_TOP = {"text_wrap": True, "valign": "top"}
STYLES: dict[str, dict] = {
    "yeep_header": {
        "bold": True,
        "font_size": 8.5,
        "font_color": "#FFFFFF",
        "bg_color": "#4A235A",
        "text_wrap": True,
        "valign": "vcenter",
        "align": "center",
    },
    "yeep_title": {"bold": True, "font_size": TITLE_SIZE, "bg_color": "#D7BDE2", **WRAP_TOP},
    "yeep_theme": {"bold": True, "font_size": LEVEL_SIZE, "bg_color": "#D7BDE2", **WRAP_TOP},
    "yeep_goal": {"bold": True, "italic": True, "bg_color": "#F4ECF7", **WRAP_TOP},
    "yeep_text": WRAP_TOP,
    "yeep_int": {"valign": "top", "align": "right", "num_format": "[$-41F]#,##0"},
    "yeep_num": {"valign": "top", "align": "right", "num_format": "[$-41F]#,##0.0#"},
    "yeep_pct": {"valign": "top", "align": "right", "num_format": PERCENT_FORMAT},
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
BOLD_STYLES = {name for name, props in STYLES.items() if props.get("bold")}

# Column widths in characters of the default font's digit (Arial 10: 7 pixels in Excel,
# 7.4 in LibreOffice, which does not round it). The visible columns of a three-year plan
# add up to one A4 landscape page inside the margins (about 798 points) in LibreOffice
# too, so the page prints at 100 % and the 9-point body stays 9 points on paper.
WIDTHS_BEFORE_YEARS = [21, 11.5, 11.5, 18, 6]
YEAR_WIDTH = 6
WIDTHS_AFTER_YEARS = [10.5, 10.5, 9.5, 9.5, 8]
KEY_WIDTH = 8

# A cell of the report: (value, style name), or None for an empty unstyled cell.
Cell = tuple[object, str] | None


@dataclass
class Line:
    """One printed stretch of the report: a title, theme or goal row (``text``) spread
    over the visible columns, or an activity's rows (``rows``, one per indicator) whose
    first three cells are merged over them."""

    style: str
    text: str = ""
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class ReportContent:
    """What the report says, in its order; the workbook and the PDF both write this."""

    title: str
    subtitle: str
    years: list[int]
    headers: list[str]
    lines: list[Line]
    has_level_steps: bool

    @property
    def visible(self) -> int:
        return len(self.headers) - len(KEY_HEADERS)

    @property
    def widths(self) -> list[float]:
        """Column widths; a plan of more than three years takes the room of its extra
        year columns from Faaliyet, Gösterge and Sapma nedeni (down to 60 %), so that it
        still prints at 100 %."""
        extra = YEAR_WIDTH * max(0, len(self.years) - 3)
        before, after = list(WIDTHS_BEFORE_YEARS), list(WIDTHS_AFTER_YEARS)
        k = max(0.6, 1 - extra / (before[0] + before[3] + after[3]))
        before[0], before[3], after[3] = (round(w * k, 1) for w in (before[0], before[3], after[3]))
        return before + [YEAR_WIDTH] * len(self.years) + after + [KEY_WIDTH] * len(KEY_HEADERS)


def _cell(value, style: str) -> Cell:
    return (value, style)


def _as_excel_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _number_cell(value: Decimal) -> Cell:
    number = _as_excel_number(value)
    return (number, "yeep_int" if type(number) is int else "yeep_num")


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
        return _number_cell(first.value)
    return (cell_text(rows), "yeep_text")


def report_content(
    plan: Plan,
    year: int,
    *,
    unit: Unit | None = None,
    with_realizations: bool = True,
    approved_only: bool = False,
) -> ReportContent:
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

    years = plan.years
    headers = (
        ["Faaliyet", "Sorumlu birim", "Destekçi Kurum/Kuruluş", "Gösterge", "Mevcut"]
        + [str(y) for y in years]
        + ["Gerçekleşme", "Gerçekleşme oranı", "Durum", "Sapma nedeni", "Açıklama"]
        + KEY_HEADERS
    )
    subtitle = f"{year} YILI GERÇEKLEŞME RAPORU"
    if unit is not None:
        subtitle += f" — {unit.name}"
    content = ReportContent(
        title=plan.heading,  # the municipality once, though the title may name it too
        subtitle=subtitle,
        years=years,
        headers=headers,
        lines=[],
        has_level_steps=False,
    )
    with translation.override("tr"):
        _report_lines(content, plan, rows, year, with_realizations)
    return content


def _report_lines(content, plan: Plan, rows: list, year: int, with_realizations: bool) -> None:
    """Theme, goal and strategy rows, then each activity with its indicators' rows."""
    lines, years = content.lines, content.years
    current_theme = current_goal = current_strategy = None
    i = 0
    while i < len(rows):
        row = rows[i]
        act = row.activity
        if act.theme_id != current_theme:
            current_theme, current_goal, current_strategy = act.theme_id, None, None
            theme = act.theme
            text = f"{theme.code}. {theme.title}" if theme.code else theme.title
            lines.append(Line("yeep_theme", text))
        if act.goal_id and act.goal_id != current_goal:
            current_goal, current_strategy = act.goal_id, None
            goal = act.goal
            name = plan.goal_label or "Hedef"
            text = f"{goal.code}. {name}: {goal.title}" if goal.code else f"{name}: {goal.title}"
            lines.append(Line("yeep_goal", text))
        if act.strategy_id and act.strategy_id != current_strategy:
            current_strategy = act.strategy_id
            st = act.strategy
            name = plan.strategy_label or "Strateji"
            lines.append(Line("yeep_goal", f"{tr_upper(name)} {st.code}. {st.title}".strip()))
        if isinstance(act, _Level):  # a goal or strategy with no activity: its row only
            i += 1
            continue
        group = [row]
        while i + len(group) < len(rows) and rows[i + len(group)].activity.pk == act.pk:
            group.append(rows[i + len(group)])
        cells = [
            _indicator_cells(r, years, year, with_realizations, first=k == 0)
            for k, r in enumerate(group)
        ]
        if with_realizations and not content.has_level_steps:
            content.has_level_steps = any(row_level_step(r, year) for r in group)
        lines.append(Line("rows", rows=cells))
        i += len(group)


class _Writer:
    """Rows of cells into an XlsxWriter worksheet, one format object per style."""

    def __init__(self, wb, ws):
        self.ws = ws
        self.formats = {
            name: wb.add_format({**BORDER, **FONT, **props}) for name, props in STYLES.items()
        }
        self.row_no = -1  # 0-based, as XlsxWriter counts
        self.step_fonts = {
            name: tuple(
                wb.add_format(
                    {**FONT, "bold": bold, "font_color": props["font_color"]}
                    | ({} if bold else {"font_size": STEP_SIZE})
                )
                for bold in (True, False)
            )
            for name, props in STYLES.items()
            if name.startswith("yeep_status_")
        }

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
            elif type(value) is str and "\n" in value and style in self.step_fonts:
                # a status with a running level's step under it, the step in plain type
                label, step = value.split("\n", 1)
                bold, plain = self.step_fonts[style]
                ws.write_rich_string(r, c, bold, label, plain, "\n" + step, formats[style])
            elif type(value) is str:
                ws.write_string(r, c, value, formats[style])
            else:
                ws.write_number(r, c, value, formats[style])
        return r

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, cell: Cell):
        value, style = cell if cell is not None else ("", "yeep_text")
        self.ws.merge_range(first_row, first_col, last_row, last_col, value, self.formats[style])


def _needed(cell: Cell, room: float) -> float:
    """Points the cell's wrapped text needs in a column ``room`` points wide."""
    if cell is None or type(cell) is not tuple or cell[0] is None:
        return 0.0
    value, style = cell
    text = value if type(value) is str else "0000000"  # a number: one line
    size = STYLES[style].get("font_size", BODY_SIZE)
    return cell_height(text, room, size, bold=style in BOLD_STYLES)


def build_report(plan: Plan, year: int, output, **kwargs) -> None:
    """Write the Gerçekleşme Raporu of ``plan`` for ``year`` to ``output`` (a file
    object); keyword arguments as ``report_content``; more sheets from report_reach."""
    from .report_reach import extra_sheets

    sheets = extra_sheets(plan, year, **kwargs)
    write_workbook(report_content(plan, year, **kwargs), output, year=year, sheets=sheets)


def write_workbook(content: ReportContent, output, *, year: int, sheets=()) -> None:
    """The report as an XlsxWriter workbook that prints: A4 landscape, one page wide and
    as many pages down as it takes, the header row on every page, title and page
    numbers in the page header and footer, every row as tall as its wrapped text, and
    no page break inside an activity or right under a theme or goal row."""
    wb = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,  # "=..." typed by a user stays text
            "strings_to_urls": False,
            # The sheet's own font is the cells' font, so that a column width means the
            # same in Excel and in LibreOffice (Liberation Sans has Arial's widths).
            "default_format_properties": {"font_name": FONT_NAME, "font_size": 10},
        },
    )
    ws = wb.add_worksheet(f"{year} Gerçekleşme"[:31])
    out = _Writer(wb, ws)
    last_visible = content.visible - 1  # 0-based
    widths = content.widths
    for i, w in enumerate(widths):
        ws.set_column(i, i, w, None, {"hidden": i > last_visible})
    rooms = [text_room(w) for w in widths]
    table_width = sum(column_points(w) for w in widths[: last_visible + 1])
    page_room = table_width - 5.0

    page_setup(
        ws,
        title=f"{content.title} · {content.subtitle}",
        level_help=(str(LEVEL_HELP) if content.has_level_steps else ""),
    )

    heights: list[float] = []  # every row's height, in order
    blocks: list[int] = []  # first row of each stretch a page must not cut

    def spanning(style: str, text: str) -> None:
        out.row_no += 1
        out.merge(out.row_no, 0, out.row_no, last_visible, (text, style))
        heights.append(_needed((text, style), page_room))

    spanning("yeep_title", content.title)
    spanning("yeep_goal", content.subtitle)
    header_cells = [(h, "yeep_header") for h in content.headers]
    r = out.append(header_cells)
    heights.append(
        max(_needed(c, rooms[i]) for i, c in enumerate(header_cells[: last_visible + 1]))
    )
    if content.has_level_steps:
        ws.write_comment(
            r, content.headers.index("Gerçekleşme oranı"), str(LEVEL_HELP), {"x_scale": 2}
        )

    heading = False  # the previous line was a theme or goal row: keep it with this one
    for line in content.lines:
        if not heading:
            blocks.append(out.row_no + 1)
        heading = not line.rows
        if not line.rows:
            spanning(line.style, line.text)
        else:
            heights.extend(_write_activity(out, line, rooms))

    one_line = BODY_SIZE * LINE_FACTOR + CELL_PADDING
    heights = [round(max(h, one_line), 2) for h in heights]
    for row, h in enumerate(heights):
        ws.set_row(row, h)
    ws.set_h_pagebreaks(page_breaks(heights, blocks, table_width, header_row=2))
    for add_sheet in sheets:  # further sheets, each a function of the workbook
        add_sheet(wb)
    wb.close()


def _write_activity(out, line, rooms: list[float]) -> list[float]:
    """An activity's rows (its cells merged over its indicators' rows); their heights."""
    merged = (0, 1, 2) if len(line.rows) > 1 else ()
    own = []
    for cells in line.rows:
        r = out.append(cells)
        own.append(
            max(
                (_needed(c, rooms[i]) for i, c in enumerate(cells) if i not in merged),
                default=0.0,
            )
        )
    first_row = r - len(line.rows) + 1
    if merged:  # the activity's cells over its indicators' rows
        own = spread(own, max(_needed(line.rows[0][col], rooms[col]) for col in merged))
        for col in merged:
            out.merge(first_row, col, r, col, line.rows[0][col])
    return own


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
    status_text = str(STATUS_LABELS[progress.status])
    step = row_level_step(r, year) if with_realizations else None
    if step:  # a running level: how far it moved beside how far it was to move
        status_text += "\n" + step
    cells.append(
        _cell(status_text, f"yeep_status_{progress.status}") if with_realizations else None
    )
    real = r.realization(year) if with_realizations else None
    cells.append(_cell(real.deviation_reason, "yeep_text") if real else None)
    cells.append(_cell(real.note, "yeep_text") if real and not real.note_internal else None)
    cells.extend([ind.pk, act.pk, ACTIVITY_LEVEL if activity_level else INDICATOR_LEVEL])
    return cells


def row_level_step(r: IndicatorRow, year: int) -> str | None:
    """ "+5 / +10 planlanan artış" for a running level with its figures, else None."""
    if r.indicator is None:
        return None
    return level_step_of(
        baseline=r.indicator.baseline_value,
        target=r.target_fig(year),
        realization=r.realization_fig(year),
        accumulation=r.indicator.accumulation,
    )


def _baseline_cell(ind):
    if ind.baseline_value is not None and numeric_text(ind.baseline_raw):
        if "%" in ind.baseline_raw or ind.value_type == ValueType.PERCENT:
            return _cell(float(ind.baseline_value / 100), "yeep_pct")
        return _number_cell(ind.baseline_value)
    return _cell(ind.baseline_raw, "yeep_text") if ind.baseline_raw else None


def report_bytes(plan: Plan, year: int, **kwargs) -> bytes:
    buffer = io.BytesIO()
    build_report(plan, year, buffer, **kwargs)
    return buffer.getvalue()


def report_filename(
    plan: Plan, year: int, unit: Unit | None = None, empty: bool = False, *, kind: str = "xlsx"
) -> str:
    kind_name = "gerceklesme formu" if empty else "gerceklesme raporu"
    base = slugify(f"{plan.municipality.name} {year} {kind_name}".replace("ı", "i"))
    if unit is not None:
        base += "-" + slugify(unit.name.replace("ı", "i"))[:40]
    return f"{base}.{kind}"


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def report_response(
    plan: Plan, params, *, approved_only: bool = False, kind: str = "xlsx"
) -> HttpResponse:
    """An HTTP download of the report, as a workbook or (``kind="pdf"``) a PDF: ?year=
    (default: the latest year with figures, else the first), ?unit= for one responsible
    unit, ?empty=1 for the blank form."""
    year_raw = str(params.get("year", ""))
    year = int(year_raw) if year_raw.isdigit() else None
    if year not in plan.years:
        year = plan.first_year
    unit = None
    unit_raw = str(params.get("unit", ""))
    if unit_raw.isdigit():
        unit = get_object_or_404(Unit, pk=int(unit_raw), municipality=plan.municipality)
    empty = params.get("empty") in ("1", "true", "evet")
    options = {"unit": unit, "with_realizations": not empty, "approved_only": approved_only}
    if kind == "pdf":
        from .report_pdf import report_pdf_bytes

        data = report_pdf_bytes(plan, year, **options)
    else:
        data = report_bytes(plan, year, **options)
    response = HttpResponse(data, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = (
        f'attachment; filename="{report_filename(plan, year, unit, empty=empty, kind=kind)}"'
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
