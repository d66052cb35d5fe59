"""monitoring.excel.reader: what the importers see of a cell, whatever wrote the file, and the
checks made before any cell is read."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from monitoring.excel.reader import WorkbookError, iter_sheet_rows, open_workbook

from .workbooks import set_cached_values


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rows(data: bytes, sheet: int = 0, max_cells: int = 1_000_000) -> dict[int, list]:
    book = open_workbook(data, max_bytes=10_000_000, max_cells=max_cells)
    ws = book.worksheets[sheet]
    return dict(iter_sheet_rows(book, ws, max_cells=max_cells, counter=[0]))


def test_values_come_as_the_importer_wants_them():
    wb = Workbook()
    ws = wb.active
    ws.append(["Metin", 25, 2.5, 0.082, True, datetime.datetime(2024, 3, 1), "", None, " x "])
    ws["D1"].number_format = "0.0%"
    ws["E2"] = datetime.datetime(2024, 3, 1, 14, 30)
    ws["F2"] = 7.88
    ws["F2"].number_format = '0.00" %"'  # a literal "%" in quotes is not a percent format
    row = _rows(_save(wb))[1]
    assert row[:7] == ["Metin", 25, Decimal("2.5"), "%8,2", "Evet", "01.03.2024", None]
    assert type(row[1]) is int
    assert row[8] == " x "  # text is kept as typed; the importers clean it
    second = _rows(_save(wb))[2]
    assert second[4] == "01.03.2024 14:30"
    assert second[5] == Decimal("7.88")


def test_a_table_that_starts_further_in_keeps_its_row_and_column_numbers():
    wb = Workbook()
    ws = wb.active
    ws["C3"] = "Faaliyet"
    ws["D3"] = "Gösterge"
    ws["C4"] = "1.1.1. Eğitim"
    ws["D5"] = "Katılımcı sayısı"
    ws.merge_cells("C4:C5")
    rows = _rows(_save(wb))
    assert rows[3][2:4] == ["Faaliyet", "Gösterge"]
    assert rows[5][2:4] == ["1.1.1. Eğitim", "Katılımcı sayısı"]  # carried down the merge
    assert rows[1] == [None, None, None, None]


def test_formula_cells_give_their_cached_value_or_their_error(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["a", "=10+5", "=1/0", "=NA()"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    set_cached_values(path, {"B1": ("15", None), "C1": ("#DIV/0!", "e"), "D1": ("#N/A", "e")})
    assert _rows(path.read_bytes())[1] == ["a", 15, "#DIV/0!", "#N/A"]


def test_a_stray_cell_far_away_is_refused_before_reading():
    """One value in XFD1048576 makes a sheet of 17 billion cells: refused from the XML,
    without allocating it."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "Faaliyet"
    ws["XFD1048576"] = "x"
    with pytest.raises(WorkbookError) as exc:
        open_workbook(_save(wb), max_bytes=10_000_000, max_cells=1_000_000)
    message = str(exc.value)
    assert "1048576 satır × 16384 sütun" in message and "'Sheet' sayfası" in message


def test_chart_sheets_are_skipped_and_sheet_order_is_kept():
    wb = Workbook()
    wb.active.title = "Plan"
    wb.active["A1"] = "x"
    wb.create_chartsheet("Grafik")
    wb.create_sheet("İkinci")["B2"] = 3
    book = open_workbook(_save(wb), max_bytes=10_000_000, max_cells=1000)
    assert [s.title for s in book.worksheets] == ["Plan", "İkinci"]
    assert _rows(_save(wb), sheet=1)[2] == [None, 3]
