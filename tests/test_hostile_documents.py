"""Hostile Word files (.docx, .doc) through the plan import and the admin upload: each
refused with a Turkish message that says what and where, never a traceback or a 500,
nothing stored; the package checked before python-docx sees it, python-docx in the
limited child process."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.excel.document.reader import open_plan_file
from monitoring.excel.plan_table import import_plan
from monitoring.excel.reader import WorkbookError, reader_stats
from plans.models import Municipality

from . import documents as D
from .excel_helpers import snapshot

TURKISH = re.compile(r"[çğıöşüÇĞİÖŞÜ]")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def body(inner: str, decl: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'):
    return f'{decl}<w:document xmlns:w="{W_NS}"><w:body>{inner}</w:body></w:document>'.encode()


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def cell_xml(text: str) -> str:
    return f"<w:tc>{para(text)}</w:tc>"


def table_xml(rows: list[list[str]]) -> str:
    return (
        "<w:tbl>"
        + "".join("<w:tr>" + "".join(map(cell_xml, r)) + "</w:tr>" for r in rows)
        + "</w:tbl>"
    )


def _zip_bomb() -> bytes:
    """word/document.xml unpacking to 200 MB of blanks (written as a stream)."""
    base = D.minimal_docx(body(para("x")))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info.filename, zin.read(info), zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(info, "w") as fh:
            fh.write(body("").replace(b"</w:body>", b""))
            blanks = b" " * (1 << 20)
            for _ in range(200):
                fh.write(blanks)
            fh.write(b"</w:body></w:document>")
    return out.getvalue()


_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
_XXE = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _with_part(name: str, data: bytes) -> bytes:
    base = D.minimal_docx(body(para("x")))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == name else zin.read(info))
    return out.getvalue()


def _without(*names: str) -> bytes:
    base = D.minimal_docx(body(para("x")))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename not in names:
                zout.writestr(info.filename, zin.read(info))
    return out.getvalue()


def _nested(depth: int) -> bytes:
    inner = para("Faaliyet")
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    return D.minimal_docx(body(inner))


def _ole(stream: str, before: int = 0) -> bytes:
    """An OLE2 file whose directory (naming ``stream``) comes after ``before`` bytes."""
    head = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504 + before)
    return head + stream.encode("utf-16-le") + bytes(4096)


# name -> (file name, bytes, what the message says, the part it names or "")
CORPUS = {
    "zip_bomb": ("plan.docx", _zip_bomb, "zip bombası", "word/document.xml"),
    "billion_laughs": (
        "plan.docx",
        lambda: D.minimal_docx(body(para("&lol9;"), decl=_LAUGHS)),
        "DOCTYPE",
        "word/document.xml",
    ),
    "xxe": (
        "plan.docx",
        lambda: D.minimal_docx(body(para("&xxe;"), decl=_XXE)),
        "DOCTYPE",
        "word/document.xml",
    ),
    "doctype_in_styles": (
        "plan.docx",
        lambda: _with_part("word/styles.xml", (_XXE + f'<w:styles xmlns:w="{W_NS}"/>').encode()),
        "DOCTYPE",
        "word/styles.xml",
    ),
    "broken_xml": (
        "plan.docx",
        lambda: D.minimal_docx(body(para("x"))[:-30]),
        "XML okunamadı",
        "word/document.xml",
    ),
    "iso_8859_9": (
        "plan.docx",
        lambda: D.minimal_docx(
            body(para("Eğitim"), decl='<?xml version="1.0" encoding="ISO-8859-9"?>\n')
        ),
        "ISO-8859-9",
        "word/document.xml",
    ),
    "nested_tables": ("plan.docx", lambda: _nested(8), "iç içe", "word/document.xml"),
    "no_main_document": (
        "plan.docx",
        lambda: _without("word/document.xml"),
        "ana belgeyi",
        "_rels/.rels",
    ),
    "not_wordprocessing_xml": (
        "plan.docx",
        lambda: D.minimal_docx(b'<?xml version="1.0"?><document/>'),
        "Word okuyucusu dosyayı reddetti",
        "word/document.xml",
    ),
    "truncated": (
        "plan.docx",
        lambda: D.minimal_docx(body(table_xml([["Faaliyet", "Gösterge"]] * 300)))[:-400],
        "Word belgesi (.docx) olarak açılamadı",
        "",
    ),
    "old_doc": ("plan.doc", lambda: _ole("WordDocument"), "eski Word biçiminde (.doc)", ""),
    "old_doc_directory_at_the_end": (
        "plan.doc",
        lambda: _ole("WordDocument", before=3 << 20),
        "eski Word biçiminde (.doc)",
        "",
    ),
    "encrypted": ("plan.docx", lambda: _ole("EncryptedPackage"), "parolayla korunuyor", ""),
    "text_named_docx": (
        "plan.docx",
        lambda: "Faaliyet\tGösterge\n".encode(),
        "Word belgesi (.docx) de değil",
        "",
    ),
    "long_cell": (
        "plan.docx",
        lambda: D.minimal_docx(body(table_xml([["Faaliyet", "Gösterge"], ["x" * 40_000, "y"]]))),
        "32.767 karakterden uzun",
        "",
    ),
    "wide_row": (
        "plan.docx",
        lambda: D.minimal_docx(
            body(
                table_xml([["Faaliyet", "Gösterge"]])
                + "<w:tbl><w:tr>"
                + "<w:tc><w:tcPr><w:gridSpan w:val='1000'/></w:tcPr><w:p/></w:tc>" * 50
                + "</w:tr></w:tbl>"
            )
        ),
        "200 sütundan geniş",
        "",
    ),
    "no_table": (
        "plan.docx",
        lambda: D.minimal_docx(body(para("Bu belgede tablo yok."))),
        "Belgede plan tablosu bulunamadı",
        "",
    ),
}


def assert_turkish(message: str) -> None:
    assert message.strip()
    assert "Traceback" not in message and "Error:" not in message, message
    assert TURKISH.search(message), message


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_plan_import_refuses_each_with_a_message(name):
    _, make, fragment, part = CORPUS[name]
    data = make()
    before = snapshot(), Municipality.objects.count()
    with pytest.raises(WorkbookError) as exc:
        import_plan(source=data, municipality_name="Saldırı Belediyesi")
    message = str(exc.value)
    assert_turkish(message)
    assert fragment in message, message
    if part:
        assert f"dosyanın {part} bölümü" in message, message
    assert (snapshot(), Municipality.objects.count()) == before


def test_a_long_cell_names_its_table_row_and_column():
    _, make, _, _ = CORPUS["long_cell"]
    with pytest.raises(WorkbookError) as exc:
        book = open_plan_file(make())
        book.sheet_rows(book.worksheets[0])
    assert str(exc.value).startswith("Word belgesi, 1. tablo, 2. satır, 1. sütunu")


def test_the_package_is_checked_before_python_docx_reads_it():
    runs = reader_stats["runs"]
    for name in ("zip_bomb", "billion_laughs", "xxe", "nested_tables", "no_main_document"):
        with pytest.raises(WorkbookError):
            open_plan_file(CORPUS[name][1]())
    assert reader_stats["runs"] == runs  # no child was started for any of them


def test_more_cells_and_paragraphs_than_the_limit(settings):
    settings.IMPORT_MAX_CELLS = 1000
    data = D.minimal_docx(body(table_xml([["Faaliyet", "Gösterge", "2024"]] * 400)))
    with pytest.raises(WorkbookError) as exc:
        open_plan_file(data)
    assert "1.000 hücre ve paragraf sınırını aşıyor" in str(exc.value)


def test_a_child_past_its_time_is_a_message(settings, tmp_path):
    data = D.narlidere_document(tmp_path / "n.docx").read_bytes()
    book = open_plan_file(data)
    settings.IMPORT_READ_TIMEOUT = 0.001
    with pytest.raises(WorkbookError) as exc:
        book.sheet_rows(book.worksheets[0])
    assert "Dosya okunamadı: okuma 0.001 saniye içinde bitmedi" in str(exc.value)
    assert "Word'de açıp" in str(exc.value)


def test_a_child_that_cannot_start_is_a_message(settings, tmp_path):
    book = open_plan_file(D.narlidere_document(tmp_path / "n.docx").read_bytes())
    settings.IMPORT_READ_MEMORY_BYTES = 4 << 20
    with pytest.raises(WorkbookError) as exc:
        book.sheet_rows(book.worksheets[0])
    assert "Dosya okunamadı: okuyucu başlatılamadı" in str(exc.value)


def test_the_reading_child_stays_small(tmp_path):
    book = open_plan_file(D.mersin_document(tmp_path / "m.docx").read_bytes())
    book.sheet_rows(book.worksheets[0])
    assert 0 < reader_stats["max_rss_kb"] < 300 * 1024


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["zip_bomb", "billion_laughs", "old_doc", "encrypted", "not_wordprocessing_xml"]
)
def test_the_admin_upload_shows_the_message(admin_client_tr, name):
    file_name, make, fragment, _ = CORPUS[name]
    before = snapshot()
    response = admin_client_tr.post(
        reverse("admin:plans_plan_import"),
        {
            "file": SimpleUploadedFile(file_name, make(), content_type=DOCX),
            "municipality": "Saldırı Belediyesi",
        },
    )
    assert response.status_code == 200
    assert "Traceback" not in response.text
    assert any(fragment in str(i) for i in response.context["errors"])
    assert snapshot() == before


@pytest.mark.django_db
def test_the_realization_upload_refuses_a_word_document(admin_client_tr, tmp_path):
    data = D.mersin_document(tmp_path / "m.docx").read_bytes()
    response = admin_client_tr.post(
        reverse("admin:monitoring_realization_workbook_import"),
        {"file": SimpleUploadedFile("m.docx", data, content_type=DOCX), "year": 2024},
    )
    assert response.status_code == 200
    assert "Yalnızca Excel çalışma kitabı (.xlsx) yüklenebilir" in response.text
