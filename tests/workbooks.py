"""Realistic Excel workbooks for import tests, built from the demo transcriptions.

The real workbooks an importer meets are the seed plans typed into Excel, or their Word
tables pasted into it, by equality-unit staff. This module writes such workbooks from
``fixtures/demo/*.tsv`` in each seed's own printed layout, so the importer can be tested on
the same shapes without shipping any real file:

* :func:`mersin_report` - the Mersin BB "2024 YILI GERÇEKLEŞME RAPORU" (seed 002): title
  rows, theme rows and goal rows merged across, one row per indicator with the activity's
  cells merged down over its indicators, messy headers ("Gerçek\\nleşme").
* :func:`buyukcekmece_plan` - the Büyükçekmece plan (seed 000): a preamble listing the
  themes and their "HEDEF n:" lines, then per strategy a "TEMA" row, a "STRATEJİ 1.1." row
  and the header, one row per activity with the dash-prefixed indicators in one cell.
* :func:`narlidere_plan` - the Narlıdere plan (seed 001): per theme a table titled by the
  theme, AMAÇ and HEDEF columns merged down over their actions.
* :func:`broken` - files an importer must refuse or flag (not a workbook, CSV, old .xls,
  empty, no header, a missing column, text in a number column, formulas, a duplicated row,
  more cells than a limit, a truncated zip).
* :func:`read_back`, :func:`sheet_names`, :func:`merged_ranges`, :func:`mersin_cell` -
  helpers for assertions.

Everything is deterministic (the "noise" options use a fixed random seed). Data written is
the TSV data, except where a docstring says otherwise (printed code forms such as "1.1.1."
and, only with ``seed_quirks=True``, the seed's own mistakes). Cells that in the TSV hold
several units separated by " ; " are written one unit per line ("\\n"), as in the printed
tables; compare with ``" ; ".join(cell.splitlines())``.

No Django import: usable with ``pytest -p no:django``.
"""

from __future__ import annotations

import csv
import random
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

DEMO_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
MERSIN_TSV = "mersin_2024_2026.tsv"
BUYUKCEKMECE_TSV = "buyukcekmece_2023_2024.tsv"
NARLIDERE_TSV = "narlidere_2023_2025.tsv"

# What the generated workbooks hold (checked against the TSVs by the self-check tests).
EXPECTED = {
    "mersin": {"themes": 8, "goals": 19, "activities": 118, "indicators": 146},
    # 205 TSV rows: 203 indicators + 2 activities without one (3.1.5 prints "-", 4.1.8 blank)
    "buyukcekmece": {"themes": 6, "strategies": 9, "activities": 86, "indicators": 203},
    # 81 TSV rows: 80 indicators + one HEDEF printed without any EYLEM (theme 6, 1.2.)
    "narlidere": {"themes": 6, "aims": 25, "objectives": 52, "activities": 77, "indicators": 80},
}

_BOLD = Font(bold=True)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_PLAIN_INT = re.compile(r"\d+")
_PERCENT = re.compile(r"%(\d+)(?:[.,](\d+))?")


# --- the data ----------------------------------------------------------------------


def load_tsv(name: str) -> list[dict[str, str]]:
    """Rows of one demo TSV (``name`` is the file name in fixtures/demo)."""
    with (DEMO_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@dataclass
class Activity:
    """Consecutive TSV rows with the same activity code and title; one per indicator."""

    rows: list[dict[str, str]] = field(default_factory=list)

    def __getitem__(self, key: str) -> str:
        return self.rows[0][key]

    @property
    def code(self) -> str:
        return self.rows[0]["activity_code"]

    @property
    def title(self) -> str:
        return self.rows[0]["activity_title"]

    @property
    def indicators(self) -> list[str]:
        return [r["indicator"] for r in self.rows if r["indicator"]]


def group_activities(rows: list[dict[str, str]]) -> list[Activity]:
    """Group TSV rows into activities the way the TSVs define them.

    A row without an activity (Narlıdere's HEDEF printed without EYLEM) is an Activity of
    its own with an empty code and title.
    """
    out: list[Activity] = []
    prev = None
    for row in rows:
        key = (row["theme_code"], row["activity_code"], row["activity_title"])
        if key != prev or not (row["activity_code"] or row["activity_title"]):
            out.append(Activity())
        out[-1].rows.append(row)
        prev = key
    return out


# --- writing helpers ----------------------------------------------------------------


class _Writer:
    """Appends rows to a worksheet; optional deterministic whitespace noise."""

    def __init__(self, ws, width: int, *, noise: bool = False, seed: int = 0):
        self.ws = ws
        self.width = width
        self.row = 0
        self.rng = random.Random(seed) if noise else None

    def text(self, value: str | None) -> str | None:
        """A data text cell as typed: None for blank, else with optional noise."""
        if value is None or value == "":
            return None
        if self.rng is None:
            return value
        roll = self.rng.random()
        if roll < 0.25:
            return value + " "
        if roll < 0.35 and " " in value:
            return value.replace(" ", "  ", 1)
        if roll < 0.42 and " " in value:
            return value.replace(" ", "\u00a0", 1)
        if roll < 0.47:
            return " " + value
        return value

    def put(self, values, *, across: bool = False, style=None, start_col: int = 1) -> int:
        self.row += 1
        for i, value in enumerate(values):
            if value is None or value == "":
                continue
            cell = self.ws.cell(self.row, start_col + i)
            if isinstance(value, _Num):
                cell.value = value.value
                cell.number_format = value.fmt
            else:
                cell.value = value
            if style in ("header", "title"):
                cell.font = _BOLD
                cell.alignment = _CENTER
            else:
                cell.alignment = _WRAP_TOP
        if across and self.width > start_col:
            self.ws.merge_cells(
                start_row=self.row, start_column=start_col, end_row=self.row, end_column=self.width
            )
        return self.row

    def blank(self, n: int = 1) -> None:
        self.row += n

    def merge_down(self, col: int, first: int, last: int) -> None:
        if last > first:
            self.ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)

    def widths(self, widths: list[float]) -> None:
        for i, w in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w


@dataclass(frozen=True)
class _Num:
    value: float
    fmt: str


def _value_cell(text: str, percents: str):
    """A value cell as a typist leaves it.

    Plain integers become numbers; everything else ("%8,2", "-", "Toplantıda belli
    olacak") stays text exactly as printed, unless ``percents="number"``, when "%8,2" is
    typed the Excel way: 0.082 formatted "0.0%".
    """
    if text == "":
        return None
    if _PLAIN_INT.fullmatch(text):
        return int(text)
    if percents == "number":
        m = _PERCENT.fullmatch(text)
        if m:
            decimals = m.group(2) or ""
            number = Decimal(f"{m.group(1)}.{decimals or '0'}") / 100
            fmt = "0%" if not decimals else "0." + "0" * len(decimals) + "%"
            return _Num(float(number), fmt)
    return text


def _units(text: str, sep: str) -> str:
    """TSV " ; "-separated units as printed (one per line by default)."""
    return sep.join(part.strip() for part in text.split(" ; ")) if text else text


def _save(wb: Workbook, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --- Mersin: 2024 realization report (seed 002) --------------------------------------

MERSIN_TITLE = "MERSİN BÜYÜKŞEHİR BELEDİYESİ YEREL EŞİTLİK EYLEM PLANI"
MERSIN_YEAR_TITLE = "2024 YILI GERÇEKLEŞME RAPORU"
MERSIN_KEYS = [
    "activity",
    "responsible",
    "partners",
    "indicator",
    "baseline",
    "T:2024",
    "T:2025",
    "T:2026",
    "R:2024",
]
# Header texts: 0 is the seed's first table; 1 upper case (Turkish İ); 2 odd spacing and the
# 1.4 table's "Destekçi birim/ kurum /kuruluş"; 3 the 3.1/4.2 tables ("Sorumlu Birim",
# "Gerçekl\neşme"). Years are numbers where Excel would have turned typed "2024" into one.
MERSIN_HEADERS = [
    [
        "Faaliyet",
        "Sorumlu birim",
        "Destekçi Kurum\n/Kuruluş",
        "Gösterge",
        "Mevcut",
        2024,
        2025,
        2026,
        "Gerçek\nleşme",
    ],
    [
        "FAALİYET",
        "SORUMLU BİRİM",
        "DESTEKÇİ KURUM /KURULUŞ",
        "GÖSTERGE",
        "MEVCUT",
        "2024",
        "2025",
        "2026",
        "GERÇEKLEŞME",
    ],
    [
        " Faaliyet ",
        "Sorumlu  Birim",
        "Destekçi birim/\nkurum /kuruluş",
        "Gösterge ",
        "Mevcut ",
        "2024 ",
        " 2025",
        "2026",
        "Gerçek leşme",
    ],
    [
        "Faaliyet",
        "Sorumlu Birim",
        "Destekçi kurum /kuruluş",
        "Gösterge",
        "Mevcut",
        2024,
        2025,
        2026,
        "Gerçekl\neşme",
    ],
]
# Printed forms in the seed that differ from "<code>. <text>".
_MERSIN_THEME_NO_SPACE = {"2", "3", "8"}  # "2.İSTİHDAM ...", "3.KATILIM", "8.İzleme ..."
_MERSIN_GOAL_NO_DOT = {"4.4", "4.5"}  # "4.4 Hedef: ..."
_MERSIN_GOAL_NO_HEDEF = {"1.5"}  # "1.5. Kırılgan Gruplar ..." (no "Hedef:")
_MERSIN_ACTIVITY_NO_DOT = {
    "1.3.2",
    "1.3.3",
    "2.1.3",
    "2.1.4",
    "2.2.3",
    "3.1.1",
    "4.4.4",
    "4.4.5",
    "6.1.2",
    "6.1.4",
}  # and every code of theme 8 ("8.1 Eylem planı ...", "8.1.1 ...")
# tables="per_goal": where the seed's tables break across a page and print the goal row and
# the header again before an activity, and the goal printed twice in a row.
_MERSIN_PAGE_BREAKS = {"3.1.6", "4.1.7", "4.2.5", "7.3.4"}
_MERSIN_DOUBLE_GOAL = {"2.2"}


def _mersin_theme_text(code: str, title: str) -> str:
    return f"{code}.{title}" if code in _MERSIN_THEME_NO_SPACE else f"{code}. {title}"


def _mersin_goal_text(code: str, title: str) -> str:
    if code in _MERSIN_GOAL_NO_HEDEF:
        return f"{code}. {title}"
    if code in _MERSIN_GOAL_NO_DOT:
        return f"{code} Hedef: {title}"
    return f"{code}. Hedef: {title}"


def _mersin_activity_text(code: str, title: str) -> str:
    if code in _MERSIN_ACTIVITY_NO_DOT or code.startswith("8."):
        return f"{code} {title}"
    return f"{code}. {title}"


def _mersin_build(
    *,
    merged: bool = True,
    year_title: bool = True,
    header_variant: int = 0,
    tables: str = "single",
    header_row: int = 3,
    percents: str = "text",
    unit_sep: str = "\n",
    noise: bool = False,
    drop: frozenset[str] = frozenset(),
    headers: bool = True,
    duplicate: str | None = None,
    edits: dict | None = None,
):
    """Build the Mersin workbook in memory; returns (workbook, cells).

    ``cells`` maps (activity_code, indicator_index, key) -> "F6" for every value written
    (key is one of MERSIN_KEYS); the first occurrence of a code wins.
    """
    if tables not in ("single", "per_goal"):
        raise ValueError(f"tables must be 'single' or 'per_goal', not {tables!r}")
    if percents not in ("text", "number"):
        raise ValueError(f"percents must be 'text' or 'number', not {percents!r}")
    if not 0 <= header_variant < len(MERSIN_HEADERS):
        raise ValueError(f"header_variant must be 0-{len(MERSIN_HEADERS) - 1}")
    n_titles = 2 if year_title else 1
    if header_row <= n_titles:
        raise ValueError(f"header_row must be below the title rows (> {n_titles})")
    keys = [k for k in MERSIN_KEYS if k not in drop]
    col = {k: i + 1 for i, k in enumerate(keys)}
    edits = edits or {}

    wb = Workbook()
    ws = wb.active
    ws.title = "2024 Gerçekleşme" if year_title else "YEEP"
    w = _Writer(ws, len(keys), noise=noise, seed=2)
    w.widths([46, 24, 24, 30, 9, 9, 9, 9, 13][: len(keys)])

    w.put([MERSIN_TITLE], across=True, style="title")
    if year_title:
        w.put([MERSIN_YEAR_TITLE], across=True, style="title")
    w.blank(header_row - 1 - w.row)

    n_headers = len(MERSIN_HEADERS)
    header_count = 0

    def header(variant: int | None = None) -> None:
        nonlocal header_count
        if not headers:
            return
        v = (header_variant + header_count) % n_headers if variant is None else variant
        texts = dict(zip(MERSIN_KEYS, MERSIN_HEADERS[v], strict=True))
        w.put([texts[k] for k in keys], style="header")
        if tables == "per_goal":
            header_count += 1

    acts = group_activities(load_tsv(MERSIN_TSV))
    if duplicate is not None:
        i = next(i for i, a in enumerate(acts) if a.code == duplicate)
        acts.insert(i + 1, Activity(rows=[dict(r) for r in acts[i].rows[:1]]))

    # single mode: the header once at the top and once again mid-way through a goal's table
    middle = None
    if tables == "single":
        middle = len(acts) // 2
        while middle < len(acts) and acts[middle]["goal_code"] != acts[middle - 1]["goal_code"]:
            middle += 1
        header(header_variant)

    cells: dict[tuple[str, int, str], str] = {}
    theme = goal = None
    for n, act in enumerate(acts):
        if act["theme_code"] != theme:
            theme, goal = act["theme_code"], None
            w.put([_mersin_theme_text(theme, act["theme_title"])], across=True, style="title")
            if tables == "per_goal" and not act["goal_code"]:
                header()
        if act["goal_code"] and act["goal_code"] != goal:
            goal = act["goal_code"]
            text = _mersin_goal_text(goal, act["goal_title"])
            w.put([text], across=True)
            if tables == "per_goal":
                if goal in _MERSIN_DOUBLE_GOAL:
                    w.put([text], across=True)
                header()
        elif tables == "per_goal" and act.code in _MERSIN_PAGE_BREAKS:
            w.put([_mersin_goal_text(goal, act["goal_title"])], across=True)
            header()
        if n == middle:
            header(header_variant)

        first = w.row + 1
        for i, row in enumerate(act.rows):
            values = {
                "activity": w.text(_mersin_activity_text(act.code, act.title)),
                "responsible": w.text(_units(row["responsible"], unit_sep)),
                "partners": w.text(_units(row["partners"], unit_sep)),
                "indicator": w.text(row["indicator"]),
            }
            for k in ("baseline", "T:2024", "T:2025", "T:2026", "R:2024"):
                values[k] = _value_cell(row[k], percents)
            if i > 0:  # continuation row: the activity's cells are merged or left blank
                for k in ("activity", "responsible", "partners"):
                    values[k] = None
            for (code, index, key), v in edits.items():
                if (code, index) == (act.code, i) and (code, index, key) not in cells:
                    values[key] = v  # the first occurrence only (not a duplicate's copy)
            r = w.put([values[k] for k in keys])
            for k in keys:
                cells.setdefault((act.code, i, k), f"{get_column_letter(col[k])}{r}")
        if merged:
            for k in ("activity", "responsible", "partners"):
                if k in col:
                    w.merge_down(col[k], first, w.row)
    return wb, cells


def mersin_report(
    path,
    *,
    merged: bool = True,
    year_title: bool = True,
    header_variant: int = 0,
    tables: str = "single",
    header_row: int = 3,
    percents: str = "text",
    unit_sep: str = "\n",
    noise: bool = False,
) -> Path:
    """Mersin BB 2024 realization report layout, from mersin_2024_2026.tsv.

    Columns: Faaliyet | Sorumlu birim | Destekçi Kurum/Kuruluş | Gösterge | Mevcut | 2024 |
    2025 | 2026 | Gerçekleşme (the 2024 realization). Row 1 "MERSİN BÜYÜKŞEHİR ... EYLEM
    PLANI", row 2 "2024 YILI GERÇEKLEŞME RAPORU" (``year_title``), both merged across.

    * ``tables="single"``: header at ``header_row`` (default 3; rows in between are blank),
      repeated once mid-way through a goal (a Word table crossing a page); then theme rows
      ("1. EĞİTİM VE FARKINDALIK", "2.İSTİHDAM ...") and goal rows ("1.1. Hedef: ...",
      "4.4 Hedef: ...", "1.5. Kırılgan ..." without "Hedef:") merged across. Theme 8 has no
      goal: its activities ("8.1 Eylem planı ...", "8.1.1 ...") follow the theme row.
    * ``tables="per_goal"``: the seed's own order: theme row, goal row, header, activities,
      for every goal; the header text changes from table to table (cycling through
      MERSIN_HEADERS from ``header_variant``), the goal row + header are printed again where
      the seed's tables cross a page (before 3.1.6, 4.1.7, 4.2.5, 7.3.4) and goal 2.2 is
      printed twice in a row. The first header is then below row 4.
    * one row per indicator; activity text "1.1.1. Belediyemize ..." (code, trailing dot as
      printed: some codes have none), responsible and partners cells merged down over the
      activity's indicator rows (``merged=True``) or left blank on the continuation rows.
    * value cells: plain integers as numbers, anything else as the printed text ("%8,2",
      "%7.88", "-", "Toplantıda belli olacak"), blank as blank; ``percents="number"`` types
      percentages as Excel numbers (0.082 with format "0.0%").
    * ``header_variant`` (0-3) picks the header texts, see MERSIN_HEADERS.
    * ``noise=True``: deterministic stray spaces / a no-break space in some text cells.
    """
    wb, _ = _mersin_build(
        merged=merged,
        year_title=year_title,
        header_variant=header_variant,
        tables=tables,
        header_row=header_row,
        percents=percents,
        unit_sep=unit_sep,
        noise=noise,
    )
    return _save(wb, path)


def mersin_cell(activity_code: str, key: str, indicator: int = 0, **layout) -> str:
    """Where mersin_report(**layout) writes a value, e.g. mersin_cell("1.1.1", "R:2024") -> "I5".

    ``key`` is one of MERSIN_KEYS; ``indicator`` counts the activity's indicator rows from 0.
    """
    _, cells = _mersin_build(**layout)
    return cells[(activity_code, indicator, key)]


# --- Büyükçekmece: plan with activity-level targets (seed 000) -------------------------

BUYUKCEKMECE_TITLE = "BÜYÜKÇEKMECE YEREL EŞİTLİK EYLEM PLANI"
BUYUKCEKMECE_HEADER = [
    "Faaliyetler",
    "Zamanlama",
    "2023 Yılı Öngörülen Hedefler",
    "2024 Yılı Öngörülen Hedefler",
    "Koordinatör Müdürlük/ Birim",
    "İşbirliği Yapılacak Sorumlu Kurum/Kuruluşlar",
    "Gösterge",
]
# Activity codes the seed prints other than "1.1.1. text".
_BUYUKCEKMECE_CODE_FORMS = {
    "2.1.1": "{code} {text}",
    "3.2.3": "{code}.{text}",
    "3.2.4": "{code}.{text}",
}
# Indicators the seed prints without their leading dash (activity code -> indexes).
_BUYUKCEKMECE_NO_DASH = {"1.1.13": {1}, "6.1.3": {2}, "6.2.11": {1}}
# Activities without an indicator: printed "-" (the other, 4.1.8, is blank).
_BUYUKCEKMECE_DASH_INDICATOR = {"3.1.5"}
# A wrapped activity cell that the export put on a row of its own below the activity.
_BUYUKCEKMECE_SPILL = {"1.1.2": " (Örneğin"}


def buyukcekmece_plan(
    path,
    *,
    indicators: str = "newline",
    preamble: bool = True,
    spill: bool = True,
    merged: bool = True,
    seed_quirks: bool = False,
    noise: bool = False,
) -> Path:
    """Büyükçekmece plan layout, from buyukcekmece_2023_2024.tsv.

    * Preamble (``preamble=True``): "BÜYÜKÇEKMECE YEREL EŞİTLİK EYLEM PLANI", then per theme
      "1. EĞİTİM" and "HEDEF 1: ..." - the only place where the goals (one per theme) are.
    * Per strategy a table: "TEMA" | "1.EĞİTİM" (theme repeated for every strategy),
      "STRATEJİ 1.1." | text, the header row (BUYUKCEKMECE_HEADER), one row per activity:
      "1.1.1. text" ("2.1.1 text", "3.2.3.text" as printed) | Zamanlama | AT:2023 text |
      AT:2024 text | responsible | partners ("-" kept) | Gösterge. A blank row between tables.
    * ``indicators``: "newline" - one cell, "-Ind one\\n-Ind two"; "space" - one cell on one
      line, "-Ind one -Ind two" (as the seed prints it); "rows" - as a Word table pasted into
      Excel: each indicator line on its own row, the activity's other cells merged down over
      them (blank instead when ``merged=False``). As in the seed, a few indicators lack their
      dash (1.1.13, 6.1.3, 6.2.11) and 3.1.5's Gösterge is "-" (no indicator).
    * ``spill=True``: 1.1.2's text ends on a row of its own, "(Örneğin hamilelik, ...)" alone
      in column A below the activity (in "rows" mode: beside its second indicator) - it
      belongs to 1.1.2's title.
    * ``seed_quirks=True`` adds the seed's own mistakes, which change the data read: the 1.2
      table's TEMA/STRATEJİ rows with an extra empty cell (text in column C) and the header
      "Kurum/Kuruluş lar"; the 3.2 table's mislabelled header (columns say "İşbirliği ... |
      Gösterge | Faaliyetler" where the data is responsible | partners | indicators); "---"
      rule rows after 2.1.16 and 3.1.8; "Müdürlüęü" for "Müdürlüğü" in 1.1.12, 1.1.13,
      1.1.15; 6.2.1's stray dash "-Etkinlik yapılan -Pazar yeri ve meydan sayısı".
    """
    if indicators not in ("newline", "space", "rows"):
        raise ValueError(f"indicators must be newline, space or rows, not {indicators!r}")
    rows = load_tsv(BUYUKCEKMECE_TSV)
    acts = group_activities(rows)

    wb = Workbook()
    ws = wb.active
    ws.title = "Eylem Planı"
    w = _Writer(ws, 7, noise=noise, seed=0)
    w.widths([55, 16, 22, 22, 28, 28, 40])

    if preamble:
        w.put([BUYUKCEKMECE_TITLE], across=True, style="title")
        seen = set()
        for act in acts:
            if act["theme_code"] in seen:
                continue
            seen.add(act["theme_code"])
            w.blank()
            w.put([f"{act['theme_code']}. {act['theme_title']}"])
            w.put([f"HEDEF {act['goal_code']}: {act['goal_title']}"])

    def fix(text: str, code: str) -> str:
        if seed_quirks and code in ("1.1.12", "1.1.13", "1.1.15"):
            return text.replace("Müdürlüğü", "Müdürlüęü")
        return text

    strategy = None
    for act in acts:
        if act["strategy_code"] != strategy:
            strategy = act["strategy_code"]
            if w.row:
                w.blank()
            theme_text = f"{act['theme_code']}.{act['theme_title']}"
            strategy_head = f"STRATEJİ {strategy}."
            header = list(BUYUKCEKMECE_HEADER)
            if seed_quirks and strategy == "1.2":
                w.put(["TEMA", None, theme_text], style="header")
                w.ws.merge_cells(start_row=w.row, start_column=3, end_row=w.row, end_column=7)
                w.put([strategy_head, None, act["strategy_title"]])
                w.ws.merge_cells(start_row=w.row, start_column=3, end_row=w.row, end_column=7)
                header[5] = "İşbirliği Yapılacak Sorumlu Kurum/Kuruluş lar"
            else:
                w.put(["TEMA", theme_text], style="header")
                w.ws.merge_cells(start_row=w.row, start_column=2, end_row=w.row, end_column=7)
                w.put([strategy_head, act["strategy_title"]])
                w.ws.merge_cells(start_row=w.row, start_column=2, end_row=w.row, end_column=7)
            if seed_quirks and strategy == "3.2":
                header = header[:4] + [header[5], header[6], header[0]]
            w.put(header, style="header")

        code = act.code
        form = _BUYUKCEKMECE_CODE_FORMS.get(code, "{code}. {text}")
        title = act.title
        spilled = None
        cut = _BUYUKCEKMECE_SPILL.get(code)
        if spill and cut and cut in title:
            title, spilled = title.split(cut, 1)
            spilled = cut.strip() + spilled
        lines = []
        for i, name in enumerate(act.indicators):
            if seed_quirks and code == "6.2.1" and i == 0:
                name = name.replace(" Pazar yeri", " -Pazar yeri", 1)
            dash = "" if i in _BUYUKCEKMECE_NO_DASH.get(code, ()) else "-"
            lines.append(dash + fix(name, code))
        if not lines and code in _BUYUKCEKMECE_DASH_INDICATOR:
            lines = ["-"]
        activity_cells = [
            w.text(form.format(code=code, text=title)),
            w.text(act["timing"]),
            w.text(act["AT:2023"]),
            w.text(act["AT:2024"]),
            w.text(fix(act["responsible"], code)),
            w.text(fix(act["partners"], code)),
        ]
        if indicators == "rows":
            column_a = [activity_cells[0]] + ([spilled] if spilled else [])
            height = max(len(lines), len(column_a), 1)
            first = w.row + 1
            for i in range(height):
                cells = [None] * 7
                if i < len(column_a):
                    cells[0] = column_a[i]
                if i == 0:
                    cells[1:6] = activity_cells[1:6]
                if i < len(lines):
                    cells[6] = w.text(lines[i])
                w.put(cells)
            if merged:
                for c in range(2, 7):
                    w.merge_down(c, first, w.row)
                if len(column_a) == 1:
                    w.merge_down(1, first, w.row)
        else:
            joiner = "\n" if indicators == "newline" else " "
            w.put([*activity_cells, w.text(joiner.join(lines))])
            if spilled:
                w.put([spilled])
        if seed_quirks and code in ("2.1.16", "3.1.8"):
            w.put(["---", "-" * 19, "-" * 25, "-" * 25, "-" * 25, "---", "-" * 30])
    return _save(wb, path)


# --- Narlıdere: AMAÇ / HEDEF columns merged down (seed 001) --------------------------

# Per theme code: (date header, responsible header, partners header), line breaks as printed.
_NARLIDERE_HEADERS = {
    "1": ("BAŞLANGIÇ\nVE BİTİŞ\nTARİHİLERİ", "Sorumlu\nKurum ve\nBirimler"),
    "2": ("BAŞLANGIÇ VE BİTİŞ TARİHLERİ", "Sorumlu Kurum ve Birimler"),
    "3": ("BAŞLANGIÇ\nVE BİTİŞ\nTARİHİLERİ", "Sorumlu\nKurum/Kuruluş"),
    "4": ("BAŞLANGIÇ\nVE BİTİŞ\nTARİHİLERİ", "Sorumlu\nMüdürlük\nve Birimler"),
    "5": ("BAŞLANGIÇ\nVE BİTİŞ\nTARİHİLERİ", "Sorumlu\nMüdürlük ve\nBirimler"),
    "6": ("BAŞLANGIÇ\nVE BİTİŞ\nTARİHİLERİ", "Sorumlu\nKurum\nve\nBirimler"),
}
_NARLIDERE_PARTNER_HEADERS = {
    "1": "İşbirliği Yapılacak\nKurum ve\nBirimler",
    "2": "İşbirliği Yapılacak Kurum ve Birimler",
    "3": "İşbirliği\nYapılacak\nKurum/Kuruluşlar",
    "4": "İşbirliği Yapılacak\nKurum ve\nMüdürlükler",
    "5": "İşbirliği\nYapılacak\nKurum ve\nMüdürlükler",
    "6": "İşbirliği\nYapılacak\nKurum ve\nBirimler",
}
# Chapter headings the plan prints above each theme's text ("3.1. EĞİTİM", "3.2 SAĞLIK").
_NARLIDERE_CHAPTERS = {"1": "3.1.", "2": "3.2", "3": "3.3", "4": "3.4.", "5": "3.5.", "6": "3.6."}
# EYLEM whose date/responsible/partner/indicator cells are one merged cell with the
# previous EYLEM's in the seed: (theme code, activity code).
_NARLIDERE_SHARED = {("1", "2.4.2")}


def _narlidere_code(code: str, text: str, rng: random.Random) -> str:
    """ "1.1. text", as printed: now and then without the trailing dot or the space."""
    roll = rng.random()
    if roll < 0.15 and "." in code:  # an aim's lone number always keeps its dot
        return f"{code} {text}"
    if roll < 0.25:
        return f"{code}.{text}"
    return f"{code}. {text}"


def narlidere_plan(
    path,
    *,
    one_sheet: bool = False,
    chapter_numbers: bool = False,
    stats_sheet: bool = False,
    noise: bool = False,
) -> Path:
    """Narlıdere plan layout, from narlidere_2023_2025.tsv.

    * ``one_sheet=False``: one sheet per theme, named after the theme (Excel cuts names at 31
      characters: "KADINLARIN KARAR ALMA MEKANİZME"), the full theme title in row 1 merged
      across, header in row 2. ``one_sheet=True``: all themes in one sheet "Eylem Planı",
      each table preceded by its title row, a blank row between tables.
    * Columns: AMAÇ | HEDEF | EYLEM | BAŞLANGIÇ VE BİTİŞ TARİHİLERİ | Sorumlu ... |
      İşbirliği Yapılacak ... | Göstergeler; the responsible/partner headers change per theme
      as in the seed ("Sorumlu Kurum/Kuruluş", "Sorumlu Müdürlük ve Birimler", "... Kurum ve
      Müdürlükler"), theme 2 spells "TARİHLERİ", the others "TARİHİLERİ".
    * One row per EYLEM ("1.1.1. text"; codes now and then without trailing dot or space,
      deterministic); AMAÇ ("1. text") merged down over all its rows, HEDEF ("1.1. text")
      merged down over its actions. Several indicators: one per line in the Göstergeler
      cell. Dates "2023-2025" as text (two actions have none).
    * Seed details kept: codes repeat and do not match their aim (theme 3's aim 3 holds
      HEDEF 1.1-1.4 with EYLEM 1.1.1-1.1.3; theme 1's aim 6 holds HEDEF 5.2); theme 6's HEDEF
      "1.2." has no EYLEM (a row with only AMAÇ/HEDEF); theme 1's EYLEM 2.4.2 shares one
      merged date/responsible/partner/indicator cell with 2.4.1.
    * ``chapter_numbers=True``: title rows as the plan's headings ("3.1. EĞİTİM", "3.2
      SAĞLIK"), a number that is not the theme's code. ``stats_sheet=True``: a first sheet
      of local statistics by sex (not a plan table) before the plan.
    """
    rows = load_tsv(NARLIDERE_TSV)
    acts = group_activities(rows)
    themes: dict[str, list[Activity]] = {}
    for act in acts:
        themes.setdefault(act["theme_code"], []).append(act)
    rng = random.Random(1)

    wb = Workbook()
    first_sheet = wb.active
    if stats_sheet:
        _narlidere_stats(first_sheet)
    widths = [26, 28, 34, 13, 24, 30, 28]
    w = None
    if one_sheet:
        ws = first_sheet if not stats_sheet else wb.create_sheet()
        ws.title = "Eylem Planı"
        w = _Writer(ws, 7, noise=noise, seed=1)
        w.widths(widths)
    for n, (theme_code, theme_acts) in enumerate(themes.items()):
        theme_title = theme_acts[0]["theme_title"]
        if not one_sheet:
            ws = first_sheet if (n == 0 and not stats_sheet) else wb.create_sheet()
            ws.title = theme_title[:31]
            w = _Writer(ws, 7, noise=noise, seed=10 + n)
            w.widths(widths)
        elif n:
            w.blank()
        title = (
            f"{_NARLIDERE_CHAPTERS[theme_code]} {theme_title}" if chapter_numbers else theme_title
        )
        w.put([title], across=True, style="title")
        dates, responsible = _NARLIDERE_HEADERS[theme_code]
        w.put(
            [
                "AMAÇ",
                "HEDEF",
                "EYLEM",
                dates,
                responsible,
                _NARLIDERE_PARTNER_HEADERS[theme_code],
                "Göstergeler",
            ],
            style="header",
        )
        aim = objective = None
        aim_first = objective_first = None
        prev_values = None
        for act in theme_acts:
            aim_key = (act["goal_code"], act["goal_title"])
            objective_key = aim_key + (act["strategy_code"], act["strategy_title"])
            row_values = [None] * 7
            if aim_key != aim:
                if aim_first is not None:
                    w.merge_down(1, aim_first, w.row)
                aim, aim_first = aim_key, w.row + 1
                row_values[0] = w.text(_narlidere_code(act["goal_code"], act["goal_title"], rng))
            if objective_key != objective:
                if objective_first is not None:
                    w.merge_down(2, objective_first, w.row)
                objective, objective_first = objective_key, w.row + 1
                row_values[1] = w.text(
                    _narlidere_code(act["strategy_code"], act["strategy_title"], rng)
                )
            shared = False
            if act.code or act.title:  # else: a HEDEF printed without any EYLEM
                values = (
                    act["timing"],
                    act["responsible"],
                    act["partners"],
                    "\n".join(act.indicators),
                )
                row_values[2] = w.text(_narlidere_code(act.code, act.title, rng))
                shared = (theme_code, act.code) in _NARLIDERE_SHARED and values == prev_values
                if not shared:
                    row_values[3:7] = [w.text(v) for v in values]
                prev_values = values
            w.put(row_values)
            if shared:  # one merged cell with the EYLEM above, as in the seed
                for c in range(4, 8):
                    w.merge_down(c, w.row - 1, w.row)
        w.merge_down(1, aim_first, w.row)
        w.merge_down(2, objective_first, w.row)
    return _save(wb, path)


def _narlidere_stats(ws) -> None:
    """Narlıdere's local statistics by sex (seed 001), as a sheet that is not a plan table."""
    ws.title = "Genel Bilgiler"
    w = _Writer(ws, 4)
    w.put(["NARLIDERE'DE MEVCUT DURUM ÜZERİNDEN GÖSTERGELER"], across=True, style="title")
    w.blank()
    w.put([None, "Toplam", "Erkek", "Kadın"], style="header")
    w.put(["Nüfus (TÜİK, Şubat 2023)", 62923, 30653, 32270])
    w.put(["Oran", "%100", "%48,72", "%51,28"])
    w.put(["Belediye personeli", 172, 124, 48])
    w.put(["Mahalle muhtarı", 11, 9, 2])


# --- broken files ------------------------------------------------------------------

BROKEN_KINDS = (
    "not_xlsx_text",
    "csv",
    "xls",
    "xls_as_xlsx",
    "empty",
    "no_header",
    "missing_column",
    "text_in_numeric",
    "formula",
    "duplicate_row",
    "huge",
    "truncated",
)
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# Where the defects sit (Mersin layout with default options).
TEXT_IN_NUMERIC = ("1.1.1", 0, "R:2024", "yaklaşık yüz")
FORMULA_SUM = ("1.1.1", 0, "T:2024", "=10+5", 15)
FORMULA_ERROR = ("1.1.2", 0, "R:2024", "=1/0", "#DIV/0!")
DUPLICATED_ACTIVITY = "1.1.1"


def broken(kind: str, path, *, rows: int = 1000, cols: int = 50) -> Path:
    """Write a defective file of the given kind; returns its path.

    The path's suffix is changed where the kind needs its own: "csv" -> .csv, "xls" -> .xls;
    every other kind keeps the path given (normally .xlsx).

    * not_xlsx_text: a plain text file.
    * csv: the Mersin rows as Turkish Excel saves CSV: ";"-separated, Windows-1254.
    * xls: the OLE2 signature D0 CF 11 E0 A1 B1 1A E1 padded to 4 KiB, named .xls;
      xls_as_xlsx: the same bytes under the given (.xlsx) name.
    * empty: a valid workbook with one empty sheet.
    * no_header: the Mersin rows (titles, themes, goals, activities) without any header row.
    * missing_column: the Mersin layout without the Gösterge column.
    * text_in_numeric: Mersin; 1.1.1's realization (Gerçekleşme) is "yaklaşık yüz".
    * formula: Mersin; 1.1.1's 2024 target is =10+5 with cached value 15, 1.1.2's first
      realization is =1/0 cached as the error #DIV/0! (data_only=True reads 15, "#DIV/0!").
    * duplicate_row: Mersin; 1.1.1's row (one indicator) typed twice, the copy right below.
    * huge: a Mersin header and ``rows`` x ``cols`` cells in all (write-only, fast).
    * truncated: the first half of a valid Mersin .xlsx (a broken zip).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "not_xlsx_text":
        path.write_text("Faaliyet;Gösterge\nBu bir Excel dosyası değil.\n", encoding="utf-8")
        return path
    if kind == "csv":
        path = path.with_suffix(".csv")
        with path.open("w", encoding="cp1254", newline="", errors="replace") as fh:
            out = csv.writer(fh, delimiter=";")
            texts = [str(t).replace("\n", " ") for t in MERSIN_HEADERS[0]]
            out.writerow(texts)
            for act in group_activities(load_tsv(MERSIN_TSV)):
                for i, r in enumerate(act.rows):
                    head = [_mersin_activity_text(act.code, act.title)] if i == 0 else [""]
                    if i == 0:
                        head += [r["responsible"], r["partners"].replace(" ; ", ", ")]
                    else:
                        head += ["", ""]
                    out.writerow(head + [r[k] for k in ("indicator", *MERSIN_KEYS[4:])])
        return path
    if kind in ("xls", "xls_as_xlsx"):
        if kind == "xls":
            path = path.with_suffix(".xls")
        path.write_bytes(OLE2_SIGNATURE + bytes(4096 - len(OLE2_SIGNATURE)))
        return path
    if kind == "empty":
        return _save(Workbook(), path)
    if kind == "no_header":
        wb, _ = _mersin_build(headers=False)
        return _save(wb, path)
    if kind == "missing_column":
        wb, _ = _mersin_build(drop=frozenset({"indicator"}))
        return _save(wb, path)
    if kind == "text_in_numeric":
        code, i, key, text = TEXT_IN_NUMERIC
        wb, _ = _mersin_build(edits={(code, i, key): text})
        return _save(wb, path)
    if kind == "formula":
        edits = {f[:3]: f[3] for f in (FORMULA_SUM, FORMULA_ERROR)}
        wb, cells = _mersin_build(edits=edits)
        _save(wb, path)
        set_cached_values(
            path,
            {
                cells[FORMULA_SUM[:3]]: (str(FORMULA_SUM[4]), None),
                cells[FORMULA_ERROR[:3]]: (FORMULA_ERROR[4], "e"),
            },
        )
        return path
    if kind == "duplicate_row":
        wb, _ = _mersin_build(duplicate=DUPLICATED_ACTIVITY)
        return _save(wb, path)
    if kind == "huge":
        return _huge(path, rows, cols)
    if kind == "truncated":
        wb, _ = _mersin_build()
        _save(wb, path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return path
    raise ValueError(f"unknown kind {kind!r}; one of {', '.join(BROKEN_KINDS)}")


def set_cached_values(path: Path, values: dict[str, tuple[str, str | None]]) -> None:
    """Give formula cells a cached value (openpyxl writes formulas with an empty <v/>).

    ``values`` maps "F6" -> (cached text, cell type or None); type "e" marks an error.
    """
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zin:
        infos = zin.infolist()
        contents = {info.filename: zin.read(info.filename) for info in infos}
    xml = contents[member].decode("utf-8")
    for ref, (cached, cell_type) in values.items():
        pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v></v>)?</c>', re.S)
        m = pattern.search(xml)
        if m is None:
            raise AssertionError(f"formula cell {ref} not found in {member}")
        attrs = re.sub(r'\s+t="[^"]*"', "", m.group(1))
        if cell_type:
            attrs += f' t="{cell_type}"'
        xml = (
            xml[: m.start()]
            + f'<c r="{ref}"{attrs}><f>{m.group(2)}</f><v>{cached}</v></c>'
            + xml[m.end() :]
        )
    contents[member] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            zout.writestr(info, contents[info.filename])


def _huge(path: Path, rows: int, cols: int) -> Path:
    """``rows`` x ``cols`` cells: a Mersin header row, then activity-like rows."""
    if rows < 2 or cols < len(MERSIN_KEYS):
        raise ValueError(f"huge needs rows >= 2 and cols >= {len(MERSIN_KEYS)}")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Büyük")
    extra = [f"Ek sütun {i}" for i in range(len(MERSIN_KEYS) + 1, cols + 1)]
    ws.append(list(MERSIN_HEADERS[0]) + extra)
    filler = list(range(len(MERSIN_KEYS) + 1, cols + 1))
    for n in range(1, rows):
        ws.append(
            [
                f"9.1.{n}. Faaliyet {n}",
                "Kadın ve Aile Hizmetleri Dairesi Başkanlığı",
                "-",
                "Eğitim sayısı",
                n % 50,
                10,
                20,
                30,
                n % 40,
                *filler,
            ]
        )
    path = Path(path)
    wb.save(path)
    return path


# --- reading back ------------------------------------------------------------------


def read_back(path, sheet: int | str = 0) -> list[list]:
    """One sheet's values as lists of rows (read_only, data_only), trailing blank rows cut.

    In merged ranges only the top-left cell has a value.
    """
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def sheet_names(path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def merged_ranges(path, sheet: int | str = 0) -> list[str]:
    """The merged ranges of a sheet ("A5:A7"), sorted by position."""
    wb = load_workbook(path)
    ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
    ranges = sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
    return [r.coord for r in ranges]
