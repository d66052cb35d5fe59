"""Reading uploaded workbooks safely: file type, size and cell limits, cached values of
formulas, error values, percent-formatted cells, and header recognition by text.

Every problem becomes a ``WorkbookIssue`` with sheet, row and column (or the part of the
xlsx package), in Turkish.

Two stages. :func:`open_workbook` checks the package before any cell reader sees it: the
zip directory (sizes, ratios, one name per part), then every part unpacked as a counted
stream and every XML part parsed with expat, refusing DTDs and entities; the sheets give
their used area and cell count, the shared strings their count and lengths. Then
:meth:`Book.sheet_rows` has python-calamine read the cells in a child process
(monitoring/excel/isolation.py) limited in memory and time. Settings, with their defaults:
``UPLOAD_MAX_BYTES``, ``IMPORT_MAX_CELLS``, ``IMPORT_MAX_UNPACKED_BYTES`` (40 ×
UPLOAD_MAX_BYTES), ``IMPORT_MAX_RATIO`` (200), ``IMPORT_READ_TIMEOUT`` (60 s),
``IMPORT_READ_MEMORY_BYTES`` (1 GB), ``IMPORT_READ_PYTHON`` (``sys.executable``).
"""

from __future__ import annotations

import datetime
import io
import logging
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import tablib
from django.conf import settings

from plans.text import tr_int

from .headers import HeaderMap, classify_header, find_header, header_key  # noqa: F401
from .issues import EXCEL_ERRORS, Sheet, WorkbookError, WorkbookIssue  # noqa: F401
from .package import (  # noqa: F401
    _MAX_CELL_CHARS,
    _MAX_PARTS,
    _MAX_RATIO,
    _looks_like_text,
    _Package,
    _parse_part,
    _percent_styles,
    _Refused,
    _scan_other_parts,
    _scan_shared_strings,
    _scan_sheet,
    _too_big,
    _TooManyCells,
    _worksheets,
)

logger = logging.getLogger(__name__)


def _read_bytes(source, max_bytes: int) -> bytes:
    """The upload's bytes, reading at most one byte past ``max_bytes``."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        with open(source, "rb") as fh:
            return fh.read(max_bytes + 1)
    if hasattr(source, "chunks"):  # Django UploadedFile
        parts, size = [], 0
        for chunk in source.chunks():
            parts.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                break
        return b"".join(parts)
    return source.read(max_bytes + 1)


@dataclass
class Book:
    """An uploaded workbook checked for type, size and cell limits; its cells are read
    with calamine (Rust), about ten times faster than openpyxl's read-only mode, in a
    child process (monitoring/excel/isolation.py) limited in memory and time."""

    data: bytes
    worksheets: list[Sheet]
    _sheets: dict | None = None

    def sheet_rows(self, sheet: Sheet) -> tuple[list[list], list]:
        """Every row of the sheet from A1, padded to the same width, and its merged
        ranges ((top, left), (bottom, right)), 0-based. The first call reads every
        worksheet in one child process."""
        if self._sheets is None:
            self._sheets = _read_in_child(self.data, self.worksheets)
            self.data = b""  # the parent keeps the rows, not the file
        got = self._sheets.pop(sheet.title, None)
        if got is None:
            raise WorkbookError(WorkbookIssue("Sayfa okunamadı.", sheet=sheet.title))
        return got.rows, got.merged


def _read_in_child(data: bytes, sheets: list[Sheet]) -> dict:
    from .isolation import ChildFailed, read_sheets

    timeout = getattr(settings, "IMPORT_READ_TIMEOUT", 60)
    memory = getattr(settings, "IMPORT_READ_MEMORY_BYTES", 1 << 30)
    titles = list(dict.fromkeys(s.title for s in sheets))
    try:
        answer = read_sheets(
            data,
            titles,
            timeout=timeout,
            memory_bytes=memory,
            max_chars=_MAX_CELL_CHARS,
            check_text=frozenset(s.title for s in sheets if s.typed_text),
            python=getattr(settings, "IMPORT_READ_PYTHON", ""),
        )
    except ChildFailed as exc:
        if exc.max_rss_kb:
            reader_stats["runs"] += 1
            reader_stats["max_rss_kb"] = exc.max_rss_kb
        logger.warning("workbook reader child failed: %s", exc)
        raise WorkbookError(_child_issue(exc, sheets, timeout, memory)) from None
    reader_stats["runs"] += 1
    reader_stats["max_rss_kb"] = answer.max_rss_kb
    return answer.sheets


# How many reading children answered (rows or a refusal), and the last one's peak memory
# (VmHWM, KB), for tests and benchmarks.
reader_stats = {"runs": 0, "max_rss_kb": 0}


def _child_issue(exc, sheets: list[Sheet], timeout: float, memory: int) -> WorkbookIssue:
    if exc.reason == "long":
        row, col = map(int, exc.detail.split())
        return WorkbookIssue(
            f"Hücrenin metni {tr_int(_MAX_CELL_CHARS)} karakterden uzun (Excel'in hücre sınırı).",
            sheet=exc.stage,
            row=row,
            column=col,
        )
    if exc.reason == "timeout":
        why = f"okuma {timeout} saniye içinde bitmedi"
    elif exc.reason == "memory":
        why = f"okuma {memory // 1048576} MB bellek sınırını aştı ya da okuyucu çöktü"
        if exc.signal_name:
            why += f" ({exc.signal_name})"
    elif exc.reason == "signal":
        why = f"okuyucu beklenmedik biçimde durdu ({exc.signal_name})"
    elif exc.reason == "start":
        why = "okuyucu başlatılamadı (sunucu ayarı: IMPORT_READ_MEMORY_BYTES)"
    elif exc.reason == "error":
        why = f"Excel okuyucusu dosyayı reddetti ({exc.detail.split(':')[0]})"
    else:
        why = "okuyucu yanıt vermeden bitti"
    issue = WorkbookIssue(
        f"Dosya okunamadı: {why}. Dosya bozuk ya da çok büyük olabilir; Excel'de açıp "
        "yeniden kaydedin. Hiçbir şey kaydedilmedi."
    )
    sheet = next((s for s in sheets if s.title == exc.stage), None)
    if sheet is not None:
        issue.sheet, issue.part = sheet.title, sheet.path
    elif exc.stage == "open":
        issue.part = "xl/workbook.xml"
    return issue


def check_xlsx_bytes(
    data: bytes, *, max_bytes: int | None = None, max_cells: int | None = None
) -> None:
    """The checks made before any reader sees an uploaded xlsx (type, sizes, zip bomb,
    DOCTYPE/ENTITY, cell count and used area), for a reader other than ours (openpyxl in
    django-import-export): WorkbookError in Turkish, or None."""
    open_workbook(data, max_bytes=max_bytes, max_cells=max_cells)


def open_workbook(source, *, max_bytes: int | None = None, max_cells: int | None = None) -> Book:
    """The workbook's sheets, checked before any cell is read, or WorkbookError in
    Turkish: not an xlsx, too big (file, unpacked content, or cells), a zip bomb, XML
    that is broken or declares entities."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    max_cells = max_cells or settings.IMPORT_MAX_CELLS
    data = _checked_bytes(source, max_bytes)
    sheets = _scanned_sheets(data, max_bytes, max_cells)
    for sheet in sheets:
        if sheet.rows * sheet.columns > max_cells:
            raise WorkbookError(
                WorkbookIssue(
                    f"Sayfa {sheet.rows} satır × {sheet.columns} sütun = "
                    f"{tr_int(sheet.rows * sheet.columns)} hücre; sınır "
                    f"{tr_int(max_cells)} hücre. Yalnızca plan tablosunu içeren bir dosya "
                    "yükleyin.",
                    sheet=sheet.title,
                    part=sheet.path,
                )
            )
    return Book(data=data, worksheets=sheets)


def _checked_bytes(source, max_bytes: int) -> bytes:
    """The upload's bytes, when they can be an xlsx package of an allowed size."""
    size = getattr(source, "size", None)
    if size is not None and size > max_bytes:
        raise WorkbookError(_too_big(size, max_bytes))
    try:
        data = _read_bytes(source, max_bytes)
    except OSError as exc:
        raise WorkbookError(f"Dosya okunamadı: {exc.strerror or exc}.") from exc
    if len(data) > max_bytes:
        raise WorkbookError(_too_big(len(data), max_bytes))
    if not data:
        raise WorkbookError("Dosya boş (0 bayt).")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise WorkbookError(
            "Bu dosya eski Excel biçiminde (.xls). Excel'de açıp “Farklı Kaydet > Excel "
            "Çalışma Kitabı (.xlsx)” ile kaydedip yeniden yükleyin."
        )
    if data[:2] != b"PK":
        kind = "CSV ya da metin dosyası" if _looks_like_text(data) else "tanınmayan bir dosya"
        raise WorkbookError(
            f"Bu dosya bir Excel çalışma kitabı (.xlsx) değil; {kind} gibi görünüyor. "
            "Tabloyu Excel'de açıp .xlsx olarak kaydedin."
        )
    if data.count(b"PK\x01\x02") > _MAX_PARTS:  # directory entries, before zipfile lists them
        raise WorkbookError(
            f"Paket {tr_int(_MAX_PARTS)} bölümden fazlasını içeriyor; bu bir Excel çalışma "
            "kitabı olamaz."
        )
    return data


def _scanned_sheets(data: bytes, max_bytes: int, max_cells: int) -> list[Sheet]:
    """Every part of the package unpacked, counted and parsed once; the sheets with what
    their scan found. Any zip or XML failure is a WorkbookError naming the part."""
    max_unpacked = getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", max_bytes * 40)
    pkg = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            pkg = _Package(zf, max_unpacked, getattr(settings, "IMPORT_MAX_RATIO", _MAX_RATIO))
            _require_workbook_part(pkg)
            sheets = _worksheets(pkg)
            percent_styles = _percent_styles(pkg)
            _scan_shared_strings(pkg, max_cells)
            counted = 0
            for sheet in sheets:
                _scan_sheet(pkg, sheet, percent_styles, max_cells - counted)
                counted += sheet.cells
            _scan_other_parts(pkg)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError) as exc:
        part = pkg.current if pkg is not None else ""
        raise WorkbookError(
            WorkbookIssue(
                "Dosya bozuk: .xlsx olarak açılamadı; zip paketi eksik ya da hatalı.",
                part=part,
            )
        ) from exc
    except (ValueError, KeyError, NotImplementedError, RuntimeError) as exc:
        part = pkg.current if pkg is not None else ""
        raise WorkbookError(
            WorkbookIssue(
                f"Dosya bozuk: .xlsx paketi okunamadı ({exc.__class__.__name__}).", part=part
            )
        ) from exc
    return sheets


def _require_workbook_part(pkg) -> None:
    if "xl/workbook.xml" in pkg.infos:
        return
    if "content.xml" in pkg.infos:
        raise WorkbookError(
            "Bu dosya bir OpenDocument tablosu (.ods); Excel çalışma kitabı "
            "(.xlsx) değil. LibreOffice'te “Farklı Kaydet > Excel 2007-365 "
            "(.xlsx)” ile kaydedip yeniden yükleyin."
        )
    raise WorkbookError(
        "Bu dosya bir Excel çalışma kitabı (.xlsx) değil (Word ya da başka bir "
        "Office belgesi olabilir)."
    )


# A part may unpack to this many times its packed size (a zip bomb unpacks to thousands
# of times); real sheets stay under 30. Parts under a megabyte are not asked.
def _value(value: object) -> object:
    """A calamine value as the importer wants it: None for empty, ints for whole numbers,
    Decimal for others, "Evet"/"Hayır" for booleans, dates written the Turkish way."""
    cls = value.__class__
    if cls is str:
        return value or None
    if cls is float:
        return int(value) if value.is_integer() else Decimal(repr(value))
    if cls is int:
        return value
    if cls is bool:
        return "Evet" if value else "Hayır"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _percent_text(value: object) -> object:
    """0.082 in a percent-formatted cell is "%8,2", as the person typing it saw it."""
    if value.__class__ in (int, float, Decimal):
        pct = (Decimal(str(value)) * 100).normalize()
        return "%" + format(pct, "f").replace(".", ",")
    return value


def iter_sheet_rows(
    book: Book, ws: Sheet, *, max_cells: int, counter: list[int]
) -> Iterator[tuple[int, list]]:
    """(row number, values) for every row, a cell merged down carrying its value on every
    row it covers (an activity over its indicator rows, Narlıdere's AMAÇ over its
    actions); error values of formulas come as their text ("#DIV/0!"); stops with
    WorkbookError past max_cells."""
    rows, merged = book.sheet_rows(ws)
    height, width = len(rows), len(rows[0]) if rows else 0
    merges: dict[int, list[tuple[int, int]]] = {}
    spans = 0
    for (r1, c1), (r2, c2) in merged:
        # only the part of a merge over the used area matters: the rest carries nothing
        r2, c2 = min(r2, height - 1), min(c2, width - 1)
        if r2 > r1 and c2 >= c1:
            spans += c2 - c1 + 1
            if spans > max_cells:
                raise WorkbookError(
                    WorkbookIssue(
                        f"Birleştirilmiş hücreler {tr_int(max_cells)} hücre sınırını aşıyor.",
                        sheet=ws.title,
                    )
                )
            for col in range(c1, c2 + 1):
                merges.setdefault(col, []).append((r1 + 1, r2 + 1))
    starts = {(top, col): bottom for col, spans in merges.items() for top, bottom in spans}
    carry: dict[int, tuple[int, object]] = {}  # column -> (last row covered, value)
    special: dict[int, list[tuple[int, object]]] = {}
    for (row, col), text in ws.errors.items():
        special.setdefault(row, []).append((col, text))
    for row, col in ws.percents:
        special.setdefault(row, []).append((col, _percent_text))
    for row_idx, row in enumerate(rows, start=1):
        counter[0] += len(row)
        if counter[0] > max_cells:
            raise WorkbookError(
                WorkbookIssue(
                    f"Dosya {tr_int(max_cells)} hücre sınırını aşıyor.",
                    sheet=ws.title,
                    row=row_idx,
                )
            )
        values = [(v or None) if v.__class__ is str else _value(v) for v in row]
        for col, fix in special.get(row_idx, ()):
            values.extend([None] * (col + 1 - len(values)))
            values[col] = fix(values[col]) if callable(fix) else fix
        if merges:
            for col, (last, value) in list(carry.items()):
                if row_idx > last:
                    del carry[col]
                    continue
                values.extend([None] * (col + 1 - len(values)))
                if values[col] is None:
                    values[col] = value
            for col in merges:
                bottom = starts.get((row_idx, col))
                if bottom is not None and col < len(values):
                    carry[col] = (bottom, values[col])
        yield row_idx, values


def is_error_value(value) -> bool:
    return type(value) is str and "#" in value and value.strip() in EXCEL_ERRORS


# ------------------------------------------------------------------ django-import-export


def _whole(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def safe_xlsx_format():
    """django-import-export's xlsx format read by our reader, not openpyxl: the checks of
    :func:`open_workbook` first, then the cells read by calamine in the limited child
    process; the first sheet's first row is the header. The flat-table admins use it
    (monitoring.excel.exports.SafeImportExportMixin)."""
    from import_export.formats.base_formats import XLSX

    class SafeXLSX(XLSX):
        def create_dataset(self, in_stream):
            book = open_workbook(bytes(in_stream))
            if not book.worksheets:
                raise WorkbookError("Dosyada çalışma sayfası yok.")
            rows, _merged = book.sheet_rows(book.worksheets[0])
            data = tablib.Dataset()
            if rows:
                data.headers = ["" if v is None else str(v).strip() for v in rows[0]]
                for row in rows[1:]:
                    if any(v not in (None, "") for v in row):
                        # 26.0 from calamine is the 26 typed (openpyxl gave an int)
                        data.append([_whole(v) for v in row])
            return data

    return SafeXLSX


def __getattr__(name: str):
    if name == "SafeXLSX":  # built on first use: the reader itself needs no import_export
        globals()["SafeXLSX"] = cls = safe_xlsx_format()
        return cls
    raise AttributeError(name)
