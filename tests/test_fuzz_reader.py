"""Fuzzing the upload path: valid workbooks from tests/workbooks.py (the seed layouts),
mutated in their bytes, their XML attributes and their cell values, go through the
reader and both importers. Anything but a Turkish WorkbookError, or any change to the
database, fails.

The normal suite runs a short version (FUZZ_EXAMPLES, default 20, about 30 s); run it
longer with ``FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q -m fuzz
tests/test_fuzz_reader.py``.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.excel.plan_table import import_plan
from monitoring.excel.reader import WorkbookError, iter_sheet_rows, open_workbook
from monitoring.excel.realization_form import import_realizations

from . import workbooks
from .excel_helpers import snapshot
from .hostile import HEADER_ROW, sheet_xml, workbook
from .test_hostile_files import assert_turkish

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


@cache
def seeds() -> tuple[bytes, ...]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = [
            workbooks.mersin_report(Path(tmp) / "mersin.xlsx"),
            workbooks.buyukcekmece_plan(Path(tmp) / "bc.xlsx"),
            workbooks.narlidere_plan(Path(tmp) / "narlidere.xlsx", one_sheet=True),
            workbooks.broken("formula", Path(tmp) / "formula.xlsx"),
        ]
        files = [p.read_bytes() for p in paths]
    inline = '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    small = workbook(sheet=sheet_xml(HEADER_ROW + inline))
    return (*files, small)


ODD_VALUES = [
    "",
    "0",
    "-1",
    "A0",
    "XFD1048576",
    "XFE1",
    "A1048577",
    "ZZZ9",
    "a1",
    "1A",
    "e",
    "s",
    "str",
    "inlineStr",
    "b",
    "n",
    "d",
    "99999999999999999999",
    "1e308",
    "NaN",
    "#DIV/0!",
    "A1:XFD1048576",
    "ş\u0130ı",
    "\u202e",
]
SNIPPETS = [
    "<!DOCTYPE a>",
    '<!DOCTYPE a [<!ENTITY e "x">]>',
    "&e;",
    "&amp;&lt;",
    "<![CDATA[<c r='XFD1048576'/>]]>",
    "<!-- <c r='XFD1048576'/> -->",
    "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
    "<c><v>1</v></c>" * 50,
    '<mergeCell ref="A1:XFD1048576"/>',
    "<x:c r='B2'><x:v>3</x:v></x:c>",
    "\x00",
    "\udcff",
    "<",
    "</sheetData>",
    "<is><t>" + "ğ" * 40_000 + "</t></is>",
]
XML_PART = re.compile(r"(xl/.*\.xml|xl/_rels/.*\.rels)$")
ATTR = re.compile(r'(\s)([\w:]+)="([^"]*)"')
TEXT = re.compile(r"<(v|t)(?: [^>]*)?>([^<]*)</\1>")


def _nth(matches: list, k: int):
    return matches[k % len(matches)] if matches else None


def mutate_xml(xml: str, ops: list[tuple]) -> str:
    for op, k, arg in ops:
        if op == "attr" and (m := _nth(list(ATTR.finditer(xml)), k)):
            xml = f"{xml[: m.start(3)]}{arg}{xml[m.end(3) :]}"
        elif op == "quote" and (m := _nth(list(ATTR.finditer(xml)), k)):
            xml = f"{xml[: m.start()]}{m.group(1)}{m.group(2)}='{m.group(3)}'{xml[m.end() :]}"
        elif op == "drop" and (m := _nth(list(ATTR.finditer(xml)), k)):
            xml = xml[: m.start()] + xml[m.end() :]
        elif op == "value" and (m := _nth(list(TEXT.finditer(xml)), k)):
            xml = f"{xml[: m.start(2)]}{arg}{xml[m.end(2) :]}"
        elif op == "insert":
            at = k % (len(xml) + 1)
            xml = xml[:at] + arg + xml[at:]
        elif op == "cut":
            xml = xml[: k % (len(xml) + 1)]
        elif op == "prefix":
            xml = re.sub(r"<(/?)(c|row|v|sheetData|si|t)\b", rf"<\1{arg[:3] or 'x'}:\2", xml)
    return xml


def mutate_bytes(data: bytes, ops: list[tuple]) -> bytes:
    out = bytearray(data)
    for op, k, byte in ops:
        at = k % (len(out) or 1)
        if op == "flip" and out:
            out[at] ^= byte or 1
        elif op == "insert":
            out[at:at] = bytes([byte])
        elif op == "delete" and out:
            del out[at]
        elif op == "cut":
            del out[at:]
    return bytes(out)


def rezip(data: bytes, part_index: int, ops: list[tuple]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        infos = zin.infolist()
        parts = [i.filename for i in infos if XML_PART.match(i.filename)]
        target = parts[part_index % len(parts)]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in infos:
                content = zin.read(info.filename)
                if info.filename == target:
                    text = mutate_xml(content.decode("utf-8"), ops)
                    content = text.encode("utf-8", "surrogateescape")
                zout.writestr(info.filename, content)
    return buf.getvalue()


indexes = st.integers(min_value=0, max_value=10**7)
text_values = st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=30))
xml_ops = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["attr", "value"]), indexes, text_values),
        st.tuples(st.sampled_from(["quote", "drop", "cut"]), indexes, st.just("")),
        st.tuples(st.just("insert"), indexes, st.sampled_from(SNIPPETS)),
        st.tuples(st.just("prefix"), indexes, st.sampled_from(["x", "ss", ""])),
    ),
    min_size=1,
    max_size=6,
)
byte_ops = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "cut"]),
        indexes,
        st.integers(min_value=0, max_value=255),
    ),
    min_size=1,
    max_size=4,
)
mutated = st.one_of(
    st.builds(
        rezip, st.integers(min_value=0, max_value=4).map(lambda i: seeds()[i]), indexes, xml_ops
    ),
    st.builds(
        mutate_bytes, st.integers(min_value=0, max_value=4).map(lambda i: seeds()[i]), byte_ops
    ),
)


def _read(data: bytes) -> None:
    book = open_workbook(data)
    counter = [0]
    for ws in book.worksheets:
        for _ in iter_sheet_rows(book, ws, max_cells=2_000_000, counter=counter):
            pass


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(data=mutated)
def test_mutated_workbooks_get_a_message_or_a_result(data):
    before = snapshot()
    calls = (
        lambda: _read(data),
        lambda: import_plan(source=data, municipality_name="Fuzz Belediyesi", dry_run=True),
        lambda: import_realizations(source=data, year=2024, dry_run=True),
    )
    for call in calls:
        try:
            call()
        except WorkbookError as exc:
            assert_turkish(str(exc))
    assert snapshot() == before


def test_the_seeds_themselves_are_read():
    """The fuzz starts from files the reader reads (a mutation is what breaks them)."""
    for data in seeds():
        _read(data)
