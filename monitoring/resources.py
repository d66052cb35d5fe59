"""Realizations as a flat table for django-import-export, keyed on natural keys
(plan, activity code, indicator name, year, group)."""

from __future__ import annotations

from import_export import fields, resources, widgets

from plans.models import Group, Indicator
from plans.scoping import directorate_unit, scope
from plans.text import clean_text, parse_figure, tr_fold

from .audit import record, snapshot
from .models import Realization
from .workflow import is_closed


class RealizationResource(resources.ModelResource):
    plan = fields.Field(column_name="plan")
    activity_code = fields.Field(column_name="faaliyet kodu")
    indicator_name = fields.Field(column_name="gösterge")
    indicator = fields.Field(
        attribute="indicator", column_name="gösterge no", widget=widgets.ForeignKeyWidget(Indicator)
    )
    year = fields.Field(attribute="year", column_name="yıl", widget=widgets.IntegerWidget())
    group = fields.Field(
        attribute="group", column_name="grup", widget=widgets.ForeignKeyWidget(Group, "code")
    )
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
        self.user = kwargs.get("user")

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

    def before_import_row(self, row, **kwargs):
        if row.get("gösterge no"):
            return
        plan = str(row.get("plan") or "").strip()
        if not plan.isdigit():
            raise ValueError("“plan” sütununa planın numarasını yazın.")
        if plan not in self._indicators:
            table: dict[tuple[str, str], list[int]] = {}
            for pk, code, name in Indicator.objects.filter(
                activity__theme__plan_id=int(plan)
            ).values_list("pk", "activity__code", "name"):
                table.setdefault((code, tr_fold(name)), []).append(pk)
            self._indicators[plan] = table
        key = (
            clean_text(row.get("faaliyet kodu")).rstrip("."),
            tr_fold(clean_text(row.get("gösterge"))),
        )
        matches = self._indicators[plan].get(key, [])
        if len(matches) != 1:
            raise ValueError(
                f"“{key[0]} {row.get('gösterge')}” göstergesi {plan} numaralı planda "
                + ("yok." if not matches else "birden çok; “gösterge no” yazın.")
            )
        row["gösterge no"] = matches[0]

    def allowed_indicators(self) -> set[int] | None:
        """What the importing user may write: their municipality, their unit for
        directorate staff (None: a command-line import, no restriction)."""
        if self.user is None:
            return None
        if not hasattr(self, "_allowed"):
            self._allowed = set(
                scope(Indicator.objects.all(), self.user).values_list("pk", flat=True)
            )
            unit = directorate_unit(self.user)
            if unit is not None:
                self._allowed &= set(
                    Indicator.objects.filter(activity__responsible_units=unit).values_list(
                        "pk", flat=True
                    )
                )
        return self._allowed

    def before_save_instance(self, instance, row, **kwargs):
        allowed = self.allowed_indicators()
        if allowed is not None and instance.indicator_id not in allowed:
            raise ValueError("Bu göstergeye gerçekleşme yazma yetkiniz yok.")
        plan = instance.indicator.activity.theme.plan
        if is_closed(plan, instance.year):
            raise ValueError(f"{instance.year} yılı kapatılmış; değerler değiştirilemez.")
        self._old = snapshot(Realization, instance.pk)
        if instance.year not in plan.years:
            raise ValueError(
                f"{instance.year} yılı planın dönemi ({plan.first_year}-{plan.last_year}) dışında."
            )
        parsed = parse_figure(instance.raw_text)
        if parsed.state == "text" and instance.indicator.value_type != "milestone":
            raise ValueError(f"“{parsed.raw}” bir sayı değil.")
        if parsed.groups:
            raise ValueError("Gruplara ayrılmış değeri grup sütunuyla, satır satır yazın.")
        instance.state = parsed.state
        instance.value = parsed.value if parsed.state == "value" else None
        instance.raw_text = parsed.raw
        if self.user is not None:
            instance.entered_by = self.user
        if instance.pk:
            instance.version += 1

    def after_save_instance(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            record(
                old=getattr(self, "_old", None), new=instance, user=self.user, source="düz tablo"
            )
