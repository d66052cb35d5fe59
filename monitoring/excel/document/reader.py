"""A plan from its Word document: the upload checked as a .docx package
(document/package.py), its body read by python-docx in the limited child process
(monitoring/excel/isolation.py, document/extract.py), and laid out as one sheet of rows
(document/layout.py) that the plan recognizer reads as it reads an xlsx sheet.

:func:`open_plan_file` is what the plan import opens: a Word document gives a
:class:`DocumentBook`, anything else goes to the xlsx reader (and its messages); an old
binary Word file (.doc) is refused here."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from ..issues import Place, Sheet, WorkbookError, WorkbookIssue
from ..package import _MAX_PARTS, _looks_like_text, _too_big
from ..reader import _child_issue, _read_bytes, open_workbook, reader_stats
from .layout import Laid, Origin, lay_out
from .package import looks_like_docx, scan_document

logger = logging.getLogger(__name__)

SHEET = "Word belgesi"
_OLE2 = b"\xd0\xcf\x11\xe0"
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass
class DocumentBook:
    """A checked Word document, read like a workbook of one sheet: the document."""

    data: bytes
    worksheets: list[Sheet]
    laid: Laid | None = None
    notes: list[WorkbookIssue] = field(default_factory=list)

    def sheet_rows(self, sheet: Sheet) -> tuple[list[list], list]:
        if self.laid is None:
            self.laid = lay_out(_read_in_child(self.data), settings.IMPORT_MAX_CELLS)
            self.data = b""
            self.notes = self.laid.notes
        return self.laid.rows, self.laid.merged

    def origin(self, row: int | None) -> Origin | None:
        if self.laid is None or row is None or not 0 < row <= len(self.laid.origins):
            return None
        return self.laid.origins[row - 1]

    def relocate(self, issue) -> None:
        """An issue or SourceRef naming a sheet row, made to name the table and its row
        (or the paragraph) in the document."""
        if issue.sheet != SHEET:
            return
        origin = self.origin(issue.row)
        if origin is None:
            issue.sheet = Place(SHEET)
        elif origin.table is not None:
            issue.sheet, issue.row = Place(f"{SHEET}, {origin.table}. tablo"), origin.row
        else:
            issue.sheet, issue.row = Place(f"{SHEET}, “{origin.paragraph}” paragrafı"), None


def open_plan_file(source, *, max_bytes: int | None = None):
    """The plan upload opened: a DocumentBook for a Word document, else the xlsx Book
    (open_workbook's checks and messages); WorkbookError in Turkish otherwise."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    size = getattr(source, "size", None)
    if size is not None and size > max_bytes:
        raise WorkbookError(_too_big(size, max_bytes))
    try:
        data = _read_bytes(source, max_bytes)
    except OSError as exc:
        raise WorkbookError(f"Dosya okunamadı: {exc.strerror or exc}.") from exc
    _refuse_other_kinds(data)
    if len(data) <= max_bytes and data[:2] == b"PK":
        if _is_docx(data):
            return open_document(data, max_bytes=max_bytes)
        if b"word/document.xml" in data and b"xl/workbook.xml" not in data:
            raise WorkbookError(
                "Dosya bozuk: Word belgesi (.docx) olarak açılamadı; zip paketi eksik ya da "
                "hatalı. Word'de açıp yeniden kaydedin."
            )
    return open_workbook(data, max_bytes=max_bytes)


def _refuse_other_kinds(head: bytes) -> None:
    """An old Word file, a password-protected Office file, or text: the plan's own
    messages (the xlsx reader tells the rest). The names of an OLE2 file's streams may
    be anywhere in it (its directory is often at the end)."""
    if head[:4] == _OLE2 and _ENCRYPTED in head:
        raise WorkbookError(
            "Dosya parolayla korunuyor (şifreli Office belgesi); açılamaz. Parolayı kaldırıp "
            "(Dosya > Bilgi > Belgeyi Koru) yeniden kaydedin ve yükleyin."
        )
    if head[:4] == _OLE2 and _WORD_STREAM in head:
        raise WorkbookError(
            "Bu dosya eski Word biçiminde (.doc). Word'de açıp “Farklı Kaydet > Word Belgesi "
            "(.docx)” ile kaydedip yeniden yükleyin."
        )
    if head and head[:2] != b"PK" and head[:4] != _OLE2:
        text = _looks_like_text(head[:2048])
        kind = "CSV ya da metin dosyası" if text else "tanınmayan bir dosya"
        raise WorkbookError(
            f"Bu dosya bir Excel çalışma kitabı (.xlsx) değil, Word belgesi (.docx) de değil; "
            f"{kind} gibi görünüyor. Tabloyu Excel'de .xlsx ya da Word'de .docx olarak kaydedin."
        )


def _is_docx(data: bytes) -> bool:
    if data.count(b"PK\x01\x02") > _MAX_PARTS:
        return False  # open_workbook says why
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return looks_like_docx(zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return False


def open_document(data: bytes, *, max_bytes: int, max_items: int | None = None) -> DocumentBook:
    """The document checked before python-docx reads it (package.scan_document)."""
    max_items = max_items or settings.IMPORT_MAX_CELLS
    if len(data) > max_bytes:
        raise WorkbookError(_too_big(len(data), max_bytes))
    name, _scan = scan_document(data, max_bytes, max_items)
    return DocumentBook(data=data, worksheets=[Sheet(title=SHEET, path=name)])


def _read_in_child(data: bytes) -> list:
    from ..isolation import ChildFailed, read_document

    timeout = getattr(settings, "IMPORT_READ_TIMEOUT", 60)
    memory = getattr(settings, "IMPORT_READ_MEMORY_BYTES", 1 << 30)
    try:
        blocks, rss = read_document(
            data,
            timeout=timeout,
            memory_bytes=memory,
            max_blocks=settings.IMPORT_MAX_CELLS,
            python=getattr(settings, "IMPORT_READ_PYTHON", ""),
        )
    except ChildFailed as exc:
        logger.warning("document reader child failed: %s", exc)
        issue = _child_issue(exc, [], timeout, memory)
        issue.message = issue.message.replace("Excel okuyucusu", "Word okuyucusu").replace(
            "Excel'de", "Word'de"
        )
        issue.part = "word/document.xml"
        raise WorkbookError(issue) from None
    reader_stats["runs"] += 1
    reader_stats["max_rss_kb"] = rss
    if blocks and blocks[-1] == ["limit"]:
        raise WorkbookError(
            WorkbookIssue(
                f"Belge {settings.IMPORT_MAX_CELLS} hücre ve paragraf sınırını aşıyor.",
                part="word/document.xml",
            )
        )
    return blocks


def relocated(book, parse: Callable):
    """``parse()``'s result with every issue and row source naming the document's table
    and row (for a DocumentBook; anything else as it is)."""
    if not isinstance(book, DocumentBook):
        return parse()
    try:
        result = parse()
    except WorkbookError as exc:
        if book.laid is not None and not any(o.table for o in book.laid.origins):
            raise WorkbookError(
                "Belgede plan tablosu bulunamadı: “Faaliyet” (ya da “Eylem”) ve “Gösterge”, "
                "“Sorumlu birim”, yıl gibi sütun başlıkları olan bir Word tablosu olmalı."
                + "".join(f"\n{note}" for note in book.notes)
            ) from None
        for issue in exc.issues:
            book.relocate(issue)
        raise WorkbookError(exc.issues) from None
    result.warnings[:0] = book.notes
    for issue in [*result.warnings, *result.errors]:
        book.relocate(issue)
    for row in result.rows:
        book.relocate(row.source)
    return result
