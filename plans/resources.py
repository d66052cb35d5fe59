"""Flat tables for django-import-export (the admin's import/export buttons), keyed on
natural keys: a unit by municipality and name; an indicator by plan, activity code and
name. Natural keys are resolved from one cached lookup per import, not per row."""

from __future__ import annotations

import re

from import_export import fields, resources, widgets

from .models import Activity, Indicator, Municipality, Target, Unit, UnitAlias
from .scoping import municipality_id, scope
from .services import figure_objects, group_aliases
from .text import clean_text, parse_figure


class UnitResource(resources.ModelResource):
    municipality = fields.Field(
        attribute="municipality",
        column_name="belediye",
        widget=widgets.ForeignKeyWidget(Municipality, "name"),
    )
    name = fields.Field(attribute="name", column_name="birim")
    kind = fields.Field(attribute="kind", column_name="tür")
    contact_emails = fields.Field(attribute="contact_emails", column_name="e-postalar")
    aliases = fields.Field(column_name="başka yazılışlar")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")

    class Meta:
        model = Unit
        fields = ("municipality", "name", "kind", "contact_emails", "aliases")
        import_id_fields = ("municipality", "name")
        skip_unchanged = True
        report_skipped = True

    def dehydrate_aliases(self, unit):
        return "; ".join(a.alias for a in unit.aliases.all())

    def before_save_instance(self, instance, row, **kwargs):
        if (
            self.user is not None
            and not self.user.is_superuser
            and (instance.municipality_id != municipality_id(self.user))
        ):
            raise ValueError("Yalnızca kendi belediyenizin birimlerini yazabilirsiniz.")
        if instance.kind not in Unit.Kind.values:
            raise ValueError(f"Tür “{instance.kind}” geçersiz; {', '.join(Unit.Kind.values)}.")

    def after_save_instance(self, instance, row, **kwargs):
        wanted = [a.strip() for a in str(row.get("başka yazılışlar") or "").split(";")]
        wanted = [a for a in wanted if a]
        instance.aliases.exclude(alias__in=wanted).delete()
        have = set(instance.aliases.values_list("alias", flat=True))
        for alias in wanted:
            if alias not in have:
                UnitAlias(unit=instance, alias=alias).save()


def _plan_activities(plan_id) -> dict[str, list[int]]:
    by_code: dict[str, list[int]] = {}
    for pk, code in Activity.objects.filter(theme__plan_id=plan_id).values_list("pk", "code"):
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
        """Find the activity by plan and code (cached per plan)."""
        if row.get("faaliyet no"):
            return
        plan = str(row.get("plan") or "").strip()
        code = clean_text(row.get("faaliyet kodu")).rstrip(".")
        if not plan.isdigit():
            raise ValueError("“plan” sütununa planın numarasını yazın.")
        if plan not in self._activities:
            self._activities[plan] = _plan_activities(int(plan))
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
        text = str(row.get("hedefler") or "")
        if not text.strip():
            return
        aliases, groups = group_aliases()
        plan = instance.activity.theme.plan
        new = []
        for year_s, raw in TARGETS_RE.findall(text):
            year = int(year_s)
            if year not in plan.years:
                raise ValueError(f"{year} yılı planın dönemi dışında.")
            new.extend(
                figure_objects(
                    Target,
                    parse_figure(raw.strip(), aliases),
                    groups,
                    indicator=instance,
                    year=year,
                )
            )
        old = list(instance.targets.all())
        instance.targets.all().delete()
        Target.objects.bulk_create(new)
        if not kwargs.get("dry_run"):
            _audit_targets(instance, old, new, self.user)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        wanted = str(row.get("hedefler") or "").strip()
        return not wanted or self.dehydrate_targets(original) == wanted


def _audit_targets(indicator, old: list, new: list, user) -> None:
    """One audit record per year whose target text changed."""
    from monitoring.audit import figure_text
    from monitoring.models import FigureChange

    def by_year(rows):
        texts: dict[int, str] = {}
        for t in rows:
            texts.setdefault(t.year, figure_text(t))
        return texts

    before, after = by_year(old), by_year(new)
    FigureChange.objects.bulk_create(
        FigureChange(
            kind=FigureChange.Kind.TARGET,
            indicator=indicator,
            year=year,
            old_text=before.get(year, ""),
            new_text=after.get(year, ""),
            source="düz tablo",
            user=user,
        )
        for year in sorted(set(before) | set(after))
        if before.get(year, "") != after.get(year, "")
    )
