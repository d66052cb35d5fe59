"""The open data of a public plan as one zip: a CSV file per resource, the same rows as
one JSON file, a Frictionless ``datapackage.json`` describing them, and a README.

The rows are the API's (monitoring.api: the same querysets, serializers and field names)
for an anonymous visitor: approved figures only, no internal note, no evidence. CSV files
are UTF-8 without BOM, comma-separated, with a decimal point; a text that a spreadsheet
would run as a formula gets a leading ``'`` (monitoring.excel.exports.csv_value), a lone
"-" and signed numbers stay as they are. The JSON keeps every text exactly as stored.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from monitoring.api import querysets, serializers
from monitoring.api.fields import BY_NAME, Resource
from monitoring.api.progress_rows import progress_keys, progress_rows
from monitoring.api.visibility import Audience, public_audience
from monitoring.excel.exports import csv_value
from plans.models import Plan

# resource -> (serializer, the queryset's filter to this plan)
TABLES = {
    "plans": (serializers.PlanSerializer, "pk"),
    "themes": (serializers.ThemeSerializer, "plan_id"),
    "goals": (serializers.GoalSerializer, "theme__plan_id"),
    "strategies": (serializers.StrategySerializer, "goal__theme__plan_id"),
    "units": (serializers.UnitSerializer, None),
    "groups": (serializers.GroupSerializer, None),
    "activities": (serializers.ActivitySerializer, "theme__plan_id"),
    "indicators": (serializers.IndicatorSerializer, "activity__theme__plan_id"),
    "targets": (serializers.TargetSerializer, "plan_ref"),
    "realizations": (serializers.RealizationSerializer, "plan_id"),
}
ORDER = [*TABLES, "progress"]
KEYS = {"progress": ["indicator", "year"]}
# field -> the resource it points at (Frictionless foreign keys)
REFERENCES = {
    "plan": "plans",
    "theme": "themes",
    "goal": "goals",
    "strategy": "strategies",
    "activity": "activities",
    "indicator": "indicators",
    "group": "groups",
}
JSON_NAME = "data.json"


def tables(plan: Plan) -> dict[str, list[dict]]:
    """Every resource's rows for the public view of this plan (none if not public)."""
    audience = public_audience(plan)
    context = {"audience": audience, "request": None}
    found: dict[str, list[dict]] = {}
    for name, (serializer, path) in TABLES.items():
        qs = getattr(querysets, name)(audience)
        if path:  # units and groups: those of this plan's audience already
            qs = qs.filter(**{path: plan.pk})
        found[name] = [dict(row) for row in serializer(qs, many=True, context=context).data]
    found["progress"] = _progress(audience)
    return found


def _progress(audience: Audience) -> list[dict]:
    indicators = querysets.progress_indicators(audience)
    keys = progress_keys(audience, indicators, year=None, status=None)
    return progress_rows(audience, keys)


# ---------------------------------------------------------------------------- CSV


def csv_cell(value) -> str:
    """One CSV cell: numbers with a decimal point and no exponent, booleans as
    true/false, lists joined with ";", texts formula-safe, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, list | tuple):
        return ";".join(csv_cell(v) for v in value)
    return csv_value(str(value))


def csv_text(resource: Resource, rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = resource.field_names()
    writer.writerow(names)
    for row in rows:
        writer.writerow([csv_cell(row.get(n)) for n in names])
    return buffer.getvalue()


# ---------------------------------------------------------------------------- datapackage


def _schema(resource: Resource) -> dict:
    fields = []
    for f in resource.fields:
        kind = "string" if f.type == "array" else f.type
        entry = {"name": f.name, "type": kind, "description": f"{f.tr} / {f.en}"}
        if f.type == "array":
            entry["format"] = "default"
        fields.append(entry)
    names = resource.field_names()
    schema: dict = {"fields": fields, "primaryKey": KEYS.get(resource.name, ["id"])}
    foreign = [
        {"fields": field, "reference": {"resource": target, "fields": "id"}}
        for field, target in REFERENCES.items()
        if field in names and target != resource.name and target in TABLES
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def datapackage(plan: Plan) -> dict:
    resources = [
        {
            "name": name,
            "path": f"{name}.csv",
            "profile": "tabular-data-resource",
            "title": f"{BY_NAME[name].tr} / {BY_NAME[name].en}",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": _schema(BY_NAME[name]),
        }
        for name in ORDER
    ]
    resources.append(
        {
            "name": "data-json",
            "path": JSON_NAME,
            "profile": "data-resource",
            "title": "Aynı veriler tek JSON dosyasında / the same data as one JSON file",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
        }
    )
    return {
        "profile": "data-package",
        "name": f"yeep-{plan.municipality.slug}-{plan.pk}".lower(),
        "title": f"{plan.municipality.name}: {plan.title} ({plan.first_year}-{plan.last_year})",
        "description": (
            "Yerel Eşitlik Eylem Planı: yapı, yıllık hedefler, onaylanmış gerçekleşmeler ve "
            "ilerleme. Local Equality Action Plan: structure, yearly targets, approved "
            "realizations and progress."
        ),
        "homepage": _site(reverse("monitoring:overview", args=[plan.pk])),
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "version": "1.0.0",
        "sources": [{"title": "YEEP İzleme", "path": _site(reverse("api:fields"))}],
        "resources": resources,
    }


README = """YEEP İzleme - açık veri / open data
{title}

Dosyalar / files: {files}, {json}, datapackage.json (Frictionless Data Package).
Alanların anlamı / field reference: {fields}
Aynı veriler API'de / the same data through the API: {api}

CSV: UTF-8, virgülle ayrılmış, ondalık ayırıcı nokta; =, +, -, @ ile başlayan bir metnin
başına ' eklenir. "-" (na), boş (blank), belirlenecek (tbd), metin (text) ve 0 ayrı
durumlardır; raw_text hücrenin kaynak metnidir. Yalnızca onaylanmış gerçekleşmeler.
CSV: UTF-8, comma-separated, decimal point; a text starting with =, +, -, @ gets a
leading '. "-" (na), blank, to be decided (tbd), text and 0 are different states;
raw_text is the cell as typed. Approved realizations only.
"""


def build_zip(plan: Plan) -> bytes:
    """The zip, in Turkish whoever asks first (it is cached for everyone)."""
    with translation.override("tr"):
        return _build_zip(plan)


def _build_zip(plan: Plan) -> bytes:
    data = tables(plan)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ORDER:
            zf.writestr(f"{name}.csv", csv_text(BY_NAME[name], data[name]).encode("utf-8"))
        document = {"plan": plan.pk, **{name: data[name] for name in ORDER}}
        zf.writestr(JSON_NAME, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
        package = datapackage(plan)
        zf.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        readme = README.format(
            title=package["title"],
            files=", ".join(f"{n}.csv" for n in ORDER),
            json=JSON_NAME,
            fields=_site(reverse("api:fields")),
            api=_site(reverse("api:plan-detail", args=[plan.pk])),
        )
        zf.writestr("README.txt", readme.encode("utf-8"))
    return out.getvalue()
