"""Writes of realizations: from a built plan's rows, from the yearly entry page, from
an imported workbook. Keyword-only, one transaction, bulk queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from plans.models import FigureState, Indicator
from plans.services import PlanRow, figure_objects, group_aliases
from plans.text import parse_figure

from .models import Realization


@transaction.atomic
def store_plan_realizations(
    *,
    rows: Sequence[tuple[PlanRow, Indicator | None]],
    first_year: int,
    last_year: int,
    user=None,
) -> tuple[int, list[str]]:
    """Realizations printed in a plan table (Mersin's Gerçekleşme column)."""
    aliases, groups = group_aliases()
    objs: list[Realization] = []
    warnings: list[str] = []
    for row, indicator in rows:
        if indicator is None:
            continue
        for year, raw in sorted(row.realizations.items()):
            if not first_year <= year <= last_year:
                warnings.append(f"{row.source.cell()}: {year} yılı planın dönemi dışında.")
                continue
            parsed = parse_figure(raw, aliases)
            objs.extend(
                figure_objects(
                    Realization,
                    parsed,
                    groups,
                    indicator=indicator,
                    year=year,
                    entered_by=user,
                    status=Realization.Status.APPROVED,
                )
            )
    Realization.objects.bulk_create(objs, batch_size=2000)
    return len(objs), warnings


@dataclass
class EntryResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


def parsed_to_fields(raw: str) -> dict:
    parsed = parse_figure(raw)
    return {
        "state": parsed.state,
        "value": parsed.value if parsed.state == FigureState.VALUE else None,
        "raw_text": parsed.raw,
    }
