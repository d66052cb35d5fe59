"""Fuzzing the Word plan import: Word documents built like the seeds (tests/documents.py
and LibreOffice's, tests/data) mutated in their bytes, their XML attributes (spans,
vertical merges, header flags) and their text go through import_plan. Anything but a
Turkish WorkbookError or a plan, or any change to the database on a dry run, fails.

Short in the normal suite (FUZZ_EXAMPLES, default 20); longer with ``FUZZ_EXAMPLES=500
.venv/bin/python -m pytest -q -m fuzz tests/test_fuzz_documents.py``.
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
from monitoring.excel.reader import WorkbookError

from . import documents
from .excel_helpers import snapshot
from .test_fuzz_reader import mutate_bytes, mutate_xml
from .test_hostile_files import assert_turkish

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
DATA = Path(__file__).parent / "data"

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


@cache
def seeds() -> tuple[bytes, ...]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = [
            documents.mersin_document(Path(tmp) / "m.docx"),
            documents.buyukcekmece_document(Path(tmp) / "b.docx", indicators="rows"),
            documents.narlidere_document(Path(tmp) / "n.docx"),
        ]
        files = [p.read_bytes() for p in paths]
    return (*files, (DATA / "narlidere-libreoffice.docx").read_bytes())


ODD_VALUES = ["", "0", "-1", "1000", "99999999999", "restart", "continue", "true", "false"]
SNIPPETS = [
    '<!DOCTYPE a [<!ENTITY e "x">]>',
    "&e;",
    "<w:tc><w:tcPr><w:gridSpan w:val='63'/></w:tcPr><w:p/></w:tc>",
    "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>",
    "<w:tr><w:trPr><w:tblHeader/></w:trPr></w:tr>",
    "<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>",
    "<w:p><w:r><w:t>Faaliyet</w:t></w:r></w:p>",
    "<w:sdt><w:sdtContent><w:p><w:r><w:t>TEMA 9</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    "\x00",
    "<",
    "</w:body>",
    "<w:t>" + "ğ" * 40_000 + "</w:t>",
]
XML_PART = re.compile(r"(word/.*\.xml|word/_rels/.*\.rels|_rels/\.rels)$")


def rezip(data: bytes, part_index: int, ops: list[tuple]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        infos = zin.infolist()
        parts = sorted(i.filename for i in infos if XML_PART.match(i.filename))
        # the main document most of the time: that is where the tables are
        target = "word/document.xml" if part_index % 3 else parts[part_index % len(parts)]
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
seed = st.integers(min_value=0, max_value=3).map(lambda i: seeds()[i])
mutated = st.one_of(
    st.builds(rezip, seed, indexes, xml_ops),
    st.builds(mutate_bytes, seed, byte_ops),
)


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
def test_mutated_word_plans_get_a_message_or_a_plan(data):
    before = snapshot()
    try:
        import_plan(source=data, municipality_name="Fuzz Belediyesi", dry_run=True)
    except WorkbookError as exc:
        assert_turkish(str(exc))
    assert snapshot() == before


def test_the_seeds_themselves_are_imported():
    for data in seeds():
        result = import_plan(source=data, municipality_name="Fuzz Belediyesi", dry_run=True)
        assert result.summary.counts()["faaliyet"] > 70
