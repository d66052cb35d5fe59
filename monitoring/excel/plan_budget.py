"""A plan table's budget columns ("Bütçe", "2024 Bütçe", "Harcanan bütçe", "Bütçe kodu"):
checked before anything is stored (a bad amount names its sheet, row and column), then
stored through the budget writer (monitoring.budgets), once per activity."""

from __future__ import annotations

from collections.abc import Sequence

from plans.models import Plan

from ..audit import FigureRefused
from ..budgets import BudgetChange, parse_tl
from .issues import WorkbookIssue
from .plan_build import PlanRow


def _cells(row: PlanRow):
    for kind, cells in (("planlanan", row.budgets), ("harcanan", row.budget_actuals)):
        for year, raw in cells.items():
            if raw not in ("", None):
                yield kind, year, raw


def budget_issues(rows: Sequence[PlanRow]) -> list[WorkbookIssue]:
    """Budget cells that are not an amount of lira, or are negative."""
    issues = []
    for row in rows:
        for kind, year, raw in _cells(row):
            try:
                parse_tl(raw, label=f"Bütçe ({kind}{f', {year}' if year else ''})")
            except FigureRefused as exc:
                issues.append(
                    WorkbookIssue(exc.messages[0], sheet=row.source.sheet, row=row.source.row)
                )
    return issues


def budget_changes(rows: Sequence[PlanRow], plan: Plan) -> tuple[list[BudgetChange], list[str]]:
    """One change per activity and year (the activity's first row that has a budget); a
    column without a year is the plan's first year, said in a warning."""
    found: dict[tuple[int, int], BudgetChange] = {}
    warnings: list[str] = []
    for row in rows:
        if row.activity_id is None:
            continue
        years = {y for _k, y, _r in _cells(row)} or ({0} if row.budget_code else set())
        for year in sorted(years):
            real_year = year or plan.first_year
            key = (row.activity_id, real_year)
            if key in found:
                continue
            if not year and plan.first_year != plan.last_year:
                warnings.append(
                    f"{row.source.cell()}: bütçe sütununda yıl yok; tutar {plan.first_year} "
                    "yılının bütçesi olarak alındı."
                )
            if not plan.first_year <= real_year <= plan.last_year:
                warnings.append(f"{row.source.cell()}: {year} yılı planın dönemi dışında.")
                continue
            found[key] = BudgetChange(
                activity_id=row.activity_id,
                year=real_year,
                planned=row.budgets.get(year, ""),
                actual=row.budget_actuals.get(year, ""),
                code=row.budget_code,
            )
    return list(found.values()), warnings
