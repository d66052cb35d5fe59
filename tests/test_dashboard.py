"""The read-only dashboard: what a visitor reads on each page of the demo plans."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.models import Realization
from plans.models import Activity, Group, Indicator, Plan, Unit
from plans.text import tr_sort_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon():
    """A visitor who has not signed in (``client`` is the one admin_client_tr signs in)."""
    return Client()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def plan_of(name_start: str) -> Plan:
    return Plan.objects.get(municipality__name__startswith=name_start)


def mersin() -> Plan:
    return plan_of("Mersin")


def indicator(plan, code, name_start="") -> Indicator:
    return Indicator.objects.get(
        activity__theme__plan=plan, activity__code=code, name__startswith=name_start
    )


def page(client, name, *args, **query):
    url = reverse(f"monitoring:{name}", args=args)
    response = client.get(url, query)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def text(html: str, element_id: str) -> str:
    """The text inside the element with this id (tags removed, spaces collapsed)."""
    m = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert m, f"no #{element_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", m.group(2))).split())


def table_rows(html: str, table_id: str) -> list[list[str]]:
    m = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert m, f"no table #{table_id}"
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


# ---------------------------------------------------------------------------- plan list


def test_root_goes_to_the_plan_list(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:plan_list")


def test_plan_list_shows_public_plans_to_everyone_and_all_plans_after_login(anon, admin_client_tr):
    html = page(anon, "plan_list")
    assert "Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı" in html
    assert "Büyükçekmece Yerel Eşitlik Eylem Planı" in html
    assert "Narlıdere" not in html
    assert "118 faaliyet, 146 gösterge" in html
    html = page(admin_client_tr, "plan_list")
    assert "Narlıdere Yerel Eşitlik Eylem Planı" in html
    assert "2024–2026" in html and "2.024" not in html


# ---------------------------------------------------------------------------- access


def test_a_plan_that_is_not_public_needs_a_login(anon, admin_client_tr):
    narlidere = plan_of("Narlıdere")
    url = reverse("monitoring:overview", args=[narlidere.pk])
    response = anon.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + "?next=")
    for name, args in [
        ("indicator_table", [narlidere.pk]),
        ("theme", [narlidere.pk, narlidere.themes.first().pk]),
    ]:
        assert anon.get(reverse(f"monitoring:{name}", args=args)).status_code == 302
    assert admin_client_tr.get(url).status_code == 200


def test_objects_of_another_plan_are_not_found(client):
    other = Indicator.objects.filter(activity__theme__plan=plan_of("Büyükçekmece")).first()
    url = reverse("monitoring:indicator", args=[mersin().pk, other.pk])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------- overview


def test_overview_of_mersin_2024(client):
    plan = mersin()
    html = page(client, "overview", plan.pk)  # no year: the latest year with data
    assert text(html, "fig-activities") == "118"
    assert text(html, "fig-indicators") == "146"
    assert text(html, "fig-entered") == "%99,3"
    assert "(145/146, 2024)" in html
    assert text(html, "fig-achieved") == "121"
    assert text(html, "fig-behind") == "5"
    statuses = {row[0]: row[1:] for row in table_rows(html, "status-table")}
    assert statuses["Ulaşıldı"] == ["121", "%82,9"]
    assert statuses["Yolunda"] == ["3", "%2,1"]
    assert statuses["Geride"] == ["5", "%3,4"]
    assert statuses["Başlamadı (-)"] == ["14", "%9,6"]
    assert statuses["Toplam"] == ["146", "%100"]
    assert 'aria-current="true" class="current">2024<' in html
    assert "2.024" not in html and "2.025" not in html


def test_overview_theme_bars_and_their_numbers(client):
    html = page(client, "overview", mersin().pk, year=2024)
    themes = table_rows(html, "theme-table")
    assert len(themes) == 8
    # theme, indicators, entered, then the statuses that occur
    assert themes[0][:4] == ["1. EĞİTİM VE FARKINDALIK", "28", "28", "27"]
    assert themes[1][0] == "2. İSTİHDAM VE EKONOMİK GÜÇLENDİME" and themes[1][1] == "19"
    assert sum(int(row[1]) for row in themes) == 146


def test_overview_unit_scorecard_answers_who_has_not_reported(client):
    plan = mersin()
    html = page(client, "overview", plan.pk, year=2024)
    units = {row[0]: row[1:6] for row in table_rows(html, "unit-table")}
    # indicators, entered, achieved, behind, missing
    assert units["Kadın ve Aile Hizmetleri Dairesi Başkanlığı"] == ["59", "58", "49", "2", "1"]
    assert units["Sağlık İşleri Dairesi Başkanlığı"] == ["16", "16", "16", "0", "0"]
    names = list(units)
    assert names == sorted(names, key=tr_sort_key)
    assert "Her sorumlu birim bu yıl en az bir gerçekleşme girdi." in html

    html = page(client, "overview", plan.pk, year=2025)
    assert text(html, "fig-entered") == "%0"
    silent = text(html, "silent-units")
    assert silent.startswith("24 birim bu yıl hiç gerçekleşme girmedi:")
    assert "Kadın ve Aile Hizmetleri Dairesi Başkanlığı" in silent


def test_overview_lists_what_is_behind_with_its_reason_and_what_went_over(client):
    plan = mersin()
    real = indicator(plan, "4.2.6").realizations.get(year=2024)
    real.deviation_reason = "Okulların takvimi değişti."
    real.save()
    html = page(client, "overview", plan.pk, year=2024)
    behind = text(html, "behind-list")
    assert "2.1.8 Uygulanan Proje Sayısı" in behind
    assert "hedef 40 · gerçekleşme 21 · %52,5" in behind
    assert "Sapma nedeni: Okulların takvimi değişti." in behind
    assert "Sapma nedeni yazılmamış." in behind
    over = text(html, "over-list")
    assert "1.1.5 Kurs sayısı hedef 2 · gerçekleşme 15 · %750" in over


def test_overview_years_side_by_side(client):
    plan = mersin()
    html = page(client, "overview", plan.pk, year=2025)
    years = table_rows(html, "years-table")
    assert years[0] == ["Gerçekleşmesi girilen", "145 (%99,3)", "0 (%0)"]
    assert ["Ulaşıldı", "121", "0"] in years
    data = json.loads(re.search(r'id="years-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["labels"] == ["2024", "2025"]
    achieved = next(d for d in data["datasets"] if d["label"] == "Ulaşıldı")
    assert achieved["data"] == [121, 0] and achieved["color"] == "#2E7D32"
    # the first year has nothing earlier to compare with
    html = page(client, "overview", plan.pk, year=2024)
    assert "karşılaştırılacak önceki yıl yok" in html


def test_overview_year_that_is_not_in_the_plan_falls_back_to_the_default(client):
    plan = mersin()
    for year in ("1999", "abc", ""):
        html = page(client, "overview", plan.pk, year=year)
        assert 'class="current">2024<' in html


def test_a_plan_without_realizations_opens_on_its_first_year(client):
    html = page(client, "overview", plan_of("Büyükçekmece").pk)
    assert 'class="current">2023<' in html
    assert text(html, "fig-activities") == "86"


def test_overview_links_the_report_download(client):
    plan = mersin()
    html = page(client, "overview", plan.pk, year=2025)
    report = reverse("monitoring:report_xlsx", args=[plan.pk])
    assert f'href="{report}?year=2025"' in html


def test_public_sees_approved_figures_only(anon, admin_client_tr):
    plan = mersin()
    ind = indicator(plan, "1.1.4", "TCE atölyesine")
    Realization.objects.filter(indicator=ind, year=2024).update(status="draft")
    html = page(anon, "overview", plan.pk, year=2024)
    assert text(html, "fig-entered") == "%98,6"  # 144 of 146
    html = page(anon, "indicator", plan.pk, ind.pk, year=2024)
    assert text(html, "current-realization") == "—"
    html = page(admin_client_tr, "overview", plan.pk, year=2024)
    assert text(html, "fig-entered") == "%99,3"
    html = page(admin_client_tr, "indicator", plan.pk, ind.pk, year=2024)
    assert text(html, "current-realization") == "987"


# ---------------------------------------------------------------------------- drill-down


def test_theme_page_groups_activities_by_goal(client):
    plan = mersin()
    theme = plan.themes.get(code="2")
    html = page(client, "theme", plan.pk, theme.pk, year=2024)
    assert "2. İSTİHDAM VE EKONOMİK GÜÇLENDİME" in html
    assert "19 gösterge, 2024" in html
    assert "2.1 Mersin’de Kadın İstihdamını Artırmak" in html
    assert "Eğitim alan kadın sayısı" in html
    assert "3.400" in html and "4.285" in html  # Turkish thousands


def test_activity_page_shows_units_and_indicators(client):
    plan = mersin()
    act = Activity.objects.get(theme__plan=plan, code="1.1.4")
    html = page(client, "activity", plan.pk, act.pk, year=2024)
    assert "Kadın ve Aile Hizmetleri Dairesi Başkanlığı" in html
    assert "MBB Eğitici Havuzu" in html
    assert "TCE atölyesine katılan çocuk sayısı" in html and "%261,8" in html


def test_indicator_1_1_4_shows_987_against_377(client):
    plan = mersin()
    ind = indicator(plan, "1.1.4", "TCE atölyesine")
    html = page(client, "indicator", plan.pk, ind.pk, year=2024)
    assert text(html, "baseline") == "277"
    assert text(html, "current-target") == "377"
    assert text(html, "current-realization") == "987"
    assert text(html, "current-rate") == "%261,8"
    years = table_rows(html, "indicator-years")
    assert years[0][:5] == ["2024", "377", "987", "%261,8", "Ulaşıldı"]
    assert years[1][:5] == ["2025", "477", "", "", "Veri yok"]
    chart = json.loads(re.search(r'id="indicator-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert chart == {
        "names": {"target": "Hedef", "realized": "Gerçekleşme", "baseline": "Mevcut (başlangıç)"},
        "labels": ["2024", "2025", "2026"],
        "target": [377.0, 477.0, 500.0],
        "realized": [987.0, None, None],
        "baseline": 277.0,
        "percent": False,
    }
    assert "Kadın ve Aile Hizmetleri Dairesi Başkanlığı" in html
    assert "MBB Eğitici Havuzu" in html


def test_indicator_keeps_dashes_texts_and_percentages(client):
    plan = mersin()
    html = page(client, "indicator", plan.pk, indicator(plan, "2.1.5").pk, year=2024)
    years = table_rows(html, "indicator-years")
    assert years[0][1:3] == ["%8", "%7,88"]
    assert years[1][1] == "%8,2"
    tbd = indicator(plan, "8.2", "Katılımcı STK")
    html = page(client, "indicator", plan.pk, tbd.pk, year=2024)
    assert text(html, "current-realization") == "Toplantıda belli olacak"


def test_notes_marked_internal_and_evidence_are_for_signed_in_users(anon, admin_client_tr):
    plan = mersin()
    ind = indicator(plan, "1.1.4", "TCE atölyesine")
    real = ind.realizations.get(year=2024)
    real.note = "Katılım listesi birimde."
    real.note_internal = True
    real.deviation_reason = "Okullarla ortak program."
    real.evidence_url = "https://example.org/katilim.pdf"
    real.save()
    public = page(anon, "indicator", plan.pk, ind.pk, year=2024)
    assert "Katılım listesi birimde." not in public
    assert "example.org" not in public
    assert "Okullarla ortak program." in public
    staff = page(admin_client_tr, "indicator", plan.pk, ind.pk, year=2024)
    assert "Katılım listesi birimde." in staff and "kurum içi" in staff
    assert "https://example.org/katilim.pdf" in staff
    real.note_internal = False
    real.save()
    assert "Katılım listesi birimde." in page(anon, "indicator", plan.pk, ind.pk, year=2024)


def test_activity_targets_per_group_of_buyukcekmece(client):
    plan = plan_of("Büyükçekmece")
    act = Activity.objects.get(theme__plan=plan, code="1.1.9")
    html = page(client, "activity", plan.pk, act.pk)
    assert "50 Kadın 50 Erkek 50 Kız Çocuğu 50 Oğlan Çocuğu" in html
    html_groups = html[html.index('id="activity-targets"') :]
    for name in ("Kadın", "Erkek", "Kız çocuğu", "Oğlan çocuğu"):
        assert f'<th scope="row">{name}</th>' in html_groups
    ind = act.indicators.first()
    html = page(client, "indicator", plan.pk, ind.pk)
    assert "Faaliyetin gruplara göre hedefleri" in html


def test_indicator_shows_realizations_per_group(client):
    plan = mersin()
    ind = indicator(plan, "1.1.4", "TCE atölyesine")
    Realization.objects.filter(indicator=ind, year=2024).delete()
    girls, boys = Group.objects.get(code="kiz-cocuk"), Group.objects.get(code="oglan-cocuk")
    raw = "500 kız çocuğu 487 oğlan çocuğu"
    for group, value in ((girls, 500), (boys, 487)):
        Realization.objects.create(
            indicator=ind,
            year=2024,
            group=group,
            value=Decimal(value),
            raw_text=raw,
            status=Realization.Status.APPROVED,
        )
    html = page(client, "indicator", plan.pk, ind.pk, year=2024)
    assert text(html, "current-rate") == "%261,8"  # 500 + 487 against 377
    groups = html[html.index('id="groups"') :]
    assert re.search(r"Kız çocuğu</th>\s*<td[^>]*>\s*</td>\s*<td[^>]*>500</td>", groups)
    assert re.search(r"Oğlan çocuğu</th>\s*<td[^>]*>\s*</td>\s*<td[^>]*>487</td>", groups)


# ---------------------------------------------------------------------------- table


def table_count(html: str) -> int:
    return int(text(html, "result-count").split()[0].replace(".", ""))


def test_table_lists_every_indicator_paginated(client):
    plan = mersin()
    html = page(client, "indicator_table", plan.pk)
    assert table_count(html) == 146
    assert len(table_rows(html, "indicator-table")) == 50
    assert "Sayfa 1 / 3" in html
    html = page(client, "indicator_table", plan.pk, page=3)
    assert len(table_rows(html, "indicator-table")) == 46


def test_table_filters_by_unit_theme_goal_status_and_entry(client):
    plan = mersin()
    kaf = Unit.objects.get(
        municipality=plan.municipality, name="Kadın ve Aile Hizmetleri Dairesi Başkanlığı"
    )
    html = page(client, "indicator_table", plan.pk, unit=kaf.pk)
    assert table_count(html) == 59
    theme = plan.themes.get(code="2")
    assert table_count(page(client, "indicator_table", plan.pk, theme=theme.pk)) == 19
    goal = theme.goals.get(code="2.1")
    html = page(client, "indicator_table", plan.pk, goal=goal.pk)
    assert 0 < table_count(html) < 19
    html = page(client, "indicator_table", plan.pk, status="behind", year=2024)
    rows = table_rows(html, "indicator-table")
    assert len(rows) == 5 and {r[-1] for r in rows} == {"Geride"}
    html = page(client, "indicator_table", plan.pk, unit=kaf.pk, entered="no", year=2024)
    assert table_count(html) == 1
    assert table_count(page(client, "indicator_table", plan.pk, year=2025, entered="no")) == 146


def test_table_search_folds_turkish_case(client):
    plan = mersin()
    lower = table_count(page(client, "indicator_table", plan.pk, q="istihdam"))
    upper = table_count(page(client, "indicator_table", plan.pk, q="İSTİHDAM"))
    assert lower == upper > 0
    assert table_count(page(client, "indicator_table", plan.pk, q="ışık")) == table_count(
        page(client, "indicator_table", plan.pk, q="IŞIK")
    )
    html = page(client, "indicator_table", plan.pk, q="TCE ATÖLYESİNE")
    assert table_count(html) == 1 and "TCE atölyesine katılan çocuk sayısı" in html


def test_table_sorts_by_rate_and_by_name(client):
    plan = mersin()
    html = page(client, "indicator_table", plan.pk, sort="-oran", year=2024)
    rows = table_rows(html, "indicator-table")
    # 7.3.1 is a running level: its step follows the rate in the cell
    assert rows[0][0] == "7.3.1" and rows[0][7] == "%1.155,6 +2,08 / +0,18 planlanan artış"
    rates = [r[7].split(" ")[0] for r in rows if r[7]]
    rates = [Decimal(r.lstrip("%").replace(".", "").replace(",", ".")) for r in rates]
    assert rates == sorted(rates, reverse=True)
    html = page(client, "indicator_table", plan.pk, sort="gosterge")
    names = [unescape(n) for n in re.findall(r'/gosterge/\d+/\?year=\d+">([^<]+)</a>', html)]
    assert len(names) == 50
    assert names == sorted(names, key=tr_sort_key)
    # Turkish order: c < ç, so "Acil ..." before "Açılan ..."
    assert names[0] == "Acil durum butonu olan otobüs sayısı"
    assert names[1].startswith("Açıla")


def test_table_ignores_unknown_choices(client):
    plan = mersin()
    html = page(client, "indicator_table", plan.pk, unit="999999", sort="yok", status="x")
    assert table_count(html) == 146


def test_table_downloads_the_filtered_rows_as_csv_and_xlsx(client):
    plan = mersin()
    kaf = Unit.objects.get(
        municipality=plan.municipality, name="Kadın ve Aile Hizmetleri Dairesi Başkanlığı"
    )
    url = reverse("monitoring:indicator_table", args=[plan.pk])
    response = client.get(url, {"unit": kaf.pk, "year": 2024, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 1 + 59
    header = rows[0]
    assert header[:5] == ["Tema", "Hedef", "Faaliyet kodu", "Faaliyet", "Gösterge"]
    line = next(r for r in rows if r[4] == "TCE atölyesine katılan çocuk sayısı")
    record = dict(zip(header, line, strict=True))
    assert record["2024 hedefi"] == "377.0"
    assert record["2024 gerçekleşme"] == "987.0"
    assert record["Gerçekleşme oranı (%)"] == "261.8"
    assert record["Durum"] == "Ulaşıldı"

    response = client.get(url, {"status": "behind", "year": 2024, "export": "xlsx"})
    assert "spreadsheetml" in response["Content-Type"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 1 + 5
    assert {ws.cell(r, 15).value for r in range(2, 7)} == {"Geride"}


def test_table_csv_for_turkish_excel_and_for_machines(client):
    """Two CSVs of the same rows: Turkish Excel (semicolon, decimal comma, BOM) and a
    machine-readable one (comma, decimal point, no BOM)."""
    plan = mersin()
    url = reverse("monitoring:indicator_table", args=[plan.pk])
    html = client.get(url, {"year": 2024}).text
    assert 'id="download-csv-tr"' in html and "CSV indir (Türkçe Excel)" in html
    assert "CSV indir (makine okunur)" in html
    name = "TCE atölyesine katılan çocuk sayısı"

    excel = client.get(url, {"year": 2024, "export": "csv-tr"})
    assert excel["Content-Disposition"].endswith('.excel.csv"')
    assert excel.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads "ş" right
    rows = list(csv.reader(io.StringIO(excel.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:3] == ["Tema", "Hedef", "Faaliyet kodu"]
    record = dict(zip(header, next(r for r in rows if r[4] == name), strict=True))
    assert record["2024 hedefi"] == "377"
    assert record["2024 gerçekleşme"] == "987"
    assert record["Gerçekleşme oranı (%)"] == "261,8"
    assert all(len(r) == len(header) for r in rows)

    machine = client.get(url, {"year": 2024, "export": "csv"})
    assert not machine.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(machine.content.decode("utf-8"))))
    record = dict(zip(rows[0], next(r for r in rows if r[4] == name), strict=True))
    assert record["Gerçekleşme oranı (%)"] == "261.8"
    assert len(rows) == len(list(csv.reader(io.StringIO(excel.content.decode("utf-8-sig")))))


def test_turkish_csv_keeps_formulas_neutral(client):
    plan = mersin()
    act = plan.themes.first().activities.first()
    Activity.objects.filter(pk=act.pk).update(title="=1+2")
    url = reverse("monitoring:indicator_table", args=[plan.pk])
    body = client.get(url, {"year": 2024, "export": "csv-tr"}).content.decode("utf-8-sig")
    assert ";'=1+2;" in body
    assert ";=1+2;" not in body


def test_report_download_is_wired(client):
    """The overview's download button gives the Gerçekleşme Raporu of the chosen year."""
    plan = mersin()
    url = reverse("monitoring:report_xlsx", args=[plan.pk])
    assert url == f"/plan/{plan.pk}/rapor.xlsx"
    response = client.get(url, {"year": 2024})
    assert response.status_code == 200
    assert "gerceklesme-raporu.xlsx" in response["Content-Disposition"]
