"""A plan table into the database: the structure (monitoring.excel.plan_build.build_plan), then its
targets and realizations through the figure writers, in one transaction; a dry run
rolls it back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from monitoring.budgets import budgets_apply
from monitoring.excel.plan_budget import budget_changes, budget_issues
from monitoring.excel.plan_build import (
    BuildSummary,
    PlanRow,
    build_plan,
    figure_objects,
    figure_parser,
    get_or_create_municipality,
    group_aliases,
)
from monitoring.excel.plan_preview import PlanPreview, plan_preview, unit_aliases_apply
from monitoring.excel.plan_rows import parse_workbook, plan_labels
from monitoring.excel.reader import WorkbookError
from plans.models import Indicator, Plan
from plans.text import clean_text, parse_timing

from ..models import Realization
from ..realizations import RealizationChange, realizations_apply
from ..targets import TargetChange, targets_apply

SOURCE = "plan tablosu"


def store_plan_figures(
    *,
    plan: Plan,
    summary: BuildSummary,
    row_indicators: Sequence[tuple[PlanRow, Indicator | None]],
    user=None,
    source: str = SOURCE,
) -> list[str]:
    """The targets and printed realizations of a plan just built; returns warnings."""
    targets_apply(
        [
            TargetChange(
                year=c.year,
                raw=c.parsed.raw,
                indicator_id=c.indicator.pk if c.indicator else None,
                activity_id=c.activity.pk if c.indicator is None else None,
                parsed=c.parsed,
            )
            for c in summary.target_cells
        ],
        user=user,
        source=source,
        new_owners=True,
    )
    summary.target_cells = []
    changes, warnings = _printed_realizations(row_indicators, plan, user)
    realizations_apply(changes, user=user, source=source)
    summary.realizations = sum(len(ch.new) for ch in changes)
    budgets, budget_warnings = budget_changes([row for row, _ind in row_indicators], plan)
    if budgets:
        budgets_apply(budgets, user=user, source=source)
    return warnings + budget_warnings


def _printed_realizations(rows, plan: Plan, user) -> tuple[list[RealizationChange], list[str]]:
    """Realizations printed in a plan table (Mersin's Gerçekleşme column), approved."""
    aliases, groups = group_aliases()
    parse = figure_parser(aliases)
    changes: list[RealizationChange] = []
    warnings: list[str] = []
    for row, indicator in rows:
        if indicator is None:
            continue
        for year, raw in sorted(row.realizations.items()):
            if not plan.first_year <= year <= plan.last_year:
                warnings.append(f"{row.source.cell()}: {year} yılı planın dönemi dışında.")
                continue
            parsed = parse(raw)
            if parsed.state == "text" and indicator.value_type != "milestone":
                warnings.append(
                    f"{row.source.cell(row.columns.get('realization', 'Gerçekleşme'))}: "
                    f"“{parsed.raw}” bir sayı değil; metin olarak alındı, kontrol edin."
                )
            new = figure_objects(
                Realization,
                parsed,
                groups,
                indicator=indicator,
                year=year,
                entered_by=user,
                status=Realization.Status.APPROVED,
            )
            if new:
                changes.append(RealizationChange(indicator=indicator, old=[], new=new))
    return changes, warnings


# ------------------------------------------------------------------ the service


@dataclass
class ImportResult:
    plan: Plan | None
    summary: BuildSummary
    warnings: list[str]
    dry_run: bool
    report_year: int | None = None
    preview: PlanPreview | None = None  # on a dry run: the plan it would create


class DryRunRollback(Exception):
    pass


def import_plan(
    *,
    source,
    municipality_name: str,
    title: str | None = None,
    year: int | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    dry_run: bool = False,
    file_name: str = "",
    user=None,
    unit_aliases: dict[str, int] | None = None,
    unit_merges: dict[str, str] | None = None,
) -> ImportResult:
    """Parse and store a plan workbook in one transaction (rolled back on a dry run).
    ``unit_aliases`` maps a new unit's name to a unit of the municipality that the user
    chose in the preview: the name is kept as that unit's other spelling; ``unit_merges``
    maps a new name to the key of another new name of the same file (one unit, both
    spellings)."""
    parsed = parse_workbook(source, report_year=year)
    years = set(parsed.target_years)
    if parsed.report_year:
        years.add(parsed.report_year)
    for r in parsed.rows:
        t = parse_timing(r.timing)
        if t["start_year"]:
            years.update({t["start_year"], t["end_year"]})
    if first_year:
        years.add(first_year)
    if last_year:
        years.add(last_year)
    if not years:
        raise WorkbookError(
            "Planın yılları bulunamadı: tabloda yıl sütunu (ör. “2024”) ya da tarih aralığı "
            "yok. Yılı --year ile verin."
        )
    has_realization = any(r.realizations for r in parsed.rows)
    if has_realization and not parsed.report_year:
        raise WorkbookError(
            "“Gerçekleşme” sütununun hangi yıla ait olduğu bulunamadı: başlıkta “2024 YILI "
            "GERÇEKLEŞME RAPORU” gibi bir satır yok. Yılı --year ile verin."
        )
    for r in parsed.rows:
        if "__report__" in r.realizations:
            r.realizations = {parsed.report_year: r.realizations.pop("__report__")}
    bad_budgets = budget_issues(parsed.rows)
    if bad_budgets:
        raise WorkbookError(bad_budgets)
    plan_title = clean_text(title) or parsed.title or Path(file_name or "plan").stem
    labels = plan_labels(parsed)
    warnings = [str(w) for w in parsed.warnings]
    try:
        with transaction.atomic():
            municipality = get_or_create_municipality(municipality_name)
            if unit_aliases:
                unit_aliases_apply(municipality=municipality, choices=unit_aliases)
            plan, summary, row_indicators = build_plan(
                municipality=municipality,
                title=plan_title[:300],
                first_year=min(years),
                last_year=max(years),
                rows=parsed.rows,
                labels=labels,
                unit_merges=unit_merges,
            )
            preview = plan_preview(plan, summary) if dry_run else None
            more = store_plan_figures(
                plan=plan, summary=summary, row_indicators=row_indicators, user=user
            )
            summary.warnings.extend(more)
            warnings.extend(summary.warnings)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        return ImportResult(None, summary, warnings, True, parsed.report_year, preview)
    return ImportResult(plan, summary, warnings, False, parsed.report_year)
