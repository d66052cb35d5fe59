"""The check of an uploaded xlsx package before any cell reader sees it: the zip
directory (sizes, ratios, one name per part), every part unpacked as a counted stream,
every XML part parsed with expat refusing DTDs and entities; the sheets give their used
area and cell count, the shared strings their count and lengths."""

from __future__ import annotations

import logging
import posixpath
import pyexpat
import re
import zipfile
from collections.abc import Iterator

from openpyxl.utils import column_index_from_string

from plans.text import tr_int

from .issues import Sheet, WorkbookError, WorkbookIssue

logger = logging.getLogger(__name__)

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


def _scan_other_parts(pkg: _Package) -> None:
    """Every part not read yet: unpacked (size and ratio limits), CRC checked, and each
    XML part parsed, so no DOCTYPE hides in any of them. The workbook's and the Word
    document's scans end with it."""
    for name in pkg.infos:
        if name in pkg.read:
            continue
        if name.endswith((".xml", ".rels", ".vml")):
            _parse_part(pkg, name, None)
        else:
            for _ in pkg.chunks(name):
                pass


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
    scan = _SheetScan(sheet, percent_styles, budget)
    try:
        _parse_part(pkg, sheet.path, scan.start, sheet=sheet.title, bind=scan.bind)
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
    errors = sheet.errors
    for key, value in errors.items():
        errors[key] = value.strip()
    sheet.rows, sheet.columns = scan.max_row, scan.max_col
    sheet.cells, sheet.merges = scan.cells, scan.merges


class _SheetScan:
    """The state of one sheet's pass and its expat start handler."""

    __slots__ = (
        "sheet",
        "percent_styles",
        "budget",
        "kinds",
        "columns",
        "row",
        "col",
        "max_row",
        "max_col",
        "cells",
        "merges",
        "row_text",
        "error_cell",
        "error_key",
        "parser",
    )

    def __init__(self, sheet: Sheet, percent_styles: frozenset[str], budget: int):
        self.sheet, self.percent_styles, self.budget = sheet, percent_styles, budget
        self.kinds: dict[str, str] = {}
        self.columns: dict[str, int] = {}
        self.row = self.col = self.max_row = self.max_col = self.cells = self.merges = 0
        self.row_text = ""
        self.error_cell: tuple[int, int] | None = None
        self.error_key: tuple[int, int] | None = None
        self.parser = None

    def bind(self, parser) -> None:
        self.parser = parser

    def start(self, name, attrs) -> None:
        if self.error_key is not None:
            self.error_key = None
            self.parser.CharacterDataHandler = None
        kind = self.kinds.get(name)
        if kind is None:
            kind = self.kinds[name] = _local(name)
        if kind == "c":
            self.cell(attrs)
        elif kind == "row":
            self.new_row(attrs.get("r"))
        elif kind == "v":
            if self.error_cell is not None:
                self.error_key = self.error_cell
                self.sheet.errors[self.error_key] = ""
                self.parser.CharacterDataHandler = self.error_text
        elif kind == "mergeCell":
            self.merges += 1
            if self.merges > self.budget:
                raise _Refused(
                    f"Birleştirilmiş hücre sayısı {tr_int(self.budget)} sınırını aşıyor."
                )
        elif kind == "dimension":
            self.sheet.declared = (attrs.get("ref") or "")[:40]

    def cell(self, attrs) -> None:
        ref = attrs.get("r")
        if ref is None:
            self.col = col = self.col + 1
            if col > _MAX_COL:
                raise _Refused(f"{self.row}. satırda {_MAX_COL} sütundan fazla hücre var.")
        else:
            letters = ref.rstrip(_DIGITS)
            col = self.columns.get(letters)
            if col is None:
                col = self.columns[letters] = _column_number(letters, ref)
            self.col = col
            digits = ref[len(letters) :]
            if digits != self.row_text:
                self.row = _row_number(digits)
                self.row_text = digits
        row = self.row
        self.cells = cells = self.cells + 1
        if cells > self.budget:
            raise _TooManyCells(row)
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col
        t = attrs.get("t")
        if t is None or t == "s" or t == "n":
            self.error_cell = None
        elif t == "e":
            self.error_cell = (row, col - 1)
        else:
            self.error_cell = None
            self.sheet.typed_text = True
        if self.percent_styles and attrs.get("s") in self.percent_styles:
            self.sheet.percents.add((row, col - 1))

    def new_row(self, ref) -> None:
        if ref is None:
            self.row += 1
            if self.row > _MAX_ROW:
                raise _Refused(f"Sayfa Excel'in {_MAX_ROW} satır sınırını aşıyor.")
            self.row_text = str(self.row)
        elif ref != self.row_text:
            self.row = _row_number(ref)
            self.row_text = ref
        self.col = 0

    def error_text(self, data) -> None:
        self.sheet.errors[self.error_key] += data[:64]


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
