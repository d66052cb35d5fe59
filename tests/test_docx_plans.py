"""Plans from their Word documents (tests/documents.py, built like the three seed plans)
imported and compared with their xlsx twins (tests/workbooks.py): the same themes, goals,
strategies, activities, indicators, targets, realizations and units."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from monitoring.excel.document.layout import lay_out
from monitoring.excel.plan_rows import parse_workbook
from monitoring.excel.plan_table import import_plan
from monitoring.excel.reader import WorkbookError
from monitoring.models import Realization
from plans.models import Activity, Indicator, Plan, Strategy, Target

from . import documents as D
from . import workbooks as W
from .excel_helpers import snapshot

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def load(path, name: str, **kwargs):
    return import_plan(source=path.read_bytes(), municipality_name=name, **kwargs)


def counts(plan):
    return {
        "themes": plan.themes.count(),
        "goals": sum(t.goals.count() for t in plan.themes.all()),
        "strategies": Strategy.objects.filter(goal__theme__plan=plan).count(),
        "activities": Activity.objects.for_plan(plan).count(),
        "indicators": Indicator.objects.filter(activity__theme__plan=plan).count(),
    }


def _figures(qs):
    return sorted(
        (f.year, f.group.code if f.group else "", f.state, f.value, f.raw_text)
        for f in qs.select_related("group")
    )


def contents(plan) -> dict:
    """Everything the import stored for a plan, without ids: compared between twins."""
    themes = []
    for theme in plan.themes.order_by("position"):
        goals = []
        for goal in theme.goals.order_by("position"):
            goals.append(
                (
                    goal.code,
                    goal.title,
                    [(s.code, s.title) for s in goal.strategies.order_by("position")],
                )
            )
        themes.append((theme.code, theme.title, goals))
    activities = []
    for act in Activity.objects.for_plan(plan).order_by("theme__position", "position"):
        indicators = []
        for ind in act.indicators.order_by("position"):
            indicators.append(
                (
                    ind.name,
                    ind.unit_of_measure,
                    ind.value_type,
                    ind.baseline_raw,
                    ind.baseline_value,
                    _figures(ind.targets.all()),
                    _figures(Realization.objects.filter(indicator=ind)),
                )
            )
        activities.append(
            (
                act.theme.code,
                act.goal.code if act.goal else "",
                act.strategy.code if act.strategy else "",
                act.code,
                act.title,
                act.timing,
                act.timing_raw,
                act.start_year,
                act.end_year,
                act.responsible_raw,
                act.partners_raw,
                sorted(u.name for u in act.responsible_units.all()),
                sorted(u.name for u in act.partner_units.all()),
                _figures(act.activity_targets.all()),
                indicators,
            )
        )
    return {
        "years": (plan.first_year, plan.last_year),
        "labels": (plan.goal_label, plan.strategy_label, plan.activity_label),
        "themes": themes,
        "activities": activities,
    }


TWINS = {
    "mersin": (D.mersin_document, {}, W.mersin_report, {}),
    "mersin-one-table": (
        D.mersin_document,
        {"tables": "single", "lines": "paragraphs"},
        W.mersin_report,
        {},
    ),
    "mersin-one-header-and-text": (
        D.mersin_document,
        {"headers": "first", "text_between": True},
        W.mersin_report,
        {},
    ),
    "mersin-two-row-header": (D.mersin_document, {"header_rows": 2}, W.mersin_report, {}),
    "buyukcekmece": (D.buyukcekmece_document, {}, W.buyukcekmece_plan, {}),
    "buyukcekmece-rows": (
        D.buyukcekmece_document,
        {"indicators": "rows"},
        W.buyukcekmece_plan,
        {"indicators": "rows"},
    ),
    "buyukcekmece-level-tables": (
        D.buyukcekmece_document,
        {"levels": "table"},
        W.buyukcekmece_plan,
        {},
    ),
    "buyukcekmece-level-paragraphs": (
        D.buyukcekmece_document,
        {"levels": "paragraphs"},
        W.buyukcekmece_plan,
        {},
    ),
    "narlidere": (D.narlidere_document, {}, W.narlidere_plan, {}),
    "narlidere-no-chapters": (
        D.narlidere_document,
        {"chapters": False},
        W.narlidere_plan,
        {"one_sheet": True},
    ),
    "narlidere-titles-in-tables": (
        D.narlidere_document,
        {"title_in_table": True},
        W.narlidere_plan,
        {},
    ),
}
EXPECTED = {
    "mersin": {"themes": 8, "goals": 19, "strategies": 0, "activities": 118, "indicators": 146},
    "buyukcekmece": {
        "themes": 6,
        "goals": 6,
        "strategies": 9,
        "activities": 86,
        "indicators": 203,
    },
    "narlidere": {"themes": 6, "goals": 25, "strategies": 52, "activities": 77, "indicators": 80},
}


@pytest.mark.parametrize("name", TWINS)
def test_a_word_plan_stores_what_its_xlsx_twin_stores(tmp_path, name):
    make_doc, doc_args, make_xlsx, xlsx_args = TWINS[name]
    doc = load(make_doc(tmp_path / "plan.docx", **doc_args), "Word Belediyesi")
    book = load(make_xlsx(tmp_path / "plan.xlsx", **xlsx_args), "Excel Belediyesi")
    assert counts(doc.plan) == EXPECTED[name.split("-")[0]]
    assert contents(doc.plan) == contents(book.plan)
    assert doc.summary.counts() == book.summary.counts()
    assert doc.report_year == book.report_year
    assert sorted(doc.summary.new_units) == sorted(book.summary.new_units)


@pytest.mark.parametrize(
    ("name", "make_xlsx"),
    [
        ("mersin", W.mersin_report),
        ("buyukcekmece", W.buyukcekmece_plan),
        ("narlidere", W.narlidere_plan),
    ],
)
def test_a_word_plan_written_by_libreoffice_stores_what_its_xlsx_twin_stores(
    tmp_path, name, make_xlsx
):
    """Documents python-docx did not write (tests/documents_html.py: HTML tables with
    rowspan and colspan, headings, running text, converted by LibreOffice)."""
    path = Path(__file__).parent / "data" / f"{name}-libreoffice.docx"
    doc = load(path, "Word Belediyesi")
    book = load(make_xlsx(tmp_path / "plan.xlsx"), "Excel Belediyesi")
    assert counts(doc.plan) == EXPECTED[name]
    assert contents(doc.plan) == contents(book.plan)


def test_mersin_document_values(tmp_path):
    result = load(D.mersin_document(tmp_path / "m.docx"), "Deneme Belediyesi")
    plan = result.plan
    assert result.report_year == 2024 and (plan.first_year, plan.last_year) == (2024, 2026)
    assert plan.title == W.MERSIN_TITLE
    ind = Indicator.objects.get(
        activity__theme__plan=plan, activity__code="1.1.4", name__startswith="TCE"
    )
    assert ind.baseline_value == 277
    assert [t.value for t in ind.targets.order_by("year")] == [377, 477, 500]
    assert ind.realizations.get().value == 987
    # 1.1.4's second indicator opens the second part of a table split over a page: the
    # activity's merged cell goes on there
    assert Activity.objects.for_plan(plan).get(code="1.1.4").indicators.count() == 2
    pct = Indicator.objects.get(activity__theme__plan=plan, activity__code="2.1.5")
    assert pct.targets.get(year=2025).raw_text == "%8,2" and pct.value_type == "percent"
    dash = Indicator.objects.get(activity__theme__plan=plan, activity__code="2.1.8")
    assert dash.baseline_raw == "-" and dash.realizations.get().value == 0
    assert Target.objects.filter(indicator__activity__theme__plan=plan).count() == 438
    assert Realization.objects.for_plan(plan).count() == 145


def test_buyukcekmece_document_values(tmp_path):
    plan = load(D.buyukcekmece_document(tmp_path / "b.docx"), "Deneme Belediyesi").plan
    act = Activity.objects.get(theme__plan=plan, code="1.1.9")
    assert {t.group.code: t.value for t in act.activity_targets.filter(year=2023)} == {
        "kadin": 50,
        "erkek": 50,
        "kiz-cocuk": 50,
        "oglan-cocuk": 50,
    }
    assert "Örneğin hamilelik" in Activity.objects.get(theme__plan=plan, code="1.1.2").title
    assert plan.themes.get(code="1").goals.get().title.startswith("Kırılgan grupların")


def test_narlidere_document_themes_from_the_titles_between_tables(tmp_path):
    result = load(D.narlidere_document(tmp_path / "n.docx"), "Deneme Belediyesi")
    plan = result.plan
    assert [t.title for t in plan.themes.order_by("position")] == [
        "EĞİTİM",
        "SAĞLIK",
        "İSTİHDAM",
        "KADINA YÖNELİK ŞİDDETLE MÜCADELE",
        "KADINLARIN KARAR ALMA MEKANİZMELARINA KATILIMI",  # sic, as the seed
        "KADIN VE KENTSEL HİZMETLER",
    ]
    # the chapters' running text is in no title
    assert not Activity.objects.for_plan(plan).filter(title__contains="görüşmelerde").exists()
    assert (plan.goal_label, plan.strategy_label) == ("Amaç", "Hedef")
    assert any("daha önce de geçiyor" in w for w in result.warnings)


# --- the layout, block by block ----------------------------------------------------

HEADER = ["Faaliyet", "Gösterge", "Mevcut", "2024"]


def cells(*texts, vmerge=None):
    """A row of plain cells; ``vmerge`` maps a column to "restart" / "continue"."""
    vmerge = vmerge or {}
    return [[1, vmerge.get(i, ""), t, False] for i, t in enumerate(texts)]


def table(*rows, header_rows=1):
    return ["t", [[i < header_rows, 0, r] for i, r in enumerate(rows)]]


def test_a_cell_merged_down_is_carried_like_an_xlsx_merge():
    laid = lay_out(
        [
            table(
                cells(*HEADER),
                cells("1.1. Eğitim", "Eğitim sayısı", "3", "5", vmerge={0: "restart"}),
                cells("", "Katılımcı sayısı", "20", "40", vmerge={0: "continue"}),
            )
        ]
    )
    assert laid.rows[2][0] == ""  # the text stays in the top cell, as in xlsx
    assert laid.merged == [((1, 0), (2, 0))]


def test_a_merged_cell_holding_each_merged_cells_copy_keeps_one():
    """python-docx and Word keep the text of every cell merged: typed on every row, then
    merged, the activity would read twice."""
    laid = lay_out(
        [
            table(
                cells(*HEADER),
                cells("1.1. Eğitim\n1.1. Eğitim", "Eğitim sayısı", "3", "5", vmerge={0: "restart"}),
                cells("", "Katılımcı sayısı", "20", "40", vmerge={0: "continue"}),
            )
        ]
    )
    assert laid.rows[1][0] == "1.1. Eğitim"


def test_a_cell_across_columns_has_its_text_in_the_first():
    laid = lay_out([table(cells(*HEADER), [[4, "", "1. EĞİTİM", False]])])
    assert laid.rows[1] == ["1. EĞİTİM", "", "", ""]


def test_the_header_typed_again_on_page_two_is_dropped_and_merges_go_on():
    laid = lay_out(
        [
            table(
                cells(*HEADER),
                cells("1.1. Eğitim", "Eğitim sayısı", "3", "5", vmerge={0: "restart"}),
                cells(*HEADER),  # typed again at the top of page 2
                cells("", "Katılımcı sayısı", "20", "40", vmerge={0: "continue"}),
            )
        ]
    )
    assert [r[1] for r in laid.rows] == ["Gösterge", "Eğitim sayısı", "Katılımcı sayısı"]
    assert laid.merged == [((1, 0), (2, 0))]


def test_a_header_over_two_rows_is_read_as_one():
    laid = lay_out(
        [
            table(
                cells("Faaliyet", "Gösterge", "Mevcut", "Hedefler", "", "", vmerge={0: "restart"})[
                    :3
                ]
                + [[3, "", "Hedefler", False]],
                cells("", "", "", "2024", "2025", "2026", vmerge={0: "continue", 1: "continue"}),
                cells("1.1.1. Eğitim", "Eğitim sayısı", "3", "5", "6", "7"),
                header_rows=2,
            )
        ]
    )
    assert laid.rows[0] == ["Faaliyet", "Gösterge", "Mevcut", "2024", "2025", "2026"]
    assert laid.rows[1][0] == "1.1.1. Eğitim"
    assert [(o.table, o.row) for o in laid.origins] == [(1, 1), (1, 3)]


def test_a_table_split_over_two_pages_is_joined():
    laid = lay_out(
        [
            table(
                cells(*HEADER),
                cells("1.1. Eğitim", "Eğitim sayısı", "3", "5", vmerge={0: "restart"}),
            ),
            ["p", "", False],
            table(
                cells(*HEADER),  # repeated at the top of the second part
                cells("", "Katılımcı sayısı", "20", "40", vmerge={0: "continue"}),
            ),
        ]
    )
    assert [r[1] for r in laid.rows] == ["Gösterge", "Eğitim sayısı", "Katılımcı sayısı"]
    assert laid.merged == [((1, 0), (2, 0))]
    assert [(o.table, o.row) for o in laid.origins] == [(1, 1), (1, 2), (2, 2)]


NARLIDERE_HEADER = ["AMAÇ", "HEDEF", "EYLEM", "Göstergeler"]


def test_theme_titles_between_tables_and_running_text():
    text = "Yapılan görüşmelerde " + "öneriler dile getirilmiştir ve " * 8 + "sonuç budur."
    laid = lay_out(
        [
            ["p", "NARLIDERE YEREL EŞİTLİK EYLEM PLANI", True],
            ["p", "3.1. EĞİTİM", True],
            ["p", text, False],
            ["p", "EĞİTİM", True],
            table(cells(*NARLIDERE_HEADER), cells("1. Amaç", "1.1. Hedef", "1.1.1. Eylem", "G")),
            ["p", "3.2 SAĞLIK", True],
            ["p", text, False],
            ["p", "SAĞLIK", True],
            table(cells(*NARLIDERE_HEADER), cells("1. Amaç", "1.1. Hedef", "1.1.1. Eylem", "G")),
        ]
    )
    firsts = [r[0] for r in laid.rows]
    assert firsts == [
        "NARLIDERE YEREL EŞİTLİK EYLEM PLANI",
        "EĞİTİM",
        "AMAÇ",
        "1. Amaç",
        "SAĞLIK",
        "AMAÇ",
        "1. Amaç",
    ]


def test_mersin_theme_and_goal_paragraphs_between_tables_and_no_running_text():
    laid = lay_out(
        [
            ["p", "2024 YILI GERÇEKLEŞME RAPORU", True],
            table(cells(*HEADER), cells("1.1.1. Eğitim", "Eğitim sayısı", "3", "5")),
            ["p", "Tablo aşağıda sürmektedir ve bütün müdürlüklerce doldurulmuştur.", False],
            ["p", "2. İSTİHDAM", True],
            ["p", "2.1. Hedef: Kadın istihdamını artırmak", False],
            table(cells(*HEADER), cells("2.1.1. Kurs", "Kurs sayısı", "3", "5")),
        ]
    )
    assert [r[0] for r in laid.rows] == [
        "2024 YILI GERÇEKLEŞME RAPORU",
        "Faaliyet",
        "1.1.1. Eğitim",
        "2. İSTİHDAM",
        "2.1. Hedef: Kadın istihdamını artırmak",
        "Faaliyet",
        "2.1.1. Kurs",
    ]


def test_a_table_that_is_no_plan_table_is_left_out_with_a_warning():
    laid = lay_out(
        [
            table(cells("Nüfus", "Toplam", "Erkek", "Kadın"), cells("2023", "62923", "1", "2")),
            table(cells(*HEADER), cells("1.1.1. Eğitim", "Eğitim sayısı", "3", "5")),
            ["p", "EK 1 - Mahalle nüfusları", True],
            table(cells("Mahalle", "Nüfus"), cells("İnönü", "8.752")),
        ]
    )
    assert [r[0] for r in laid.rows] == ["Faaliyet", "1.1.1. Eğitim"]
    assert "3. tablo" in str(laid.notes[0])


# --- messages, the command, the admin ----------------------------------------------


def test_a_refusal_names_the_table_and_its_row(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("2024 YILI GERÇEKLEŞME RAPORU")
    t = document.add_table(rows=3, cols=5)
    for r, row in enumerate(
        [
            ["Faaliyet", "Gösterge", "Mevcut", "2024", "Gerçekleşme"],
            ["1.1.1. Eğitim", "Eğitim sayısı", "3", "5", "4"],
            ["1.1.1. Eğitim", "Eğitim sayısı", "3", "5", "4"],
        ]
    ):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    path = tmp_path / "p.docx"
    document.save(path)
    before = snapshot()
    with pytest.raises(WorkbookError) as exc:
        load(path, "Deneme Belediyesi")
    assert "Word belgesi, 1. tablo, 3. satır" in str(exc.value)
    assert "ikinci kez" in str(exc.value)
    assert snapshot() == before


def test_parse_reads_a_word_document(tmp_path):
    parsed = parse_workbook(D.narlidere_document(tmp_path / "n.docx").read_bytes())
    assert parsed.title == "NARLIDERE YEREL EŞİTLİK EYLEM PLANI"
    assert parsed.rows[0].source.cell() == "Word belgesi, 1. tablo, 2. satır"


def test_import_plan_command_reads_a_docx(tmp_path, capsys):
    path = D.buyukcekmece_document(tmp_path / "plan.docx")
    call_command("import_plan", str(path), "--municipality", "Tarsus Belediyesi")
    out = capsys.readouterr().out
    assert "86 faaliyet" in out or "86" in out
    assert counts(Plan.objects.get(municipality__name="Tarsus Belediyesi"))["activities"] == 86


def test_admin_upload_of_a_word_plan(admin_client_tr, tmp_path):
    url = reverse("admin:plans_plan_import")
    page = admin_client_tr.get(url).text
    assert 'accept=".docx,.xlsm,.xlsx"' in page
    assert "Word belgesi (.docx)" in page
    data = D.mersin_document(tmp_path / "m.docx").read_bytes()
    before = snapshot()
    response = admin_client_tr.post(
        url,
        {
            "file": SimpleUploadedFile("plan.docx", data, content_type=DOCX),
            "municipality": "Silifke Belediyesi",
        },
    )
    assert response.status_code == 200
    assert "<td>118</td>" in response.text and "<td>146</td>" in response.text
    assert "Gerçekleşme yılı: 2024" in response.text
    assert snapshot() == before
    response = admin_client_tr.post(url, {"token": response.context["token"]})
    assert response.status_code == 302
    plan = Plan.objects.get(municipality__name="Silifke Belediyesi")
    assert counts(plan)["indicators"] == 146


def test_admin_refuses_an_old_word_file(admin_client_tr):
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + "WordDocument".encode("utf-16-le")
    response = admin_client_tr.post(
        reverse("admin:plans_plan_import"),
        {"file": SimpleUploadedFile("plan.doc", ole + bytes(2048)), "municipality": "X"},
    )
    assert response.status_code == 200
    assert "eski Word biçiminde (.doc)" in response.text
