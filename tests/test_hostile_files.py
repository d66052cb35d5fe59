"""Hostile uploads (tests/hostile.py) through the reader and through every upload entry
point: a Turkish message that says where, never a traceback, nothing stored, and the
reading child's memory bounded."""

import io
import re
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.excel import isolation
from monitoring.excel.plan_table import import_plan
from monitoring.excel.reader import (
    WorkbookError,
    check_xlsx_bytes,
    iter_sheet_rows,
    open_workbook,
    reader_stats,
)
from monitoring.excel.realization_form import import_realizations, preview_realizations
from plans.models import Municipality

from .excel_helpers import snapshot
from .hostile import CORPUS, HEADER_ROW, MAIN_NS, build, sheet_xml, workbook

TURKISH = re.compile(r"[çğıöşüÇĞİÖŞÜ]")
CHILD_MEMORY_KB = 300 * 1024

# What each file's message says (part of it), from the reader itself.
EXPECTED = {
    "zip_bomb": "zip bombası",
    "zip_bomb_lying_size": "xl/worksheets/sheet1.xml",
    "single_quoted_huge_range": "1048576 satır × 16384 sütun",
    "single_quoted_moderate_range": "60000 satır × 702 sütun",
    "prefixed_far_cell": "1048576 satır × 16384 sütun",
    "seven_million_cells_without_r": "zip bombası",
    "lying_dimension_small": "900000 satır × 16384 sütun",
    "far_double_quoted_cell": "1048576 satır × 16384 sütun",
    "billion_laughs_shared_strings": "DOCTYPE",
    "billion_laughs_workbook": "DOCTYPE",
    "xxe_shared_strings": "DOCTYPE",
    "xxe_inline_string": "DOCTYPE",
    "cell_8mb_shared": "32.767 karakterden uzun",
    "cell_8mb_inline": "2. satır, A sütunu",
    "invalid_utf8": "bozuk UTF-8",
    "iso_8859_9_declaration": "ISO-8859-9",
    "duplicate_part": "iki kez",
    "bzip2_part": "sıkıştırılmış",
    "ole_xls": "(.xls)",
    "ods": "OpenDocument",
    "csv": "CSV",
    "random_bytes": "değil",
    "random_bytes_after_pk": "bozuk",
    "empty": "boş",
    "truncated_zip": "bozuk",
    "no_workbook_part": "Word",
    "broken_sheet_xml": "XML okunamadı",
    "bad_cell_reference": "geçersiz",
    "many_parts": "10.000 bölümden fazlasını",
    "doctype_in_other_part": "DOCTYPE",
}
# The part a message names, where one part is to blame.
PARTS = {
    "zip_bomb": "xl/worksheets/sheet1.xml",
    "billion_laughs_shared_strings": "xl/sharedStrings.xml",
    "billion_laughs_workbook": "xl/workbook.xml",
    "xxe_shared_strings": "xl/sharedStrings.xml",
    "xxe_inline_string": "xl/worksheets/sheet1.xml",
    "cell_8mb_shared": "xl/sharedStrings.xml",
    "invalid_utf8": "xl/sharedStrings.xml",
    "iso_8859_9_declaration": "xl/sharedStrings.xml",
    "broken_sheet_xml": "xl/worksheets/sheet1.xml",
    "bad_cell_reference": "xl/worksheets/sheet1.xml",
    "doctype_in_other_part": "xl/theme/theme1.xml",
}
# Well-formed files the reader reads (the importers then say what is missing).
READABLE = {"lying_dimension_huge", "formula_errors"}
assert set(EXPECTED) | READABLE == set(CORPUS)


def assert_turkish(message: str) -> None:
    assert message.strip()
    assert "Traceback" not in message and "Error:" not in message, message
    assert TURKISH.search(message), message


def read_all(data: bytes) -> dict:
    book = open_workbook(data)
    return {
        ws.title: list(iter_sheet_rows(book, ws, max_cells=2_000_000, counter=[0]))
        for ws in book.worksheets
    }


def child_memory_ok(runs_before: int) -> None:
    """When a reading child ran, it stayed under 300 MB."""
    if reader_stats["runs"] > runs_before:
        assert 0 < reader_stats["max_rss_kb"] < CHILD_MEMORY_KB, reader_stats


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_reader_refuses_with_a_message_or_reads(name):
    _, data = build(name)
    runs = reader_stats["runs"]
    tracemalloc.start()
    try:
        if name in READABLE:
            sheets = read_all(data)
            assert list(sheets) == ["Sayfa1"]
        else:
            with pytest.raises(WorkbookError) as exc:
                read_all(data)
            message = str(exc.value)
            assert_turkish(message)
            assert EXPECTED[name] in message, message
            if name in PARTS:
                assert PARTS[name] in message, message
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20  # the parent's pre-scan holds counts, not cells
    child_memory_ok(runs)


def test_formula_errors_come_as_their_text():
    rows = dict(read_all(build("formula_errors")[1])["Sayfa1"])
    assert rows[2][2] == "#DIV/0!" and rows[3][2] == "#N/A"


def test_the_import_export_hook_refuses_the_same_files():
    for name in EXPECTED:
        if name in ("ole_xls", "csv", "ods", "cell_8mb_inline"):
            continue  # the form refuses the type; an inline text is checked when read
        with pytest.raises(WorkbookError) as exc:
            check_xlsx_bytes(build(name)[1])
        assert_turkish(str(exc.value))
    assert check_xlsx_bytes(build("lying_dimension_huge")[1]) is None


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_importer_refuses_and_stores_nothing(name):
    _, data = build(name)
    before = snapshot(), Municipality.objects.count()
    calls = {
        "import_plan": lambda: import_plan(source=data, municipality_name="Saldırı Belediyesi"),
        "preview_realizations": lambda: preview_realizations(source=data, year=2024),
        "import_realizations": lambda: import_realizations(source=data, year=2024),
    }
    for entry, call in calls.items():
        runs = reader_stats["runs"]
        with pytest.raises(WorkbookError) as exc:
            call()
        assert_turkish(str(exc.value))
        if name in EXPECTED:
            assert EXPECTED[name] in str(exc.value), (entry, str(exc.value))
        child_memory_ok(runs)
    assert (snapshot(), Municipality.objects.count()) == before


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_admin_upload_pages_show_the_message(admin_client_tr, name):
    file_name, data = build(name)
    before = snapshot(), Municipality.objects.count()
    pages = [
        (reverse("admin:plans_plan_import"), {"municipality": "Saldırı Belediyesi"}),
        (reverse("admin:monitoring_realization_workbook_import"), {"year": 2024}),
    ]
    for url, fields in pages:
        upload = SimpleUploadedFile(file_name, data, content_type=XLSX)
        response = admin_client_tr.post(url, {"file": upload, **fields})
        assert response.status_code == 200
        text = response.content.decode()
        assert "Traceback" not in text
        if file_name.endswith(".ods"):  # refused by the form for its type
            assert "Yalnızca Excel çalışma kitabı" in text
            continue
        errors = response.context["errors"]
        assert errors, text[:2000]
        for issue in errors:
            assert_turkish(str(issue))
        if name in EXPECTED:
            assert any(EXPECTED[name] in str(i) for i in errors), [str(i) for i in errors]
    assert (snapshot(), Municipality.objects.count()) == before


# ------------------------------------------------------------------ the pre-scan


def test_cells_without_r_and_prefixed_names_are_placed_by_position():
    rows = (
        "<x:row><x:c><x:v>1</x:v></x:c><x:c t='s'><x:v>0</x:v></x:c></x:row>"
        "<x:row/><x:row><x:c r='C3'><x:v>5</x:v></x:c><x:c><x:v>6</x:v></x:c></x:row>"
    )
    data = workbook(
        sheet=f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>{rows}'
        "</x:sheetData></x:worksheet>"
    )
    book = open_workbook(data)
    sheet = book.worksheets[0]
    assert (sheet.rows, sheet.columns, sheet.cells) == (3, 4, 4)
    values = dict(iter_sheet_rows(book, sheet, max_cells=100, counter=[0]))
    assert values[1][:2] == [1, "Faaliyet"] and values[3][2:4] == [5, 6]


def test_cells_without_r_are_counted_against_the_limit(settings):
    settings.IMPORT_MAX_RATIO = 10**6  # past the zip-bomb check, to the cell count
    settings.IMPORT_MAX_CELLS = 50_000
    with pytest.raises(WorkbookError) as exc:
        open_workbook(build("seven_million_cells_without_r")[1])
    assert "50.000 hücre sınırını aşıyor" in str(exc.value)


def test_a_lying_dimension_is_not_trusted():
    data = workbook(
        sheet=sheet_xml(
            HEADER_ROW + "<row r='5'><c r='D5'><v>1</v></c></row>", before='<dimension ref="A1"/>'
        )
    )
    sheet = open_workbook(data).worksheets[0]
    assert (sheet.rows, sheet.columns, sheet.declared) == (5, 4, "A1")


# ------------------------------------------------------------------ the child


def test_a_child_that_runs_out_of_memory_is_a_message():
    """Past the pre-scan (a limit raised on purpose), calamine would allocate 42 million
    cells: the child dies against its address-space limit, the worker goes on."""
    data = build("single_quoted_moderate_range")[1]
    book = open_workbook(data, max_cells=10**9)
    with pytest.raises(WorkbookError) as exc:
        list(iter_sheet_rows(book, book.worksheets[0], max_cells=10**9, counter=[0]))
    message = str(exc.value)
    assert message.startswith("'Sayfa1' sayfası, dosyanın xl/worksheets/sheet1.xml bölümü")
    assert "Dosya okunamadı:" in message and "bellek" in message


def test_a_child_past_its_time_is_a_message(settings):
    settings.IMPORT_READ_TIMEOUT = 0.001
    with pytest.raises(WorkbookError) as exc:
        read_all(workbook())
    assert "Dosya okunamadı: okuma 0.001 saniye içinde bitmedi" in str(exc.value)


def test_a_child_that_cannot_start_is_a_message(settings):
    settings.IMPORT_READ_MEMORY_BYTES = 4 << 20  # not even the interpreter fits
    with pytest.raises(WorkbookError) as exc:
        read_all(workbook())
    assert str(exc.value).startswith("Dosya okunamadı: okuyucu başlatılamadı")


def test_the_child_answers_with_plain_values_only():
    """The parent's unpickler refuses anything but cell values: a child gone wrong
    cannot make the worker run code."""
    import pickle

    evil = pickle.dumps({"sheets": {}, "max_rss_kb": 1, "x": print})
    with pytest.raises(pickle.UnpicklingError):
        isolation._Unpickler(io.BytesIO(evil)).load()
    ok = isolation.read_sheets(workbook(), ["Sayfa1"], timeout=30, memory_bytes=1 << 30)
    assert ok.sheets["Sayfa1"].rows == [["Faaliyet", "Gösterge", "Sorumlu birim"]]
    assert 0 < ok.max_rss_kb < CHILD_MEMORY_KB


@pytest.mark.parametrize("model", ["monitoring/realization", "plans/indicator", "plans/unit"])
@pytest.mark.parametrize(
    "case",
    [
        "single_quoted_huge_range",
        "billion_laughs_shared_strings",
        "zip_bomb",
        "random_bytes",
        "far_double_quoted_cell",
    ],
)
def test_flat_table_xlsx_import_checks_the_file_first(admin_client_tr, model, case):
    """django-import-export's xlsx import reads through our bounded check before openpyxl:
    a far cell or a bomb is a Turkish message beside the file field, nothing stored."""
    app, name = model.split("/")
    url = reverse(f"admin:{app}_{name}_import")
    formats = admin_client_tr.get(url).context["form"].fields["format"].choices
    xlsx = next(value for value, label in formats if "xlsx" in str(label).lower())
    file_name, data = CORPUS[case]()
    before = snapshot()
    response = admin_client_tr.post(
        url, {"import_file": SimpleUploadedFile(file_name, data), "format": xlsx}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("import_file", []))
    assert errors and "encountered" not in errors, errors
    assert snapshot() == before
