"""The plan import preview shows the plan it will create: a collapsible tree under the
plan's own level names with the indicators' targets per year, the new units split into
directorates, outside partners and collective phrases with the closest known unit
proposed, and a warning with its cell for a blank indicator cell and for a text in a
number column. Accepting a proposal links the name to the known unit."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Activity, Plan, Unit, UnitAlias

from .excel_helpers import snapshot, xlsx
from .workbooks import buyukcekmece_plan, narlidere_plan

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "admin:plans_plan_import"
BC = "Büyükçekmece Belediyesi"
HEADER = [
    "Faaliyet",
    "Gösterge",
    "Sorumlu birim",
    "İşbirliği Yapılacak Kurum/Kuruluşlar",
    "Mevcut",
    "2024",
    "2025",
    "2026",
]


def plan_rows(extra: int = 0) -> list[list]:
    rows = [
        ["ÖNİZLEME YEREL EŞİTLİK EYLEM PLANI"],
        HEADER,
        ["1. EĞİTİM"],
        ["1.1. Hedef: Toplumsal cinsiyet eşitliği farkındalığını artırmak"],
        [
            "1.1.1. Personele eğitim",
            "Eğitim verilen personel sayısı",
            "Saęlık İşleri Müdürlüğü\nSosyal Destek Hizm. Müdürlüğü",
            "Ege Üniversitesi, Yeni Umut Derneği\nİl Sağlık Müdürlüğü",
            "-",
            1234,
            "yirmi",
            30,
        ],
        [
            "1.1.2. Kadın kooperatifleri",
            None,
            "Ruhsat ve Denetim Müdürlüğü\nAkıllı Şehir Müdürlüğü",
            "Muhtarlıklar, Tüm Koordinatörlükler",
            "",
            "%8,2",
            "-",
            "Toplantıda belli olacak",
        ],
    ]
    for n in range(extra):
        rows.append(
            [
                f"1.1.{n + 3}. Ek faaliyet {n}",
                f"Ek gösterge {n}",
                "Akıllı Şehir Müdürlüğü",
                "Ege Üniversitesi",
                0,
                n,
                n + 1,
                n + 2,
            ]
        )
    return rows


def _post(client, data, municipality=BC):
    upload = SimpleUploadedFile("plan.xlsx", data, content_type=XLSX)
    return client.post(reverse(URL), {"file": upload, "municipality": municipality})


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section class="unit-group" id="{section_id}">(.*?)</section>', html, re.S)
    assert match, f"no {section_id} in the preview"
    return match.group(1)


def test_the_preview_shows_the_plan_as_a_tree_with_targets(admin_client_tr):
    before = snapshot()
    response = _post(admin_client_tr, xlsx(plan_rows()))
    assert response.status_code == 200
    html = response.text
    assert snapshot() == before
    tree = html[html.index('id="plan-tree"') :]
    assert re.search(
        r'<details class="theme" open><summary><span class="level">Tema 1</span> EĞİTİM', tree
    )
    assert '<details class="goal"><summary><span class="level">Hedef 1.1</span>' in tree
    text = _text(tree)
    assert "· 2 faaliyet, 1 gösterge" in text
    assert "Faaliyet 1.1.1 Personele eğitim" in text
    row = re.search(r'<tr class="indicator">(.*?)</tr>', tree, re.S).group(1)
    # baseline "-", 1.234 the Turkish way, the text kept as written, 30
    assert _text(row).strip() == "Eğitim verilen personel sayısı - 1.234 yirmi 30"
    assert 'class="num state-text" title="Metin (aşama)">yirmi<' in row
    # the activity with no indicator: its targets are the activity's, states as written
    act = re.search(r'<tr class="activity-targets">(.*?)</tr>', tree, re.S).group(1)
    assert _text(act).strip() == "faaliyet düzeyinde hedef %8,2 - Toplantıda belli olacak"
    assert 'class="num state-na" title="Uygulanmaz (-)">-<' in act
    assert 'class="num state-tbd" title="Belirlenecek">Toplantıda belli olacak<' in act
    # the units as the cells were split, the known unit under its own name
    assert "Sorumlu: Ruhsat ve Denetim Müdürlüğü; Akıllı Şehir Müdürlüğü" in text
    assert "Sorumlu: Sağlık İşleri Müdürlüğü; Sosyal Destek Hizm. Müdürlüğü" in text
    assert "İşbirliği: Ege Üniversitesi; Yeni Umut Derneği; İl Sağlık Müdürlüğü" in text


def test_the_preview_groups_new_units_and_proposes_the_closest_known_one(admin_client_tr):
    response = _post(admin_client_tr, xlsx(plan_rows()))
    html = response.text
    own, outside = _section(html, "units-internal"), _section(html, "units-external")
    collective = _section(html, "units-collective")
    # the mis-encoded name is the known unit (its key repairs the letters): not new
    assert "Saęlık" not in html[html.index('id="new-units-title"') : html.index('id="plan-tree"')]
    assert "Sağlık İşleri Müdürlüğü" not in own
    # one unit, not "Ruhsat" and "Denetim Müdürlüğü" (and it is known in Büyükçekmece)
    assert "Ruhsat" not in own
    assert "Akıllı Şehir Müdürlüğü" in own
    # an abbreviation not known to the key: the known unit is proposed and chosen
    known = Unit.objects.get(municipality__name=BC, name="Sosyal Destek Hizmetler Müdürlüğü")
    proposal = re.search(
        r"<strong>Sosyal Destek Hizm\. Müdürlüğü</strong>.*?</tr>", own, re.S
    ).group(0)
    assert f'<option value="{known.pk}" selected>Var olan birim: {known.name}</option>' in proposal
    assert "'Sayfa1' sayfası, 5. satır, C sütunu" in _text(proposal)
    for name in ("Ege Üniversitesi", "Yeni Umut Derneği", "İl Sağlık Müdürlüğü", "Muhtarlıklar"):
        assert f"<strong>{name}</strong>" in outside, name
    assert "<strong>Tüm Koordinatörlükler</strong>" in collective
    assert "Ege Üniversitesi" not in own and "Akıllı Şehir" not in outside


def test_warnings_name_the_cell_and_do_not_stop_the_import(admin_client_tr):
    response = _post(admin_client_tr, xlsx(plan_rows()))
    warnings = _text(re.search(r'<ul id="preview-warnings">(.*?)</ul>', response.text, re.S)[1])
    assert "'Sayfa1' sayfası, 5. satır, G sütunu (2025): “yirmi” bir sayı değil" in warnings
    assert "'Sayfa1' sayfası, 6. satır, B sütunu (Gösterge): Gösterge hücresi boş" in warnings
    response = admin_client_tr.post(reverse(URL), {"token": response.context["token"]})
    assert response.status_code == 302


def test_accepting_a_proposal_links_the_known_unit_and_creates_none(admin_client_tr):
    response = _post(admin_client_tr, xlsx(plan_rows()))
    html = response.text
    known = Unit.objects.get(municipality__name=BC, name="Sosyal Destek Hizmetler Müdürlüğü")
    field = re.search(
        r'name="(unit-internal-\d+)-name" value="Sosyal Destek Hizm. Müdürlüğü"', html
    ).group(1)
    units_before = Unit.objects.filter(municipality__name=BC).count()
    response = admin_client_tr.post(
        reverse(URL),
        {
            "token": response.context["token"],
            f"{field}-name": "Sosyal Destek Hizm. Müdürlüğü",
            f"{field}-map": str(known.pk),
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(municipality__name=BC, title="ÖNİZLEME YEREL EŞİTLİK EYLEM PLANI")
    activity = Activity.objects.get(theme__plan=plan, code="1.1.1")
    names = set(activity.responsible_units.values_list("name", flat=True))
    assert names == {"Sağlık İşleri Müdürlüğü", "Sosyal Destek Hizmetler Müdürlüğü"}
    assert not Unit.objects.filter(name__startswith="Sosyal Destek Hizm.").exists()
    assert UnitAlias.objects.get(alias="Sosyal Destek Hizm. Müdürlüğü").unit == known
    # new: Akıllı Şehir, Ege Üniversitesi, Yeni Umut Derneği, İl Sağlık, Muhtarlıklar ...
    new = set(Unit.objects.filter(municipality__name=BC).values_list("name", flat=True)) - {
        known.name
    }
    assert "Akıllı Şehir Müdürlüğü" in new
    assert Unit.objects.filter(municipality__name=BC).count() > units_before


def test_keeping_a_unit_new_creates_it(admin_client_tr):
    response = _post(admin_client_tr, xlsx(plan_rows()))
    field = re.search(
        r'name="(unit-internal-\d+)-name" value="Sosyal Destek Hizm. Müdürlüğü"', response.text
    ).group(1)
    response = admin_client_tr.post(
        reverse(URL),
        {"token": response.context["token"], f"{field}-name": "x", f"{field}-map": ""},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(municipality__name=BC, name="Sosyal Destek Hizm. Müdürlüğü")
    assert unit.kind == Unit.Kind.INTERNAL


def test_a_proposal_of_another_municipality_is_ignored(admin_client_tr):
    response = _post(admin_client_tr, xlsx(plan_rows()))
    field = re.search(
        r'name="(unit-internal-\d+)-name" value="Sosyal Destek Hizm. Müdürlüğü"', response.text
    ).group(1)
    foreign = Unit.objects.filter(municipality__name="Mersin Büyükşehir Belediyesi").first()
    admin_client_tr.post(
        reverse(URL),
        {
            "token": response.context["token"],
            f"{field}-name": "Sosyal Destek Hizm. Müdürlüğü",
            f"{field}-map": str(foreign.pk),
        },
    )
    assert not UnitAlias.objects.filter(unit=foreign).exists()
    assert Unit.objects.filter(municipality__name=BC, name="Sosyal Destek Hizm. Müdürlüğü").exists()


def test_a_new_municipality_keeps_names_with_ve_whole(admin_client_tr):
    response = _post(admin_client_tr, xlsx(plan_rows()), municipality="Önizleme Belediyesi")
    own = _section(response.text, "units-internal")
    assert "<strong>Ruhsat ve Denetim Müdürlüğü</strong>" in own
    assert "<strong>Ruhsat</strong>" not in own and "<strong>Denetim Müdürlüğü</strong>" not in own
    # no known unit to propose
    assert "Var olan birim:" not in response.text


def test_the_tree_uses_the_plans_own_level_names(admin_client_tr, tmp_path):
    data = narlidere_plan(tmp_path / "narlidere.xlsx").read_bytes()
    response = _post(admin_client_tr, data, municipality="Narlıdere Belediyesi")
    html = response.text
    heads = re.search(r'<table id="preview-counts">\s*<thead><tr>(.*?)</tr>', html, re.S)[1]
    shown = "Tema Amaç Hedef Eylem Gösterge Hedef değeri Gerçekleşme"
    assert _text(heads).strip() == shown
    tree = html[html.index('id="plan-tree"') :]
    assert '<span class="level">Amaç 1</span>' in tree
    assert re.search(r'<span class="level">Hedef 1\.1</span>', tree)
    assert '<span class="level">Eylem 1.1.1</span>' in tree
    assert " eylem, " in _text(tree)


def test_strategy_rows_without_goals_are_counted_as_strategies(admin_client_tr, tmp_path):
    """Büyükçekmece without its preamble: the STRATEJİ rows are the plan's goal level,
    named "Strateji" in the counts and the tree, not counted as "Hedef"."""
    data = buyukcekmece_plan(tmp_path / "bc.xlsx", preamble=False).read_bytes()
    html = _post(admin_client_tr, data, municipality="Önizleme Belediyesi").text
    heads = re.search(r'<table id="preview-counts">\s*<thead><tr>(.*?)</tr>', html, re.S)[1]
    assert _text(heads).split()[:3] == ["Tema", "Strateji", "Faaliyet"]
    values = re.search(r'<table id="preview-counts">.*?<tbody><tr>(.*?)</tr>', html, re.S)[1]
    assert _text(values).split()[:4] == ["6", "9", "86", "203"]
    assert '<span class="level">Strateji 1.1</span>' in html
    assert '<span class="level">Hedef' not in html


def test_a_unit_stored_under_an_older_key_is_still_found(admin_client_tr):
    """Keys stored before the key learned to repair letters still match."""
    bc = Unit.objects.filter(municipality__name=BC)
    bc.filter(name="Sağlık İşleri Müdürlüğü").update(
        name="Saęlık İşleri Müdürlüğü", key="saęlık işleri müdürlüğü"
    )
    html = _post(admin_client_tr, xlsx(plan_rows())).text
    assert "Sağlık İşleri" not in _section(html, "units-internal")
    assert "Saęlık" not in _section(html, "units-internal")


def test_preview_queries_do_not_grow_with_rows(admin_client_tr, django_assert_num_queries):
    def count(extra: int) -> int:
        data = xlsx(plan_rows(extra))
        with CaptureQueriesContext(connection) as ctx:
            assert _post(admin_client_tr, data).status_code == 200
        return len(ctx.captured_queries)

    small, large = count(0), count(40)
    assert small == large
    # session and user (2); the dry run: municipality, plan version, plan, groups, units,
    # aliases, one insert per level and per link table, indicators; the target writer's
    # checks and inserts, audit; savepoints around it; whether the municipality exists;
    # the session saved with the token. Nothing per row, unit or proposal. PostgreSQL
    # bulk-inserts with COPY: one more query (the ids) for each of the four levels.
    with django_assert_num_queries(43 if connection.vendor == "postgresql" else 39):
        _post(admin_client_tr, xlsx(plan_rows(5)))


def _two_spellings() -> bytes:
    return xlsx(
        [
            HEADER,
            ["1. EĞİTİM"],
            ["1.1.1. Bir", "Gösterge bir", "Saęlık İşleri Müdürlüğü", "-", 0, 1, 2, 3],
            ["1.1.2. İki", "Gösterge iki", "Kültür ve Sosyal İşler Müdürlüğü", "-", 0, 1, 2, 3],
            ["1.1.3. Üç", "Gösterge üç", "Kültür ve Sosyal İşler Müdürlüğü", "-", 0, 1, 2, 3],
            ["1.1.4. Dört", "Gösterge dört", "Kültür Sosyal İşler Müdürlüğü", "-", 0, 1, 2, 3],
            ["1.1.5. Beş", "Gösterge beş", "Sağlık İşleri Müdürlüğü", "-", 0, 1, 2, 3],
        ]
    )


def test_a_new_municipality_gets_one_unit_for_two_spellings(admin_client_tr):
    """No known unit to propose: the file's own, more used spelling is proposed (and
    chosen); a mis-encoded spelling is the same unit at once, under the right letters."""
    municipality = "İki Yazılış Belediyesi"
    response = _post(admin_client_tr, _two_spellings(), municipality=municipality)
    own = _section(response.text, "units-internal")
    assert own.count("<strong>Sağlık İşleri Müdürlüğü</strong>") == 1
    assert "Saęlık" not in own
    row = re.search(r"<strong>Kültür Sosyal İşler Müdürlüğü</strong>.*?</tr>", own, re.S)[0]
    assert (
        '<option value="same:kültür ve sosyal işler müdürlüğü" selected>'
        "Bu tablodaki: Kültür ve Sosyal İşler Müdürlüğü</option>"
    ) in row
    # the more used spelling is not proposed to go the other way
    more = re.search(r"<strong>Kültür ve Sosyal İşler Müdürlüğü</strong>.*?</tr>", own, re.S)[0]
    assert "<select" not in more
    field = re.search(
        r'name="(unit-internal-\d+)-name" value="Kültür Sosyal İşler Müdürlüğü"', own
    ).group(1)
    response = admin_client_tr.post(
        reverse(URL),
        {
            "token": response.context["token"],
            f"{field}-name": "Kültür Sosyal İşler Müdürlüğü",
            f"{field}-map": "same:kültür ve sosyal işler müdürlüğü",
        },
    )
    assert response.status_code == 302
    units = Unit.objects.filter(municipality__name=municipality)
    assert sorted(units.values_list("name", flat=True)) == [
        "Kültür ve Sosyal İşler Müdürlüğü",
        "Sağlık İşleri Müdürlüğü",
    ]
    kultur = units.get(name="Kültür ve Sosyal İşler Müdürlüğü")
    assert kultur.responsible_for.count() == 3
    assert UnitAlias.objects.get(alias="Kültür Sosyal İşler Müdürlüğü").unit == kultur
