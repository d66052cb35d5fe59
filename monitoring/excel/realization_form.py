"""Read a year's realizations back from a workbook (the exported report or the form
sent to a directorate) and show, then store, what changes.

Rows are found by the hidden key column ("yeep:gösterge") or, in a table typed by hand,
by activity code and indicator name. Every problem names sheet, row and column; with
any error nothing is stored. Importing the same file twice changes nothing the second
time. Queries: a fixed number whatever the number of rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction

from monitoring.excel.headers import READ_ONLY_SHEET_RE
from monitoring.excel.plan_build import figure_objects, group_aliases
from monitoring.excel.reader import (
    HeaderMap,
    WorkbookError,
    WorkbookIssue,
    find_header,
    is_error_value,
    iter_sheet_rows,
    open_workbook,
)
from plans.models import Activity, FigureState, Indicator, Plan, Target, ValueType
from plans.text import clean_text, parse_figure, split_code, tr_fold

from ..audit import FigureRefused, cell_text
from ..models import Realization
from ..realizations import RealizationChange, check_realizations, realizations_apply
from .realization_preview import RowFacts, row_facts

TITLE_YEAR_RE = re.compile(r"(20\d\d)\s*yılı\s*gerçekleşme", re.IGNORECASE)


@dataclass
class SheetRow:
    sheet: str
    row: int
    key: int | None
    activity_code: str
    indicator_name: str
    raw: object
    reason: str | None
    note: str | None
    header: HeaderMap
    real_col: int | None = None


@dataclass
class PreviewLine:
    sheet: str
    row: int
    activity_code: str
    indicator: str
    kind: str
    old: str
    new: str
    reason: str = ""
    # what the preview page shows of the row (stored value, target, rate, flags): worked
    # out when first read, so an import that is not previewed does not pay for it
    facts_of: Callable[[], RowFacts] = field(default=RowFacts, repr=False, compare=False)

    @cached_property
    def facts(self) -> RowFacts:
        return self.facts_of()


@dataclass
class RealizationImportResult:
    plan: Plan
    year: int
    lines: list[PreviewLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = True
    warnings: list[str] = field(default_factory=list)
    plan_from_file: bool = False  # read from the hidden keys, not chosen
    year_from_file: bool = False  # read from the title row, not chosen

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.lines if line.facts.flags)


def _value_at(values: list, idx: int | None):
    return None if idx is None or idx >= len(values) else values[idx]


def _header_issues(header: HeaderMap, sheet: str, row_idx: int, year: int | None) -> list:
    """What a header row lacks for reading realizations back."""
    cols, issues = header.columns, []
    if header.realization_column(year) is None:
        issues.append(
            WorkbookIssue(
                "“Gerçekleşme” sütunu yok; gerçekleşmeler bu sütundan okunur.",
                sheet=sheet,
                row=row_idx,
            )
        )
    if "key_indicator" not in cols and not ("indicator" in cols and "activity" in cols):
        issues.append(
            WorkbookIssue(
                "Satırları eşleştirecek sütun yok: gizli “yeep:gösterge” "
                "sütunu ya da “Faaliyet” ve “Gösterge” sütunları gerekli.",
                sheet=sheet,
                row=row_idx,
            )
        )
    return issues


def _sheet_row(sheet: str, row_idx: int, values: list, header: HeaderMap, year: int | None):
    """One data row under ``header``, or None for a theme, goal or strategy row."""
    cols = header.columns
    key_raw = header.get(values, "key_indicator")
    name = clean_text(header.get(values, "indicator"))
    if key_raw in (None, "") and not name:
        return None
    key = None
    if key_raw not in (None, ""):
        try:
            key = int(str(key_raw).strip())
        except ValueError:
            raise WorkbookError(
                WorkbookIssue(
                    f"Anahtar “{key_raw}” bir gösterge numarası değil; gizli sütunları "
                    "değiştirmeyin.",
                    sheet=sheet,
                    row=row_idx,
                    column=cols["key_indicator"] + 1,
                    header=header.texts.get(cols["key_indicator"], ""),
                )
            ) from None
    real_col = header.realization_column(year)
    return SheetRow(
        sheet=sheet,
        row=row_idx,
        key=key,
        activity_code=split_code(header.get(values, "activity"))[0],
        indicator_name=name,
        raw=_value_at(values, real_col),
        real_col=real_col,
        reason=clean_text(header.get(values, "deviation")) if "deviation" in cols else None,
        note=clean_text(header.get(values, "note")) if "note" in cols else None,
        header=header,
    )


def _read_rows(source, year: int | None = None) -> tuple[list[SheetRow], int | None]:
    """The data rows of every sheet and the year of the title row ("2025 YILI
    GERÇEKLEŞME RAPORU"), which also picks the realization column when no year is given."""
    from django.conf import settings

    wb = open_workbook(source)
    rows: list[SheetRow] = []
    title_year = None
    counter = [0]
    found_header = False
    missing: list[WorkbookIssue] = []
    for ws in wb.worksheets:
        if READ_ONLY_SHEET_RE.match(ws.title):
            continue  # the report's own summary sheets
        header: HeaderMap | None = None
        for row_idx, values in iter_sheet_rows(
            wb, ws, max_cells=settings.IMPORT_MAX_CELLS, counter=counter
        ):
            if not any(v is not None and (type(v) is not str or v.strip()) for v in values):
                continue
            candidate = find_header(row_idx, values)
            if candidate is not None:
                if header is None or candidate.signature != header.signature:
                    header, found_header = candidate, True
                    missing += _header_issues(header, ws.title, row_idx, year)
                continue
            if header is None:
                m = TITLE_YEAR_RE.search(" ".join(clean_text(v) for v in values if v))
                if m:
                    title_year = int(m.group(1))
                    year = year or title_year  # no year chosen: the title's
                continue
            row = _sheet_row(ws.title, row_idx, values, header, year)
            if row is not None:
                rows.append(row)
    if missing:
        raise WorkbookError(missing)
    if not found_header:
        if counter[0] == 0:
            raise WorkbookError("Çalışma kitabı boş: hiçbir sayfada veri yok.")
        raise WorkbookError(
            "Başlık satırı bulunamadı: “Gösterge” ve “Gerçekleşme” sütun başlıkları olmalı."
        )
    return rows, title_year


def _issue(r: SheetRow, field_name: str, message: str) -> WorkbookIssue:
    idx = r.real_col if field_name == "realization" else r.header.columns.get(field_name)
    return WorkbookIssue(
        message,
        sheet=r.sheet,
        row=r.row,
        column=None if idx is None else idx + 1,
        header=r.header.texts.get(idx, "") if idx is not None else "",
    )


def _plan_of_file(rows: list[SheetRow], plans) -> Plan:
    """The plan the file's hidden keys point at, among ``plans``."""
    keys = {r.key for r in rows if r.key is not None}
    plan_ids = (
        set(
            Indicator.objects.filter(pk__in=keys).values_list("activity__theme__plan_id", flat=True)
        )
        if keys
        else set()
    )
    if len(plan_ids) != 1:
        raise WorkbookError(
            "Dosyanın hangi plana ait olduğu anlaşılamadı"
            + (
                " (gizli anahtarlar birden çok plana işaret ediyor)."
                if plan_ids
                else " (gizli “yeep:gösterge” sütunu yok ya da boş). Planı seçin (--plan)."
            )
        )
    plan = (
        (plans if plans is not None else Plan.objects)
        .select_related("municipality")
        .filter(pk=plan_ids.pop())
        .first()
    )
    if plan is None:
        raise WorkbookError("Bu dosyadaki plan sizin belediyenize ait değil.")
    return plan


def _year_of(plan: Plan, year: int | None, title_year: int | None) -> int:
    """The year given, else the one in the file's title ("2025 YILI GERÇEKLEŞME RAPORU")."""
    if year is None:
        if title_year is None:
            raise WorkbookError(
                "Dosyanın başlığında yıl yok (“2025 YILI GERÇEKLEŞME RAPORU” gibi): yılı seçin."
            )
        year = title_year
    if year not in plan.years:
        raise WorkbookError(
            f"{year} yılı “{plan.title}” planının dönemi ({plan.first_year}-"
            f"{plan.last_year}) dışında; bu yıl için gerçekleşme girilemez."
        )
    if title_year and title_year != year:
        raise WorkbookError(
            f"Dosya {title_year} yılına ait (başlık satırında “{title_year} YILI GERÇEKLEŞME "
            f"RAPORU” yazıyor), ama {year} yılı için yükleniyor. Yılı kontrol edin."
        )
    return year


@dataclass
class _PlanIndex:
    """What matching, checking and the preview read, once per import: a fixed number of
    queries whatever the number of rows."""

    code_of: dict[int, str]
    indicators: dict[int, Indicator]
    by_natural: dict[tuple[str, str], list[Indicator]]
    existing: dict[int, list[Realization]]
    targets: dict[int, list[Target]]
    last_year: dict[int, list[Realization]]
    own: set[int] | None
    aliases: dict[str, str]
    groups: dict


def _by_indicator(rows) -> dict[int, list]:
    out: dict[int, list] = {}
    for r in rows:
        out.setdefault(r.indicator_id, []).append(r)
    return out


def _plan_index(plan: Plan, year: int, unit_id: int | None) -> _PlanIndex:
    own = None
    if unit_id is not None:
        own = set(
            Indicator.objects.filter(
                activity__theme__plan=plan, activity__responsible_units=unit_id
            ).values_list("pk", flat=True)
        )
    # Only what matching, checking and the preview need: 10,000 indicators are read.
    code_of = dict(Activity.objects.filter(theme__plan=plan).values_list("pk", "code"))
    fields = ["pk", "name", "value_type", "activity_id", "unit_of_measure"]
    fields += ["baseline_value", "direction", "accumulation"]
    indicators = {
        ind.pk: ind for ind in Indicator.objects.filter(activity__theme__plan=plan).only(*fields)
    }
    by_natural: dict[tuple[str, str], list[Indicator]] = {}
    for ind in indicators.values():
        by_natural.setdefault((code_of[ind.activity_id], tr_fold(ind.name)), []).append(ind)
    of_plan = {"plan": plan}
    realizations = Realization.objects.filter(**of_plan).select_related("group").order_by("pk")
    aliases, groups = group_aliases()
    return _PlanIndex(
        code_of=code_of,
        indicators=indicators,
        by_natural=by_natural,
        existing=_by_indicator(realizations.filter(year=year)),
        targets=_by_indicator(
            Target.objects.filter(**of_plan, year=year, indicator__isnull=False).select_related(
                "group"
            )
        ),
        last_year=_by_indicator(realizations.filter(year=year - 1)),
        own=own,
        aliases=aliases,
        groups=groups,
    )


def _match(r: SheetRow, index: _PlanIndex, seen: dict[int, SheetRow]):
    """The row's indicator, or the issue that stops it."""
    if r.key is not None:
        ind = index.indicators.get(r.key)
        if ind is None:
            return None, _issue(r, "key_indicator", f"{r.key} numaralı gösterge bu planda yok.")
    else:
        named = f"“{r.activity_code} {r.indicator_name}”"
        matches = index.by_natural.get((r.activity_code, tr_fold(r.indicator_name)), [])
        if not matches:
            return None, _issue(r, "indicator", f"{named} göstergesi planda bulunamadı.")
        if len(matches) > 1:
            return None, _issue(
                r,
                "indicator",
                f"{named} planda birden çok kez geçiyor; gizli anahtar sütunuyla yükleyin.",
            )
        ind = matches[0]
    if index.own is not None and ind.pk not in index.own:
        return None, _issue(
            r,
            "indicator",
            f"“{index.code_of[ind.activity_id]} {ind.name}” sizin biriminizin "
            "sorumlu olduğu bir gösterge değil.",
        )
    if ind.pk in seen:
        first = seen[ind.pk]
        return None, _issue(r, "indicator", f"Aynı gösterge iki kez: ilk kez {first.row}. satırda.")
    seen[ind.pk] = r
    return ind, None


def _parse(r: SheetRow, ind: Indicator, aliases: dict[str, str]):
    """(parsed figure or None for a blank cell, issue or None)."""
    if is_error_value(r.raw):
        return None, _issue(r, "realization", f"Formül hatası “{r.raw}”: değer okunamıyor.")
    if r.raw is None or clean_text(r.raw) == "":
        return None, None
    parsed = parse_figure(r.raw, aliases)
    if ind.value_type != ValueType.MILESTONE:
        if parsed.state == FigureState.TEXT:
            return None, _issue(
                r,
                "realization",
                f"“{parsed.raw}” bir sayı değil. Sayı (ör. 987, 1.234 ya da %8,2), "
                "uygulanmıyorsa “-” yazın.",
            )
        if parsed.value is not None and parsed.value < 0:
            return None, _issue(r, "realization", "Gerçekleşme eksi olamaz.")
    return parsed, None


def _preview_line(r: SheetRow, ind: Indicator, change, index: _PlanIndex, year: int):
    after = change.new if change.new is not None else change.old

    def facts() -> RowFacts:
        return row_facts(
            ind,
            rows=after,
            old=change.old,
            targets=index.targets.get(ind.pk, []),
            last_year=index.last_year.get(ind.pk, []),
            reason=change.deviation_reason or "",
            year=year,
            raw=clean_text(r.raw),
        )

    return PreviewLine(
        sheet=r.sheet,
        row=r.row,
        activity_code=index.code_of[ind.activity_id],
        indicator=ind.name,
        kind=change.kind,
        old=cell_text(change.old),
        new=cell_text(after),
        reason=change.deviation_reason or "",
        facts_of=facts,
    )


def preview_realizations(
    *,
    source,
    year: int | None,
    plan: Plan | None = None,
    user=None,
    plans=None,
    unit_id: int | None = None,
) -> tuple[RealizationImportResult, list[RealizationChange]]:
    """``plans``: the plans the user may touch (others are refused); ``unit_id``: a
    directorate user's unit, whose indicators only may be changed. Without ``plan`` the
    file's hidden keys name it, without ``year`` its title."""
    rows, title_year = _read_rows(source, year)
    plan_from_file, year_from_file = plan is None, year is None
    if plan is None:
        plan = _plan_of_file(rows, plans)
    year = _year_of(plan, year, title_year)
    index = _plan_index(plan, year, unit_id)
    errors: list[WorkbookIssue] = []
    seen: dict[int, SheetRow] = {}
    changes: list[RealizationChange] = []
    lines: list[PreviewLine] = []
    for r in rows:
        ind, issue = _match(r, index, seen)
        if issue is None:
            parsed, issue = _parse(r, ind, index.aliases)
        if issue is not None:
            errors.append(issue)
            continue
        old = index.existing.get(ind.pk, [])
        if parsed is None and not old:
            continue
        new = None
        if parsed is not None:
            fields = {"indicator": ind, "year": year, "entered_by": user}
            new = figure_objects(Realization, parsed, index.groups, **fields)
        # a blank reason or note cell never erases what is stored
        change = RealizationChange(
            indicator=ind, old=old, new=new, deviation_reason=r.reason or None, note=r.note or None
        )
        changes.append(change)
        lines.append(_preview_line(r, ind, change, index, year))
    if errors:
        raise WorkbookError(errors)
    try:  # the writer's rules (closed year, scope), before anything is shown as new
        check_realizations(changes, user=user)
    except FigureRefused as exc:
        raise WorkbookError(" ".join(exc.messages)) from exc
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    for line in lines:
        counts[line.kind] = counts.get(line.kind, 0) + 1
    result = RealizationImportResult(plan=plan, year=year, lines=lines, counts=counts)
    result.plan_from_file, result.year_from_file = plan_from_file, year_from_file
    return result, changes


def import_realizations(
    *,
    source,
    year: int | None,
    plan: Plan | None = None,
    dry_run: bool = False,
    user=None,
    plans=None,
    unit_id: int | None = None,
) -> RealizationImportResult:
    with transaction.atomic():
        result, changes = preview_realizations(
            source=source, year=year, plan=plan, user=user, plans=plans, unit_id=unit_id
        )
        result.dry_run = dry_run
        if not dry_run:
            realizations_apply(changes, user=user, source="içe aktarma")
    return result
