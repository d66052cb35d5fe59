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
import posixpath
import pyexpat
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

import tablib
from django.conf import settings
from openpyxl.utils import column_index_from_string, get_column_letter

from plans.text import clean_text, tr_fold, tr_int

logger = logging.getLogger(__name__)

EXCEL_ERRORS = {
    "#DIV/0!",
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
}


@dataclass
class WorkbookIssue:
    message: str
    sheet: str = ""
    row: int | None = None
    column: int | None = None
    header: str = ""
    part: str = ""  # the part of the xlsx package: "xl/sharedStrings.xml"

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"'{self.sheet}' sayfası")
        if self.row is not None:
            parts.append(f"{self.row}. satır")
        if self.column is not None:
            col = get_column_letter(self.column)
            parts.append(f"{col} sütunu" + (f" ({self.header})" if self.header else ""))
        if self.part:
            parts.append(f"dosyanın {self.part} bölümü")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class WorkbookError(Exception):
    """The file cannot be imported; nothing was stored."""

    def __init__(self, issues: list[WorkbookIssue] | WorkbookIssue | str):
        if isinstance(issues, str):
            issues = [WorkbookIssue(issues)]
        elif isinstance(issues, WorkbookIssue):
            issues = [issues]
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


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
class Sheet:
    """One worksheet of an uploaded workbook: its title, where its XML is, and what the
    pre-scan of that XML found (size, error cells, percent-formatted cells)."""

    title: str
    path: str
    rows: int = 0
    columns: int = 0
    cells: int = 0
    declared: str = ""  # the <dimension> the file claims; never trusted
    merges: int = 0
    typed_text: bool = False  # cells with their text in the sheet (inline, formula strings)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col0) -> "#N/A"
    percents: set[tuple[int, int]] = field(default_factory=set)  # (row, col0)


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
    max_unpacked = getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", max_bytes * 40)
    pkg = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            pkg = _Package(zf, max_unpacked, getattr(settings, "IMPORT_MAX_RATIO", _MAX_RATIO))
            if "xl/workbook.xml" not in pkg.infos:
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
            sheets = _worksheets(pkg)
            percent_styles = _percent_styles(pkg)
            _scan_shared_strings(pkg, max_cells)
            counted = 0
            for sheet in sheets:
                _scan_sheet(pkg, sheet, percent_styles, max_cells - counted)
                counted += sheet.cells
            for name in pkg.infos:  # every other part: unpacked, counted, CRC checked
                if name in pkg.read:
                    continue
                if name.endswith((".xml", ".rels", ".vml")):
                    _parse_part(pkg, name, None)  # no DOCTYPE in any XML part either
                else:
                    for _ in pkg.chunks(name):
                        pass
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


# A part may unpack to this many times its packed size (a zip bomb unpacks to thousands
# of times); real sheets stay under 30. Parts under a megabyte are not asked.
_MAX_RATIO = 200
_RATIO_FLOOR = 1 << 20
_MAX_PARTS = 10_000
_MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
_MAX_ROW, _MAX_COL = 1_048_576, 16_384
_CHUNK = 1 << 20


class _Package:
    """The zip, checked from its directory before anything is unpacked (one name per
    part, no encryption, deflate only, sizes and ratios), then read part by part as a
    stream that counts what it unpacks."""

    def __init__(self, zf: zipfile.ZipFile, max_unpacked: int, max_ratio: int = _MAX_RATIO):
        self.zf = zf
        self.infos: dict[str, zipfile.ZipInfo] = {}
        self.read: set[str] = set()
        self.current = ""  # the part being unpacked, for messages
        self.left = max_unpacked
        seen: set[str] = set()
        declared = 0
        for info in zf.infolist():
            name = info.filename
            if name.lower() in seen:
                raise WorkbookError(
                    WorkbookIssue("Paket bu adı iki kez içeriyor; dosya bozuk.", part=name)
                )
            seen.add(name.lower())
            if info.flag_bits & 0x1:
                raise WorkbookError(
                    WorkbookIssue(
                        "Bölüm şifreli; parola korumasını kaldırıp yeniden kaydedin.", part=name
                    )
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise WorkbookError(
                    WorkbookIssue(
                        "Bölüm Excel'in kullanmadığı bir yöntemle sıkıştırılmış; Excel'de açıp "
                        "yeniden kaydedin.",
                        part=name,
                    )
                )
            if info.file_size > _RATIO_FLOOR and info.file_size > max_ratio * max(
                info.compress_size, 1
            ):
                raise WorkbookError(
                    WorkbookIssue(
                        f"Bölüm {_mb(info.compress_size)} MB iken açılınca "
                        f"{_mb(info.file_size)} MB oluyor (sıkıştırma oranı "
                        f"{tr_int(info.file_size // max(info.compress_size, 1))}:1; sınır "
                        f"{max_ratio}:1). Bu bir zip bombası olabilir; dosya okunmadı.",
                        part=name,
                    )
                )
            declared += info.file_size
            self.infos[name] = info
        if declared > max_unpacked:
            raise WorkbookError(_too_big(declared, max_unpacked, unpacked=True))

    def chunks(self, name: str) -> Iterator[bytes]:
        """The part's bytes as they unpack; WorkbookError past the unpacked budget."""
        self.read.add(name)
        self.current = name
        with self.zf.open(self.infos[name]) as fh:
            while chunk := fh.read(_CHUNK):
                self.left -= len(chunk)
                if self.left < 0:
                    raise WorkbookError(
                        WorkbookIssue(_too_big(self.left, 0, unpacked=True), part=name)
                    )
                yield chunk


class _Refused(Exception):
    """A handler's verdict on the XML being parsed (a Turkish message)."""


def _no_doctype(*_args) -> None:
    raise _Refused(
        "XML bir DOCTYPE ya da ENTITY bildirimi içeriyor; Excel böyle dosya yazmaz ve bu "
        "bildirimler saldırı için kullanılabilir (entity genişletme, dış dosya okuma). Dosya "
        "okunmadı."
    )


def _utf8_only(_version, encoding, _standalone) -> None:
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise _Refused(
            f"XML {encoding} kodlamasıyla yazılmış; yalnızca UTF-8 okunur. Dosyayı Excel'de "
            "açıp yeniden kaydedin."
        )


_EXPAT_MESSAGES = {
    pyexpat.errors.codes[pyexpat.errors.XML_ERROR_INVALID_TOKEN]: (
        "geçersiz karakter ya da bozuk UTF-8"
    ),
    pyexpat.errors.codes[pyexpat.errors.XML_ERROR_NO_ELEMENTS]: "bölüm boş ya da yarıda kesilmiş",
    pyexpat.errors.codes[pyexpat.errors.XML_ERROR_UNCLOSED_TOKEN]: "bölüm yarıda kesilmiş",
    pyexpat.errors.codes[pyexpat.errors.XML_ERROR_TAG_MISMATCH]: "etiketler eşleşmiyor",
    pyexpat.errors.codes[pyexpat.errors.XML_ERROR_UNDEFINED_ENTITY]: "tanımsız entity",
    pyexpat.errors.codes[pyexpat.errors.XML_ERROR_INCORRECT_ENCODING]: "kodlama bildirimi yanlış",
    pyexpat.errors.codes[pyexpat.errors.XML_ERROR_UNKNOWN_ENCODING]: "bilinmeyen kodlama",
}


def _parse_part(pkg: _Package, name: str, start, chars=None, sheet: str = "", bind=None) -> None:
    """Stream one part through expat (no DTD, no entity, UTF-8 only) calling
    ``start(name, attrs)`` for every element, names as written ("c" or "x:c");
    ``bind(parser)`` before the first byte."""
    parser = pyexpat.ParserCreate()
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.ExternalEntityRefHandler = _no_doctype
    parser.XmlDeclHandler = _utf8_only
    if start is not None:
        parser.StartElementHandler = start
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    if chars is not None:
        parser.CharacterDataHandler = chars
    if bind is not None:
        bind(parser)
    try:
        for chunk in pkg.chunks(name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused as exc:
        raise WorkbookError(WorkbookIssue(str(exc), sheet=sheet, part=name)) from None
    except pyexpat.ExpatError as exc:
        what = _EXPAT_MESSAGES.get(exc.code, "XML yapısı bozuk")
        raise WorkbookError(
            WorkbookIssue(
                f"XML okunamadı: {what} (XML'in {exc.lineno}. satırı, {exc.offset + 1}. "
                "karakteri). Dosyayı Excel'de açıp yeniden kaydedin.",
                sheet=sheet,
                part=name,
            )
        ) from None


def _local(name: str) -> str:
    """The element's name without its namespace prefix: "x:c" -> "c" (as calamine
    matches them)."""
    return name.rpartition(":")[2]


def _parse_small(pkg: _Package, name: str, wanted: set[str]) -> list[tuple[str, dict]]:
    """(local name, attributes) of the wanted elements of a small part, in order."""
    found: list[tuple[str, dict]] = []

    def start(tag, attrs):
        local = _local(tag)
        if local in wanted:
            found.append((local, {_local(k): v for k, v in attrs.items()}))

    _parse_part(pkg, name, start)
    return found


def _worksheets(pkg: _Package) -> list[Sheet]:
    """The workbook's worksheets in tab order (chart sheets left out), with the path of
    each one's XML."""
    targets = {}
    if "xl/_rels/workbook.xml.rels" in pkg.infos:
        for _, rel in _parse_small(pkg, "xl/_rels/workbook.xml.rels", {"Relationship"}):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = posixpath.normpath(target)
    sheets = []
    for _, el in _parse_small(pkg, "xl/workbook.xml", {"sheet"}):
        path = targets.get(el.get("id"), "")
        if path in pkg.infos and "/worksheets/" in path:
            sheets.append(Sheet(title=el.get("name", ""), path=path))
    return sheets


_BUILTIN_PERCENT = {"9", "10"}


def _percent_styles(pkg: _Package) -> frozenset[str]:
    """Style indexes (the ``s`` of a cell) whose number format shows a percent."""
    if "xl/styles.xml" not in pkg.infos:
        return frozenset()
    percent_ids = set(_BUILTIN_PERCENT)
    xfs: list[str] = []
    inside = [False]
    found = _parse_small(pkg, "xl/styles.xml", {"numFmt", "cellXfs", "xf", "cellStyleXfs"})
    for local, attrs in found:
        if local == "numFmt":
            code = re.sub(r'"[^"]*"|\\.', "", attrs.get("formatCode", ""))
            if "%" in code:
                percent_ids.add(attrs.get("numFmtId"))
        elif local in ("cellXfs", "cellStyleXfs"):
            inside[0] = local == "cellXfs"
        elif inside[0]:
            xfs.append(attrs.get("numFmtId", "0"))
    return frozenset(str(i) for i, fmt in enumerate(xfs) if fmt in percent_ids)


def _scan_shared_strings(pkg: _Package, max_cells: int) -> None:
    """Shared strings: no more of them than cells may be read, none longer than Excel
    allows."""
    name = "xl/sharedStrings.xml"
    if name not in pkg.infos:
        return
    count = 0
    length = 0

    def start(tag, _attrs):
        nonlocal count, length
        if _local(tag) == "si":
            count += 1
            length = 0
            if count > max_cells:
                raise _Refused(
                    f"Paylaşılan metin sayısı {tr_int(max_cells)} hücre sınırını aşıyor."
                )

    def chars(data):
        nonlocal length
        length += len(data)
        if length > _MAX_CELL_CHARS:
            raise _Refused(
                f"{tr_int(count)}. paylaşılan metin {tr_int(_MAX_CELL_CHARS)} karakterden "
                "uzun (Excel'in hücre sınırı)."
            )

    _parse_part(pkg, name, start, chars)


_DIGITS = "0123456789"


def _column_number(letters: str, ref: str) -> int:
    if not (len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper()):
        raise _Refused(f"Hücre başvurusu “{ref[:20]}” geçersiz.")
    col = column_index_from_string(letters)
    if col > _MAX_COL:
        raise _Refused(f"Hücre başvurusu “{ref[:20]}” Excel'in son sütununu (XFD) aşıyor.")
    return col


def _row_number(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _MAX_ROW:
        raise _Refused(f"Satır numarası “{text[:20]}” geçersiz (1-{_MAX_ROW}).")
    return int(text)


def _scan_sheet(pkg: _Package, sheet: Sheet, percent_styles: frozenset[str], budget: int) -> None:
    """One streaming pass over a sheet's XML, before calamine reads it: the used area and
    the number of cells (cells without an ``r`` counted by position, the declared
    <dimension> ignored), the size of every cell, the error values of formula cells
    (calamine reads them as empty) and the percent-formatted cells.

    The sheet is most of an upload, so this pass is kept lean: one callback per element
    and text read only inside an error cell's <v>. The length of each cell's text is
    checked by the child that reads the cells (monitoring/excel/isolation.py)."""
    kinds: dict[str, str] = {}
    columns: dict[str, int] = {}
    errors = sheet.errors
    percents = sheet.percents
    row = col = max_row = max_col = cells = merges = 0
    row_text = ""
    error_cell: tuple[int, int] | None = None
    error_key: tuple[int, int] | None = None
    parser = None

    def bind(p):
        nonlocal parser
        parser = p

    def start(name, attrs):
        nonlocal row, col, max_row, max_col, cells, row_text, error_cell, error_key
        nonlocal merges
        if error_key is not None:
            error_key = None
            parser.CharacterDataHandler = None
        kind = kinds.get(name)
        if kind is None:
            kind = kinds[name] = _local(name)
        if kind == "c":
            ref = attrs.get("r")
            if ref is None:
                col += 1
                if col > _MAX_COL:
                    raise _Refused(f"{row}. satırda {_MAX_COL} sütundan fazla hücre var.")
            else:
                letters = ref.rstrip(_DIGITS)
                c = columns.get(letters)
                if c is None:
                    c = columns[letters] = _column_number(letters, ref)
                col = c
                digits = ref[len(letters) :]
                if digits != row_text:
                    row = _row_number(digits)
                    row_text = digits
            cells += 1
            if cells > budget:
                raise _TooManyCells(row)
            if row > max_row:
                max_row = row
            if col > max_col:
                max_col = col
            t = attrs.get("t")
            if t is None or t == "s" or t == "n":
                error_cell = None
            elif t == "e":
                error_cell = (row, col - 1)
            else:
                error_cell = None
                sheet.typed_text = True
            if percent_styles and attrs.get("s") in percent_styles:
                percents.add((row, col - 1))
        elif kind == "row":
            ref = attrs.get("r")
            if ref is None:
                row += 1
                if row > _MAX_ROW:
                    raise _Refused(f"Sayfa Excel'in {_MAX_ROW} satır sınırını aşıyor.")
                row_text = str(row)
            elif ref != row_text:
                row = _row_number(ref)
                row_text = ref
            col = 0
        elif kind == "v":
            if error_cell is not None:
                error_key = error_cell
                errors[error_key] = ""
                parser.CharacterDataHandler = error_text
        elif kind == "mergeCell":
            merges += 1
            if merges > budget:
                raise _Refused(f"Birleştirilmiş hücre sayısı {tr_int(budget)} sınırını aşıyor.")
        elif kind == "dimension":
            sheet.declared = (attrs.get("ref") or "")[:40]

    def error_text(data):
        errors[error_key] += data[:64]

    try:
        _parse_part(pkg, sheet.path, start, sheet=sheet.title, bind=bind)
    except _TooManyCells as exc:
        raise WorkbookError(
            WorkbookIssue(
                f"Dosya {tr_int(budget)} hücre sınırını aşıyor (sınır: dosyanın bütün "
                "sayfalarındaki hücreler). Yalnızca plan tablosunu içeren bir dosya yükleyin.",
                sheet=sheet.title,
                row=exc.row or None,
                part=sheet.path,
            )
        ) from None
    except _Refused as exc:
        raise WorkbookError(WorkbookIssue(str(exc), sheet=sheet.title, part=sheet.path)) from None
    for key, value in errors.items():
        errors[key] = value.strip()
    sheet.rows, sheet.columns, sheet.cells, sheet.merges = max_row, max_col, cells, merges


class _TooManyCells(Exception):
    def __init__(self, row: int):
        self.row = row


def _too_big(size: int, limit: int, unpacked: bool = False) -> str:
    what = "Açılmış içerik" if unpacked else "Dosya"
    if limit <= 0:
        return f"{what} çok büyük: açılınca sınırı aşıyor."
    return f"{what} çok büyük: {_mb(size)} MB; sınır {_mb(limit)} MB."


def _mb(size: int) -> str:
    """12582912 -> "12,0" (megabytes, Turkish decimal comma)."""
    return f"{size / 1048576:.1f}".replace(".", ",")


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return b"\x00" not in head


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


# ------------------------------------------------------------------ headers


def header_key(text: object) -> str:
    """ "Gerçek\\nleşme" -> "gerçekleşme", "Destekçi Kurum /Kuruluş" -> "destekçikurumkuruluş"."""
    return re.sub(r"[\W_]+", "", tr_fold(clean_text(text)))


# (field, pattern on header_key); order matters: the first match wins.
HEADER_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("key_indicator", re.compile(r"^yeepgösterge(no|id)?$")),
    ("key_activity", re.compile(r"^yeepfaaliyet(no|id)?$")),
    ("key_target_level", re.compile(r"^yeephedefdüzeyi$")),
    ("rate", re.compile(r"gerçekleşmeoran")),
    ("realization", re.compile(r"^(20\d\d)?(yılı)?gerçekleş(me|en)(değeri)?(20\d\d)?$")),
    ("deviation", re.compile(r"^sapma(nın)?neden")),
    ("note", re.compile(r"^(açıklama|not(lar)?)$")),
    ("status", re.compile(r"^durum(u)?$")),
    ("target", re.compile(r"^(20\d\d)(yılı)?(öngörülen|hedeflenen)?(hedef(ler|i)?)?(değeri)?$")),
    ("target", re.compile(r"^(öngörülen)?hedef(ler|i)?(20\d\d)(yılı)?$")),
    ("activity", re.compile(r"^(faaliyet(ler|in)?|eylem(ler|in)?)(adı)?$")),
    ("timing", re.compile(r"^(zamanlama|başlangıçvebitiştarih\w*|süre|takvim|tarih(ler)?)$")),
    ("responsible", re.compile(r"^(koordinatör|sorumlu)")),
    ("partners", re.compile(r"^(işbirliği|destekçi|paydaş|iş birliği)")),
    ("indicator", re.compile(r"^(performans)?gösterge(ler|si)?$")),
    ("baseline", re.compile(r"^(mevcut(durum|değer)?|başlangıçdeğeri|referansdeğer)$")),
    ("unit_of_measure", re.compile(r"^ölçübirimi$")),
    ("theme", re.compile(r"^tema(lar)?$")),
    ("aim", re.compile(r"^amaç(lar)?$")),
    ("objective", re.compile(r"^hedef(ler)?$")),
    ("strategy", re.compile(r"^strateji(ler)?$")),
    ("code", re.compile(r"^(kod|no|sırano|faaliyetno|eylemno)$")),
]


@lru_cache(maxsize=2048, typed=True)
def classify_header(text: object) -> tuple[str, int | None] | None:
    key = header_key(text)
    if not key:
        return None
    for name, pattern in HEADER_PATTERNS:
        m = pattern.match(key) if pattern.pattern.startswith("^") else pattern.search(key)
        if m:
            year = None
            years = re.findall(r"20\d\d", key)
            if years:
                year = int(years[0])
            return name, year
    return None


@dataclass
class HeaderMap:
    row: int
    columns: dict[str, int] = field(default_factory=dict)  # field -> 0-based index
    target_years: dict[int, int] = field(default_factory=dict)  # year -> index
    realization_year: int | None = None
    realization_years: dict[int, int] = field(default_factory=dict)  # "2024 Gerçekleşme"
    texts: dict[int, str] = field(default_factory=dict)  # index -> header text as written
    signature: frozenset = frozenset()

    @cached_property
    def grouping_columns(self) -> frozenset[int]:
        """Columns that place a row in the plan rather than hold its figures."""
        names = ("theme", "aim", "objective", "strategy", "activity", "code")
        return frozenset(self.columns[k] for k in names if k in self.columns)

    def realization_column(self, year: int | None) -> int | None:
        """The column holding ``year``'s realizations: its own ("2025 Gerçekleşme") or the
        one plain "Gerçekleşme" column."""
        if year is not None and year in self.realization_years:
            return self.realization_years[year]
        return self.columns.get("realization")

    def get(self, values: list, name: str):
        idx = self.columns.get(name)
        if idx is None or idx >= len(values):
            return None
        return values[idx]


# The first letters of those, on the text as written: most data cells stop here.
_ANCHOR_START = re.compile(r"[\W_]*(f[\W_]*a|e[\W_]*y|p[\W_]*e|g[\W_]*[öo])", re.I)
_ANCHORS = re.compile(r"^((faaliyet|eylem)(ler|in)?(adı)?|(performans)?gösterge(ler|si)?)$")


def find_header(row_idx: int, values: list) -> HeaderMap | None:
    """The column map if this row is a header row (it names the activity or the
    indicator column, and most of its cells are headers we know), else None."""
    if not any(
        type(v) is str and len(v) <= 60 and _ANCHOR_START.match(v) and _ANCHORS.match(header_key(v))
        for v in values
    ):
        return None  # the quick answer for the thousands of data rows
    found: dict[str, int] = {}
    years: dict[int, int] = {}
    texts: dict[int, str] = {}
    real_year = None
    real_years: dict[int, int] = {}
    for idx, value in enumerate(values):
        if value is None or (isinstance(value, int | Decimal) and not 2000 <= value <= 2100):
            continue
        kind = classify_header(value)
        if kind is None:
            continue
        name, year = kind
        texts[idx] = clean_text(value)
        if name == "target" and year:
            years.setdefault(year, idx)
            continue
        if name == "realization":
            real_year = real_year or year
            if year:
                real_years.setdefault(year, idx)
                if len(real_years) > 1:
                    continue  # several years' realization columns: kept by year only
        found.setdefault(name, idx)
    recognised = len(texts)
    non_empty = sum(1 for v in values if v is not None and clean_text(v))
    if recognised < 2 or not ({"activity", "indicator"} & found.keys()):
        return None
    if recognised < 0.6 * non_empty:  # a data row that happens to say "Gösterge"
        return None
    return HeaderMap(
        row=row_idx,
        columns=found,
        target_years=years,
        realization_year=real_year,
        realization_years=real_years,
        texts=texts,
        signature=frozenset(found) | frozenset(years),
    )


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
