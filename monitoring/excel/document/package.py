"""The check of an uploaded Word document (.docx) before python-docx sees it, the same
as an xlsx gets (monitoring/excel/package.py): the zip directory (one name per part, no
encryption, deflate only, sizes and compression ratios), every part unpacked as a
counted stream, every XML part parsed with expat refusing DTDs and entities; the main
document part gives its number of table cells and paragraphs and how deep its tables
nest. Every refusal is a WorkbookError in Turkish naming the part."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from django.conf import settings

from plans.text import tr_int

from ..issues import WorkbookError, WorkbookIssue
from ..package import (
    _MAX_RATIO,
    _local,
    _Package,
    _parse_part,
    _parse_small,
    _Refused,
    _scan_other_parts,
)

OFFICE_DOCUMENT = "officeDocument"
MAIN_PART = "word/document.xml"
_MAX_NESTING = 5  # tables inside table cells, deeper than any plan


def looks_like_docx(zf: zipfile.ZipFile) -> bool:
    """A zip with Word's parts (word/...) and no workbook: a Word document to check."""
    names = zf.namelist()
    return "xl/workbook.xml" not in names and any(n.startswith("word/") for n in names)


class DocumentScan:
    """The counts of one pass over the main part."""

    def __init__(self, max_items: int):
        self.max_items = max_items
        self.kinds: dict[str, str] = {}  # "w:tc" -> "tc", once per name
        self.cells = self.paragraphs = self.depth = self.max_depth = 0

    def start(self, tag, _attrs) -> None:
        local = self.kinds.get(tag)
        if local is None:
            local = self.kinds[tag] = _local(tag)
        if local == "tc":
            self.cells += 1
        elif local == "p":
            self.paragraphs += 1
        elif local == "tbl":
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)
            if self.depth > _MAX_NESTING:
                raise _Refused(
                    f"Tablolar {_MAX_NESTING} kattan derin iç içe; bir plan tablosu böyle olmaz."
                )
        else:
            return
        if self.cells + self.paragraphs > self.max_items:
            raise _Refused(
                f"Belge {tr_int(self.max_items)} hücre ve paragraf sınırını aşıyor. Yalnızca plan "
                "tablolarını içeren bir belge yükleyin."
            )

    def end(self, tag) -> None:
        if self.kinds.get(tag) == "tbl":
            self.depth -= 1


def scan_document(data: bytes, max_bytes: int, max_items: int) -> tuple[str, DocumentScan]:
    """The main part's name and its counts, after every part of the package was unpacked,
    counted and (XML) parsed once; WorkbookError otherwise."""
    max_unpacked = getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", max_bytes * 40)
    pkg = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            pkg = _Package(zf, max_unpacked, getattr(settings, "IMPORT_MAX_RATIO", _MAX_RATIO))
            name = _main_from_relationships(pkg)
            scan = DocumentScan(max_items)
            _parse_part(pkg, name, scan.start, bind=lambda p: _bind_end(p, scan))
            _scan_other_parts(pkg)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError) as exc:
        raise WorkbookError(
            WorkbookIssue(
                "Dosya bozuk: Word belgesi (.docx) olarak açılamadı; zip paketi eksik ya da "
                "hatalı. Word'de açıp yeniden kaydedin.",
                part=pkg.current if pkg is not None else "",
            )
        ) from exc
    except (ValueError, KeyError, NotImplementedError, RuntimeError) as exc:
        raise WorkbookError(
            WorkbookIssue(
                f"Dosya bozuk: .docx paketi okunamadı ({exc.__class__.__name__}).",
                part=pkg.current if pkg is not None else "",
            )
        ) from exc
    return name, scan


def _bind_end(parser, scan: DocumentScan) -> None:
    parser.EndElementHandler = scan.end


def _main_from_relationships(pkg: _Package) -> str:
    """The main document part named by the package's relationships (word/document.xml
    as Word writes it)."""
    name = ""
    if "_rels/.rels" in pkg.infos:
        for _, rel in _parse_small(pkg, "_rels/.rels", {"Relationship"}):
            if rel.get("Type", "").endswith("/" + OFFICE_DOCUMENT):
                name = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                break
    if name not in pkg.infos or not name.startswith("word/"):
        raise WorkbookError(
            WorkbookIssue(
                "Bu dosya bir Word belgesi (.docx) değil ya da bozuk: paketin ilişkileri ana "
                "belgeyi (word/document.xml) göstermiyor. Word'de açıp “Farklı Kaydet > Word "
                "Belgesi (.docx)” ile kaydedin.",
                part="_rels/.rels",
            )
        )
    return name
