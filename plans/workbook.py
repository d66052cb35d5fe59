"""Reading uploaded workbooks safely: file type, size and cell limits, cached values of
formulas, error values, percent-formatted cells, and header recognition by text.

Every problem becomes a ``WorkbookIssue`` with sheet, row and column, in Turkish.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

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


def open_workbook(source, *, max_bytes: int | None = None, max_cells: int | None = None):
    """A read-only workbook with cached values, or WorkbookError in Turkish."""
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
    except zipfile.BadZipFile as exc:
        raise WorkbookError("Dosya bozuk: .xlsx olarak açılamadı.") from exc
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on broken files
        raise WorkbookError(f"Dosya .xlsx olarak açılamadı ({exc.__class__.__name__}).") from exc
    for ws in wb.worksheets:
        try:
            rows, cols = ws.max_row or 0, ws.max_column or 0
        except Exception:  # noqa: BLE001 - dimension missing or invalid
            rows, cols = 0, 0
        if rows * cols > max_cells:
            raise WorkbookError(
                WorkbookIssue(
                    f"Sayfa {rows} satır × {cols} sütun = {tr_int(rows * cols)} hücre; sınır "
                    f"{tr_int(max_cells)} hücre. Yalnızca plan tablosunu içeren bir dosya "
                    "yükleyin.",
                    sheet=ws.title,
                )
            )
    return wb


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


@dataclass
class SheetCell:
    value: object
    percent: bool = False


def cell_value(cell) -> object:
    """A cell's value as the importer wants it: ints for whole numbers, "%8.2" for a
    percent-formatted number, stripped text; error values stay as their text."""
    value = getattr(cell, "value", None)
    if value is None or type(value) is str:  # the common cases first
        return value
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if isinstance(value, float | int):
        fmt = getattr(cell, "number_format", "") or ""
        if "%" in re.sub(r'"[^"]*"|\\.', "", fmt):  # a real percent format, not "%" text
            pct = (Decimal(str(value)) * 100).normalize()
            return "%" + format(pct, "f").replace(".", ",")
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            return Decimal(repr(value))
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)


_MERGE_RE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def vertical_merges(ws) -> dict[int, list[tuple[int, int]]]:
    """Cells merged down (an activity over its indicator rows, Narlıdere's AMAÇ over its
    actions): {column index: [(top row, bottom row), ...]}. Read-only worksheets do not
    expose merged ranges, so they are read from the sheet's XML."""
    path = getattr(ws, "_worksheet_path", None)
    if path is None:
        return {}
    with ws.parent._archive.open(path) as fh:
        data = fh.read()
    merges: dict[int, list[tuple[int, int]]] = {}
    for c1, r1, c2, r2 in _MERGE_RE.findall(data):
        top, bottom = int(r1), int(r2)
        if bottom > top:
            first = column_index_from_string(c1.decode()) - 1
            last = column_index_from_string(c2.decode()) - 1
            for col in range(first, last + 1):
                merges.setdefault(col, []).append((top, bottom))
    return merges


def iter_sheet_rows(ws, *, max_cells: int, counter: list[int]) -> Iterator[tuple[int, list]]:
    """(row number, values) for every row, a cell merged down carrying its value on every
    row it covers; stops with WorkbookError past max_cells."""
    merges = vertical_merges(ws)
    starts = {(top, col): bottom for col, spans in merges.items() for top, bottom in spans}
    carry: dict[int, tuple[int, object]] = {}  # column -> (last row covered, value)
    for row_idx, row in enumerate(ws.iter_rows(), start=1):
        counter[0] += len(row)
        if counter[0] > max_cells:
            raise WorkbookError(
                WorkbookIssue(
                    f"Dosya {tr_int(max_cells)} hücre sınırını aşıyor.",
                    sheet=ws.title,
                    row=row_idx,
                )
            )
        values = [cell_value(c) for c in row]
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
    return isinstance(value, str) and value.strip() in EXCEL_ERRORS


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


_ANCHORS = re.compile(r"^((faaliyet|eylem)(ler|in)?(adı)?|(performans)?gösterge(ler|si)?)$")


def find_header(row_idx: int, values: list) -> HeaderMap | None:
    """The column map if this row is a header row (it names the activity or the
    indicator column, and most of its cells are headers we know), else None."""
    if not any(
        isinstance(v, str) and len(v) <= 60 and _ANCHORS.match(header_key(v)) for v in values
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
