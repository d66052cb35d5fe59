"""Who is reached: people per group over the indicators that count people (monitoring.reach
and its page /plan/<pk>/erisim/)."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from monitoring.models import Realization
from monitoring.reach import reach
from plans.models import FigureState, Group, Indicator, Plan, Target, ValueType
from plans.text import guess_people, parse_number
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    PlanFactory,
    ThemeFactory,
    UnitFactory,
    make_plan,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- which indicators count people


@pytest.mark.parametrize(
    ("name", "unit", "expected"),
    [
        ("Eğitim alan kadın sayısı", "", (True, "kadin")),
        ("Katılımcı sayısı", "", (True, None)),
        ("Katılımcı Kadın Sayısı", "", (True, "kadin")),
        ("Katılan erkek katılımcı sayısı", "", (True, "erkek")),
        ("Mahremiyet eğitimine katılan erkek çocuk sayısı", "", (True, "oglan-cocuk")),
        ("Etkinliklere katılan kız çocuk sayısı", "", (True, "kiz-cocuk")),
        ("Etkinliklere katılan yaşlı birey sayısı", "", (True, "yasli")),
        ("Eğitime katılan kadın engelli sayısı", "", (True, "engelli-kadin")),
        ("Kadro bazlı istihdam edilen kadın-erkek sayısı", "", (True, None)),
        ("Kursta eğitim alan öğrenci sayısı (Öğrenci)", "", (True, None)),
        ("TCE atölyesine katılan çocuk sayısı", "", (True, None)),
        ("Toplam", "kişi", (True, None)),
        # not people: events, places, organisations, families, rates, two counts
        ("Eğitim sayısı", "", (False, None)),
        ("Katılımcı STK sayısı", "", (False, None)),
        ("Kadınlara yönelik kültürel gezi sayısı", "", (False, None)),
        ("Eğitime katılan engelli aile sayısı", "", (False, None)),
        ("Kitap dağıtılan çift sayısı", "", (False, None)),
        ("Sosyal yardımlardan yararlanan kadın oranı", "", (False, None)),
        ("Düzenlenen eğitim sayısı /eğitime katılan kadın sayısı", "", (False, None)),
        ("Eğitim alan kadın sayısı", "%", (False, None)),
        ("Evde Bakım Hizmeti sayısı", "", (False, None)),
    ],
)
def test_guess_people(name, unit, expected):
    assert guess_people(name, unit) == expected


def _mersin() -> Plan:
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def test_seed_plans_guesses():
    """The demo's real plans as imported: people-counting indicators and their groups."""
    inds = Indicator.objects.filter(activity__theme__plan=_mersin())
    people = {(i.activity.code, i.name): i for i in inds.filter(counts_people=True)}
    assert ("1.1.4", "TCE atölyesine katılan çocuk sayısı") in people
    assert ("1.1.4", "Atölye sayısı") not in people
    assert ("8.2", "Katılımcı STK sayısı") not in people
    assert people[("5.1.3", "Mahremiyet eğitimine katılan kız çocuk sayısı")].people_group.code == (
        "kiz-cocuk"
    )
    assert people[("4.1.4", "Hizmetten yararlanan yaşlı sayısı")].people_group.code == "yasli"
    # no rate, no text indicator counts people
    assert not inds.filter(counts_people=True).exclude(value_type=ValueType.COUNT).exists()
    assert not inds.filter(counts_people=True, name__icontains="oran").exists()
    assert len(people) == 43


# ---------------------------------------------------------------- sums on a small plan


def _groups():
    return {g.code: g for g in Group.objects.all()}


@pytest.fixture
def small():
    """A plan built by hand. 2024:

    - A "Eğitime katılan kadın sayısı" (counts women): target 100, realization 80
    - B "Katılımcı sayısı" split: target 30 kadın + 20 erkek, realization 25 kadın + "-" erkek
    - C "Katılımcı sayısı" not split: target 40, realization "Toplantıda belli olacak"
    - D "Eğitim sayısı" (events): target 5, realization 7: never summed
    - E "Kadın oranı" (a rate): never summed
    - F counts girls, realization 12 only submitted (not approved): public does not see it
    """
    g = _groups()
    plan = PlanFactory(is_public=True)
    theme = ThemeFactory(plan=plan, code="1", title="Eğitim", position=1)
    unit = UnitFactory(municipality=plan.municipality, name="Kadın Hizmetleri Müdürlüğü")
    act = ActivityFactory(theme=theme, code="1.1.1", position=1)
    act.responsible_units.add(unit)

    def ind(pos, name, counts, group=None, vtype=ValueType.COUNT):
        return IndicatorFactory(
            activity=act,
            position=pos,
            name=name,
            counts_people=counts,
            people_group=group,
            value_type=vtype,
        )

    a = ind(1, "Eğitime katılan kadın sayısı", True, g["kadin"])
    b = ind(2, "Katılımcı sayısı", True)
    c = ind(3, "Katılımcı sayısı (genel)", True)
    d = ind(4, "Eğitim sayısı", False)
    e = ind(5, "Kadın oranı", False, vtype=ValueType.PERCENT)
    f = ind(6, "Katılan kız çocuk sayısı", True, g["kiz-cocuk"])

    def target(i, value, group=None, raw=None):
        Target.objects.create(
            indicator=i, year=2024, group=group, value=Decimal(value), raw_text=raw or str(value)
        )

    def real(i, value=None, group=None, raw=None, state=FigureState.VALUE, status="approved"):
        Realization.objects.create(
            indicator=i,
            year=2024,
            group=group,
            state=state,
            value=None if value is None else Decimal(value),
            raw_text=raw if raw is not None else str(value),
            status=status,
        )

    target(a, 100)
    real(a, 80)
    target(b, 30, g["kadin"], "30 kadın 20 erkek")
    target(b, 20, g["erkek"], "30 kadın 20 erkek")
    real(b, 25, g["kadin"], "25 kadın")
    real(b, None, g["erkek"], "-", FigureState.NOT_APPLICABLE)
    target(c, 40)
    real(c, None, raw="Toplantıda belli olacak", state=FigureState.TBD)
    target(d, 5)
    real(d, 7)
    target(e, 50)
    real(e, 60)
    target(f, 10)
    real(f, 12, status="submitted")
    return plan


def _line(r, code):
    return next(g for g in r.groups if g.code == code)


def test_sums_per_group_by_hand(small):
    r = reach(small, 2024, internal=True)
    kadin, erkek, unsplit = _line(r, "kadin"), _line(r, "erkek"), _line(r, "yok")
    # women: A's 100 and B's 30 targeted; A's 80 and B's 25 reached
    assert (kadin.sums.target, kadin.sums.realized) == (130, 105)
    assert kadin.sums.percent == Decimal("80.8")
    # men: B's 20 targeted, the realization is "-": not a zero, not summed
    assert (erkek.sums.target, erkek.sums.realizations) == (20, 0)
    assert erkek.left_out
    # C not split: 40 targeted, "to be decided" is not a number
    assert (unsplit.sums.target, unsplit.sums.realizations) == (40, 0)
    # girls: 10 targeted, 12 reached (internal view sees the submitted figure)
    assert _line(r, "kiz-cocuk").sums.realized == 12
    # events (D) and rates (E) never enter a sum: 100+30+20+40+10
    assert r.total.target == 200
    assert r.total.realized == 80 + 25 + 12
    assert r.not_numbers == {"target": 0, "realization": 2}
    assert r.people_indicators == 4
    # C counts people without sex; A, B, F are by sex
    assert [name for _pk, _code, name in r.unsplit_indicators] == ["Katılımcı sayısı (genel)"]
    assert {(p.name, p.group.code if p.group else None) for p in r.left_out_pairs} == {
        ("Katılımcı sayısı", "erkek"),
        ("Katılımcı sayısı (genel)", None),
    }
    women = r.by_sex["female"]
    assert (women.target, women.realized) == (140, 117)
    assert [t.obj.title for t in r.themes] == ["Eğitim"]
    assert r.units[0].obj.name == "Kadın Hizmetleri Müdürlüğü"
    assert r.units[0].total.realized == 117


def test_public_sees_approved_only(small):
    r = reach(small, 2024, internal=False)
    assert _line(r, "kiz-cocuk").sums.realizations == 0
    assert r.total.realized == 80 + 25


def _page(client, plan, **query):
    response = client.get(reverse("monitoring:reach", args=[plan.pk]), {"year": 2024, **query})
    assert response.status_code == 200
    return response.content.decode()


def _cell(html: str, code: str) -> list[str]:
    row = re.search(rf'<tr data-group="{code}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_page_shows_sums_in_turkish_and_links_to_the_indicators(small, client):
    html = _page(client, small)
    target, realized, rate, count = _cell(html, "kadin")
    assert (target, realized, rate, count) == ("130", "105", "%80,8", "2 gösterge")
    assert "?year=2024&amp;kisi=evet&amp;grup=kadin" in html
    # the public page: the submitted 12 girls are not shown
    assert _cell(html, "kiz-cocuk")[1] == "–"
    assert "Sayı olmayan rakamlar toplanmadı" in html
    assert "Katılımcı sayısı (genel)" in html  # not broken down by sex
    assert 'id="reach-data"' in html  # the chart's data


def test_the_link_filters_the_indicator_table(small, client):
    url = reverse("monitoring:indicator_table", args=[small.pk])
    html = client.get(url, {"year": 2024, "kisi": "evet", "grup": "kadin"}).content.decode()
    assert "Eğitime katılan kadın sayısı" in html and "Katılımcı sayısı" in html
    assert "Eğitim sayısı" not in html and "Katılan kız çocuk" not in html
    html = client.get(url, {"year": 2024, "kisi": "evet", "grup": "yok"}).content.decode()
    assert "Katılımcı sayısı (genel)" in html and "Eğitime katılan kadın" not in html


def test_big_sums_use_turkish_thousands(small, client):
    Realization.objects.filter(indicator__name="Eğitime katılan kadın sayısı").update(
        value=Decimal("12345.5"), raw_text="12.345,5"
    )
    assert _cell(_page(client, small), "kadin")[1] == "12.370,5"


def test_private_plan_needs_login(small, client):
    Plan.objects.filter(pk=small.pk).update(is_public=False)
    response = client.get(reverse("monitoring:reach", args=[small.pk]))
    assert response.status_code == 302


def test_activity_group_targets_count_when_the_indicators_have_none():
    """Büyükçekmece gives targets to activities: "50 Kadın 50 Erkek 50 Kız Çocuğu 50 Oğlan
    Çocuğu" (1.1.9, 2023). Its indicators have no targets: the activity's count."""
    plan = Plan.objects.get(municipality__name="Büyükçekmece Belediyesi")
    r = reach(plan, 2023, internal=True)
    assert r.activity_targets > 0
    by_hand = {"kadin": Decimal(0), "oglan-cocuk": Decimal(0)}
    for t in Target.objects.filter(
        activity__theme__plan=plan, year=2023, group__code__in=by_hand, state="value"
    ).select_related("group"):
        by_hand[t.group.code] += t.value
    assert _line(r, "kadin").sums.target == by_hand["kadin"] > 0
    assert _line(r, "oglan-cocuk").sums.target == by_hand["oglan-cocuk"] > 0
    assert _line(r, "kadin").left_out  # no realization in the seed
    assert any(p.indicator_id is None and p.code == "1.1.9" for p in r.left_out_pairs)


def test_activity_targets_are_not_counted_twice(small):
    """The small plan's activity has indicator targets: its own group target is left out."""
    act = small.themes.get().activities.get()
    Target.objects.create(
        activity=act, year=2024, group=_groups()["kadin"], value=Decimal(999), raw_text="999 kadın"
    )
    r = reach(small, 2024, internal=True)
    assert _line(r, "kadin").sums.target == 130
    assert r.activity_targets == 0


# ---------------------------------------------------------------- Mersin 2024, by hand


def _tsv_rows():
    path = Path(settings.BASE_DIR) / "fixtures" / "demo" / "mersin_2024_2026.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


# The indicators of three groups, read off the seed by a person (code, name).
MERSIN_GROUPS = {
    "kiz-cocuk": [
        ("4.2.6", "Etkinliklere katılan kız çocuk sayısı"),
        ("5.1.3", "Mahremiyet eğitimine katılan kız çocuk sayısı"),
        ("5.1.4", "Psikolojik Danışmanlık Hizmeti verilen kız çocuk sayısı"),
    ],
    "oglan-cocuk": [
        ("5.1.3", "Mahremiyet eğitimine katılan erkek çocuk sayısı"),
        ("5.1.4", "Psikolojik Danışmanlık Hizmeti verilen erkek çocuk sayısı"),
    ],
    "yasli": [
        ("4.1.4", "Hizmetten yararlanan yaşlı sayısı"),
        ("4.5.1", "Destek sağlanan yaşlı birey sayısı"),  # "-" in 2024: not summed
        ("4.5.3", "Etkinliklere katılan yaşlı birey sayısı"),
    ],
}


def _by_hand(code: str) -> tuple[Decimal, Decimal, int]:
    """Target and realization summed, and how many indicators had a number."""
    wanted = set(MERSIN_GROUPS[code])
    target = realized = Decimal(0)
    with_numbers = 0
    for row in _tsv_rows():
        if (row["activity_code"], row["indicator"].strip()) in wanted:
            t, r = parse_number(row["T:2024"]), parse_number(row["R:2024"])
            target += t or 0  # "-" is no number: adds nothing
            realized += r or 0
            with_numbers += t is not None or r is not None
    return target, realized, with_numbers


def _tr(number: Decimal) -> str:
    return f"{int(number):,}".replace(",", ".")


@pytest.mark.parametrize("code", sorted(MERSIN_GROUPS))
def test_mersin_2024_three_groups_by_hand(code, client):
    target, realized, with_numbers = _by_hand(code)
    assert target > 0 and realized > 0
    cells = _cell(_page(client, _mersin()), code)
    assert cells[:2] == [_tr(target), _tr(realized)]
    assert cells[3] == f"{with_numbers} gösterge"


# ---------------------------------------------------------------- queries


@pytest.fixture(params=[10, 300], ids=["10-activities", "300-activities"])
def sized(request) -> Plan:
    plan = make_plan(request.param, 2)
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    kadin = Group.objects.get(code="kadin")
    Indicator.objects.filter(activity__theme__plan=plan, position=1).update(
        counts_people=True, people_group=kadin
    )
    Realization.objects.for_plan(plan).update(status=Realization.Status.APPROVED)
    return plan


def test_page_queries_do_not_grow_with_the_plan(sized, django_assert_num_queries):
    cache.clear()
    # plan, data version, latest years; indicators, activities, groups, targets,
    # realizations, responsible links, activities' group targets, themes, units
    with django_assert_num_queries(3 + 9):
        html = _page(Client(), sized)
    assert "gösterge" in html


# ---------------------------------------------------------------- the report's sheet


def _reach_sheet_rows(data: bytes, year: int = 2024) -> list[tuple]:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[1] == f"{year} Kime Ulaşıldı"
    return [tuple(c for c in row) for row in wb.worksheets[1].iter_rows(values_only=True)]


def _row(rows, first):
    return next(r for r in rows if r[0] == first)


def test_report_has_the_reach_sheet(small):
    from monitoring.excel.report import report_bytes

    rows = _reach_sheet_rows(report_bytes(small, 2024, approved_only=True))
    assert _row(rows, "Kadın")[:5] == ("Kadın", 130, 105, pytest.approx(0.808), 2)
    # men: a target and a "-" realization, not a zero: the cell is empty
    assert _row(rows, "Erkek")[:3] == ("Erkek", 20, None)
    # approved only: the submitted 12 girls are not in the public report
    assert _row(rows, "Kız çocuğu")[2] is None
    assert _row(rows, "Toplam")[1:3] == (200, 105)
    assert _row(rows, "Kadın ve kız çocuk")[1:3] == (140, 105)
    assert "Katılımcı sayısı (genel)" in {r[0] for r in rows}
    assert any("2 gerçekleşme sayı değil" in (r[0] or "") for r in rows)
    internal = _reach_sheet_rows(report_bytes(small, 2024))
    assert _row(internal, "Kız çocuğu")[2] == 12


def test_unit_form_and_blank_form_have_no_reach_sheet(small):
    import io

    from openpyxl import load_workbook

    from monitoring.excel.report import report_bytes

    unit = small.municipality.units.get()
    for data in (
        report_bytes(small, 2024, unit=unit),
        report_bytes(small, 2024, with_realizations=False),
    ):
        assert len(load_workbook(io.BytesIO(data)).sheetnames) == 1


def test_mersin_report_reach_sheet_matches_the_page(client):
    from monitoring.excel.report import report_bytes

    rows = _reach_sheet_rows(report_bytes(_mersin(), 2024, approved_only=True))
    for code, label in (
        ("kiz-cocuk", "Kız çocuğu"),
        ("oglan-cocuk", "Oğlan çocuğu"),
        ("yasli", "Yaşlı"),
    ):
        target, realized, _n = _by_hand(code)
        assert _row(rows, label)[1:3] == (target, realized)
