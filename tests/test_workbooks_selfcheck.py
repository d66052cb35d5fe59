"""Self-checks of tests/workbooks.py: every generator writes a readable workbook that holds
the demo TSV data in the seed's layout. No Django needed:

    .venv/bin/python -m pytest -q tests/test_workbooks_selfcheck.py -p no:django
"""

from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException

from tests import workbooks as W

ACTIVITY_RE = re.compile(r"^\s*(\d+\.\d+(?:\.\d+)?)\.?\s*\S")
CODE_RE = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?")


def norm(value) -> str:
    """A cell as comparable text: numbers as printed, whitespace collapsed."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def is_mersin_header(row) -> bool:
    return any(norm(v).casefold() in ("gösterge", "göstergeler") for v in row if v) or (
        norm(row[0]).casefold() == "faaliyet"
    )


def cell_at(rows, coordinate):
    r, c = coordinate_to_tuple(coordinate)
    return rows[r - 1][c - 1]


def mersin_records(rows):
    """(activity code, indicator, baseline, T:2024..2026, R:2024) per indicator row."""
    out = []
    code = None
    for row in rows:
        if is_mersin_header(row) or not norm(row[3]):
            continue  # titles, theme rows, goal rows, headers
        if row[0]:
            code = ACTIVITY_RE.match(norm(row[0])).group(1)
        out.append((code, *(norm(v) for v in row[3:9])))
    return out


def tsv_mersin_records():
    keys = ("indicator", "baseline", "T:2024", "T:2025", "T:2026", "R:2024")
    return [(r["activity_code"], *(norm(r[k]) for k in keys)) for r in W.load_tsv(W.MERSIN_TSV)]


# --- Mersin -----------------------------------------------------------------------


@pytest.mark.parametrize("merged", [True, False])
@pytest.mark.parametrize("tables", ["single", "per_goal"])
@pytest.mark.parametrize("header_variant", [0, 1, 2, 3])
def test_mersin_holds_the_tsv_data(tmp_path, merged, tables, header_variant):
    path = W.mersin_report(
        tmp_path / "m.xlsx", merged=merged, tables=tables, header_variant=header_variant
    )
    rows = W.read_back(path)
    records = mersin_records(rows)
    assert records == tsv_mersin_records()
    assert len(records) == W.EXPECTED["mersin"]["indicators"]
    assert len([r for r in rows if r[0] and norm(r[3]) and not is_mersin_header(r)]) == 118
    headers = [i for i, r in enumerate(rows, 1) if is_mersin_header(r)]
    if tables == "single":
        assert headers[0] == 3 and len(headers) == 2
    else:
        assert headers[0] > 4 and len(headers) == 19 + 1 + 4  # goals, theme 8, page breaks
    merges = W.merged_ranges(path)
    assert ("A7:A9" in merges) is merged  # 1.1.2 over its three indicators


def test_mersin_layout_details(tmp_path):
    path = W.mersin_report(tmp_path / "m.xlsx")
    rows = W.read_back(path)
    assert rows[0][0] == W.MERSIN_TITLE
    assert rows[1][0] == W.MERSIN_YEAR_TITLE
    assert rows[2] == W.MERSIN_HEADERS[0]
    assert rows[3][0] == "1. EĞİTİM VE FARKINDALIK"
    assert rows[4][0].startswith("1.1. Hedef: Toplumsal")
    firsts = [r[0] for r in rows if r[0]]
    assert "2.İSTİHDAM VE EKONOMİK GÜÇLENDİME" in firsts
    assert any(a.startswith("4.4 Hedef:") for a in firsts)
    assert any(a.startswith("1.5. Kırılgan") for a in firsts)
    assert any(a.startswith("8.1 Eylem planı") for a in firsts)
    assert any(a.startswith("1.3.2 Erkeklere") for a in firsts)
    # value cells: numbers when the text is a plain integer, else as printed
    assert cell_at(rows, W.mersin_cell("1.1.1", "baseline")) == 20
    assert cell_at(rows, W.mersin_cell("2.1.5", "T:2025")) == "%8,2"
    assert cell_at(rows, W.mersin_cell("2.1.5", "R:2024")) == "%7.88"
    assert cell_at(rows, W.mersin_cell("1.1.5", "baseline")) == "-"
    assert cell_at(rows, W.mersin_cell("2.1.8", "R:2024")) == 0
    assert cell_at(rows, W.mersin_cell("2.1.3", "R:2024", 1)) is None
    assert cell_at(rows, W.mersin_cell("8.2", "R:2024")) == "Toplantıda belli olacak"
    assert cell_at(rows, W.mersin_cell("1.1.1", "partners")) == "Paydaşlar\nMBB Eğitici Havuzu"


def test_mersin_variants(tmp_path):
    path = W.mersin_report(tmp_path / "m.xlsx", year_title=False, header_row=4, percents="number")
    rows = W.read_back(path)
    assert rows[0][0] == W.MERSIN_TITLE and rows[1][0] is None and rows[2][0] is None
    assert is_mersin_header(rows[3])
    coord = W.mersin_cell("2.1.5", "T:2025", year_title=False, header_row=4, percents="number")
    assert cell_at(rows, coord) == pytest.approx(0.082)
    ws = load_workbook(path).active
    assert ws[coord].number_format == "0.0%"
    noisy = W.read_back(W.mersin_report(tmp_path / "n.xlsx", noise=True))
    assert noisy != W.read_back(W.mersin_report(tmp_path / "c.xlsx"))
    assert mersin_records(noisy) == tsv_mersin_records()


# --- Büyükçekmece -------------------------------------------------------------------


def buyukcekmece_activities(rows):
    """{activity code: [indicators]} read from a newline/rows-mode workbook."""
    out: dict[str, list[str]] = {}
    code = None
    in_table = False
    for row in rows:
        first = norm(row[0])
        if first == "Faaliyetler":
            in_table = True
            continue
        if not in_table or first.startswith(("TEMA", "STRATEJİ")):
            continue
        m = re.match(r"^(\d+\.\d+\.\d+)", first)
        if m:
            code = m.group(1)
            out[code] = []
        for line in str(row[6] or "").splitlines():
            line = norm(line)
            if line and line != "-":
                out[code].append(line.removeprefix("-"))
    return out


@pytest.mark.parametrize("indicators", ["newline", "rows"])
def test_buyukcekmece_holds_the_tsv_data(tmp_path, indicators):
    path = W.buyukcekmece_plan(tmp_path / "b.xlsx", indicators=indicators)
    rows = W.read_back(path)
    expected: dict[str, list[str]] = {}
    for r in W.load_tsv(W.BUYUKCEKMECE_TSV):
        expected.setdefault(r["activity_code"], [])
        if r["indicator"]:
            expected[r["activity_code"]].append(r["indicator"])
    got = buyukcekmece_activities(rows)
    assert got == expected
    assert len(got) == W.EXPECTED["buyukcekmece"]["activities"]
    assert sum(map(len, got.values())) == W.EXPECTED["buyukcekmece"]["indicators"]
    firsts = [norm(r[0]) for r in rows]
    assert firsts[0] == W.BUYUKCEKMECE_TITLE
    assert len([f for f in firsts if f.startswith("HEDEF ")]) == 6
    assert firsts.count("TEMA") == firsts.count("Faaliyetler") == 9
    assert len([f for f in firsts if f.startswith("STRATEJİ ")]) == 9
    assert any(f.startswith("(Örneğin hamilelik") for f in firsts)
    assert any(f.startswith("2.1.1 Mesleki") for f in firsts)


def test_buyukcekmece_cells(tmp_path):
    rows = W.read_back(W.buyukcekmece_plan(tmp_path / "b.xlsx"))
    by_code = {norm(r[0]).split(" ")[0].rstrip("."): r for r in rows if r[0]}
    assert by_code["1.1.5"][6] == "-Düzenlenen eğitim sayısı\n-Eğitime katılan kadın sayısı"
    assert by_code["1.1.5"][5] == "-"
    assert by_code["1.1.9"][2] == "50 Kadın 50 Erkek 50 Kız Çocuğu 50 Oğlan Çocuğu"
    assert by_code["1.1.13"][6].splitlines()[1] == "Eğitime Katılan Erkek Sayısı"  # no dash
    assert by_code["3.1.5"][6] == "-"
    assert by_code["4.1.8"][6] is None
    space = W.read_back(W.buyukcekmece_plan(tmp_path / "s.xlsx", indicators="space"))
    cell = next(r[6] for r in space if norm(r[0]).startswith("1.1.5."))
    assert cell == "-Düzenlenen eğitim sayısı -Eğitime katılan kadın sayısı"


def test_buyukcekmece_seed_quirks(tmp_path):
    rows = W.read_back(W.buyukcekmece_plan(tmp_path / "q.xlsx", seed_quirks=True))
    assert ["TEMA", None, "1.EĞİTİM"] in [r[:3] for r in rows if r[0] == "TEMA"]
    headers = [r for r in rows if r[0] == "Faaliyetler"]
    assert headers[1][5].endswith("Kuruluş lar")
    assert any(h[6] == "Faaliyetler" for h in headers)
    assert any("Müdürlüęü" in norm(r[4]) for r in rows)
    assert sum(1 for r in rows if r[0] == "---") == 2
    assert len([r for r in rows if re.match(r"^\d+\.\d+\.\d+", norm(r[0]))]) == 86


# --- Narlıdere ----------------------------------------------------------------------


def narlidere_records(sheets):
    """(theme title, aim code, objective code, activity code, indicators) per action row."""
    out = []
    for rows in sheets:
        theme = aim = objective = None
        for row in rows:
            if row[0] and all(v is None for v in row[1:]):
                theme = norm(row[0])
                continue
            if norm(row[0]) == "AMAÇ" or not any(row):
                continue
            if row[0]:
                aim = CODE_RE.match(norm(row[0])).group(1)
            if row[1]:
                objective = CODE_RE.match(norm(row[1])).group(1)
            code = CODE_RE.match(norm(row[2])).group(1) if row[2] else ""
            if row[6] is not None or not code:
                indicators = [norm(x) for x in str(row[6] or "").splitlines()]
            out.append((theme, aim, objective, code, indicators))
    return out


def tsv_narlidere_records():
    out = []
    for act in W.group_activities(W.load_tsv(W.NARLIDERE_TSV)):
        out.append(
            (act["theme_title"], act["goal_code"], act["strategy_code"], act.code, act.indicators)
        )
    return out


@pytest.mark.parametrize("one_sheet", [False, True])
def test_narlidere_holds_the_tsv_data(tmp_path, one_sheet):
    path = W.narlidere_plan(tmp_path / "n.xlsx", one_sheet=one_sheet, stats_sheet=one_sheet)
    names = W.sheet_names(path)
    if one_sheet:
        assert names == ["Genel Bilgiler", "Eylem Planı"]
        sheets = [W.read_back(path, 1)]
    else:
        assert len(names) == 6 and names[4] == "KADINLARIN KARAR ALMA MEKANİZME"
        sheets = [W.read_back(path, i) for i in range(6)]
        assert sheets[4][0][0] == "KADINLARIN KARAR ALMA MEKANİZMELARINA KATILIMI"
        assert sheets[0][1][0] == "AMAÇ" and sheets[0][1][3].endswith("TARİHİLERİ")
    records = narlidere_records(sheets)
    assert records == tsv_narlidere_records()
    expected = W.EXPECTED["narlidere"]
    assert len([r for r in records if r[3]]) == expected["activities"]
    assert sum(len(r[4]) for r in records) == expected["indicators"]
    data = [row for rows in sheets for row in rows if row[2] or row[1]]
    assert len([r for r in data if r[0] and norm(r[0]) != "AMAÇ"]) == expected["aims"]
    assert len([r for r in data if r[1] and norm(r[1]) != "HEDEF"]) == expected["objectives"]


def test_narlidere_merges(tmp_path):
    path = W.narlidere_plan(tmp_path / "n.xlsx")
    merges = W.merged_ranges(path, 0)
    rows = W.read_back(path, 0)
    r241 = next(i for i, r in enumerate(rows, 1) if norm(r[2]).startswith("2.4.1"))
    for col in "DEFG":
        assert f"{col}{r241}:{col}{r241 + 1}" in merges
    assert "A3:A8" in merges  # AMAÇ 1 over its six actions
    assert rows[0][0] == "EĞİTİM" and "A1:G1" in merges


# --- broken files -------------------------------------------------------------------


def test_broken_formula_has_cached_values(tmp_path):
    path = W.broken("formula", tmp_path / "f.xlsx")
    rows = W.read_back(path)
    assert cell_at(rows, W.mersin_cell("1.1.1", "T:2024")) == 15
    assert cell_at(rows, W.mersin_cell("1.1.2", "R:2024")) == "#DIV/0!"
    ws = load_workbook(path).active
    assert ws[W.mersin_cell("1.1.1", "T:2024")].value == "=10+5"
    assert ws[W.mersin_cell("1.1.2", "R:2024")].value == "=1/0"
    assert mersin_records(rows)[2:] == tsv_mersin_records()[2:]


def test_broken_files(tmp_path):
    text = W.broken("not_xlsx_text", tmp_path / "t.xlsx")
    assert text.suffix == ".xlsx"
    with pytest.raises((InvalidFileException, zipfile.BadZipFile)):
        load_workbook(text)

    csv_path = W.broken("csv", tmp_path / "c.xlsx")
    assert csv_path.suffix == ".csv"
    lines = csv_path.read_bytes().decode("cp1254").splitlines()
    assert lines[0].startswith("Faaliyet;") and len(lines) == 147

    xls = W.broken("xls", tmp_path / "x.xlsx")
    assert xls.suffix == ".xls" and xls.read_bytes().startswith(W.OLE2_SIGNATURE)
    renamed = W.broken("xls_as_xlsx", tmp_path / "x.xlsx")
    assert renamed.suffix == ".xlsx" and renamed.read_bytes()[:8] == W.OLE2_SIGNATURE

    assert W.read_back(W.broken("empty", tmp_path / "e.xlsx")) == []

    rows = W.read_back(W.broken("no_header", tmp_path / "n.xlsx"))
    assert not any(is_mersin_header(r) for r in rows)
    assert mersin_records(rows) == tsv_mersin_records()

    rows = W.read_back(W.broken("missing_column", tmp_path / "m.xlsx"))
    assert rows[2] == [h for h in W.MERSIN_HEADERS[0] if h != "Gösterge"]
    assert all(len(r) == 8 for r in rows)

    rows = W.read_back(W.broken("text_in_numeric", tmp_path / "t2.xlsx"))
    assert cell_at(rows, W.mersin_cell("1.1.1", "R:2024")) == "yaklaşık yüz"

    rows = W.read_back(W.broken("duplicate_row", tmp_path / "d.xlsx"))
    i = next(i for i, r in enumerate(rows) if norm(r[0]).startswith("1.1.1."))
    assert rows[i] == rows[i + 1] and rows[i][3] == "Eğitim sayısı"
    assert len(mersin_records(rows)) == 147

    huge = W.broken("huge", tmp_path / "h.xlsx", rows=300, cols=20)
    rows = W.read_back(huge)
    assert len(rows) == 300 and {len(r) for r in rows} == {20}
    assert is_mersin_header(rows[0])

    truncated = W.broken("truncated", tmp_path / "z.xlsx")
    with pytest.raises(zipfile.BadZipFile):
        load_workbook(truncated)

    with pytest.raises(ValueError):
        W.broken("nonsense", tmp_path / "q.xlsx")
