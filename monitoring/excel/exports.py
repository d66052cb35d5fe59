"""No export writes a live formula (CSV or formula injection).

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula: a plan title typed as ``=IMPORTXML("http://x","//a")`` would run on
the computer of whoever opens the download. The rule, for every export (the dashboard's
indicator table, the admin's flat tables):

- xlsx: such a text is a string cell (never a formula cell) with Excel's quote prefix, so
  the cell shows the text as typed and stays text when someone edits it. Numbers stay
  numbers.
- csv: such a text gets a leading single quote (OWASP, "CSV Injection"): ``'=1+2``.

Texts that cannot be a formula are written as they are, so the files keep reading
sensibly: a number written as text ("-5", "+3", "-1,5", "-8%") and a lone dash "-" (the
plans' "not applicable": a spreadsheet shows a dash and computes nothing). Anything else
that starts so, "--" or "-5+1" included, is prefixed, as OWASP advises.

The yearly report (monitoring/excel/report.py) writes every text with xlsxwriter's
``write_string`` and ``strings_to_formulas=False``, which keeps it text too.
"""

from __future__ import annotations

import re

import tablib
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

# What a spreadsheet reads as the start of a formula; the full-width forms are read so
# by Excel in East Asian locales.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A number, possibly signed and with a percent sign: "-5", "+3", "-1,5", "-1.234,5", "-8%".
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def is_formula_like(value) -> bool:
    """True for a text a spreadsheet would evaluate as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return False
    return value != "-" and not _PLAIN_NUMBER.fullmatch(value)


def csv_value(value):
    """A value for a CSV cell: a formula-like text behind a single quote, None as ""."""
    if value is None:
        return ""
    return "'" + value if is_formula_like(value) else value


def xlsx_cell(ws, value, **style):
    """A write-only openpyxl cell for ``value``; a formula-like text is a string cell with
    the quote prefix. ``style``: font, fill, alignment, number_format..."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    cell = WriteOnlyCell(ws, value=value)
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def xlsx_value(ws, value):
    """``value`` as it is for a write-only worksheet's ``append`` when it is safe (quick),
    else as an ``xlsx_cell``."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str) and (is_formula_like(value) or ILLEGAL_CHARACTERS_RE.search(value)):
        return xlsx_cell(ws, value)
    return value


# ---------------------------------------------------------------- django-import-export
#
# IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is no help in django-import-export 4.4: it strips
# one leading "=" (so "=1+2" is exported as "1+2", another text, and "==1" stays a
# formula), leaves "+", "-", "@", tab and carriage return alone and turns every value,
# None included, into a string. These two formats apply the rule above instead.


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=[csv_value(h) for h in dataset.headers or []])
        for row in dataset:
            safe.append([csv_value(v) for v in row])
        return safe.export(self.get_title(), **kwargs)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        import io

        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook(write_only=True)
        ws = wb.create_sheet((dataset.title or "Tablo")[:31])
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        if dataset.headers:
            ws.append([xlsx_cell(ws, h, font=bold) for h in dataset.headers])
        for row in dataset:
            ws.append([xlsx_value(ws, v) for v in row])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


class SafeImportExportMixin(ImportExportMixin):
    """django-import-export's admin buttons, exporting csv and xlsx only, both safe."""

    export_formats = [SafeCSV, SafeXLSX]

    @property
    def import_formats(self):
        """csv, and xlsx checked by our bounded reader before openpyxl opens it (sizes,
        zip bomb, entities, cell count): no far cell or bomb can hold a worker."""
        from import_export.formats.base_formats import CSV

        from .reader import SafeXLSX as CheckedXLSX

        return [CSV, CheckedXLSX]

    def add_data_read_fail_error_to_form(self, form, e):
        from .reader import WorkbookError

        if isinstance(e, WorkbookError):
            form.add_error("import_file", "; ".join(str(i) for i in e.issues))
            return
        form.add_error(
            "import_file",
            f"Dosya okunamadı ({type(e).__name__}): biçimi (csv ya da xlsx) ve içeriği "
            "kontrol edin.",
        )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # as ExportMixin.get_export_data, which asks for native types (numbers as
        # numbers) only for its own binary format classes, not for subclasses
        from django.core.exceptions import PermissionDenied

        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request,
            queryset,
            force_native_type=isinstance(file_format, SafeXLSX),
            **kwargs,
        )
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data
