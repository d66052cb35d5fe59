"""Flat tables for django-import-export (the admin's import/export buttons), keyed on
natural keys: a unit by municipality and name. (Indicators with their targets and
realizations: monitoring.resources, which writes figures through their writers.)"""

from __future__ import annotations

from import_export import fields, resources, widgets

from .models import Municipality, Unit, UnitAlias
from .scoping import municipality_id, scope
from .text import clean_text


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

    def before_import_row(self, row, **kwargs):
        """Another municipality's name reads as a missing one."""
        name = clean_text(row.get("belediye"))
        if (
            self.user is not None
            and not scope(Municipality.objects.filter(name=name), self.user).exists()
        ):
            raise ValueError("Yalnızca kendi belediyenizin birimlerini yazabilirsiniz.")

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
