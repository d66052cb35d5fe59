"""Import a plan table laid out like any of the real plans.

Recognises the columns by their header text wherever the header row is (and skips it
when it repeats), reads theme/goal/strategy rows between the activity rows, activities
merged (or left blank) over their indicator rows, several indicators in one cell, target
cells with groups, and grouping columns (Narlıdere's AMAÇ/HEDEF) merged down.
Produces ``PlanRow``s for ``plan_build.build_plan``; ``plan_table`` stores them with
their targets and realizations in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plans.text import clean_text, split_code, split_indicators, tr_fold

from .headers import READ_ONLY_SHEET_RE
from .plan_build import PlanRow, SourceRef
from .plan_checks import cell_warnings, error_cells, letter
from .reader import (
    HeaderMap,
    WorkbookError,
    WorkbookIssue,
    find_header,
    is_error_value,
    iter_sheet_rows,
)

TITLE_YEAR_RE = re.compile(r"(20\d\d)\s*yılı\s*gerçekleşme", re.IGNORECASE)


@dataclass
class ParsedPlan:
    rows: list[PlanRow] = field(default_factory=list)
    title: str = ""
    report_year: int | None = None
    target_years: set[int] = field(default_factory=set)
    warnings: list[WorkbookIssue] = field(default_factory=list)
    errors: list[WorkbookIssue] = field(default_factory=list)
    goal_is_strategy: bool = False
    has_aim_and_objective: bool = False


def _grouping(text: str) -> tuple[str, str, str] | None:
    """("theme" | "goal" | "strategy" | "aim", code, title) for a row between activities."""
    s = clean_text(text)
    folded = tr_fold(s)
    m = re.match(r"^tema\s*[:|\-]?\s*(.*)$", folded)
    if m:
        code, title = split_code(s[len(s) - len(m.group(1)) :])
        return "theme", code, title
    m = re.match(r"^strateji\s*(\d+(?:\s*\.\s*\d+)*)?\s*\.?\s*[:\-]?\s*(.*)$", folded)
    if m:
        rest = s[len(s) - len(m.group(2)) :] if m.group(2) else ""
        return "strategy", re.sub(r"\s+", "", m.group(1) or ""), rest
    m = re.match(r"^(hedef|amaç)\s*(\d+(?:\.\d+)*)?\s*(?:\.\s|\.?\s*[:\-])\s*(.*)$", folded)
    if m:
        rest = s[len(s) - len(m.group(3)) :]
        return ("goal" if m.group(1) == "hedef" else "aim"), m.group(2) or "", rest
    m = re.match(r"^(\d+(?:\.\d+)*)\s*\.?\s*(hedef|amaç|strateji)\s*[:\-]\s*(.*)$", folded)
    if m:
        rest = s[len(s) - len(m.group(3)) :]
        kind = {"hedef": "goal", "amaç": "aim", "strateji": "strategy"}[m.group(2)]
        return kind, m.group(1), rest
    code, title = split_code(s)
    if code and title:
        depth = code.count(".") + 1
        if depth == 1:
            return "theme", code, title
        if depth == 2:
            return "goal", code, title
    return None


@dataclass
class _State:
    theme: tuple[str, str] = ("", "")
    goal: tuple[str, str] = ("", "")
    strategy: tuple[str, str] = ("", "")
    goal_from_aim: bool = False
    level_unused: bool = False  # a level row came and no activity row under it yet
    activity_no: int = 0
    activity_text: str = ""
    activity: dict = field(default_factory=dict)
    seen_indicators: dict = field(default_factory=dict)


KEYWORD_ROW_RE = re.compile(r"^(tema|strateji|(hedef|amaç)\s*\d)")
RULE_RE = re.compile(r"^[-–—_=.*\s]+$")
GROUPING_COLUMNS = {"aim", "objective", "strategy", "theme"}


def _apply_grouping(
    result: ParsedPlan, state: _State, g: tuple[str, str, str], preamble_goals: dict
) -> None:
    """A theme, goal (aim) or strategy row: set the current level, below it nothing.
    A level left without any activity under it is kept (a grouping-only row)."""
    _keep_unused_level(result, state)
    kind, code, title = g
    if kind == "theme":
        state.theme = (code, title)
        state.goal = preamble_goals.get(code or title, ("", ""))
        state.strategy = ("", "")
        state.goal_from_aim = False
    elif kind == "goal" and state.goal_from_aim:
        state.strategy = (code, title)  # Narlıdere: AMAÇ > HEDEF
    elif kind in ("goal", "aim"):
        state.goal = (code, title)
        state.strategy = ("", "")
        state.goal_from_aim = kind == "aim"
        if kind == "aim":
            result.has_aim_and_objective = True
        if state.theme != ("", ""):
            # remembered: a table repeating "TEMA | 1.EĞİTİM" gets its goal back
            preamble_goals[state.theme[0] or state.theme[1]] = (code, title)
    elif state.goal == ("", ""):
        result.goal_is_strategy = True
        state.goal = (code, title)
    else:
        state.strategy = (code, title)
    state.activity = {}
    state.level_unused = True


def _level_row(state: _State, source: SourceRef | None = None) -> PlanRow:
    """A row that only names the current theme, goal and strategy (no activity)."""
    return PlanRow(
        theme_code=state.theme[0],
        theme_title=state.theme[1],
        goal_code=state.goal[0],
        goal_title=state.goal[1],
        strategy_code=state.strategy[0],
        strategy_title=state.strategy[1],
        source=source or SourceRef(),
    )


def _keep_unused_level(result: ParsedPlan, state: _State) -> None:
    if state.level_unused and (state.goal != ("", "") or state.strategy != ("", "")):
        result.rows.append(_level_row(state))
    state.level_unused = False


def _theme_title(text: str) -> tuple[str, str]:
    """A table's title naming its theme: "EĞİTİM", "3.1. EĞİTİM" (a chapter number, not
    the theme's code), "TEMA 2: İSTİHDAM"."""
    g = _grouping(text)
    if g and g[0] == "theme":
        return g[1], g[2]
    code, title = split_code(text)
    return ("", title) if "." in code else (code, title)


def parse_workbook(source, *, report_year: int | None = None) -> ParsedPlan:
    """A plan table from an xlsx workbook or a Word document (.docx)."""
    from .document.reader import open_plan_file, relocated

    wb = open_plan_file(source)
    return relocated(wb, lambda: _parse_book(wb, report_year))


def _parse_book(wb, report_year: int | None) -> ParsedPlan:
    result = ParsedPlan()
    counter = [0]
    preamble_goals: dict[str, tuple[str, str]] = {}
    any_header = False
    for ws in wb.worksheets:
        if READ_ONLY_SHEET_RE.match(ws.title):
            continue  # the report's own summary sheets
        header: HeaderMap | None = None
        state = _State()
        held: tuple | None = None  # a lone text row (and the header above it), decided later
        for row_idx, values in iter_sheet_rows(wb, ws, max_cells=_max_cells(), counter=counter):
            texts = [t for v in values if v is not None and (t := clean_text(v))]
            if not texts or all(RULE_RE.match(t) for t in texts):
                continue
            candidate = find_header(row_idx, values)
            if candidate is not None and (
                header is None
                or candidate.signature == header.signature
                or len(candidate.signature) >= 3
            ):
                if header is None or candidate.signature != header.signature:
                    header = candidate
                    any_header = True
                    _check_columns(result, header, ws.title)
                    result.target_years.update(header.target_years)
                    if header.realization_year and not result.report_year:
                        result.report_year = header.realization_year
                    if {"aim", "objective"} <= header.columns.keys():
                        result.has_aim_and_objective = True
                if held is not None:
                    if GROUPING_COLUMNS & header.columns.keys():
                        # the title of the table that follows names its theme
                        state.theme = _theme_title(" ".join(held[2]))
                        state.goal = state.strategy = ("", "")
                        state.activity = {}
                    else:
                        _lone_row(result, held[3], state, ws.title, held, preamble_goals)
                    held = None
                continue
            if held is not None:
                _lone_row(result, held[3], state, ws.title, held, preamble_goals)
                held = None
            if len(texts) == 1 and (header is None or GROUPING_COLUMNS & header.columns.keys()):
                held = (row_idx, values, texts, header)
                continue
            if header is None:
                _preamble_row(result, state, texts, preamble_goals)
                continue
            _data_row(result, header, state, ws.title, row_idx, values, texts, preamble_goals)
        if held is not None:
            _lone_row(result, held[3], state, ws.title, held, preamble_goals)
        if header is not None:
            _keep_unused_level(result, state)
        if header is None and len(wb.worksheets) > 1:
            result.warnings.append(
                WorkbookIssue("Başlık satırı bulunamadı; sayfa atlandı.", sheet=ws.title)
            )
    if not any_header:
        if counter[0] == 0:
            raise WorkbookError("Çalışma kitabı boş: hiçbir sayfada veri yok.")
        raise WorkbookError(
            "Başlık satırı bulunamadı: ilk satırlarda “Faaliyet” (ya da “Eylem”) ve "
            "“Gösterge”, “Sorumlu birim”, yıl gibi sütun başlıkları olmalı."
        )
    if report_year:
        result.report_year = report_year
    _settle_activity_targets(result)
    if result.errors:
        raise WorkbookError(result.errors)
    return result


def _check_columns(result: ParsedPlan, header: HeaderMap, sheet: str) -> None:
    """Values per indicator (Mevcut, Gerçekleşme) need an indicator column to belong to."""
    cols = header.columns
    if "indicator" not in cols and (
        {"baseline", "realization"} & cols.keys() or header.realization_years
    ):
        result.errors.append(
            WorkbookIssue(
                "“Gösterge” sütunu yok: “Mevcut” ve “Gerçekleşme” değerleri bir göstergeye "
                "bağlanamaz. Göstergeler sütununu ekleyin.",
                sheet=sheet,
                row=header.row,
            )
        )
    if "activity" not in cols:
        result.errors.append(
            WorkbookIssue("“Faaliyet” (ya da “Eylem”) sütunu yok.", sheet=sheet, row=header.row)
        )


def _preamble_row(result, state, texts, preamble_goals) -> None:
    """Above the first header: the plan's title, the report year, and Büyükçekmece's list
    of themes with their goals."""
    joined = " ".join(texts)
    m = TITLE_YEAR_RE.search(joined)
    if m:
        result.report_year = result.report_year or int(m.group(1))
        return
    g = _grouping(joined)
    if g is not None:
        _apply_grouping(result, state, g, preamble_goals)
    elif not result.title:
        result.title = joined[:300]


def _lone_row(result, header, state, sheet, held, preamble_goals) -> None:
    row_idx, values, texts, _ = held
    if header is None:
        if state.theme == ("", "") and not result.title:
            result.title = texts[0][:300]
        _preamble_row(result, state, texts, preamble_goals)
        return
    _data_row(result, header, state, sheet, row_idx, values, texts, preamble_goals)


def _max_cells() -> int:
    from django.conf import settings

    return settings.IMPORT_MAX_CELLS


def _data_row(result, header, state, sheet, row_idx, values, texts, preamble_goals) -> None:
    """Read one row below a header into ``result``."""
    activity_text = clean_text(header.get(values, "activity"))
    if "code" in header.columns and clean_text(header.get(values, "code")):
        activity_text = f"{clean_text(header.get(values, 'code'))} {activity_text}".strip()
    if _grouping_row(result, header, state, values, texts, activity_text, preamble_goals):
        return
    _level_columns(header, state, values, sheet)
    _continued_title(result, state, activity_text)
    act = _row_activity(result, header, state, SourceRef(sheet, row_idx), values, activity_text)
    if act is None:
        return
    error_cells(result, header, sheet, row_idx, values)
    cell_warnings(result, header, sheet, row_idx, values)
    _indicator_rows(result, header, state, SourceRef(sheet, row_idx), values, act)


_LEVEL_KEYS = ("aim", "objective", "strategy", "theme")


def _grouping_row(result, header, state, values, texts, activity_text, preamble_goals) -> bool:
    """A row between the activities (theme, goal or strategy, merged across or not; a
    keyword row "TEMA | 1.EĞİTİM"), or a line of text continuing the activity above:
    taken here (True), or an activity row to read further (False)."""
    get = header.get
    # "TEMA | 1.EĞİTİM", "STRATEJİ 1.1. | ...": a keyword row, whatever columns it spans
    if len(texts) <= 3 and KEYWORD_ROW_RE.match(tr_fold(texts[0])):
        g = _grouping(" ".join(texts))
        if g is not None:
            _apply_grouping(result, state, g, preamble_goals)
            return True
    grouping_cols = header.grouping_columns
    other = [
        v
        for i, v in enumerate(values)
        if v is not None and i not in grouping_cols and clean_text(v)
    ]
    in_level_columns = any(clean_text(get(values, k)) for k in _LEVEL_KEYS)
    if other or in_level_columns:
        return False
    only_grouping_columns = not activity_text or len(texts) > 1
    g = _grouping(" ".join(texts)) if (only_grouping_columns or not activity_text) else None
    if g is None and activity_text:
        g = _grouping(activity_text)
        if g is not None and g[0] == "goal" and re.match(r"^\d+\.\d+\.\d+", activity_text):
            g = None
    if g is not None:
        _apply_grouping(result, state, g, preamble_goals)
        return True
    if activity_text and re.match(r"^\d+(\.\d+)+", activity_text):
        return False  # an activity with nothing else filled in: read it below
    if state.activity and activity_text:
        # a line of the activity text that Word put in a row of its own
        _extend_title(result, state, activity_text)
        return True
    return not state.activity  # text above the first activity that names nothing we know


def _extend_title(result, state, text: str) -> None:
    state.activity["title"] += " " + text
    for r in result.rows:
        if r.activity_key == state.activity_no:
            r.activity_title = state.activity["title"]


def _level_columns(header, state, values, sheet) -> None:
    """Grouping columns (Narlıdere), merged down: a blank cell keeps the value above."""
    cols, get = header.columns, header.get
    if "theme" in cols and clean_text(get(values, "theme")):
        code, title = split_code(
            re.sub(r"^(?i:tema)\s*[:\-]?\s*", "", clean_text(get(values, "theme")))
        )
        if (code, title) != state.theme:
            state.theme, state.goal, state.strategy = (code, title), ("", ""), ("", "")
    aim_col = "aim" if "aim" in cols else ("objective" if "objective" in cols else None)
    sub_col = (
        "objective"
        if aim_col == "aim" and "objective" in cols
        else ("strategy" if "strategy" in cols else None)
    )
    if aim_col and clean_text(get(values, aim_col)):
        code, title = _level_cell(get(values, aim_col))
        if (code, title) != state.goal:
            state.goal, state.strategy = (code, title), ("", "")
    if sub_col and clean_text(get(values, sub_col)):
        state.strategy = _level_cell(get(values, sub_col))
    if not state.theme[0] and not state.theme[1]:
        state.theme = ("", sheet)


def _continued_title(result, state, activity_text: str) -> None:
    if (
        state.activity
        and activity_text.startswith("(")
        and not split_code(activity_text)[0]
        and activity_text != state.activity_text
    ):
        # "(Örneğin hamilelik, ...)": the activity's text went on in the next row
        _extend_title(result, state, activity_text)
        state.activity_text = activity_text


def _row_activity(result, header, state, source: SourceRef, values, activity_text) -> dict | None:
    """The activity the row belongs to (a new one or the one above); None when the row
    holds no activity (a level without actions, or an error)."""
    cols, get = header.columns, header.get
    key_activity = clean_text(get(values, "key_activity"))
    same_activity = bool(state.activity) and (
        (key_activity and key_activity == state.activity.get("key"))
        or (not key_activity and (not activity_text or activity_text == state.activity_text))
    )
    if not activity_text and state.activity and state.strategy != state.activity["parents"][2]:
        # a new objective (or aim) with no action under it: keep the level itself
        result.rows.append(_level_row(state, source))
        state.activity = {}
        return None
    if activity_text == "" and not state.activity:
        result.errors.append(
            WorkbookIssue(
                "Faaliyet hücresi boş ve üstünde bir faaliyet yok.",
                sheet=source.sheet,
                row=source.row,
                column=cols.get("activity", 0) + 1,
                header=header.texts.get(cols.get("activity"), ""),
            )
        )
        return None
    if not same_activity:
        code, title = split_code(activity_text)
        state.activity_no += 1
        state.activity_text = activity_text
        state.activity = {
            "key": key_activity,
            "code": code,
            "title": title,
            "timing": clean_text(get(values, "timing")),
            "responsible": _multiline(get(values, "responsible")),
            "partners": _multiline(get(values, "partners")),
            "parents": (state.theme, state.goal, state.strategy),
        }
        state.seen_indicators = {}
    else:
        for name in ("timing", "responsible", "partners"):
            if not state.activity[name] and get(values, name) is not None:
                state.activity[name] = _multiline(get(values, name))
    return state.activity


def _indicator_rows(result, header, state, source: SourceRef, values, act: dict) -> None:
    """One PlanRow per indicator named in the row (or one for the activity alone)."""
    cols, get = header.columns, header.get
    theme, goal, strategy = act["parents"]
    names = split_indicators(get(values, "indicator")) if "indicator" in cols else []
    targets = {y: _raw(values, i) for y, i in header.target_years.items()}
    realization = _raw(values, cols["realization"]) if "realization" in cols else None
    by_year = {y: _raw(values, i) for y, i in header.realization_years.items()}
    budgets = {
        kind: {y: _raw(values, i) for y, i in header.budget_years.get(kind, {}).items()}
        for kind in ("budget", "budget_actual")
    }
    base = dict(
        budgets=budgets["budget"],
        budget_actuals=budgets["budget_actual"],
        budget_code=clean_text(get(values, "budget_code")),
        theme_code=theme[0],
        theme_title=theme[1],
        goal_code=goal[0],
        goal_title=goal[1],
        strategy_code=strategy[0],
        strategy_title=strategy[1],
        activity_code=act["code"],
        activity_title=act["title"],
        timing=act["timing"],
        responsible=act["responsible"],
        partners=act["partners"],
        activity_key=state.activity_no,
        columns={
            "activity": header.texts.get(cols.get("activity"), ""),
            "responsible": letter(cols.get("responsible")),
            "partners": letter(cols.get("partners")),
            "level": tr_fold(clean_text(get(values, "key_target_level"))),
            "baseline": "1" if "baseline" in cols else "",
        },
    )
    state.level_unused = False
    real_cell = {y: v for y, v in by_year.items() if v not in (None, "")}
    if realization not in (None, "") and len(header.realization_years) <= 1:
        real_cell = {"__report__": realization}
    if not names:
        if not any(r.activity_key == state.activity_no for r in result.rows):
            result.rows.append(PlanRow(**base, targets=targets, source=source))
        return
    for n, name in enumerate(names):
        folded = tr_fold(name)
        if folded in state.seen_indicators:
            result.errors.append(
                WorkbookIssue(
                    f"“{name}” göstergesi bu faaliyette ikinci kez geçiyor (ilki "
                    f"{state.seen_indicators[folded]}. satırda). Satır iki kez yapıştırılmış "
                    "olabilir.",
                    sheet=source.sheet,
                    row=source.row,
                    column=cols["indicator"] + 1,
                    header=header.texts.get(cols["indicator"], ""),
                )
            )
            continue
        state.seen_indicators[folded] = source.row
        first = n == 0
        result.rows.append(
            PlanRow(
                **base,
                indicator=name,
                baseline=_raw(values, cols["baseline"]) if first and "baseline" in cols else "",
                targets=targets if first else {},
                realizations=dict(real_cell) if first else {},
                source=source,
            )
        )


def _settle_activity_targets(result: ParsedPlan) -> None:
    """Decide whether the year columns hold the indicators' targets (Mersin) or the
    activity's (Büyükçekmece: one target cell for several indicators). Our own export
    says so in a hidden column; otherwise a plan without a baseline column whose
    activities share one target cell over several indicators has activity targets."""
    groups: list[list[PlanRow]] = []
    for row in result.rows:
        if groups and groups[-1][0].activity_key == row.activity_key:
            groups[-1].append(row)
        else:
            groups.append([row])

    def shared_cell(group: list[PlanRow]) -> bool:
        filled = [
            r.targets
            for r in group
            if r.indicator and any(v not in ("", None) for v in r.targets.values())
        ]
        return len([r for r in group if r.indicator]) > 1 and (
            len(filled) == 1 or (len(filled) > 1 and all(f == filled[0] for f in filled))
        )

    no_baseline = [g for g in groups if not g[0].columns.get("baseline")]
    plan_wide = any(shared_cell(g) for g in no_baseline)
    for group in groups:
        level = group[0].columns.get("level", "")
        indicators = [r for r in group if r.indicator]
        if (
            level.startswith("faaliyet")  # "faaliyet düzeyi"; "faaliyet" before 2026-11
            or not indicators
            or (not level and plan_wide and not group[0].columns.get("baseline"))
        ):
            source = next(
                (r.targets for r in group if any(v not in ("", None) for v in r.targets.values())),
                {},
            )
            group[0].activity_targets = {y: v for y, v in source.items() if v not in ("", None)}
            for r in group:
                r.targets = {}


def _level_cell(value) -> tuple[str, str]:
    text = re.sub(r"^(?i:amaç|hedef|strateji)\s*", "", clean_text(value))
    text = re.sub(r"^(\d+(?:\.\d+)*)\s*[:\-]\s*", r"\1. ", text)
    return split_code(text)


def _multiline(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\r", "")


def _raw(values, idx):
    if idx is None or idx >= len(values):
        return ""
    v = values[idx]
    if v is None:
        return ""
    if is_error_value(v):
        return ""
    return v if not isinstance(v, str) else v.strip()


def plan_labels(parsed: ParsedPlan) -> dict[str, str]:
    if parsed.has_aim_and_objective:
        return {"goal_label": "Amaç", "strategy_label": "Hedef", "activity_label": "Eylem"}
    if parsed.goal_is_strategy:
        return {"goal_label": "Strateji", "strategy_label": ""}
    return {}
