"""Helpers for workbook tests: write a small table, snapshot the database."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from monitoring.models import Realization
from plans.models import Activity, Goal, Indicator, Plan, Strategy, Target, Theme, Unit


def xlsx(rows: list[list], title: str = "Sayfa1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def edit(data: bytes, changes: dict[str, object]) -> bytes:
    """Set cells ("I6": 30) in the first sheet and return the new file."""
    wb = read(data)
    ws = wb.worksheets[0]
    for ref, value in changes.items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot() -> dict:
    """Everything an import could touch, to compare before and after."""
    return {
        "plans": list(Plan.objects.values_list("pk", "title", "updated_at").order_by("pk")),
        "counts": [
            m.objects.count() for m in (Theme, Goal, Strategy, Activity, Indicator, Target, Unit)
        ],
        "realizations": list(
            Realization.objects.values_list(
                "pk",
                "indicator_id",
                "year",
                "group_id",
                "state",
                "value",
                "raw_text",
                "deviation_reason",
                "note",
                "updated_at",
            ).order_by("pk")
        ),
    }


def find_row(ws, column: int, startswith: str) -> int:
    for row in ws.iter_rows(min_col=column, max_col=column):
        cell = row[0]
        if isinstance(cell.value, str) and cell.value.startswith(startswith):
            return cell.row
    raise AssertionError(f"no row starting with {startswith!r}")


def plan_signature(plan: Plan) -> set:
    """What must survive an export and an import into another municipality."""
    out: set = set()
    for t in Theme.objects.filter(plan=plan):
        out.add(("theme", t.position, t.code, t.title))
    for g in Goal.objects.filter(theme__plan=plan).select_related("theme"):
        out.add(("goal", g.theme.code, g.code, g.title))
    for s in Strategy.objects.filter(goal__theme__plan=plan).select_related("goal"):
        out.add(("strategy", s.goal.code, s.code, s.title))
    for a in Activity.objects.for_plan(plan).select_related("theme"):
        out.add(
            (
                "activity",
                a.theme.code,
                a.position,
                a.code,
                a.title,
                a.responsible_raw,
                a.partners_raw,
            )
        )
    for i in Indicator.objects.filter(activity__theme__plan=plan).select_related("activity"):
        out.add(("indicator", i.activity.code, i.position, i.name, i.baseline_value, i.value_type))
    for t in Target.objects.filter(indicator__activity__theme__plan=plan).select_related(
        "indicator__activity", "group"
    ):
        out.add(
            (
                "target",
                t.indicator.activity.code,
                t.indicator.name,
                t.year,
                t.group.code if t.group else "",
                t.state,
                t.value,
            )
        )
    for t in Target.objects.filter(activity__theme__plan=plan).select_related("activity", "group"):
        out.add(
            (
                "activity_target",
                t.activity.code,
                t.activity.position,
                t.year,
                t.group.code if t.group else "",
                t.state,
                t.value,
                t.raw_text,
            )
        )
    for r in Realization.objects.for_plan(plan).select_related("indicator__activity", "group"):
        out.add(
            (
                "realization",
                r.indicator.activity.code,
                r.indicator.name,
                r.year,
                r.group.code if r.group else "",
                r.state,
                r.value,
            )
        )
    return out
