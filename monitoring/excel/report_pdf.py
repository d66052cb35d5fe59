"""The Gerçekleşme Raporu as a PDF: the same content as the workbook (``report_content``,
same rows in the same order), written as an HTML table and laid out by WeasyPrint on A4
landscape: the header row on every page, title at the top, "page / pages" at the
bottom, an activity never cut by a page break, numbers the Turkish way (1.234,5 ·
%261,8).

WeasyPrint installs from PyPI with the rest (``make run``); it draws text with the
system's pango, which Debian and Ubuntu desktops and servers have.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils import formats, translation

from plans.models import Plan

from ..progress import LEVEL_HELP, STATUS_COLORS
from .report import Cell, ReportContent, report_content


@dataclass
class PdfCell:
    text: str
    css: str = ""
    step: str = ""  # a running level's step, under the status
    rowspan: int = 1
    color: str = ""  # status fill


def _number(value: float | int, places: int) -> str:
    """ "#,##0" for a whole number; "#,##0.0#" (one or two decimals) for another."""
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = formats.number_format(d, places, use_l10n=True, force_grouping=True)
    return text[:-1] if places == 2 and text.endswith("0") else text


def _display(cell: Cell, *, rowspan: int = 1) -> PdfCell:
    """A workbook cell as the printed page shows it: the number formats of the workbook
    ("#,##0", "#,##0.0#", "%0.0") in Turkish."""
    if cell is None or type(cell) is not tuple or cell[0] is None:
        return PdfCell("", rowspan=rowspan)
    value, style = cell
    if style == "yeep_int":
        return PdfCell(_number(value, 0), "num", rowspan=rowspan)
    if style == "yeep_num":
        return PdfCell(_number(value, 2), "num", rowspan=rowspan)
    if style == "yeep_pct":
        d = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return PdfCell("%" + formats.number_format(d, 1, use_l10n=True, force_grouping=True), "num")
    if style.startswith("yeep_status_"):
        status = style.removeprefix("yeep_status_")
        label, _, step = str(value).partition("\n")
        ink = (
            "light"
            if status in ("achieved", "milestone_done", "behind", "milestone_not_done")
            else ""
        )
        return PdfCell(label, f"status {ink}", step=step, color="#" + STATUS_COLORS[status])
    return PdfCell(str(value), "text", rowspan=rowspan)


@dataclass
class PdfLine:
    style: str
    text: str = ""
    rows: list[list[PdfCell]] | None = None


def _lines(content: ReportContent) -> list[PdfLine]:
    visible = content.visible
    lines = []
    for line in content.lines:
        if not line.rows:
            lines.append(PdfLine(line.style.removeprefix("yeep_"), line.text))
            continue
        span = len(line.rows)
        rows = []
        for k, cells in enumerate(line.rows):
            if k == 0:
                row = [_display(c, rowspan=span) for c in cells[:3]]
                row += [_display(c) for c in cells[3:visible]]
            else:
                row = [_display(c) for c in cells[3:visible]]
            rows.append(row)
        lines.append(PdfLine("rows", rows=rows))
    return lines


def render_pdf(content: ReportContent) -> bytes:
    from weasyprint import HTML  # imported when a PDF is asked for: it loads pango

    with translation.override("tr"):
        widths = content.widths[: content.visible]
        total = sum(widths)
        html = render_to_string(
            "monitoring/report_pdf.html",
            {
                "r": content,
                "headers": content.headers[: content.visible],
                "columns": [f"{100 * w / total:.2f}%" for w in widths],
                "lines": _lines(content),
                "help": str(LEVEL_HELP) if content.has_level_steps else "",
            },
        )
    return HTML(string=html).write_pdf()


def report_pdf_bytes(plan: Plan, year: int, **kwargs) -> bytes:
    """The PDF of the report; keyword arguments as ``report_content``."""
    return render_pdf(report_content(plan, year, **kwargs))
