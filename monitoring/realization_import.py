"""Read a year's realizations back from a workbook (the exported report or the form
sent to a directorate) and show, then store, what changes.

Rows are found by the hidden key column ("yeep:gösterge") or, in a table typed by hand,
by activity code and indicator name. Every problem names sheet, row and column; with
any error nothing is stored. Importing the same file twice changes nothing the second
time. Queries: a fixed number whatever the number of rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from plans.models import Activity, FigureState, Indicator, Plan, ValueType
from plans.services import figure_objects, group_aliases
from plans.text import clean_text, parse_figure, split_code, tr_fold
from plans.workbook import (
    HeaderMap,
    WorkbookError,
    WorkbookIssue,
    find_header,
    is_error_value,
    iter_sheet_rows,
    open_workbook,
)

from .audit import FigureRefused, cell_text
from .models import Realization
from .realizations import RealizationChange, check_realizations, realizations_apply

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


@dataclass
class RealizationImportResult:
    plan: Plan
    year: int
    lines: list[PreviewLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = True
    warnings: list[str] = field(default_factory=list)


def _value_at(values: list, idx: int | None):
    return None if idx is None or idx >= len(values) else values[idx]


def _read_rows(source, year: int | None = None) -> tuple[list[SheetRow], int | None]:
    wb = open_workbook(source)
    rows: list[SheetRow] = []
    title_year = None
    counter = [0]
    found_header = False
    missing: list[WorkbookIssue] = []
    from django.conf import settings

    for ws in wb.worksheets:
        header: HeaderMap | None = None
        for row_idx, values in iter_sheet_rows(
            wb, ws, max_cells=settings.IMPORT_MAX_CELLS, counter=counter
        ):
            if not any(v is not None and (type(v) is not str or v.strip()) for v in values):
                continue
            candidate = find_header(row_idx, values)
            if candidate is not None:
                if header is None or candidate.signature != header.signature:
                    header = candidate
                    found_header = True
                    cols = header.columns
                    if header.realization_column(year) is None:
                        missing.append(
                            WorkbookIssue(
                                "“Gerçekleşme” sütunu yok; gerçekleşmeler bu sütundan okunur.",
                                sheet=ws.title,
                                row=row_idx,
                            )
                        )
                    if "key_indicator" not in cols and not (
                        "indicator" in cols and "activity" in cols
                    ):
                        missing.append(
                            WorkbookIssue(
                                "Satırları eşleştirecek sütun yok: gizli “yeep:gösterge” "
                                "sütunu ya da “Faaliyet” ve “Gösterge” sütunları gerekli.",
                                sheet=ws.title,
                                row=row_idx,
                            )
                        )
                continue
            if header is None:
                m = TITLE_YEAR_RE.search(" ".join(clean_text(v) for v in values if v))
                if m:
                    title_year = int(m.group(1))
                continue
            cols = header.columns
            key_raw = header.get(values, "key_indicator")
            name = clean_text(header.get(values, "indicator"))
            if key_raw in (None, "") and not name:
                continue  # theme, goal or strategy row
            key = None
            if key_raw not in (None, ""):
                try:
                    key = int(str(key_raw).strip())
                except ValueError:
                    raise WorkbookError(
                        WorkbookIssue(
                            f"Anahtar “{key_raw}” bir gösterge numarası değil; gizli sütunları "
                            "değiştirmeyin.",
                            sheet=ws.title,
                            row=row_idx,
                            column=cols["key_indicator"] + 1,
                            header=header.texts.get(cols["key_indicator"], ""),
                        )
                    ) from None
            activity_code = split_code(header.get(values, "activity"))[0]
            rows.append(
                SheetRow(
                    sheet=ws.title,
                    row=row_idx,
                    key=key,
                    activity_code=activity_code,
                    indicator_name=name,
                    raw=_value_at(values, header.realization_column(year)),
                    real_col=header.realization_column(year),
                    reason=clean_text(header.get(values, "deviation"))
                    if "deviation" in cols
                    else None,
                    note=clean_text(header.get(values, "note")) if "note" in cols else None,
                    header=header,
                )
            )
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


def preview_realizations(
    *,
    source,
    year: int,
    plan: Plan | None = None,
    user=None,
    plans=None,
    unit_id: int | None = None,
) -> tuple[RealizationImportResult, list[RealizationChange]]:
    """``plans``: the plans the user may touch (others are refused); ``unit_id``: a
    directorate user's unit, whose indicators only may be changed."""
    rows, title_year = _read_rows(source, year)
    errors: list[WorkbookIssue] = []
    keys = {r.key for r in rows if r.key is not None}
    if plan is None:
        plan_ids = (
            set(
                Indicator.objects.filter(pk__in=keys).values_list(
                    "activity__theme__plan_id", flat=True
                )
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
    own = None
    if unit_id is not None:
        own = set(
            Indicator.objects.filter(
                activity__theme__plan=plan, activity__responsible_units=unit_id
            ).values_list("pk", flat=True)
        )
    # Only what matching and checking need: 10,000 indicators are read on every import.
    code_of = dict(Activity.objects.filter(theme__plan=plan).values_list("pk", "code"))
    indicators = {
        ind.pk: ind
        for ind in Indicator.objects.filter(activity__theme__plan=plan).only(
            "pk", "name", "value_type", "activity_id"
        )
    }
    by_natural: dict[tuple[str, str], list[Indicator]] = {}
    for ind in indicators.values():
        by_natural.setdefault((code_of[ind.activity_id], tr_fold(ind.name)), []).append(ind)
    existing: dict[int, list[Realization]] = {}
    for r in (
        Realization.objects.filter(indicator__activity__theme__plan=plan, year=year)
        .select_related("group")
        .order_by("pk")
    ):
        existing.setdefault(r.indicator_id, []).append(r)
    aliases, groups = group_aliases()

    seen: dict[int, SheetRow] = {}
    changes: list[RealizationChange] = []
    lines: list[PreviewLine] = []
    for r in rows:
        if r.key is not None:
            ind = indicators.get(r.key)
            if ind is None:
                errors.append(
                    _issue(r, "key_indicator", f"{r.key} numaralı gösterge bu planda yok.")
                )
                continue
        else:
            matches = by_natural.get((r.activity_code, tr_fold(r.indicator_name)), [])
            if not matches:
                errors.append(
                    _issue(
                        r,
                        "indicator",
                        f"“{r.activity_code} {r.indicator_name}” göstergesi planda bulunamadı.",
                    )
                )
                continue
            if len(matches) > 1:
                errors.append(
                    _issue(
                        r,
                        "indicator",
                        f"“{r.activity_code} {r.indicator_name}” planda birden "
                        "çok kez geçiyor; gizli anahtar sütunuyla yükleyin.",
                    )
                )
                continue
            ind = matches[0]
        if own is not None and ind.pk not in own:
            errors.append(
                _issue(
                    r,
                    "indicator",
                    f"“{code_of[ind.activity_id]} {ind.name}” sizin biriminizin "
                    "sorumlu olduğu bir gösterge değil.",
                )
            )
            continue
        if ind.pk in seen:
            first = seen[ind.pk]
            errors.append(
                _issue(r, "indicator", f"Aynı gösterge iki kez: ilk kez {first.row}. satırda.")
            )
            continue
        seen[ind.pk] = r
        if is_error_value(r.raw):
            errors.append(_issue(r, "realization", f"Formül hatası “{r.raw}”: değer okunamıyor."))
            continue
        blank = r.raw is None or clean_text(r.raw) == ""
        parsed = None if blank else parse_figure(r.raw, aliases)
        if parsed is not None and ind.value_type != ValueType.MILESTONE:
            if parsed.state == FigureState.TEXT:
                errors.append(
                    _issue(
                        r,
                        "realization",
                        f"“{parsed.raw}” bir sayı değil. Sayı (ör. 987, 1.234 ya da %8,2), "
                        "uygulanmıyorsa “-” yazın.",
                    )
                )
                continue
            if parsed.value is not None and parsed.value < 0:
                errors.append(_issue(r, "realization", "Gerçekleşme eksi olamaz."))
                continue
        old = existing.get(ind.pk, [])
        new = (
            None
            if parsed is None
            else figure_objects(
                Realization, parsed, groups, indicator=ind, year=year, entered_by=user
            )
        )
        reason = r.reason or None  # a blank cell never erases what is stored
        note = r.note or None
        change = RealizationChange(
            indicator=ind, old=old, new=new, deviation_reason=reason, note=note
        )
        if blank and not old:
            continue
        changes.append(change)
        lines.append(
            PreviewLine(
                sheet=r.sheet,
                row=r.row,
                activity_code=code_of[ind.activity_id],
                indicator=ind.name,
                kind=change.kind,
                old=cell_text(old),
                new=cell_text(new) if new else cell_text(old),
                reason=reason or "",
            )
        )
    if errors:
        raise WorkbookError(errors)
    try:  # the writer's rules (closed year, scope), before anything is shown as new
        check_realizations(changes, user=user)
    except FigureRefused as exc:
        raise WorkbookError(" ".join(exc.messages)) from exc
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    for line in lines:
        counts[line.kind] = counts.get(line.kind, 0) + 1
    return RealizationImportResult(plan=plan, year=year, lines=lines, counts=counts), changes


def import_realizations(
    *,
    source,
    year: int,
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
