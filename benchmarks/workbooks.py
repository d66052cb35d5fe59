"""The workbooks of benchmarks/excel.py that are not ours: openpyxl's read-only and
write-only baselines, the filled-in realization form, django-import-export's resource.
Not a benchmark of its own."""

from __future__ import annotations

import io
import multiprocessing


def read_values(data: bytes) -> list[tuple]:
    """Every row's values of every sheet (openpyxl, read-only)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def read_only_pass(data: bytes) -> None:
    """The plan import's baseline: one openpyxl read-only pass over every row."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()


def write_only(rows) -> io.BytesIO:
    """The report export's baseline: the same cells in an openpyxl write-only workbook."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("2024 Gerçekleşme")
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf


def fill_form(form: bytes) -> tuple[bytes, list[tuple[int, int]], str]:
    """The 2025 form with a number in every indicator's Gerçekleşme cell; runs in a child
    process so openpyxl's full (not read-only) load does not count in our peak memory."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    wb = load_workbook(io.BytesIO(form))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[3]]
    real_col = header.index("Gerçekleşme") + 1
    key_col = header.index("yeep:gösterge") + 1
    filled: list[tuple[int, int]] = []
    for row in ws.iter_rows(min_row=4):
        key = row[key_col - 1].value if len(row) >= key_col else None
        if isinstance(key, int):
            value = 1 + (key * 7) % 60
            row[real_col - 1].value = value
            filled.append((key, value))
    out = io.BytesIO()
    wb.save(out)
    where = f"Gerçekleşme = column {get_column_letter(real_col)}, "
    where += f"yeep:gösterge = column {get_column_letter(key_col)}"
    return out.getvalue(), filled, where


def in_child(fn, *args):
    """``fn(*args)`` in a forked child process."""
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


def realization_resource():
    """A plain django-import-export resource for realizations, keyed on (indicator, year)."""
    from import_export import resources

    from monitoring.models import Realization

    class RealizationResource(resources.ModelResource):
        class Meta:
            model = Realization
            fields = ("id", "indicator", "year", "value", "raw_text", "state")
            import_id_fields = ("indicator", "year")

    return RealizationResource()
