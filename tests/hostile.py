"""Hostile uploads, built in memory: files made to exhaust memory or time, to read other
files, to crash a parser, or just broken in ways real uploads are.

``CORPUS`` maps a name to a function returning ``(file name, bytes)``; ``build(name)``
calls it (cached). Every file is small to send: the damage is in what it unpacks to or
declares. ``workbook(...)`` writes a minimal xlsx from its parts, so a test can place one
hostile byte exactly where it wants.

No Django import: usable with ``python -c "from tests.hostile import build"``.
"""

from __future__ import annotations

import base64
import io
import random
import struct
import zipfile
from collections.abc import Callable
from functools import cache

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
ROOT_RELS = (
    DECL + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
    '<sheet name="Sayfa1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    DECL + f'<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def sheet_xml(rows: str, *, before: str = "", decl: str = DECL) -> str:
    """A worksheet whose <sheetData> holds ``rows`` (XML text)."""
    return f'{decl}<worksheet xmlns="{MAIN_NS}">{before}<sheetData>{rows}</sheetData></worksheet>'


def shared_xml(strings: list[str], decl: str = DECL) -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'{decl}<sst xmlns="{MAIN_NS}" count="{len(strings)}">{items}</sst>'


HEADER_ROW = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="s"><v>2</v></c></row>'
)
# A header the importers recognise, but no plan: no year column, no Gerçekleşme column.
HEADER_STRINGS = ["Faaliyet", "Gösterge", "Sorumlu birim"]


def workbook(
    sheet: str | bytes | None = None,
    *,
    shared: str | bytes | None = None,
    workbook_xml: str | bytes = WORKBOOK,
    extra: dict[str, bytes | str] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A minimal xlsx: one sheet "Sayfa1" (``sheet``, default a header row) and its shared
    strings (``shared``, default the header texts)."""
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": workbook_xml,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(HEADER_ROW),
        "xl/sharedStrings.xml": shared if shared is not None else shared_xml(HEADER_STRINGS),
        **(extra or {}),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, content in parts.items():
            zf.writestr(name, content.encode() if isinstance(content, str) else content)
    return buf.getvalue()


def _random_text(size: int, seed: int = 11) -> str:
    """Letters that do not compress (so the file stays under any zip-bomb ratio)."""
    raw = random.Random(seed).randbytes(size * 3 // 4 + 3)
    return base64.b64encode(raw).decode()[:size].replace("+", "a").replace("/", "b")


def _lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """Patch the zip so ``member`` claims to unpack to ``size`` bytes (both headers)."""
    out = bytearray(data)
    name = member.encode()
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = out.find(sig)
        while pos != -1:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if out[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", out, pos + at, size)
            pos = out.find(sig, pos + 4)
    return bytes(out)


# ------------------------------------------------------------------ the corpus


def _deflated_bomb(size: int = 200 << 20) -> bytes:
    """A sheet of ``size`` bytes of blanks, deflated."""
    head = sheet_xml(HEADER_ROW).encode()
    cut = head.index(b"<sheetData>")
    comp = zipfile._get_compressor(zipfile.ZIP_DEFLATED)  # noqa: SLF001
    crc = zipfile.crc32(head[:cut])
    body = [comp.compress(head[:cut])]
    blanks = b" " * (1 << 20)
    for _ in range(size >> 20):
        body.append(comp.compress(blanks))
        crc = zipfile.crc32(blanks, crc)
    body.append(comp.compress(head[cut:]))
    crc = zipfile.crc32(head[cut:], crc)
    body.append(comp.flush())
    packed = b"".join(body)
    total = cut + (size >> 20 << 20) + len(head) - cut
    base = workbook(sheet=b"PLACEHOLDER")
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            zout.writestr(info.filename, zin.read(info.filename), zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size, info.compress_size, info.CRC = total, len(packed), crc
        info.header_offset = zout.fp.tell()
        zout.fp.write(info.FileHeader(zip64=False))
        zout.fp.write(packed)
        zout.filelist.append(info)
        zout.NameToInfo[info.filename] = info
        zout.start_dir = zout.fp.tell()
    return buf.getvalue()


def _cells_without_r(n: int) -> bytes:
    per_row = 1000
    row = "<row>" + "<c><v>1</v></c>" * per_row + "</row>"
    return workbook(sheet=sheet_xml(row * (n // per_row)))


def _billion_laughs(where: str) -> bytes:
    dtd = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + "]>"
    )
    if where == "shared":
        return workbook(shared=dtd + f'<sst xmlns="{MAIN_NS}"><si><t>&lol9;</t></si></sst>')
    return workbook(workbook_xml=dtd + WORKBOOK.removeprefix(DECL).replace("Sayfa1", "&lol9;"))


_XXE = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _xxe(where: str) -> bytes:
    if where == "shared":
        return workbook(shared=_XXE + f'<sst xmlns="{MAIN_NS}"><si><t>&xxe;</t></si></sst>')
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return workbook(sheet=_XXE + sheet_xml(rows, decl=""))


def _ods() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>')
    return buf.getvalue()


def _formula_errors() -> bytes:
    rows = (
        HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c>'
        '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" t="s"><v>4</v></c>'
        '<c r="C3" t="e"><f>NA()</f><v>#N/A</v></c></row>'
    )
    return workbook(
        sheet=sheet_xml(rows),
        shared=shared_xml(["Faaliyet", "Gösterge", "2024", "1.1.1. Eğitim", "Katılımcı sayısı"]),
    )


def _truncated() -> bytes:
    data = workbook(
        sheet=sheet_xml(
            HEADER_ROW * 1
            + "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, 2000))
        )
    )
    return data[: len(data) * 2 // 3]


CORPUS: dict[str, Callable[[], tuple[str, bytes]]] = {
    "zip_bomb": lambda: ("bomb.xlsx", _deflated_bomb()),
    "zip_bomb_lying_size": lambda: (
        "bomb.xlsx",
        _lie_about_size(_deflated_bomb(20 << 20), "xl/worksheets/sheet1.xml", 4096),
    ),
    "single_quoted_huge_range": lambda: (
        "far.xlsx",
        workbook(
            sheet=sheet_xml(
                "<row r='1'><c r='A1'><v>1</v></c></row>"
                "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"
            )
        ),
    ),
    "single_quoted_moderate_range": lambda: (
        "far.xlsx",
        workbook(
            sheet=sheet_xml(
                "<row r='1'><c r='A1'><v>1</v></c></row>"
                "<row r='60000'><c r='ZZ60000'><v>1</v></c></row>"
            )
        ),
    ),
    "prefixed_far_cell": lambda: (
        "far.xlsx",
        workbook(
            sheet=f'{DECL}<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'
            "<x:row r='1'><x:c r='A1'><x:v>1</x:v></x:c></x:row>"
            "<x:row r='1048576'><x:c r='XFD1048576'><x:v>1</x:v></x:c></x:row>"
            "</x:sheetData></x:worksheet>"
        ),
    ),
    "seven_million_cells_without_r": lambda: ("cells.xlsx", _cells_without_r(7_000_000)),
    "lying_dimension_small": lambda: (
        "dim.xlsx",
        workbook(
            sheet=sheet_xml(
                HEADER_ROW + '<row r="900000"><c r="XFD900000"><v>1</v></c></row>',
                before='<dimension ref="A1:C1"/>',
            )
        ),
    ),
    "lying_dimension_huge": lambda: (
        "dim.xlsx",
        workbook(sheet=sheet_xml(HEADER_ROW, before='<dimension ref="A1:XFD1048576"/>')),
    ),
    "far_double_quoted_cell": lambda: (
        "far.xlsx",
        workbook(
            sheet=sheet_xml(HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
        ),
    ),
    "billion_laughs_shared_strings": lambda: ("lol.xlsx", _billion_laughs("shared")),
    "billion_laughs_workbook": lambda: ("lol.xlsx", _billion_laughs("workbook")),
    "xxe_shared_strings": lambda: ("xxe.xlsx", _xxe("shared")),
    "xxe_inline_string": lambda: ("xxe.xlsx", _xxe("inline")),
    "cell_8mb_shared": lambda: (
        "big.xlsx",
        workbook(shared=shared_xml([*HEADER_STRINGS, _random_text(8 << 20)])),
    ),
    "cell_8mb_inline": lambda: (
        "big.xlsx",
        workbook(
            sheet=sheet_xml(
                HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
                f"{_random_text(8 << 20)}</t></is></c></row>"
            )
        ),
    ),
    "invalid_utf8": lambda: (
        "utf8.xlsx",
        workbook(
            shared=shared_xml(HEADER_STRINGS)
            .encode()
            .replace("Gösterge".encode(), b"G\xf6sterge\xff\xfe")
        ),
    ),
    "iso_8859_9_declaration": lambda: (
        "latin5.xlsx",
        workbook(
            shared=shared_xml(
                HEADER_STRINGS, decl='<?xml version="1.0" encoding="ISO-8859-9"?>\n'
            ).encode("iso-8859-9")
        ),
    ),
    "formula_errors": lambda: ("formula.xlsx", _formula_errors()),
    "duplicate_part": lambda: ("dup.xlsx", _duplicate_part()),
    "bzip2_part": lambda: ("bz.xlsx", workbook(compression=zipfile.ZIP_BZIP2)),
    "ole_xls": lambda: ("old.xls", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4088)),
    "ods": lambda: ("plan.ods", _ods()),
    "csv": lambda: (
        "plan.csv",
        "Faaliyet;Gösterge;2024\n1.1.1. Eğitim;Katılımcı;5\n".encode("cp1254"),
    ),
    "random_bytes": lambda: ("random.xlsx", random.Random(5).randbytes(4096)),
    "random_bytes_after_pk": lambda: (
        "random.xlsx",
        b"PK\x03\x04" + random.Random(6).randbytes(4096),
    ),
    "empty": lambda: ("empty.xlsx", b""),
    "truncated_zip": lambda: ("cut.xlsx", _truncated()),
    "no_workbook_part": lambda: ("doc.xlsx", _docx()),
    "many_parts": lambda: ("parts.xlsx", workbook(extra={f"p/{i}": b"" for i in range(12_000)})),
    "doctype_in_other_part": lambda: (
        "theme.xlsx",
        workbook(extra={"xl/theme/theme1.xml": _XXE + "<a>&xxe;</a>"}),
    ),
    "broken_sheet_xml": lambda: ("broken.xlsx", workbook(sheet=sheet_xml(HEADER_ROW)[:-40])),
    "bad_cell_reference": lambda: (
        "ref.xlsx",
        workbook(sheet=sheet_xml('<row r="1"><c r="1A"><v>1</v></c></row>')),
    ),
}


def _duplicate_part() -> bytes:
    import warnings

    data = io.BytesIO(workbook())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is the point
        with zipfile.ZipFile(data, "a") as zf:
            zf.writestr(
                "xl/worksheets/sheet1.xml",
                sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
            )
    return data.getvalue()


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


@cache
def build(name: str) -> tuple[str, bytes]:
    return CORPUS[name]()


if __name__ == "__main__":
    for name in CORPUS:
        file_name, data = build(name)
        print(f"{name:35} {file_name:12} {len(data):>10,} bytes")
