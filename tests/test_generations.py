"""Plan generations (issue 14 item 5): a revision and a next plan made from the Mersin plan
and read back: the copy, its links and figures, the database's rules, the indicator page's
earlier years, the plan list's line, the differences page and the admin action."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.generations import plan_generation_create
from monitoring.models import FigureChange, Realization
from monitoring.targets import TargetChange, targets_apply
from plans.models import Activity, Indicator, Plan, Target
from tests.factories import make_plan

pytestmark = pytest.mark.django_db

REVISION, NEXT = Plan.Kind.REVISION, Plan.Kind.NEXT


def mersin() -> Plan:
    return Plan.objects.get(
        title="Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı", version=1
    )


def revise(plan: Plan, user=None) -> Plan:
    return plan_generation_create(
        plan,
        kind=REVISION,
        title=plan.title,
        first_year=plan.first_year,
        last_year=plan.last_year,
        user=user,
    ).plan


def follow(plan: Plan, user=None, first=2027, last=2029) -> Plan:
    return plan_generation_create(
        plan, kind=NEXT, title=f"{plan.title} {first}", first_year=first, last_year=last, user=user
    ).plan


def inds(plan: Plan):
    return Indicator.objects.filter(activity__theme__plan=plan)


def cells(plan: Plan) -> set[tuple]:
    """Every target row as (activity code, indicator name, year, group, raw text)."""
    return set(
        Target.objects.filter(indicator__activity__theme__plan=plan).values_list(
            "indicator__activity__code", "indicator__name", "year", "group__code", "raw_text"
        )
    )


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


# ---------------------------------------------------------------------------- the copy


def test_a_revision_of_mersin_copies_the_structure_the_links_and_the_targets(superuser):
    source = mersin()
    before = cells(source)
    result = plan_generation_create(
        source,
        kind=REVISION,
        title=source.title,
        first_year=2024,
        last_year=2026,
        user=superuser,
    )
    new = result.plan
    new.refresh_from_db()
    assert (new.predecessor, new.kind, new.version) == (source, REVISION, 2)
    assert (new.status, new.is_public) == (Plan.Status.DRAFT, False)
    assert (new.first_year, new.last_year) == (2024, 2026)
    assert result.counts["gösterge"] == inds(source).count() == inds(new).count() == 146
    assert result.counts["faaliyet"] == 118 and result.counts["tema"] == 8
    assert new.themes.count() == 8
    # every indicator and activity continues its own counterpart, nothing else
    pairs = inds(new).values_list(
        "continues__activity__code", "continues__name", "activity__code", "name"
    )
    assert all(a == c and b == d for a, b, c, d in pairs)
    assert set(inds(new).values_list("continues_id", flat=True)) == set(
        inds(source).values_list("pk", flat=True)
    )
    assert not Activity.objects.filter(theme__plan=new, continues__isnull=True).exists()
    through = Activity.responsible_units.through
    units = set(
        through.objects.filter(activity__theme__plan=source).values_list(
            "activity__code", "unit__name"
        )
    )
    assert units == set(
        through.objects.filter(activity__theme__plan=new).values_list(
            "activity__code", "unit__name"
        )
    )
    # targets: the same cells, written through the writer and audited as a copy
    assert cells(new) == before and cells(source) == before
    assert result.counts["hedef değeri"] == len(
        {(c[0], c[1], c[2]) for c in before}
    )  # one audit row per cell
    assert FigureChange.objects.filter(plan=new, source="plan kopyası").count() == len(
        {(a, b, y) for a, b, y, _g, _r in before}
    )
    # no realization comes along; the source plan is untouched
    assert not Realization.objects.filter(indicator__activity__theme__plan=new).exists()
    assert mersin().version == 1 and mersin().status == Plan.Status.IN_FORCE


def test_a_next_plan_gets_a_new_period_no_targets_and_the_last_realization_as_baseline():
    source = mersin()
    result = plan_generation_create(
        source, kind=NEXT, title="Mersin YEEP 2027-2029", first_year=2027, last_year=2029, user=None
    )
    new = result.plan
    assert (new.predecessor, new.kind, new.version, new.years) == (
        source,
        NEXT,
        1,
        [2027, 2028, 2029],
    )
    assert inds(new).count() == 146 and not cells(new)
    # 1.1.1 "Eğitim sayısı": baseline 20 in 2024-2026, 26 realized in 2024
    old = inds(source).get(activity__code="1.1.1", name="Eğitim sayısı")
    assert old.baseline_value == 20
    ind = inds(new).get(continues=old)
    assert (ind.baseline_raw, ind.baseline_value) == ("26", Decimal(26))
    # an indicator with no realization starts with an empty baseline, not the old one
    without = inds(source).exclude(realizations__state__in=["value", "text"]).first()
    assert without is not None
    ind = inds(new).get(continues=without)
    assert (ind.baseline_raw, ind.baseline_value) == ("", None)
    assert result.baselines_missing == inds(source).count() - result.counts["mevcut değer"]
    assert result.baselines_missing > 0


def test_a_next_plan_made_from_a_revision_takes_the_first_versions_realization():
    rev = revise(mersin())  # no realization yet
    new = follow(rev)
    ind = inds(new).get(activity__code="1.1.1", name="Eğitim sayısı")
    assert (ind.baseline_raw, ind.baseline_value) == ("26", Decimal(26))
    # once the revision has its own figure, that one is the latest
    old = inds(rev).get(pk=ind.continues_id)
    Realization.objects.create(indicator=old, year=2025, value=31, raw_text="31")
    ind = inds(follow(rev, first=2028, last=2030)).get(continues=old)
    assert (ind.baseline_raw, ind.baseline_value) == ("31", Decimal(31))


def test_the_copy_costs_the_same_queries_for_a_small_and_a_big_plan():
    counts = {}
    for size in (5, 150):
        plan = make_plan(size, 2)
        for kind, make in ((REVISION, revise), (NEXT, follow)):
            with CaptureQueriesContext(connection) as q:
                made = make(plan)
            assert inds(made).count() == size * 2
            counts[(kind, size)] = len(q)
    assert counts[(REVISION, 5)] == counts[(REVISION, 150)]
    assert counts[(NEXT, 5)] == counts[(NEXT, 150)]


def test_refusals_name_the_field_and_store_nothing():
    from django.core.exceptions import ValidationError

    source = mersin()
    n = Plan.objects.count()
    for kwargs, words in (
        ({"kind": NEXT, "title": "X", "first_year": 2024, "last_year": 2026}, "Dönem:"),
        ({"kind": NEXT, "title": source.title, "first_year": 2027, "last_year": 2029}, "Başlık:"),
        ({"kind": REVISION, "title": " ", "first_year": 2024, "last_year": 2026}, "Başlık:"),
        ({"kind": NEXT, "title": "Y", "first_year": 2029, "last_year": 2027}, "Dönem:"),
    ):
        with pytest.raises(ValidationError) as exc:
            plan_generation_create(source, **kwargs, user=None)
        assert words in exc.value.messages[0]
    assert Plan.objects.count() == n


def test_another_municipality_cannot_copy_the_plan(roles):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        revise(mersin(), user=roles["other_equality"])
    with pytest.raises(PermissionDenied):
        revise(mersin(), user=roles["manager"])  # reads only
    assert revise(mersin(), user=roles["equality"]).version == 2


# ---------------------------------------------------------------------------- the rules


def test_the_database_keeps_a_line_of_generations_sound():
    source = mersin()
    rev = revise(source)
    other = Plan.objects.get(title__startswith="Büyükçekmece")
    q = Plan.objects.filter
    refused(lambda: q(pk=rev.pk).update(predecessor=rev))  # its own predecessor
    refused(lambda: q(pk=rev.pk).update(predecessor=other))  # another municipality
    refused(lambda: q(pk=source.pk).update(predecessor=rev, kind=REVISION))  # a cycle
    refused(lambda: q(pk=rev.pk).update(version=1))  # a revision's version goes up
    refused(lambda: q(pk=source.pk).update(version=3))  # ... also when the older one changes
    refused(lambda: q(pk=rev.pk).update(kind=""))  # a predecessor needs a kind
    refused(lambda: q(pk=rev.pk).update(kind="fork"))
    nxt = follow(rev)
    refused(lambda: q(pk=nxt.pk).update(first_year=2024))  # a next plan starts later
    # a row continues only its plan's predecessor's rows
    far = inds(source).first()
    refused(lambda: inds(nxt).filter(pk=inds(nxt).first().pk).update(continues=far))
    act = Activity.objects.filter(theme__plan=source).first()
    refused(lambda: Activity.objects.filter(theme__plan=nxt).update(continues=act))
    # ... and the predecessor does not change under them
    third = Plan.objects.create(
        municipality=source.municipality, title="Başka", first_year=2025, last_year=2026
    )
    refused(lambda: q(pk=nxt.pk).update(predecessor=third))


def test_deleting_a_predecessor_keeps_its_successor():
    source = mersin()
    rev = revise(source)
    nxt = follow(rev)
    rev.delete()
    nxt.refresh_from_db()
    assert nxt.predecessor is None and nxt.kind == NEXT
    assert inds(nxt).count() == 146 and not inds(nxt).filter(continues__isnull=False).exists()


# ---------------------------------------------------------------------------- pages


@pytest.fixture
def esitlik(client, roles):
    client.force_login(roles["equality"])
    return client


def test_the_indicator_page_shows_the_earlier_plans_figures(esitlik):
    source = mersin()
    rev = revise(source)
    nxt = follow(rev)
    ind = inds(nxt).get(activity__code="1.1.4", name="TCE atölyesine katılan çocuk sayısı")
    html = esitlik.get(reverse("monitoring:indicator", args=[nxt.pk, ind.pk])).content.decode()
    assert 'id="earlier-years"' in html
    table = text(html.split('id="earlier-years"')[1].split("</table>")[0])
    # the revision's 2024 (its target 377, no realization) and the first plan's (987)
    assert "2024 2024–2026 · 2. sürüm 377" in table
    assert "2024 2024–2026 377 987" in table
    assert "2026 2024–2026 500" in table
    # the first plan's own page has no earlier plan
    first = inds(source).get(pk=ind.continues.continues_id)
    html = esitlik.get(reverse("monitoring:indicator", args=[source.pk, first.pk])).content.decode()
    assert 'id="earlier-years"' not in html


def test_the_public_sees_no_earlier_plan_that_is_not_public(client):
    source = mersin()
    nxt = follow(source)
    Plan.objects.filter(pk=nxt.pk).update(is_public=True)
    Plan.objects.filter(pk=source.pk).update(is_public=False)
    ind = inds(nxt).get(activity__code="1.1.4", name="TCE atölyesine katılan çocuk sayısı")
    html = client.get(reverse("monitoring:indicator", args=[nxt.pk, ind.pk])).content.decode()
    assert "987" in html  # its baseline
    assert 'id="earlier-years"' not in html


def test_the_indicator_page_reads_the_earlier_plans_in_three_queries(
    esitlik, django_assert_num_queries
):
    nxt = follow(revise(mersin()))
    with_earlier = inds(nxt).last()
    alone = inds(mersin()).last()  # continues nothing
    counts = []
    for ind in (alone, with_earlier):
        url = reverse("monitoring:indicator", args=[ind.activity.theme.plan_id, ind.pk])
        with CaptureQueriesContext(connection) as q:
            assert esitlik.get(url).status_code == 200
        counts.append(len(q))
    assert counts[1] == counts[0] + 3  # the chain, its targets, its realizations


def test_the_plan_list_shows_the_line_of_generations_with_council_decisions(
    esitlik, django_assert_num_queries
):
    source = mersin()
    Plan.objects.filter(pk=source.pk).update(
        council_decision_date=datetime.date(2024, 3, 5), council_decision_number="2024/112"
    )
    rev = revise(source)
    nxt = follow(rev)
    with django_assert_num_queries(3 + 1):  # session, user, profile; the plans
        html = esitlik.get(reverse("monitoring:plan_list")).content.decode()
    line = html[html.index('id="plan-' + str(source.pk) + '"') :]
    order = [line.index(f'id="plan-{p.pk}"') for p in (source, rev, nxt)]
    assert order == sorted(order)  # oldest first, each after the one it follows
    cards = text(line)
    assert "Meclis kararı: 05.03.2024, 2024/112" in cards
    assert "Yeni sürüm (aynı planın revizyonu)" in cards and "Sonraki dönem planı" in cards
    assert "Meclis kararı girilmemiş" in cards
    assert reverse("monitoring:differences", args=[rev.pk]) in html


def _edited_revision(user) -> tuple[Plan, dict]:
    """A revision of Mersin with one indicator added, one removed, one target changed."""
    source = mersin()
    rev = revise(source)
    removed = inds(rev).get(activity__code="1.1.4", name="Atölye sayısı")
    targets_apply(
        [TargetChange(year=y, raw=None, indicator_id=removed.pk) for y in rev.years],
        user=user,
        source="test",
    )
    removed.delete()
    changed = inds(rev).get(activity__code="1.1.1", name="Eğitim sayısı")
    targets_apply(
        [TargetChange(year=2025, raw="40", indicator_id=changed.pk)], user=user, source="test"
    )
    added = Indicator.objects.create(
        activity=changed.activity, position=99, name="Eğitime katılan erkek personel oranı"
    )
    return rev, {"removed": removed, "changed": changed, "added": added}


def test_the_differences_page_shows_added_removed_and_changed(esitlik, roles):
    rev, what = _edited_revision(roles["equality"])
    url = reverse("monitoring:differences", args=[rev.pk])
    html = esitlik.get(url).content.decode()
    page = text(html)
    assert "1 gösterge eklendi" in page and "1 gösterge çıkarıldı" in page
    assert "1 gösterge değişti (1 hedef değeri)" in page
    added = text(html.split('id="added"')[1].split("</section>")[0])
    assert "Eğitime katılan erkek personel oranı" in added
    removed = text(html.split('id="removed"')[1].split("</section>")[0])
    assert "1.1.4 Atölye sayısı" in removed
    changed = text(html.split('id="changed"')[1].split("</section>")[0])
    assert "1.1.1 Eğitim sayısı 2025 hedefi 30 40" in changed
    assert "144 gösterge aynı kaldı" in page


def test_the_differences_page_is_for_the_plans_municipality(client, roles):
    rev = revise(mersin())
    url = reverse("monitoring:differences", args=[rev.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(roles["other_equality"])
    assert client.get(url).status_code == 404
    client.force_login(roles["equality"])
    assert client.get(reverse("monitoring:differences", args=[mersin().pk])).status_code == 404


def test_the_differences_page_costs_the_same_for_a_small_and_a_big_plan(
    admin_client_tr, django_assert_num_queries
):
    for size in (5, 150):
        rev = revise(make_plan(size, 2))
        # session, user; plan with its predecessor; indicators and targets of both;
        # the activities of both
        with django_assert_num_queries(2 + 1 + 4 + 1):
            response = admin_client_tr.get(reverse("monitoring:differences", args=[rev.pk]))
        assert response.status_code == 200
        assert f"{size * 2} gösterge aynı kaldı" in text(response.content.decode())


# ---------------------------------------------------------------------------- admin


def test_the_admin_action_asks_and_makes_a_next_plan(esitlik):
    source = mersin()
    changelist = reverse("admin:plans_plan_changelist")
    response = esitlik.post(
        changelist, {"action": "make_generation", "_selected_action": [source.pk]}
    )
    page_url = reverse("admin:plans_plan_generation", args=[source.pk])
    assert response.status_code == 302 and response["Location"] == page_url
    html = esitlik.get(page_url + "?tur=next").content.decode()
    assert 'value="2027"' in html and 'value="2029"' in html
    assert "Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı 2027-2029" in html
    # a refusal names the field, in Turkish
    bad = {"kind": NEXT, "title": "Yeni", "first_year": 2024, "last_year": 2026}
    html = esitlik.post(page_url, bad).content.decode()
    assert "Dönem: sonraki dönem planı 2024 yılından sonra başlamalı" in unescape(html)
    ok = {"kind": NEXT, "title": "Mersin YEEP 2027-2029", "first_year": 2027, "last_year": 2029}
    response = esitlik.post(page_url, ok, follow=True)
    new = Plan.objects.get(title="Mersin YEEP 2027-2029")
    assert response.redirect_chain[-1][0] == reverse("admin:plans_plan_change", args=[new.pk])
    message = unescape(response.content.decode())
    assert "146 gösterge, 118 faaliyet, 8 tema kopyalandı" in message
    assert "mevcut değer alındı" in message


def test_the_admin_action_makes_a_revision_and_wants_one_plan(esitlik):
    source = mersin()
    page_url = reverse("admin:plans_plan_generation", args=[source.pk])
    html = esitlik.get(page_url).content.decode()
    assert re.search(r'<input[^>]*value="revision"[^>]*checked', html)
    data = {"kind": REVISION, "title": source.title, "first_year": 2024, "last_year": 2026}
    message = unescape(esitlik.post(page_url, data, follow=True).content.decode())
    assert "hedef değeri aktarıldı" in message and "146 gösterge" in message
    two = Plan.objects.filter(municipality=source.municipality).values_list("pk", flat=True)
    response = esitlik.post(
        reverse("admin:plans_plan_changelist"),
        {"action": "make_generation", "_selected_action": list(two)},
        follow=True,
    )
    assert "Yeni plan tek bir plandan yapılır: bir plan seçin." in unescape(
        response.content.decode()
    )


def test_the_admin_page_is_scoped_and_needs_the_right_to_add_plans(client, roles):
    page_url = reverse("admin:plans_plan_generation", args=[mersin().pk])
    client.force_login(roles["other_equality"])
    assert client.get(page_url).status_code == 404
    client.force_login(roles["manager"])
    assert client.get(page_url).status_code == 403


def test_the_admin_plan_list_names_each_plans_predecessor_without_a_query_per_row(esitlik):
    changelist = reverse("admin:plans_plan_changelist")
    with CaptureQueriesContext(connection) as one:
        esitlik.get(changelist)
    rev = revise(mersin())
    follow(rev)
    with CaptureQueriesContext(connection) as three:
        html = text(esitlik.get(changelist).content.decode())
    assert len(three) == len(one)
    assert "Yeni sürüm önceki: 2024–2026, 1. sürüm" in html
    assert "Sonraki dönem planı önceki: 2024–2026, 2. sürüm" in html


def test_the_plan_pages_link_the_action_and_the_differences(esitlik):
    source = mersin()
    rev = revise(source)
    html = esitlik.get(reverse("admin:plans_plan_change", args=[source.pk])).content.decode()
    assert reverse("admin:plans_plan_generation", args=[source.pk]) in html
    assert reverse("monitoring:differences", args=[source.pk]) not in html
    html = esitlik.get(reverse("admin:plans_plan_change", args=[rev.pk])).content.decode()
    assert reverse("monitoring:differences", args=[rev.pk]) in html
    html = esitlik.get(reverse("monitoring:overview", args=[rev.pk])).content.decode()
    assert 'id="differences-link"' in html
    html = esitlik.get(reverse("monitoring:overview", args=[source.pk])).content.decode()
    assert 'id="differences-link"' not in html


def test_the_differences_of_a_next_plan_show_its_new_baselines_not_year_by_year_targets(esitlik):
    nxt = follow(mersin())
    html = esitlik.get(reverse("monitoring:differences", args=[nxt.pk])).content.decode()
    page = text(html)
    assert "hedefler yıl yıl karşılaştırılmaz" in page
    assert "0 hedef değeri" in page and "hedefi" not in page
    changed = text(html.split('id="changed"')[1].split("</section>")[0])
    assert "1.1.1 Eğitim sayısı Mevcut 20 26" in changed


def test_the_admin_message_in_english_keeps_the_english_plurals(esitlik):
    from django.utils import translation

    source = mersin()
    page_url = reverse("admin:plans_plan_generation", args=[source.pk])
    data = {"kind": REVISION, "title": source.title, "first_year": 2024, "last_year": 2026}
    before = translation.get_language()
    try:
        response = esitlik.post(page_url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    finally:
        translation.activate(before) if before else translation.deactivate()
    message = unescape(response.content.decode())
    assert "New version (a revision of the same plan) created (a draft, not public)" in message
    assert "146 indicators, 118 activities, 8 themes copied; 438 target values carried over." in (
        message
    )
