"""Word documents (.docx) for import tests, built like the three seed plans from the same
demo transcriptions as tests/workbooks.py, so each can be compared with its xlsx twin.

Councils approve plans as Word tables; these documents have what such tables have:
paragraphs between the tables (titles, themes, goals, a chapter's running text), cells
merged down (python-docx's ``w:vMerge``) and across (``w:gridSpan``), a header row marked
to repeat on every page (``w:tblHeader``), the header typed again further down the table
(a page's top), a table split over two pages into two tables with the header repeated and
a merged cell going on from the first into the second.

* :func:`mersin_document` (seed 002): title and "2024 YILI GERÇEKLEŞME RAPORU", per theme
  a paragraph, per goal a paragraph and a table; the activity, responsible and partner
  cells merged down over the activity's indicator rows.
* :func:`buyukcekmece_document` (seed 000): the preamble of themes and "HEDEF n:" lines,
  per strategy a table opening with its "TEMA" and "STRATEJİ" rows.
* :func:`narlidere_document` (seed 001): per theme a chapter heading, running text, the
  table's title and the table, AMAÇ and HEDEF merged down over their actions.
* :func:`hostile` - Word files an importer must refuse.

No Django import.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from . import workbooks as W

NARRATIVE = (
    "Yapılan görüşmelerde eğitim ve yaşam boyu öğrenme olanaklarının özellikle engelliler, "
    "kadın ve kız çocukları için kısıtlılığı temel sorun alanı olarak öne çıkmış; bu "
    "doğrultuda şu çözüm başlıkları geliştirilmiştir: (1) Narlıdere Belediyesi bünyesinde "
    "hizmet veren eğitim merkezlerinin kapsayıcılığının ve erişilebilirliğinin arttırılması."
)


# --- writing helpers ----------------------------------------------------------------


def _heading(document, text: str, *, style: str | None = None):
    if style:
        return document.add_paragraph(text, style=style)
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(text).bold = True
    return p


def _set_text(cell, text: str | None, *, lines: str = "br") -> None:
    """A cell's text: line breaks inside one paragraph ("br") or a paragraph per line."""
    if not text:
        return
    if lines == "br":
        cell.text = text
        return
    parts = text.split("\n")
    cell.text = parts[0]
    for part in parts[1:]:
        cell.add_paragraph(part)


def _tc_pr(cell):
    return cell._tc.get_or_add_tcPr()


def _vmerge(cell, kind: str) -> None:
    el = OxmlElement("w:vMerge")
    if kind == "restart":
        el.set(qn("w:val"), "restart")
    _tc_pr(cell).append(el)


def _header_flag(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


class _Table:
    """Rows added one by one; ``down`` marks, per column, the first row of a run of cells
    merged down (the cells below given as None)."""

    def __init__(self, document, width: int):
        self.table = document.add_table(rows=0, cols=width)
        self.table.style = "Table Grid"
        self.width = width
        self.open: dict[int, int] = {}  # column -> rows in the merge so far

    def row(self, values, *, header=False, across=False, down=(), lines="br", go_on=()):
        """``down``: columns whose cell starts a merge downwards; a None in a column with
        an open merge continues it; ``go_on``: columns continuing a merge from the part of
        the table on the page before (vMerge continue at the top of a new table)."""
        row = self.table.add_row()
        cells = row.cells
        if header:
            _header_flag(row)
        if across:
            cells[0].merge(cells[self.width - 1])
            _set_text(cells[0], values[0])
            return row
        for c, value in enumerate(values):
            if c in go_on or (value is None and c in self.open):
                _vmerge(cells[c], "continue")
                continue
            self.open.pop(c, None)
            _set_text(cells[c], value, lines=lines)
            if c in down:
                _vmerge(cells[c], "restart")
                self.open[c] = 1
        return row

    def close(self, *cols) -> None:
        for c in cols or list(self.open):
            self.open.pop(c, None)


def _save(document, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


# --- Mersin (seed 002) --------------------------------------------------------------

MERSIN_KEYS = W.MERSIN_KEYS
# where a goal's table goes on on the next page: a second table (header repeated) begins
# with this activity; 1.1.4's second indicator row starts the second part of 1.1's table,
# its activity cell merged from the part above
MERSIN_SPLITS = {"3.1.6", "4.1.7", "7.3.4"}
MERSIN_SPLIT_INSIDE = ("1.1.4", 1)
# the header typed again inside a goal's table (the top of page 2 of that table)
MERSIN_HEADER_AGAIN = "2.1.5"


def mersin_document(
    path,
    *,
    tables: str = "per_goal",
    lines: str = "br",
    headers: str = "every",
    text_between: bool = False,
    header_rows: int = 1,
) -> Path:
    """Mersin BB 2024 realization report as a Word document, from mersin_2024_2026.tsv.

    ``tables="per_goal"``: paragraphs "1. EĞİTİM VE FARKINDALIK" and "1.1. Hedef: ...",
    then the goal's table (header row marked to repeat); the tables of MERSIN_SPLITS go on
    in a second table after a page break, header repeated; 1.1's table is split between
    1.1.4's two indicators (the activity's merged cell goes on in the second table); in
    2.1's table the header is typed again before 2.1.5. ``tables="single"``: one table,
    theme and goal rows merged across inside it. Theme 8 has no goal. Values as printed
    ("%8,2", "-", "Toplantıda belli olacak"); units one per line (``lines``: "br" line
    breaks or "paragraphs"). ``headers="first"``: only the first table has a header row;
    ``text_between=True``: a paragraph of running text after every theme's paragraph;
    ``header_rows=2``: the header over two rows, "Hedefler" across "2024 | 2025 | 2026",
    the other titles merged down (typed again as two rows where it is typed again).
    """
    document = docx.Document()
    _heading(document, W.MERSIN_TITLE)
    _heading(document, W.MERSIN_YEAR_TITLE)
    header = [str(t) for t in W.MERSIN_HEADERS[0]]
    acts = W.group_activities(W.load_tsv(W.MERSIN_TSV))
    table = None
    theme = goal = None

    def new_table():
        t = _Table(document, len(MERSIN_KEYS))
        if headers == "every" or table is None:
            put_header(t, True)
        return t

    def put_header(t, flag):
        if header_rows == 1:
            t.row(header, header=flag)
            return
        top = t.row(
            [*header[:5], "Hedefler", None, None, header[8]], header=flag, down=(0, 1, 2, 3, 4, 8)
        )
        top.cells[5].merge(top.cells[7])
        t.row([None] * 5 + header[5:8] + [None], header=flag)
        t.close()

    if tables == "single":
        table = new_table()
    for act in acts:
        if act["theme_code"] != theme:
            theme, goal = act["theme_code"], None
            text = W._mersin_theme_text(theme, act["theme_title"])
            if tables == "single":
                table.row([text], across=True)
            else:
                _heading(document, text)
                if text_between:
                    document.add_paragraph(NARRATIVE)
                if not act["goal_code"]:
                    table = new_table()
        if act["goal_code"] and act["goal_code"] != goal:
            goal = act["goal_code"]
            text = W._mersin_goal_text(goal, act["goal_title"])
            if tables == "single":
                table.row([text], across=True)
            else:
                document.add_paragraph(text)
                table = new_table()
        elif tables == "per_goal" and act.code in MERSIN_SPLITS:
            document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
            table = new_table()
        if act.code == MERSIN_HEADER_AGAIN:
            put_header(table, False)
        _mersin_rows(document, table, act, header, tables, lines)
        table.close()
    return _save(document, path)


def _mersin_rows(document, table: _Table, act, header, tables: str, lines: str) -> None:
    for i, row in enumerate(act.rows):
        values = {
            "activity": W._mersin_activity_text(act.code, act.title),
            "responsible": W._units(row["responsible"], "\n"),
            "partners": W._units(row["partners"], "\n"),
            "indicator": row["indicator"],
        }
        for k in ("baseline", "T:2024", "T:2025", "T:2026", "R:2024"):
            values[k] = row[k]
        go_on = ()
        if i > 0:
            for k in ("activity", "responsible", "partners"):
                values[k] = None
            if tables == "per_goal" and (act.code, i) == MERSIN_SPLIT_INSIDE:
                document.add_paragraph()
                fresh = _Table(document, len(MERSIN_KEYS))
                fresh.row(header, header=True)
                table.table, table.open = fresh.table, {0: 1, 1: 1, 2: 1}
                go_on = (0, 1, 2)
        table.row(
            [values[k] or None for k in MERSIN_KEYS],
            down=(0, 1, 2) if i == 0 and len(act.rows) > 1 else (),
            lines=lines,
            go_on=go_on,
        )


# --- Büyükçekmece (seed 000) --------------------------------------------------------


def buyukcekmece_document(path, *, indicators: str = "paragraphs", levels: str = "rows") -> Path:
    """Büyükçekmece plan as a Word document, from buyukcekmece_2023_2024.tsv.

    The title and, per theme, "1. EĞİTİM" and "HEDEF 1: ..." paragraphs; per strategy a
    table: "TEMA" | "1.EĞİTİM" (the second cell across the rest), "STRATEJİ 1.1." | text,
    the header, one row per activity, an empty paragraph between tables. ``indicators``:
    "paragraphs" - the dash-prefixed indicators in one cell, a paragraph each; "rows" -
    each indicator in a row of its own, the activity's other cells merged down over them.
    1.1.2's "(Örneğin ...)" ends in a row of its own, as in the xlsx twin. ``levels``:
    the TEMA and STRATEJİ lines as the table's first rows ("rows"), as a small table of
    their own above it ("table") or as paragraphs ("paragraphs", "TEMA\t1.EĞİTİM").
    """
    document = docx.Document()
    _heading(document, W.BUYUKCEKMECE_TITLE)
    acts = W.group_activities(W.load_tsv(W.BUYUKCEKMECE_TSV))
    seen = set()
    for act in acts:
        if act["theme_code"] not in seen:
            seen.add(act["theme_code"])
            _heading(document, f"{act['theme_code']}. {act['theme_title']}")
            document.add_paragraph(f"HEDEF {act['goal_code']}: {act['goal_title']}")
    strategy = table = None
    for act in acts:
        if act["strategy_code"] != strategy:
            strategy = act["strategy_code"]
            document.add_paragraph()
            lines = (
                ("TEMA", f"{act['theme_code']}.{act['theme_title']}"),
                (f"STRATEJİ {strategy}.", act["strategy_title"]),
            )
            if levels == "paragraphs":
                for first, rest in lines:
                    document.add_paragraph(f"{first}\t{rest}")
            elif levels == "table":
                own = document.add_table(rows=0, cols=2)
                for first, rest in lines:
                    cells = own.add_row().cells
                    cells[0].text, cells[1].text = first, rest
            table = _Table(document, 7)
            if levels == "rows":
                for first, rest in lines:
                    cells = table.table.add_row().cells
                    cells[1].merge(cells[6])
                    cells[0].text, cells[1].text = first, rest
            table.row(W.BUYUKCEKMECE_HEADER, header=True)
        _buyukcekmece_rows(table, act, indicators)
    return _save(document, path)


def _buyukcekmece_rows(table: _Table, act, indicators: str) -> None:
    code, title = act.code, act.title
    form = W._BUYUKCEKMECE_CODE_FORMS.get(code, "{code}. {text}")
    spilled = None
    cut = W._BUYUKCEKMECE_SPILL.get(code)
    if cut and cut in title:
        title, spilled = title.split(cut, 1)
        spilled = cut.strip() + spilled
    names = []
    for i, name in enumerate(act.indicators):
        dash = "" if i in W._BUYUKCEKMECE_NO_DASH.get(code, ()) else "-"
        names.append(dash + name)
    if not names and code in W._BUYUKCEKMECE_DASH_INDICATOR:
        names = ["-"]
    cells = [
        form.format(code=code, text=title),
        act["timing"],
        act["AT:2023"],
        act["AT:2024"],
        act["responsible"],
        act["partners"],
    ]
    if indicators == "paragraphs":
        table.row([*cells, "\n".join(names)], lines="paragraphs")
        if spilled:
            table.row([spilled] + [""] * 6)
        return
    column_a = [cells[0]] + ([spilled] if spilled else [])
    height = max(len(names), len(column_a), 1)
    for i in range(height):
        values = [""] * 7
        if i < len(column_a):
            values[0] = column_a[i]
        elif len(column_a) == 1:
            values[0] = None
        if i == 0:
            values[1:6] = cells[1:6]
        else:
            values[1:6] = [None] * 5
        values[6] = names[i] if i < len(names) else ""
        down = tuple(range(1, 6)) + ((0,) if len(column_a) == 1 else ()) if height > 1 else ()
        table.row(values, down=down if i == 0 else ())
    table.close()


# --- Narlıdere (seed 001) -----------------------------------------------------------

# theme 3's table goes on on a second page from this objective's first action: a second
# table, header repeated, the aim's cell merged from the first part
NARLIDERE_SPLIT = ("3", "1.3")


def narlidere_document(path, *, chapters: bool = True, title_in_table: bool = False) -> Path:
    """Narlıdere plan as a Word document, from narlidere_2023_2025.tsv.

    The title; per theme (``chapters=True``) a heading "3.1. EĞİTİM" (Word's "Heading 2"),
    a paragraph of running text, then the table's title "EĞİTİM" (bold, centred) and the
    table: AMAÇ | HEDEF | EYLEM | BAŞLANGIÇ VE BİTİŞ TARİHİLERİ | Sorumlu ... | İşbirliği
    ... | Göstergeler, the header row marked to repeat, AMAÇ and HEDEF merged down over
    their actions, indicators a paragraph each. Theme 1's 2.4.2 shares its date,
    responsible, partner and indicator cells with 2.4.1 (merged); theme 3's table is split
    before objective 1.3's actions into two tables (NARLIDERE_SPLIT). ``title_in_table``:
    the title is the table's first row, merged across, instead of a paragraph.
    """
    document = docx.Document()
    _heading(document, "NARLIDERE YEREL EŞİTLİK EYLEM PLANI")
    acts = W.group_activities(W.load_tsv(W.NARLIDERE_TSV))
    themes: dict[str, list] = {}
    for act in acts:
        themes.setdefault(act["theme_code"], []).append(act)
    rng = random.Random(1)
    for theme_code, theme_acts in themes.items():
        title = theme_acts[0]["theme_title"]
        if chapters:
            _heading(document, f"{W._NARLIDERE_CHAPTERS[theme_code]} {title}", style="Heading 2")
            document.add_paragraph(NARRATIVE)
        if not title_in_table:
            _heading(document, title)
        dates, responsible = W._NARLIDERE_HEADERS[theme_code]
        header = [
            "AMAÇ",
            "HEDEF",
            "EYLEM",
            dates,
            responsible,
            W._NARLIDERE_PARTNER_HEADERS[theme_code],
            "Göstergeler",
        ]
        table = _Table(document, 7)
        if title_in_table:
            table.row([title], across=True)
        table.row(header, header=True)
        _narlidere_rows(document, table, theme_code, theme_acts, header, rng)
    return _save(document, path)


def _narlidere_rows(document, table: _Table, theme_code, theme_acts, header, rng) -> None:
    aim = objective = prev_values = None
    for act in theme_acts:
        aim_key = (act["goal_code"], act["goal_title"])
        objective_key = aim_key + (act["strategy_code"], act["strategy_title"])
        values = [None] * 7
        go_on = ()
        if aim_key != aim:
            aim = aim_key
            values[0] = W._narlidere_code(act["goal_code"], act["goal_title"], rng)
        if objective_key != objective:
            objective = objective_key
            values[1] = W._narlidere_code(act["strategy_code"], act["strategy_title"], rng)
            if (theme_code, act["strategy_code"]) == NARLIDERE_SPLIT and values[0] is None:
                document.add_paragraph()
                fresh = _Table(document, 7)
                fresh.row(header, header=True)
                table.table = fresh.table
                go_on = (0,)
        shared = False
        if act.code or act.title:
            cells = (act["timing"], act["responsible"], act["partners"], "\n".join(act.indicators))
            values[2] = W._narlidere_code(act.code, act.title, rng)
            shared = (theme_code, act.code) in W._NARLIDERE_SHARED and cells == prev_values
            values[3:7] = [None] * 4 if shared else [c or "" for c in cells]
            prev_values = cells
        else:
            values[2:7] = [""] * 5
        if not shared:
            table.close(3, 4, 5, 6)
        row = table.row(values, down=(0, 1) + ((3, 4, 5, 6) if not shared else ()), go_on=go_on)
        del row
    table.close()


# --- hostile Word files -------------------------------------------------------------


def minimal_docx(document_xml: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A .docx package around the given word/document.xml (and extra parts)."""
    base = io.BytesIO()
    docx.Document().save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = document_xml if info.filename == "word/document.xml" else zin.read(info)
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return out.getvalue()
