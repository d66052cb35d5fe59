"""The report workbook's "Kime Ulaşıldı" sheet: the year's people per group, by sex, by
theme and by responsible unit, and who is left out (monitoring.reach), as the dashboard's
reach page shows them.

No header cell here reads "Gösterge", "Faaliyet" or "Gerçekleşme" alone, so the
realization import, which reads every sheet of a report that comes back, never takes
this sheet for a table of figures.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils import translation

from plans.models import Plan

from ..reach import SEX_LABELS, Reach, reach
from .report_layout import CELL_PADDING, LINE_FACTOR, cell_height, column_points, text_room

PERCENT = "[$-41F]%0.0"
INT = "[$-41F]#,##0"
NUM = "[$-41F]#,##0.##"


def sheet_name(year: int) -> str:
    return f"{year} Kime Ulaşıldı"[:31]


def extra_sheets(
    plan: Plan, year: int, *, unit=None, with_realizations: bool = True, approved_only=False
) -> list[Callable]:
    """The sheets after the report's own: only the whole plan's report (not one unit's
    form, not the blank form) has them."""
    from .report_budget import budget_sheet

    if unit is not None or not with_realizations:
        return []
    budget = budget_sheet(plan, year)
    return [reach_sheet(plan, year, approved_only=approved_only), *([budget] if budget else [])]


def reach_sheet(plan: Plan, year: int, *, approved_only: bool) -> Callable:
    """A function that adds the sheet to an XlsxWriter workbook."""

    def add(wb) -> None:
        with translation.override("tr"):
            _write(wb, reach(plan, year, internal=not approved_only))

    return add


WIDTHS = [34] + [10.5] * 9  # as wide as the report's own sheet: prints at 100 % on A4
SPAN = 7  # columns a heading spreads over


class _Sheet:
    """Writes rows and sets each row's height to its wrapped text (report_layout), so
    that nothing prints over the next row."""

    def __init__(self, wb, ws):
        self.ws, self.row = ws, 0
        for col, width in enumerate(WIDTHS):
            ws.set_column(col, col, width)
        base = {"font_name": "Arial", "font_size": 9, "valign": "top"}
        self.heights: dict[int, float] = {}
        self.f = {
            "title": wb.add_format({**base, "bold": True, "font_size": 11, "bg_color": "#D7BDE2"}),
            "h2": wb.add_format({**base, "bold": True, "font_size": 10, "bg_color": "#F4ECF7"}),
            "head": wb.add_format(
                {**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#4A235A"}
                | {"text_wrap": True, "border": 1}
            ),
            "text": wb.add_format({**base, "text_wrap": True, "border": 1}),
            "note": wb.add_format({**base, "text_wrap": True, "italic": True}),
            "int": wb.add_format({**base, "num_format": INT, "border": 1}),
            "num": wb.add_format({**base, "num_format": NUM, "border": 1}),
            "pct": wb.add_format({**base, "num_format": PERCENT, "border": 1}),
            "bold_text": wb.add_format({**base, "bold": True, "border": 1}),
        }

    def _fit(self, text: str, room: float, bold: bool) -> None:
        height = max(cell_height(text, room, 9, bold=bold), 9 * LINE_FACTOR + CELL_PADDING)
        self.heights[self.row] = max(self.heights.get(self.row, 0), round(height, 2))
        self.ws.set_row(self.row, self.heights[self.row])

    def line(self, cells: list, style: str = "text") -> None:
        for col, value in enumerate(cells):
            if isinstance(value, str):
                self._fit(value, text_room(WIDTHS[col]), style in ("head", "bold_text"))
            if value is None:
                self.ws.write_blank(self.row, col, None, self.f["text"])
            elif isinstance(value, Decimal):
                number = int(value) if value == value.to_integral_value() else float(value)
                fmt = "int" if isinstance(number, int) else "num"
                self.ws.write_number(self.row, col, number, self.f[fmt])
            elif isinstance(value, tuple):  # (share in percent, "pct")
                self.ws.write_number(self.row, col, float(value[0]) / 100, self.f["pct"])
            else:
                self.ws.write_string(self.row, col, str(value), self.f[style])
        self.row += 1

    def heading(self, text: str, style: str = "h2", *, bold: bool = True) -> None:
        self.row += style == "h2"
        self.ws.merge_range(self.row, 0, self.row, SPAN - 1, text, self.f[style])
        room = sum(column_points(w) for w in WIDTHS[:SPAN]) - 3.5
        self._fit(text, room, bold)
        self.row += 1


def _pct(value: Decimal | None):
    return None if value is None else (value, "pct")


def _sum_cells(s) -> list:
    """Target, realization (None where no figure was a number), rate."""
    return [
        s.target if s.targets else None,
        s.realized if s.realizations else None,
        _pct(s.percent),
    ]


def _write(wb, r: Reach) -> None:
    ws = wb.add_worksheet(sheet_name(r.year))
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    title = f"{r.plan.heading} · {r.year} Kime ulaşıldı"
    ws.set_header('&C&"Arial,Bold"&9' + title.replace("&", "&&")[:200], {"margin": 0.25})
    ws.set_footer("&C&P / &N", {"margin": 0.25})
    out = _Sheet(wb, ws)
    out.heading(r.plan.heading, "title")
    out.heading(f"{r.year} — Kime ulaşıldı: kişi sayan göstergelerin grup toplamları", "title")
    out.heading(
        "Yalnızca kişi sayan göstergelerin sayı olan rakamları toplanır; etkinlik, kurs, "
        "mahalle sayan göstergeler ve oranlar toplanmaz. “-”, metin ya da “belirlenecek” "
        f"sıfır sayılmaz, toplanmaz: {r.not_numbers['target']} hedef, "
        f"{r.not_numbers['realization']} gerçekleşme sayı değil."
        + ("" if not r.internal else " Onay bekleyen gerçekleşmeler dahildir."),
        "note",
        bold=False,
    )
    _groups(out, r)
    _by_sex_tables(out, r)
    _left_out(out, r)


def _groups(out: _Sheet, r: Reach) -> None:
    out.heading("Gruplara göre")
    out.line(["Grup", "Hedef (kişi)", "Gerçekleşen (kişi)", "Oran", "Gösterge sayısı"], "head")
    for g in r.groups:
        out.line([g.label, *_sum_cells(g.sums), Decimal(g.sums.indicator_count)])
    out.line(["Toplam", *_sum_cells(r.total), Decimal(r.total.indicator_count)], "bold_text")
    out.heading("Cinsiyete göre")
    out.line(["", "Hedef (kişi)", "Gerçekleşen (kişi)", "Oran"], "head")
    for s in r.sex_lines:
        out.line([s.label, *_sum_cells(s.sums)])


def _by_sex_tables(out: _Sheet, r: Reach) -> None:
    head = [
        *(f"{SEX_LABELS[sex]} {kind}" for sex in SEX_LABELS for kind in ("hedef", "gerçekleşen")),
        "Toplam hedef",
        "Toplam gerçekleşen",
        "Oran",
    ]
    for title, first, lines in (
        ("Temalara göre", r.plan.theme_label, r.themes),
        ("Sorumlu birimlere göre", "Sorumlu birim", r.units),
    ):
        out.heading(title)
        out.line([first, *head], "head")
        for line in lines:
            cells = [_name(line.obj)]
            for cell in line.sex_cells:
                cells += _sum_cells(cell.sums)[:2]
            out.line([*cells, *_sum_cells(line.total)])


def _name(obj) -> str:
    if obj is None:
        return "Sorumlu birimi belirtilmemiş"
    return obj.name if hasattr(obj, "name") else str(obj)


def _left_out(out: _Sheet, r: Reach) -> None:
    out.heading("Kimler dışarıda kalıyor")
    out.line(["Hedefi olup gerçekleşmesi olmayan grup", "Hedef (kişi)"], "head")
    for g in r.left_out_groups:
        out.line([g.label, g.sums.target])
    if not r.left_out_groups:
        out.line(["Yok: hedefi olan her grubun gerçekleşmesi var.", None])
    out.row += 1
    out.line(["Bir grup için hedefi olup gerçekleşmesi olmayan gösterge", "Grup", "Hedef"], "head")
    for p in r.left_out_pairs:
        out.line([f"{p.code} {p.name}".strip(), p.group.name if p.group else "—", p.target])
    out.row += 1
    out.line(["Cinsiyete göre ayrılmayan, kişi sayan gösterge", "Faaliyet kodu"], "head")
    for _pk, code, name in r.unsplit_indicators:
        out.line([name, code])
    out.row += 1
    out.line(["Gerçekleşmesi cinsiyete göre ayrılan gösterge payı", _pct(r.split_percent)])
    out.line(["Ulaşılan kişilerden cinsiyeti bilinenlerin payı", _pct(r.people_by_sex_percent)])
