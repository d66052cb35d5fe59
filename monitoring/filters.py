"""The indicator table's filters (django-filter).

Theme, goal, unit and text search filter in SQL. Status and "entered" depend on the
year's assessment, which lives in the plan's snapshot (monitoring.dashboard): they filter
by the ids the snapshot gives. Year and sort choose what is shown and in which order;
they do not remove rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.core.validators import slug_re
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Goal, Indicator, Plan, Unit
from plans.text import DEFAULT_GROUPS, tr_sort_key

from .progress import STATUS_LABELS, STATUS_ORDER

if TYPE_CHECKING:
    from .dashboard import Snapshot

SORT_KEYS = ("kod", "gosterge", "birim", "hedef", "gerceklesme", "oran", "durum")

ALL = _("Tümü")

SORT_LABELS = {
    "kod": _("Plan sırası"),
    "gosterge": _("Gösterge adı"),
    "birim": _("Sorumlu birim"),
    "hedef": _("Hedef"),
    "gerceklesme": _("Gerçekleşme"),
    "oran": _("Gerçekleşme oranı"),
    "durum": _("Durum"),
}


def _short(text: str, length: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class IndicatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Ara"))
    theme = django_filters.ChoiceFilter(
        field_name="activity__theme_id", label=_("Tema"), empty_label=ALL
    )
    goal = django_filters.ChoiceFilter(
        field_name="activity__goal_id", label=_("Hedef"), empty_label=ALL
    )
    unit = django_filters.ChoiceFilter(
        field_name="activity__responsible_units", label=_("Sorumlu birim"), empty_label=ALL
    )
    status = django_filters.ChoiceFilter(
        method="by_status",
        label=_("Durum"),
        choices=[(s, STATUS_LABELS[s]) for s in STATUS_ORDER],
        empty_label=ALL,
    )
    entered = django_filters.ChoiceFilter(
        method="by_entered",
        label=_("Veri girişi"),
        choices=[("yes", _("Veri girildi")), ("no", _("Veri girilmedi"))],
        empty_label=ALL,
    )
    kisi = django_filters.ChoiceFilter(
        method="by_people",
        label=_("Kişi sayan"),
        choices=[("evet", _("Kişi sayan göstergeler")), ("hayir", _("Kişi saymayanlar"))],
        empty_label=ALL,
    )
    grup = django_filters.ChoiceFilter(method="by_group", label=_("Kişi grubu"), empty_label=ALL)
    year = django_filters.ChoiceFilter(method="keep", label=_("Yıl"), empty_label=None)
    sort = django_filters.ChoiceFilter(method="keep", label=_("Sıralama"), empty_label=None)

    class Meta:
        model = Indicator
        fields: list[str] = []

    def __init__(self, data, *, plan: Plan, snapshot: Snapshot, year: int, unit_names, **kw):
        """``unit_names``: id -> name of the units responsible in this plan."""
        super().__init__(data, queryset=Indicator.objects.filter(activity__theme__plan=plan), **kw)
        self.plan, self.snapshot, self.year = plan, snapshot, year
        self.filters["theme"].extra["choices"] = [
            (t.pk, _short(t)) for t in plan.themes.order_by("position")
        ]
        goals = Goal.objects.filter(theme__plan=plan).order_by("theme__position", "position")
        self.filters["goal"].extra["choices"] = [(g.pk, _short(g)) for g in goals]
        self.filters["unit"].extra["choices"] = sorted(
            unit_names.items(), key=lambda kv: tr_sort_key(kv[1])
        )
        self.filters["grup"].extra["choices"] = group_choices((data or {}).get("grup"))
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in plan.years]
        self.filters["sort"].extra["choices"] = [
            (f"{sign}{key}", f"{SORT_LABELS[key]}{' ↓' if sign else ''}")
            for key in SORT_KEYS
            for sign in ("", "-")
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__tr_contains=value)
            | Q(activity__title__tr_contains=value)
            | Q(activity__code__startswith=value)
        )

    def by_status(self, queryset, name, value):
        return queryset.filter(pk__in=self.snapshot.ids_where(self.year, statuses=[value]))

    def by_entered(self, queryset, name, value):
        ids = self.snapshot.ids_where(self.year, has_figure=value == "yes")
        return queryset.filter(pk__in=ids)

    def by_people(self, queryset, name, value):
        return queryset.filter(counts_people=value == "evet")

    def by_group(self, queryset, name, value):
        from .reach import group_filter

        return group_filter(queryset, value, int(self.year))

    def keep(self, queryset, name, value):
        return queryset


def group_choices(asked: str | None) -> list[tuple[str, str]]:
    """The groups of people to filter by, without a query: the standard ones
    (plans.text.DEFAULT_GROUPS), and the one asked for when it is another group's code
    (a group added in the admin, linked from the reach page)."""
    choices = [(g["code"], g["name"]) for g in DEFAULT_GROUPS]
    if asked and asked not in {c for c, _n in choices} | {"yok"} and slug_re.match(asked):
        choices.append((asked, asked))
    return [*choices, ("yok", _("Gruplara bölünmemiş"))]


def plan_unit_names(plan: Plan) -> dict[int, str]:
    """Units responsible for the plan's activities: id -> name (one query)."""
    units = Unit.objects.filter(responsible_for__theme__plan=plan).distinct()
    return dict(units.values_list("pk", "name"))
