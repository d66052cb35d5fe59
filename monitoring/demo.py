"""Demo data: the real plans transcribed from the seed documents (fixtures/demo/*.tsv,
made by fixtures/transcribe/*.py) loaded through the same services an import uses."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from monitoring.excel.plan_build import (
    BuildSummary,
    PlanRow,
    SourceRef,
    build_plan,
    get_or_create_municipality,
)
from plans.models import Plan

from .excel.plan_table import store_plan_figures

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
_YEAR_COL = re.compile(r"^(T|R|AT):(\d{4})$")


def read_tsv(path: Path) -> list[PlanRow]:
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        for line_no, rec in enumerate(reader, start=2):
            row = PlanRow(source=SourceRef(sheet=path.name, row=line_no))
            for col, value in rec.items():
                value = value or ""
                m = _YEAR_COL.match(col or "")
                if m:
                    kind, year = m.group(1), int(m.group(2))
                    {"T": row.targets, "R": row.realizations, "AT": row.activity_targets}[kind][
                        year
                    ] = value
                elif hasattr(row, col):
                    setattr(row, col, value)
            rows.append(row)
    return rows


@dataclass
class DemoResult:
    plan: Plan
    summary: BuildSummary | None  # None when the plan was already there


def demo_specs() -> list[dict]:
    return json.loads((DEMO_DIR / "plans.json").read_text(encoding="utf-8"))


@transaction.atomic
def load_demo_plan(spec: dict) -> DemoResult:
    municipality = get_or_create_municipality(spec["municipality"])
    existing = Plan.objects.filter(municipality=municipality, title=spec["title"]).first()
    if existing:
        return DemoResult(existing, None)
    rows = read_tsv(DEMO_DIR / spec["file"])
    plan, summary, row_indicators = build_plan(
        municipality=municipality,
        title=spec["title"],
        first_year=spec["first_year"],
        last_year=spec["last_year"],
        rows=rows,
        labels=spec.get("labels"),
        status=spec.get("status", Plan.Status.IN_FORCE),
        version=1,
        level_indicator_keys=[tuple(x) for x in spec.get("level_indicators", [])],
        plan_fields={
            "is_public": spec.get("is_public", False),
            "source_note": spec.get("source_note", ""),
        },
    )
    warnings = store_plan_figures(
        plan=plan, summary=summary, row_indicators=row_indicators, source="demo"
    )
    summary.warnings.extend(warnings)
    return DemoResult(plan, summary)


def load_demo(only: list[str] | None = None) -> list[DemoResult]:
    from .demo_profile import load_demo_profiles

    results = [load_demo_plan(spec) for spec in demo_specs() if only is None or spec["key"] in only]
    load_demo_profiles()  # the local gender profiles (Narlıdere, seed 001)
    return results
