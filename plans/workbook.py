"""Reading uploaded workbooks safely: file type, size and cell limits, cached values of
formulas, error values, percent-formatted cells, and header recognition by text.

Every problem becomes a ``WorkbookIssue`` with sheet, row and column, in Turkish.
"""

from __future__ import annotations

import datetime
import html
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from django.conf import settings
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from .text import clean_text, tr_fold, tr_int

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


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "chunks"):  # Django UploadedFile
        return b"".join(source.chunks())
    return source.read()


@dataclass
class Sheet:
    """One worksheet of an uploaded workbook: its title, where its XML is, and what the
    pre-scan of that XML found (size, error cells, percent-formatted cells)."""

    title: str
    path: str
    rows: int = 0
    columns: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col0) -> "#N/A"
    percents: set[tuple[int, int]] = field(default_factory=set)  # (row, col0)


@dataclass
class Book:
    """An uploaded workbook checked for type, size and cell limits; its cells are read
    with calamine (Rust), about ten times faster than openpyxl's read-only mode."""

    data: bytes
    worksheets: list[Sheet]
    _calamine: object = None

    def sheet_rows(self, sheet: Sheet) -> tuple[list[list], list]:
        """Every row of the sheet from A1, padded to the same width, and its merged
        ranges ((top, left), (bottom, right)), 0-based."""
        if self._calamine is None:
            self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
        try:
            cs = self._calamine.get_sheet_by_name(sheet.title)
            rows = cs.to_python(skip_empty_area=False)
            merged = cs.merged_cell_ranges or []
        except CalamineError as exc:
            raise WorkbookError(
                WorkbookIssue(
                    f"Sayfa okunamadı ({exc.__class__.__name__}); dosya bozuk olabilir.",
                    sheet=sheet.title,
                )
            ) from exc
        return rows, merged


def open_workbook(source, *, max_bytes: int | None = None, max_cells: int | None = None) -> Book:
    """The workbook's sheets, checked before any cell is read, or WorkbookError in
    Turkish: not an xlsx, too big (file, unpacked content, or cells)."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    max_cells = max_cells or settings.IMPORT_MAX_CELLS
    size = getattr(source, "size", None)
    if size is not None and size > max_bytes:
        raise WorkbookError(_too_big(size, max_bytes))
    data = _read_bytes(source)
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
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                raise WorkbookError(
                    "Bu dosya bir Excel çalışma kitabı (.xlsx) değil (Word ya da başka bir "
                    "Office belgesi olabilir)."
                )
            unpacked = sum(i.file_size for i in zf.infolist())
            if unpacked > max_bytes * 40:
                raise WorkbookError(_too_big(unpacked, max_bytes * 40, unpacked=True))
            sheets = _worksheets(zf, names)
            percent_styles = _percent_styles(zf, names)
            for sheet in sheets:
                _scan_sheet(zf, sheet, percent_styles)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, KeyError, ET.ParseError, EOFError, zlib.error) as exc:
        raise WorkbookError("Dosya bozuk: .xlsx olarak açılamadı.") from exc
    for sheet in sheets:
        if sheet.rows * sheet.columns > max_cells:
            raise WorkbookError(
                WorkbookIssue(
                    f"Sayfa {sheet.rows} satır × {sheet.columns} sütun = "
                    f"{tr_int(sheet.rows * sheet.columns)} hücre; sınır "
                    f"{tr_int(max_cells)} hücre. Yalnızca plan tablosunu içeren bir dosya "
                    "yükleyin.",
                    sheet=sheet.title,
                )
            )
    return Book(data=data, worksheets=sheets)


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _worksheets(zf: zipfile.ZipFile, names: set[str]) -> list[Sheet]:
    """The workbook's worksheets in tab order (chart sheets left out), with the path of
    each one's XML."""
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        for rel in rels.iter(_NS_PKG + "Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = posixpath.normpath(target)
    sheets = []
    for el in book.iter(_NS_MAIN + "sheet"):
        path = targets.get(el.get(_NS_REL + "id"), "")
        if path in names and "/worksheets/" in path:
            sheets.append(Sheet(title=el.get("name", ""), path=path))
    return sheets


_BUILTIN_PERCENT = {"9", "10"}


def _percent_styles(zf: zipfile.ZipFile, names: set[str]) -> frozenset[bytes]:
    """Style indexes (the ``s`` of a cell) whose number format shows a percent."""
    if "xl/styles.xml" not in names:
        return frozenset()
    root = ET.fromstring(zf.read("xl/styles.xml"))
    percent_ids = set(_BUILTIN_PERCENT)
    for fmt in root.iter(_NS_MAIN + "numFmt"):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent_ids.add(fmt.get("numFmtId"))
    xfs = root.find(_NS_MAIN + "cellXfs")
    if xfs is None:
        return frozenset()
    return frozenset(
        str(i).encode()
        for i, xf in enumerate(xfs.iter(_NS_MAIN + "xf"))
        if xf.get("numFmtId", "0") in percent_ids
    )


_CELL_COL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})\d')
_ROW_REF = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_ERROR_CELL = re.compile(
    rb'<c\b(?=[^>]*\bt="e")[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>',
    re.S,
)
_CHUNK = 1 << 22


def _scan_sheet(zf: zipfile.ZipFile, sheet: Sheet, percent_styles: frozenset[bytes]) -> None:
    """One streaming pass over a sheet's XML, before calamine reads it: the size of the
    used area (so a stray cell in XFD1048576 is refused, not allocated), the error values
    of formula cells (calamine reads them as empty) and the percent-formatted cells."""
    percent_cell = None
    if percent_styles:
        ids = b"|".join(sorted(percent_styles))
        percent_cell = re.compile(
            rb'<c\b(?=[^>]*?\bs="(?:' + ids + rb')")[^>]*?\br="([A-Z]{1,3})(\d+)"'
        )
    max_row = 0
    max_col = b""
    tail = b""
    with zf.open(sheet.path) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            data = tail + chunk
            if chunk:
                cut = data.rfind(b"<c ")  # the last cell may be cut in two: keep it
                if cut <= 0:
                    cut = max(0, data.rfind(b"<"))
                data, tail = data[:cut], data[cut:]
            rows = _ROW_REF.findall(data)
            if rows:
                max_row = max(max_row, *map(int, rows))
            for letters in set(_CELL_COL.findall(data)):
                if (len(letters), letters) > (len(max_col), max_col):
                    max_col = letters
            if b't="e"' in data:
                for letters, row, text in _ERROR_CELL.findall(data):
                    col = column_index_from_string(letters.decode()) - 1
                    sheet.errors[(int(row), col)] = html.unescape(text.decode())
            if percent_cell is not None:
                for letters, row in percent_cell.findall(data):
                    col = column_index_from_string(letters.decode()) - 1
                    sheet.percents.add((int(row), col))
            if not chunk:
                break
    sheet.rows = max_row
    sheet.columns = column_index_from_string(max_col.decode()) if max_col else 0


def _too_big(size: int, limit: int, unpacked: bool = False) -> str:
    what = "Açılmış içerik" if unpacked else "Dosya"
    return f"{what} çok büyük: {size / 1048576:.1f} MB; sınır {limit / 1048576:.1f} MB.".replace(
        ".", ","
    )


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
    merges: dict[int, list[tuple[int, int]]] = {}
    for (r1, c1), (r2, c2) in merged:
        if r2 > r1:
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
