"""The report workbook's "Bütçe" sheet: planned and actual lira per year, theme and unit,
and the year's activities one by one (monitoring.budget_sums), as the budget page shows.
Written only when the plan has a budget; read-only for the imports (headers.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from plans.models import Plan

from ..budget_sums import budget_overview
from ..models import ActivityBudget
from .report_reach import _Sheet

TL = '[$-41F]#,##0.00" TL"'


def sheet_name(year: int) -> str:
    return f"{year} Bütçe"[:31]


def budget_sheet(plan: Plan, year: int) -> Callable | None:
    """A function that adds the sheet, or None when the plan has no budget at all (one
    query)."""
    if not ActivityBudget.objects.filter(activity__theme__plan=plan).exists():
        return None

    def add(wb) -> None:
        _write(wb, budget_overview(plan, year))

    return add


def _amount(value: Decimal | None):
    return None if value is None else ("tl", value)


class _BudgetSheet(_Sheet):
    def __init__(self, wb, ws):
        super().__init__(wb, ws)
        self.f["tl"] = wb.add_format(
            {"font_name": "Arial", "font_size": 9, "valign": "top", "num_format": TL, "border": 1}
        )

    def line(self, cells: list, style: str = "text") -> None:
        plain = []
        amounts = {}
        for col, value in enumerate(cells):
            if isinstance(value, tuple) and value[0] == "tl":
                amounts[col] = value[1]
                plain.append(None)
            else:
                plain.append(value)
        row = self.row
        super().line(plain, style)
        for col, value in amounts.items():
            self.ws.write_number(row, col, float(value), self.f["tl"])


def _sums(s) -> list:
    return [
        _amount(s.planned_sum),
        _amount(s.actual_sum),
        _pct(s.spent_percent),
        Decimal(s.activities),
    ]


def _pct(value):
    return None if value is None else (value, "pct")


def _write(wb, b) -> None:
    ws = wb.add_worksheet(sheet_name(b.year))
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    title = f"{b.plan.heading} · {b.year} Bütçe"
    ws.set_header('&C&"Arial,Bold"&9' + title.replace("&", "&&")[:200], {"margin": 0.25})
    ws.set_footer("&C&P / &N", {"margin": 0.25})
    out = _BudgetSheet(wb, ws)
    out.heading(b.plan.heading, "title")
    out.heading(f"{b.year} — Faaliyetlerin bütçesi (TL): planlanan ve harcanan", "title")
    out.heading(
        "Tutarı girilmemiş bütçe sıfır sayılmaz, toplanmaz. Bir faaliyetin birden çok sorumlu "
        "birimi varsa bütçesi her birinde sayılır.",
        "note",
        bold=False,
    )
    head = ["Planlanan (TL)", "Harcanan (TL)", "Harcanan payı", "Faaliyet sayısı"]
    out.heading("Yıllara göre")
    out.line(["Yıl", *head], "head")
    for y, s in b.years:
        out.line([str(y), *_sums(s)])
    for title, first, lines in (
        ("Temalara göre", b.plan.theme_label, b.themes),
        ("Sorumlu birimlere göre", "Sorumlu birim", b.units),
    ):
        out.heading(title)
        out.line([first, *head], "head")
        for obj, s in lines:
            name = "Sorumlu birimi belirtilmemiş" if obj is None else getattr(obj, "name", None)
            out.line([name or str(obj), *_sums(s)])
    out.heading(f"Faaliyetler, {b.year}")
    out.line(
        ["Faaliyet kodu ve adı", "Bütçe kodu", "Planlanan (TL)", "Harcanan (TL)", "Harcanan payı"],
        "head",
    )
    for line in b.lines:
        a, budget = line.activity, line.budget
        out.line(
            [
                f"{a.code} {a.title}".strip(),
                budget.code or None,
                _amount(budget.planned),
                _amount(budget.actual),
                _pct(line.spent_percent),
            ]
        )
