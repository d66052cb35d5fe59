"""Flat tables for django-import-export (the admin's import/export buttons), keyed on
natural keys: an indicator (with its targets) by plan, activity code and name; a
realization by plan, activity code, indicator name, year and group. Natural keys and
stored rows come from one cached lookup per plan, not per row, and every figure is
written by its writer (monitoring.targets, monitoring.realizations) once per import."""

from __future__ import annotations

import copy
import re

from import_export import fields, resources, widgets

from monitoring.excel.plan_build import figure_objects, group_aliases
from plans.models import Activity, Group, Indicator, ValueType
from plans.scoping import scope, scope_import, visible_id
from plans.text import clean_text, parse_figure, tr_fold

from .audit import FigureRefused
from .models import Realization
from .realizations import RealizationChange, realizations_apply
from .targets import TargetChange, targets_apply

SOURCE = "düz tablo"
DELETE_WORDS = {"1", "evet", "sil", "x", "true"}


def _plan_activities(plan_id, user) -> dict[str, list[int]]:
    """A plan's activities by code; none when the importing user may not see the plan."""
    by_code: dict[str, list[int]] = {}
    activities = scope_import(Activity.objects.filter(theme__plan_id=plan_id), user)
    for pk, code in activities.values_list("pk", "code"):
        by_code.setdefault(code, []).append(pk)
    return by_code


TARGETS_RE = re.compile(r"(20\d\d)\s*[:=]\s*([^|]*)")


class IndicatorResource(resources.ModelResource):
    """One row per indicator; its targets in one column: "2024=377 | 2025=477"."""

    plan = fields.Field(column_name="plan")
    activity_code = fields.Field(column_name="faaliyet kodu")
    activity = fields.Field(
        attribute="activity", column_name="faaliyet no", widget=widgets.ForeignKeyWidget(Activity)
    )
    name = fields.Field(attribute="name", column_name="gösterge")
    unit_of_measure = fields.Field(attribute="unit_of_measure", column_name="ölçü birimi")
    value_type = fields.Field(attribute="value_type", column_name="değer türü")
    accumulation = fields.Field(attribute="accumulation", column_name="birikim")
    direction = fields.Field(attribute="direction", column_name="yön")
    baseline_raw = fields.Field(attribute="baseline_raw", column_name="mevcut")
    targets = fields.Field(column_name="hedefler")

    class Meta:
        model = Indicator
        fields = (
            "plan",
            "activity_code",
            "activity",
            "name",
            "unit_of_measure",
            "value_type",
            "accumulation",
            "direction",
            "baseline_raw",
            "targets",
        )
        import_id_fields = ("activity", "name")
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._activities: dict = {}
        self.user = kwargs.get("user")

    def get_export_queryset(self, request=None):
        return Indicator.objects.select_related("activity__theme").prefetch_related("targets")

    def dehydrate_plan(self, ind):
        return ind.activity.theme.plan_id

    def dehydrate_activity_code(self, ind):
        return ind.activity.code

    def dehydrate_targets(self, ind):
        cells: dict[int, list[str]] = {}
        for t in sorted(ind.targets.all(), key=lambda t: t.year):
            cells.setdefault(t.year, [])
            if t.raw_text not in cells[t.year]:
                cells[t.year].append(t.raw_text or format(t.value.normalize(), "f"))
        return " | ".join(f"{y}={' '.join(v)}" for y, v in cells.items())

    def before_import(self, dataset, **kwargs):
        if "faaliyet no" not in (dataset.headers or []):
            dataset.append_col([""] * len(dataset), header="faaliyet no")

    def before_import_row(self, row, **kwargs):
        """Find the activity by plan and code (cached per plan); another municipality's
        plan or activity reads as a missing one."""
        given = row.get("faaliyet no")
        if given not in (None, ""):
            pk = visible_id(Activity, given, self.user)
            if pk is None:
                raise ValueError(f"{given} numaralı faaliyet yok.")
            row["faaliyet no"] = pk
            return
        plan = str(row.get("plan") or "").strip()
        code = clean_text(row.get("faaliyet kodu")).rstrip(".")
        if not plan.isdigit():
            raise ValueError("“plan” sütununa planın numarasını yazın.")
        if plan not in self._activities:
            self._activities[plan] = _plan_activities(int(plan), self.user)
        matches = self._activities[plan].get(code, [])
        if len(matches) != 1:
            raise ValueError(
                f"{code} kodlu faaliyet {plan} numaralı planda "
                + ("yok." if not matches else "birden çok kez geçiyor; “faaliyet no” yazın.")
            )
        row["faaliyet no"] = matches[0]

    def before_save_instance(self, instance, row, **kwargs):
        if (
            self.user is not None
            and not scope(Activity.objects.filter(pk=instance.activity_id), self.user).exists()
        ):
            raise ValueError("Bu faaliyet sizin belediyenizin planında değil.")
        if instance.position is None:
            last = (
                Indicator.objects.filter(activity=instance.activity)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            instance.position = (last or 0) + 1
        base = parse_figure(instance.baseline_raw)
        instance.baseline_value = base.value if base.state == "value" else None

    def after_save_instance(self, instance, row, **kwargs):
        """The "hedefler" cell replaces the indicator's target cells, through the writer
        (a year left out is deleted)."""
        text = str(row.get("hedefler") or "")
        if not text.strip():
            return
        wanted = {int(y): raw.strip() for y, raw in TARGETS_RE.findall(text)}
        years = set(wanted) | set(instance.targets.values_list("year", flat=True))
        changes = [
            TargetChange(year=y, raw=wanted.get(y), indicator_id=instance.pk) for y in sorted(years)
        ]
        try:
            targets_apply(changes, user=self.user, source="düz tablo")
        except FigureRefused as exc:
            raise ValueError(" ".join(exc.messages)) from exc

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        wanted = str(row.get("hedefler") or "").strip()
        return not wanted or self.dehydrate_targets(original) == wanted


class _CachedWidget(widgets.ForeignKeyWidget):
    """A foreign key from a lookup the resource filled once (no query per row)."""

    def __init__(self, model, field, lookup):
        super().__init__(model, field)
        self.lookup = lookup

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        found = self.lookup(value)
        if found is None:
            raise ValueError(f"“{value}” bulunamadı.")
        return found


class RealizationResource(resources.ModelResource):
    plan = fields.Field(column_name="plan")
    activity_code = fields.Field(column_name="faaliyet kodu")
    indicator_name = fields.Field(column_name="gösterge")
    indicator = fields.Field(attribute="indicator", column_name="gösterge no")
    year = fields.Field(attribute="year", column_name="yıl", widget=widgets.IntegerWidget())
    group = fields.Field(attribute="group", column_name="grup")
    raw_text = fields.Field(attribute="raw_text", column_name="gerçekleşme")
    deviation_reason = fields.Field(attribute="deviation_reason", column_name="sapma nedeni")
    note = fields.Field(attribute="note", column_name="açıklama")

    class Meta:
        model = Realization
        fields = (
            "plan",
            "activity_code",
            "indicator_name",
            "indicator",
            "year",
            "group",
            "raw_text",
            "deviation_reason",
            "note",
        )
        import_id_fields = ("indicator", "year", "group")
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._indicators: dict[str, dict[tuple[str, str], list[int]]] = {}
        self._stored: dict[tuple[int, int], list[Realization]] = {}
        self._loaded_plans: set[int] = set()
        self._cells: dict[tuple[int, int], dict] = {}
        self._objects: dict[int, Indicator] = {}
        self._visible: dict[int, set[int]] = {}
        self.user = kwargs.get("user")
        self.aliases, self.groups = group_aliases()
        self.fields["indicator"].widget = _CachedWidget(Indicator, "pk", self._indicator)
        self.fields["group"].widget = _CachedWidget(
            Group, "code", lambda code: self.groups.get(str(code).strip())
        )

    def _indicator(self, value) -> Indicator | None:
        try:
            return self._objects.get(int(float(value)))
        except (TypeError, ValueError):
            return None

    def get_export_queryset(self, request=None):
        return Realization.objects.select_related("indicator__activity__theme", "group")

    def dehydrate_plan(self, r):
        return r.indicator.activity.theme.plan_id

    def dehydrate_activity_code(self, r):
        return r.indicator.activity.code

    def dehydrate_indicator_name(self, r):
        return r.indicator.name

    def before_import(self, dataset, **kwargs):
        # the natural key columns are enough: the id column is filled in row by row
        if "gösterge no" not in (dataset.headers or []):
            dataset.append_col([""] * len(dataset), header="gösterge no")
        if "grup" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="grup")

    def for_delete(self, row, instance):
        return clean_text(row.get("sil")).casefold() in DELETE_WORDS

    def before_import_row(self, row, **kwargs):
        plan = str(row.get("plan") or "").strip()
        given = row.get("gösterge no")
        if given not in (None, ""):
            pk = self._visible_indicator(plan, given)
            if pk is None:  # another municipality's reads as a missing one
                raise ValueError(f"{given} numaralı gösterge yok.")
            row["gösterge no"] = pk
        else:
            if not plan.isdigit():
                raise ValueError("“plan” sütununa planın numarasını yazın.")
            key = (
                clean_text(row.get("faaliyet kodu")).rstrip("."),
                tr_fold(clean_text(row.get("gösterge"))),
            )
            matches = self._plan_indicators(plan).get(key, [])
            if len(matches) != 1:
                raise ValueError(
                    f"“{key[0]} {row.get('gösterge')}” göstergesi {plan} numaralı planda "
                    + ("yok." if not matches else "birden çok; “gösterge no” yazın.")
                )
            row["gösterge no"] = matches[0]
        self._load_stored(int(plan) if plan.isdigit() else None, row.get("gösterge no"))

    def _visible_indicator(self, plan: str, given) -> int | None:
        """A typed indicator number, when it is one of the row's plan's (of the user's
        municipality); rows without a plan number are looked up one by one."""
        if not plan.isdigit():
            pk = visible_id(Indicator, given, self.user)
            if pk is not None and pk not in self._objects:
                self._objects[pk] = Indicator.objects.select_related("activity").get(pk=pk)
            return pk
        self._plan_indicators(plan)
        try:
            pk = int(float(str(given).strip()))
        except ValueError:
            return None
        return pk if pk in self._visible[int(plan)] else None

    def _plan_indicators(self, plan: str) -> dict[tuple[str, str], list[int]]:
        """The plan's indicators by (code, folded name), of the user's municipality only:
        a foreign plan reads as an empty one."""
        if plan not in self._indicators:
            qs = Indicator.objects.filter(activity__theme__plan_id=int(plan))
            if self.user is not None:
                qs = scope(qs, self.user)
            table: dict[tuple[str, str], list[int]] = {}
            for ind in qs.select_related("activity"):
                table.setdefault((ind.activity.code, tr_fold(ind.name)), []).append(ind.pk)
                self._objects[ind.pk] = ind
            self._indicators[plan] = table
            self._visible[int(plan)] = {pk for pks in table.values() for pk in pks}
        return self._indicators[plan]

    def _load_stored(self, plan_id: int | None, indicator_id) -> None:
        """Every stored realization of the row's plan, once per plan."""
        if plan_id is None:  # only an indicator number: its plan (a query per such row)
            plan_id = (
                Indicator.objects.filter(pk=int(indicator_id))
                .values_list("activity__theme__plan_id", flat=True)
                .first()
            )
        if plan_id is None or plan_id in self._loaded_plans:
            return
        self._loaded_plans.add(plan_id)
        for r in Realization.objects.for_plan(plan_id).select_related("group", "indicator"):
            self._stored.setdefault((r.indicator_id, r.year), []).append(r)

    def get_instance(self, instance_loader, row):
        try:
            ind, year = int(row.get("gösterge no")), int(row.get("yıl"))
        except (TypeError, ValueError):
            return None
        code = clean_text(row.get("grup"))
        for r in self._stored.get((ind, year), []):
            if (r.group.code if r.group_id else "") == code:
                return copy.copy(r)  # the stored one stays as it was, for the writer
        return None

    def _cell(self, instance) -> dict:
        key = (instance.indicator_id, instance.year)
        if key not in self._cells:
            old = self._stored.get(key, [])
            self._cells[key] = {
                "indicator": instance.indicator,
                "old": old,
                "rows": {r.group_id: r for r in old},
                "reason": None,
                "note": None,
            }
        return self._cells[key]

    def save_instance(self, instance, is_create, row, **kwargs):
        """Collected per cell; the writer stores them all in ``after_import``."""
        parsed = parse_figure(instance.raw_text, self.aliases)
        if parsed.state == "text" and instance.indicator.value_type != ValueType.MILESTONE:
            raise ValueError(f"“{parsed.raw}” bir sayı değil.")
        if parsed.groups:
            raise ValueError("Gruplara ayrılmış değeri grup sütunuyla, satır satır yazın.")
        cell = self._cell(instance)
        (new,) = figure_objects(
            Realization,
            parsed,
            {},
            indicator=instance.indicator,
            year=instance.year,
            entered_by=self.user,
        ) or [Realization(indicator=instance.indicator, year=instance.year, state="blank")]
        new.group = instance.group
        cell["rows"][instance.group_id] = new
        cell["reason"], cell["note"] = instance.deviation_reason, instance.note

    def delete_instance(self, instance, row, **kwargs):
        self._cell(instance)["rows"].pop(instance.group_id, None)

    def after_import(self, dataset, result, **kwargs):
        changes = [
            RealizationChange(
                indicator=c["indicator"],
                old=c["old"],
                new=list(c["rows"].values()),
                deviation_reason=c["reason"],
                note=c["note"],
            )
            for c in self._cells.values()
        ]
        try:
            realizations_apply(changes, user=self.user, source=SOURCE)
        except FigureRefused as exc:
            raise ValueError(" ".join(exc.messages)) from exc
