"""How tall a row of the printed report must be: the wrapped lines of every cell, measured
with the advance widths of Arial (Liberation Sans, its metric twin, is what LibreOffice
prints with), so that no cell's text runs into the next row on paper.

Excel and LibreOffice grow a row to fit wrapped text only for cells that are not merged,
and only when they lay the sheet out again; a merged activity cell over three indicator
rows never grows them. The report therefore sets every row's height itself, and gives a
merged cell's extra height to the rows under it (``spread``).
"""

from __future__ import annotations

import math

FONT_NAME = "Arial"
BODY_SIZE = 9  # points, as printed: the page is fitted to its width at about 100 %
LINE_FACTOR = 1.2  # line height over font size (Liberation Sans: 1.15 em plus leading)
CELL_PADDING = 2.5  # points above and below the text of a cell

# Advance widths in 1/1000 em for the characters a Turkish report uses; others count as
# the widest common letter so that a guess errs towards a taller row.
_CHARS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~çÇğĞıİöÖşŞüÜâÂîÎûÛéÉ—–−’‘“”…•·×"
)
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 "
    "556 556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 "
    "500 667 556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 "
    "556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 "
    "278 556 500 722 500 500 500 334 260 334 584 500 722 556 778 278 278 556 778 500 667 "
    "556 722 556 667 278 278 556 722 556 667 1000 556 584 222 222 333 333 1000 350 333 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 "
    "556 556 556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 "
    "556 722 611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 "
    "556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 "
    "333 611 556 778 556 556 500 389 280 389 584 556 722 611 778 278 278 611 778 556 667 "
    "611 722 556 722 278 278 611 722 556 667 1000 556 584 278 278 500 500 1000 350 333 584"
)
_WIDTHS = {
    False: dict(zip(_CHARS, map(int, _REGULAR.split()), strict=True)),
    True: dict(zip(_CHARS, map(int, _BOLD.split()), strict=True)),
}
_UNKNOWN = 778


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in points of ``text`` on one line."""
    widths = _WIDTHS[bold]
    return sum(widths.get(ch, _UNKNOWN) for ch in text) * size / 1000


def wrapped_lines(text: str, width: float, size: float, *, bold: bool = False) -> int:
    """Lines ``text`` takes in a cell ``width`` points wide, wrapped at spaces as a
    spreadsheet wraps it; a word longer than the cell is broken where it overflows."""
    if not text:
        return 0
    space = text_width(" ", size, bold=bold)
    count = 0
    for paragraph in str(text).split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold=bold)
            if w > width:  # broken inside the word: as many lines as it fills
                if used:
                    count += 1
                extra = math.ceil(w / width) - 1
                count += extra
                used = w - extra * width
                continue
            if used and used + space + w > width:
                count += 1
                used = w
            else:
                used += (space if used else 0) + w
    return count


def text_height(lines: int, size: float) -> float:
    """Points a cell of ``lines`` lines needs, its padding included."""
    return lines * size * LINE_FACTOR + CELL_PADDING if lines else 0.0


def cell_height(text: str, width: float, size: float, *, bold: bool = False) -> float:
    return text_height(wrapped_lines(text, width, size, bold=bold), size)


def spread(heights: list[float], needed: float) -> list[float]:
    """Row heights under a merged cell that needs ``needed`` points: the rows keep what
    their own cells need, and what is missing is shared out evenly."""
    missing = needed - sum(heights)
    if missing <= 0:
        return heights
    share = missing / len(heights)
    return [h + share for h in heights]


def column_points(width_chars: float) -> float:
    """A column width as XlsxWriter writes it (characters of the default 7-pixel digit,
    plus 5 pixels of padding) in points at 96 pixels to the inch."""
    pixels = int(width_chars * 7 + 0.5) + 5 if width_chars >= 1 else int(width_chars * 12 + 0.5)
    return pixels * 0.75


def text_room(width_chars: float) -> float:
    """Points of a column left for text once the cell's own margins are taken off."""
    return column_points(width_chars) - 3.5


MARGINS = (0.3, 0.3, 0.6, 0.55)  # left, right, top, bottom, in inches
A4_LANDSCAPE = (841.89, 595.28)  # points


def page_breaks(
    heights: list[float], blocks: list[int], table_width: float, *, header_row: int
) -> list[int]:
    """Rows (0-based) to start a new page at, from every row's height, the first row of
    each block and the table's width in points, so that no block (an activity's rows, a
    theme or goal row with what follows it) is cut, as long as it fits on a page. A page
    holds what fits at the scale that fits the table to the width; the scale is taken
    from Excel's narrower columns, so LibreOffice's pages (wider columns, smaller scale)
    have room to spare and make no breaks of their own."""
    scale = min(1.0, (A4_LANDSCAPE[0] - 72 * (MARGINS[0] + MARGINS[1])) / table_width)
    room = (A4_LANDSCAPE[1] - 72 * (MARGINS[2] + MARGINS[3])) / scale - 6.0
    room -= heights[header_row]
    breaks: list[int] = []
    used = sum(heights[:header_row])  # the title rows, on page one only
    ends = blocks[1:] + [len(heights)]
    for start, end in zip(blocks, ends, strict=True):
        size = sum(heights[start:end])
        if used and used + size > room:
            breaks.append(start)
            used = 0.0
        used += size
        while used > room:  # a block taller than a page: cut it where the page ends
            used -= room
    return breaks[:1023]  # Excel's limit


def page_setup(ws, *, title: str, level_help: str = "") -> None:
    """A4 landscape, one page wide, the header row on every page, title and page numbers
    in the page header and footer (the level formula beside them when it applies)."""
    ws.freeze_panes(3, 1)  # below the header row, right of Faaliyet: "B4"
    ws.repeat_rows(2)  # the header row on every printed page
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # as wide as one page, as many pages down as needed
    ws.center_horizontally()
    ws.set_margins(left=MARGINS[0], right=MARGINS[1], top=MARGINS[2], bottom=MARGINS[3])
    header = '&C&"Arial,Bold"&9' + _header_text(title)
    footer = "&C&P / &N"
    if level_help:
        footer = f"&L&8{_header_text(level_help)}{footer}"
    ws.set_header(header, {"margin": 0.25})
    ws.set_footer(footer, {"margin": 0.25})


def _header_text(text: str) -> str:
    """Text for a page header or footer: "&" doubled, cut to what Excel allows."""
    return text.replace("&", "&&")[:200]
