"""A Word document's blocks (document/extract.py) laid out as one sheet of rows for the
plan recognizer (monitoring/excel/plan_rows.py), as an xlsx sheet would give them:

* every table's rows on the table's grid: a cell spanning columns has its text in the
  first (``w:gridSpan``, ``w:hMerge``); a cell merged down (``w:vMerge``) has its text in
  its top row and a merged range over the rows below, so the reader carries it down as
  it does an xlsx merged cell (an activity over its indicator rows, Narlıdere's AMAÇ);
* a table split over pages (two tables with nothing but empty paragraphs between them) is
  one table: a merge open at the bottom of the first goes on in the second, and the
  header rows that the second repeats are dropped;
* paragraphs between tables carry what the layouts keep there: before the first plan
  table the plan's title, the report year ("2024 YILI GERÇEKLEŞME RAPORU") and the lines
  right above the table (Büyükçekmece's themes and goals); between tables the theme and
  goal lines ("2. İSTİHDAM", "2.1. Hedef: ..."); above a table with AMAÇ/HEDEF columns
  its title, the last heading before it (Narlıdere: "İSTİHDAM" after the chapter's text).
  Running text is left out;
* a table without a header that is no continuation (another width, after text) is left
  out with a warning: statistics, annexes.

Every row keeps where it came from (table and row, or paragraph) for the messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import zip_longest

from plans.text import clean_text, tr_fold, tr_int

from ..headers import HeaderMap, classify_header, find_header, header_key
from ..issues import Place, WorkbookError, WorkbookIssue
from ..package import _MAX_CELL_CHARS

_MAX_COLUMNS = 200
_YEAR_START = re.compile(r"^(19|20)\d\d\b")
_SENTENCE_END = (".", "!", "?", ";", ",")


@dataclass
class Origin:
    """Where a sheet row came from: a table's row (1-based, as Word counts them) or the
    paragraph's opening words."""

    table: int | None = None
    row: int | None = None
    paragraph: str = ""


@dataclass
class Laid:
    rows: list[list] = field(default_factory=list)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    notes: list[WorkbookIssue] = field(default_factory=list)


@dataclass
class _Table:
    number: int
    rows: list[list]  # values on the grid
    header_flags: list[bool]
    vmerges: list[dict[int, tuple[str, int]]]  # per row: column -> (restart|continue, span)
    header_at: int | None = None
    header: HeaderMap | None = None
    merged_header: bool = False  # a header over two rows made one (origins shift by one)
    header_raw: list = field(default_factory=list)  # those two rows as they were

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def repeats_header(self, i: int) -> bool:
        """Row ``i`` is a header row again, below the table's header."""
        at = self.header_at
        if at is None or i <= at:
            return False
        return self.header_flags[i] or _same(self.rows[i], [self.rows[at], *self.header_raw])

    def titled(self) -> bool:
        """Text in rows above the header (the table's own title row)."""
        upto = self.header_at or 0
        return any(any(v for v in row) for row in self.rows[:upto])


def _grid(number: int, raw_rows: list, budget: list[int]) -> _Table:
    """The table's rows on its grid; WorkbookError past Word's 63 columns (with room) or
    past the cells left in ``budget``."""
    rows, flags, vmerges = [], [], []
    place = Place(f"Word belgesi, {number}. tablo")
    for r, (header, before, cells) in enumerate(raw_rows, start=1):
        values: list = [""] * min(before, _MAX_COLUMNS)
        merges: dict[int, tuple[str, int]] = {}
        for span, vmerge, text, hcont in cells:
            span = max(int(span), 1)
            col = len(values)
            if col + span > _MAX_COLUMNS:
                raise WorkbookError(
                    WorkbookIssue(
                        f"Satır {_MAX_COLUMNS} sütundan geniş; Word tabloları en çok 63 sütun "
                        "olur. Belge bozuk olabilir.",
                        sheet=place,
                        row=r,
                    )
                )
            values.extend([""] * span)
            if len(text) > _MAX_CELL_CHARS:
                raise WorkbookError(
                    WorkbookIssue(
                        f"Hücrenin metni {tr_int(_MAX_CELL_CHARS)} karakterden uzun (Excel'in "
                        "hücre sınırı; bir plan hücresi bu kadar uzun olmaz).",
                        sheet=place,
                        row=r,
                        column=col + 1,
                    )
                )
            if vmerge == "restart" or span > 1:
                text = _once(text)
            if not hcont and vmerge != "continue":
                values[col] = text if clean_text(text) else ""
            if vmerge:
                merges[col] = (vmerge, span)
        budget[0] -= len(values)
        if budget[0] < 0:
            raise WorkbookError(
                WorkbookIssue(
                    "Belgenin tabloları hücre sınırını aşıyor (IMPORT_MAX_CELLS).",
                    sheet=place,
                    row=r,
                )
            )
        rows.append(values)
        flags.append(bool(header))
        vmerges.append(merges)
    table = _Table(number, rows, flags, vmerges)
    for i, values in enumerate(rows[:8]):
        found = find_header(i + 1, values)
        if i + 1 < len(rows):
            two = _two_row_header(table, i, found)
            found = two or found
        if found is not None:
            table.header_at, table.header = i, found
            break
    return table


def _two_row_title(text: str) -> bool:
    """A title over several columns of a header: "Hedefler", "Yıllar", "Hedef Değerleri"."""
    return bool(re.match(r"^(öngörülen)?(hedef|yıl)\w*(değer\w*)?$", header_key(text)))


def _two_row_header(table: _Table, i: int, found: HeaderMap | None) -> HeaderMap | None:
    """A header over two rows ("Hedefler" across "2024 | 2025 | 2026", the other titles
    merged down): made one row (the lower text where there is one), the second dropped;
    None when row ``i + 1`` does not finish a header."""
    top, below = table.rows[i], table.rows[i + 1]
    texts = [v for v in below if clean_text(v)]
    if len(texts) < 2 or not all(classify_header(v) for v in texts):
        return None
    if not all(classify_header(v) or _two_row_title(v) for v in top if clean_text(v)):
        return None  # the row above is no header ("STRATEJİ 1.1. | ...")
    joined = [b if clean_text(b) else t for t, b in zip_longest(top, below, fillvalue="")]
    two = find_header(i + 1, joined)
    if two is None or (found is not None and len(two.texts) <= len(found.texts)):
        return None
    table.header_raw = [top, below]
    table.rows[i] = joined
    table.vmerges[i] = {}
    del table.rows[i + 1], table.vmerges[i + 1], table.header_flags[i + 1]
    table.merged_header = True
    return two


def _once(text: str) -> str:
    """A merged cell's text once: merging cells that each held the same text (the
    activity typed on every indicator row, then merged) keeps every copy in Word."""
    lines = text.split("\n")
    n = len(lines)
    for k in range(1, n // 2 + 1):
        if n % k == 0 and lines == lines[:k] * (n // k):
            return "\n".join(lines[:k])
    return text


class _Sheet:
    """The rows laid so far and the merges open at the bottom of the last table."""

    def __init__(self):
        self.laid = Laid()
        self.open: dict[int, list[int]] = {}  # column -> [top row, span, bottom row]

    def paragraph(self, text: str) -> None:
        self.close_all()
        self.laid.rows.append([text])
        self.laid.origins.append(Origin(paragraph=clean_text(text)[:40]))

    def close(self, col: int) -> None:
        top, span, bottom = self.open.pop(col)
        if bottom > top:
            self.laid.merged.append(((top, col), (bottom, col + span - 1)))

    def close_all(self) -> None:
        for col in list(self.open):
            self.close(col)

    def table_rows(self, table: _Table, skip: int, extra: list | None = None) -> None:
        """The table's rows from ``skip``, less the header rows it repeats further down
        (typed again on every page): a merge goes on over them."""
        if extra is not None:  # the last header again, above a title and its table
            self.laid.rows.append(list(extra))
            self.laid.origins.append(Origin(table=table.number, row=None))
        for i in range(skip, len(table.rows)):
            if table.repeats_header(i):
                continue
            at = len(self.laid.rows)
            values, merges = table.rows[i], table.vmerges[i]
            for col in list(self.open):
                kind = merges.get(col, ("", 0))[0]
                if kind == "continue":
                    self.open[col][2] = at
                else:
                    self.close(col)
            for col, (kind, span) in merges.items():
                if kind != "continue" or col not in self.open:
                    self.open[col] = [at, span, at]
            self.laid.rows.append(values)
            shift = 1 if table.merged_header and i > table.header_at else 0
            self.laid.origins.append(Origin(table=table.number, row=i + 1 + shift))


def lay_out(blocks: list, max_cells: int = 2_000_000) -> Laid:
    """The sheet rows of a document's blocks; see the module's docstring."""
    from ..plan_rows import TITLE_YEAR_RE

    budget = [max_cells]
    sheet = _Sheet()
    gap: list[tuple[str, bool]] = []  # paragraphs since the last table
    first_heading, titled = "", False
    last: _Table | None = None  # the last table laid
    last_header: _Table | None = None  # the last table with a header row
    number = 0
    for block in blocks:
        if block[0] == "p":
            text = block[1]
            gap.append((text, block[2]))
            if not titled and _heading_like(text, block[2]):
                # the plan's title: the first heading, or a later one naming the plan
                # ("... EYLEM PLANI") when the first is a chapter's ("GİRİŞ")
                titled = "plan" in tr_fold(text) or (first_heading and _grouping_like(text))
                first_heading = text if (titled or not first_heading) else first_heading
            continue
        if block[0] != "t":
            continue
        number += 1
        table = _grid(number, block[1], budget)
        if not table.rows:
            continue
        texts = [t for t, _ in gap if clean_text(t)]
        joined = last is not None and not texts
        if table.header is None and (
            last_header is None or (not joined and table.width != last_header.width)
        ):
            levels = _level_lines(table)
            if levels:  # "TEMA | 1.EĞİTİM", "STRATEJİ 1.1. | ...": a table of their own
                gap.extend((line, True) for line in levels)
                continue
            if last_header is None:  # statistics before the plan: a break in the text
                gap.append(("\0", False))
                continue
        if joined:
            _continue_table(sheet, table, last, last_header)
        else:
            sheet.close_all()
            if last_header is None:
                for text in _preamble(gap, first_heading, table, TITLE_YEAR_RE):
                    sheet.paragraph(text)
                sheet.table_rows(table, 0)
            elif not _between(sheet, gap, table, last_header):
                sheet.laid.notes.append(
                    WorkbookIssue(
                        "Tabloda plan tablosunun başlık satırı yok ve önceki tablonun devamı "
                        "değil (başka sütun sayısı); tablo atlandı.",
                        sheet=Place(f"Word belgesi, {number}. tablo"),
                    )
                )
                gap = [("\0", False)]
                continue
        gap = []
        last = table
        if table.header is not None:
            last_header = table
    sheet.close_all()
    _pad(sheet.laid.rows)
    return sheet.laid


def _level_lines(table: _Table) -> list[str]:
    """A small table of theme, goal or strategy lines only: its lines, else []."""
    lines = [" ".join(clean_text(v) for v in row if clean_text(v)) for row in table.rows]
    lines = [line for line in lines if line]
    if not lines or len(lines) > 4 or not all(_grouping_like(line) for line in lines):
        return []
    return lines


def _continue_table(sheet: _Sheet, table: _Table, last: _Table, last_header: _Table) -> None:
    """The next part of a table split over pages: the header it repeats dropped, the
    merges at the bottom of the part above going on."""
    skip = 0
    if table.header is not None and not table.titled():
        skip = table.header_at + 1
    repeated = [r for i, r in enumerate(last_header.rows) if last_header.header_flags[i]]
    if last_header.header_at is not None:
        repeated.append(last_header.rows[last_header.header_at])
    repeated.extend(last_header.header_raw)
    while skip < len(table.rows) and (
        table.header_flags[skip] or _same(table.rows[skip], repeated)
    ):
        skip += 1
    if table.width != last.width:  # another grid: nothing merged goes on
        sheet.close_all()
    sheet.table_rows(table, skip)


def _same(values: list, rows: list[list]) -> bool:
    key = [clean_text(v) for v in values]
    return any(key == [clean_text(v) for v in r] for r in rows)


def _between(sheet: _Sheet, gap, table: _Table, last_header: _Table) -> bool:
    """Lay a table that follows text: the paragraphs it needs above it, then its rows;
    False when it is no plan table."""
    header = table.header or last_header.header
    grouping = bool({"aim", "objective", "strategy", "theme"} & header.columns.keys())
    if table.header is None and table.width != last_header.width:
        return False
    if grouping:
        title = "" if table.titled() else _last_heading(gap)
        if title:
            sheet.paragraph(title)
        extra = None
        if title and table.header is None:  # a title needs a header after it
            extra = last_header.rows[last_header.header_at]
        sheet.table_rows(table, 0, extra)
        return True
    for text, heading in gap:
        if _heading_like(text, heading) and _grouping_like(text):
            sheet.paragraph(text)
    sheet.table_rows(table, 0)
    return True


def _preamble(gap, first_heading: str, table: _Table, title_year) -> list[str]:
    """The paragraphs kept above the first plan table, in the document's order: the
    first heading (the plan's title), the report year's line, and the headings right
    above the table (the last one only above a table with AMAÇ/HEDEF columns)."""
    header = table.header
    grouping = bool({"aim", "objective", "strategy", "theme"} & header.columns.keys())
    if grouping:
        last = _last_heading(gap)
        run = [i for i, (t, _) in enumerate(gap) if t == last][-1:] if not table.titled() else []
    else:
        run = _level_run(gap)
    keep = set(run)
    for i, (text, _heading) in enumerate(gap):
        if text == first_heading and first_heading:
            keep.add(i)
            first_heading = ""
        elif clean_text(text) and title_year.search(clean_text(text)):
            keep.add(i)
    return [gap[i][0] for i in sorted(keep)]


def _level_run(gap) -> list[int]:
    """The theme, goal and strategy lines right above the first table, read upwards: past
    running text until a theme line is reached (then running text ends the run), to any
    other heading or a table left out."""
    from ..plan_rows import _grouping

    run: list[int] = []
    theme_seen = False
    for i in range(len(gap) - 1, -1, -1):
        text, heading = gap[i]
        if not clean_text(text):
            continue
        if text == "\0":
            break
        if not _heading_like(text, heading):
            if theme_seen:
                break
            continue
        if not _grouping_like(text):
            break
        run.insert(0, i)
        g = _grouping(clean_text(text))
        theme_seen = theme_seen or (g is not None and g[0] == "theme")
    return run


_NOT_A_TITLE = re.compile(r"^\W*(devam|tablo\s*\d|sayfa\s*\d)")


def _last_heading(gap) -> str:
    """The last heading before a table: its title (not "(devamı)", "Tablo 3", a page's
    number)."""
    for text, heading in reversed(gap):
        s = clean_text(text)
        if not s or text == "\0" or not _heading_like(text, heading):
            continue
        if sum(c.isalpha() for c in s) >= 3 and not _NOT_A_TITLE.match(tr_fold(s)):
            return text
    return ""


def _heading_like(text: str, heading: bool) -> bool:
    """A title or a level's line, not running text."""
    s = clean_text(text)
    if not s or s == "\0" or len(s) > 400:
        return False
    words = len(s.split())
    if s.endswith(_SENTENCE_END) and words > 25:
        return False
    if heading or _grouping_like(s):
        return True
    return words <= 12 and not s.endswith(_SENTENCE_END + (":",))


def _grouping_like(text: str) -> bool:
    from ..plan_rows import KEYWORD_ROW_RE, _grouping

    s = clean_text(text)
    if _YEAR_START.match(s):
        return False
    return bool(KEYWORD_ROW_RE.match(tr_fold(s))) or _grouping(s) is not None


def _pad(rows: list[list]) -> None:
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
