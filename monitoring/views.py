"""The read-only progress dashboard. Thin views: the reads live in monitoring.dashboard,
who may see what in its ``get_plan_for`` / ``shows_internal``."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from monitoring.excel.exports import csv_value, xlsx_cell, xlsx_value
from plans.models import Plan
from plans.scoping import scope

from . import dashboard
from .dashboard import LoginRequired, get_plan_for
from .excel.report import report_response
from .lineage import plan_diff


def plan_page(view):
    """Loads the plan of ``plan_pk`` for the view, or sends an anonymous visitor of a
    plan that is not public to the login page."""

    @wraps(view)
    def wrapper(request, plan_pk, *args, **kwargs):
        try:
            plan = get_plan_for(request, plan_pk)
        except LoginRequired:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, plan, *args, **kwargs)

    return require_GET(wrapper)


@require_GET
def plan_list(request):
    return render(
        request, "monitoring/plan_list.html", {"plans": dashboard.plan_list(request.user)}
    )


@plan_page
def overview(request, plan):
    return render(request, "monitoring/overview.html", {"o": dashboard.overview(request, plan)})


@plan_page
def theme(request, plan, theme_pk):
    page = dashboard.theme_page(request, plan, theme_pk)
    return render(request, "monitoring/theme.html", {"p": page})


@plan_page
def activity(request, plan, activity_pk):
    page = dashboard.activity_page(request, plan, activity_pk)
    return render(request, "monitoring/activity.html", {"p": page})


@plan_page
def indicator(request, plan, indicator_pk):
    page = dashboard.indicator_page(request, plan, indicator_pk)
    return render(request, "monitoring/indicator.html", {"p": page})


@plan_page
def indicator_table(request, plan):
    export = request.GET.get("export")
    if export in DOWNLOADS:
        table = dashboard.indicator_table(request, plan, everything=True)
        return _download(table, export)
    table = dashboard.indicator_table(request, plan)
    return render(request, "monitoring/indicator_table.html", {"t": table})


@plan_page
def report_xlsx(request, plan):
    """The yearly realization report. Outside the plan's municipality (the public of a
    public plan) it holds approved figures only and no internal notes."""
    internal = dashboard.shows_internal(request.user, plan)
    return report_response(plan, request.GET, approved_only=not internal)


@plan_page
def report_pdf(request, plan):
    """The same report as a PDF to print or send, with the same rules as the workbook."""
    internal = dashboard.shows_internal(request.user, plan)
    return report_response(plan, request.GET, approved_only=not internal, kind="pdf")


# ---------------------------------------------------------------------------- downloads


def _number(fig):
    """A figure for a spreadsheet cell: the number, or None."""
    return float(fig.value) if fig.state == "value" and fig.value is not None else None


def table_lines(table) -> tuple[list[str], list[list]]:
    """Header and rows of the filtered indicator table, values as numbers where they are
    numbers (a dash or a text stays text; the cell's own text is in its own column)."""
    from .audit import cell_text

    y = str(table.year)
    header = [
        _("Tema"),
        _("Hedef"),
        _("Faaliyet kodu"),
        _("Faaliyet"),
        _("Gösterge"),
        _("Ölçü birimi"),
        _("Sorumlu birim"),
        _("Destekçi kurum/kuruluş"),
        _("Mevcut"),
        _("%(year)s hedefi") % {"year": y},
        _("%(year)s hedefi (metin)") % {"year": y},
        _("%(year)s gerçekleşme") % {"year": y},
        _("%(year)s gerçekleşme (metin)") % {"year": y},
        _("Gerçekleşme oranı (%)"),
        _("Durum"),
        _("Sapma nedeni"),
        _("Açıklama"),
    ]
    lines = []
    for tr in table.rows:
        row, cells = tr.row, tr.cells
        ind, act = row.indicator, row.activity
        real = cells.realization
        note = ""
        if real and (table.internal or not real.note_internal):
            note = real.note
        target_number = _number(row.target_fig(table.year))
        real_number = _number(row.realization_fig(table.year))
        rate = cells.progress.percent
        lines.append(
            [
                str(act.theme),
                str(act.goal) if act.goal else "",
                act.code,
                act.title,
                ind.name,
                ind.unit_of_measure,
                "; ".join(u.name for u in row.responsible) or act.responsible_raw,
                "; ".join(u.name for u in row.partners) or act.partners_raw,
                float(ind.baseline_value) if ind.baseline_value is not None else ind.baseline_raw,
                target_number,
                cell_text(cells.targets),
                real_number,
                cell_text(cells.realizations),
                float(rate) if rate is not None else None,
                cells.progress.label,
                real.deviation_reason if real else "",
                note,
            ]
        )
    return header, lines


# ?export=: the workbook; a CSV for Turkish Excel (semicolon, decimal comma, UTF-8 with a
# BOM, so a double click opens it with "ş" and numbers as numbers); a machine-readable CSV
# (comma, decimal point, plain UTF-8).
DOWNLOADS = {"xlsx": "xlsx", "csv-tr": "excel.csv", "csv": "csv"}


def _tr_number(value) -> str:
    """261.8 -> "261,8"; 377.0 -> "377"; no grouping, which Excel could read as a date."""
    number = Decimal(repr(value)).normalize()
    return format(number, "f").replace(".", ",")


def _csv_text(header: list[str], lines: list[list], *, turkish: bool) -> str:
    """The rows as CSV; a formula-like text behind a quote either way (monitoring.excel.exports)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if turkish else ",")
    writer.writerow([csv_value(h) for h in header])
    for line in lines:
        writer.writerow(
            [
                _tr_number(v) if turkish and isinstance(v, float | int) else csv_value(v)
                for v in line
            ]
        )
    return ("\ufeff" if turkish else "") + buffer.getvalue()


def _download(table, kind: str) -> HttpResponse:
    header, lines = table_lines(table)
    name = f"{slugify(table.plan.municipality.slug) or 'plan'}-gostergeler-{table.year}"
    if kind == "xlsx":
        response = HttpResponse(
            _workbook(table, header, lines),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = _csv_text(header, lines, turkish=kind == "csv-tr")
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{DOWNLOADS[kind]}"'
    return response


def _workbook(table, header: list[str], lines: list[list]) -> bytes:
    """The rows as a workbook (write-only: thousands of rows stay quick); a text that
    looks like a formula is written as text (monitoring.excel.exports)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from .progress import STATUS_COLORS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Göstergeler")[:31])
    widths = [18, 24, 10, 40, 40, 10, 28, 28, 10, 10, 14, 12, 14, 12, 14, 30, 30]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def styled(value, **style):
        return xlsx_cell(ws, value, **style)

    ws.append([styled(h, font=bold, alignment=wrap) for h in header])
    rate_col = header.index(_("Gerçekleşme oranı (%)"))
    fills = {s: PatternFill("solid", fgColor=c) for s, c in STATUS_COLORS.items()}
    for tr, line in zip(table.rows, lines, strict=True):
        cells = [xlsx_value(ws, v) for v in line]
        cells[rate_col] = styled(line[rate_col], number_format="0.0")
        fill = fills.get(tr.cells.progress.status)
        if fill:
            cells[rate_col + 1] = styled(line[rate_col + 1], fill=fill)
        ws.append(cells)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(lines) + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------- generations


@require_GET
def plan_differences(request, plan_pk):
    """A plan against the plan it revises or follows: for the plan's municipality (and
    platform administrators); another municipality's plan is a 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    plans = scope(Plan.objects.select_related("municipality", "predecessor"), request.user)
    plan = get_object_or_404(plans, pk=plan_pk)
    diff = plan_diff(plan)
    if diff is None:
        raise Http404("predecessor")
    return render(request, "monitoring/differences.html", {"d": diff, "plan": plan})
