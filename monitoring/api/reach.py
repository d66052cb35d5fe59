"""/api/v1/plans/{id}/reach/: who is reached (monitoring.reach) in a plan's year, as the
dashboard's "Kime ulaşıldı" page sums it for the same caller: approved figures only
unless the caller sees the plan's unapproved ones. Numbers only are summed; the figures
that are not numbers are counted apart."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from monitoring.dashboard import plan_fingerprint
from monitoring.reach import reach

from .serializers import NumberField

YEAR_PARAM = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": 2000, "maximum": 2100},
    description="Yıl; yoksa görülebilen son gerçekleşmenin yılı / year (default: the latest)",
)


class SumSerializer(serializers.Serializer):
    target = NumberField(help_text="Hedeflerin toplamı (kişi) / sum of the targets")
    realized = NumberField(help_text="Gerçekleşmelerin toplamı / sum of the realizations")
    targets = serializers.IntegerField(help_text="Toplanan hedef rakamı / targets summed")
    realizations = serializers.IntegerField(help_text="Toplanan gerçekleşme / summed")
    percent = NumberField(help_text="Gerçekleşme / hedef, yüzde / realized share of target")
    indicators = serializers.SerializerMethodField(help_text="Toplanan göstergeler / ids")

    def get_indicators(self, sums) -> list[int]:
        return sorted(sums.indicators)


class GroupLineSerializer(serializers.Serializer):
    group = serializers.SerializerMethodField(help_text="Kişi grubu (groups) ya da boş")
    group_code = serializers.CharField(source="code", help_text="'yok': gruba bölünmemiş")
    label = serializers.CharField()
    left_out = serializers.BooleanField(help_text="Hedefi var, gerçekleşmesi yok")
    sums = SumSerializer()

    def get_group(self, line) -> int | None:
        return line.group.pk if line.group else None


class SexLineSerializer(serializers.Serializer):
    sex = serializers.CharField(help_text="female, male, any")
    label = serializers.CharField()
    sums = SumSerializer()


class ReachSerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="plan.pk")
    year = serializers.IntegerField()
    figures = serializers.SerializerMethodField(help_text="all ya da approved")
    people_indicators = serializers.IntegerField(help_text="Kişi sayan gösterge sayısı")
    total = SumSerializer()
    groups = GroupLineSerializer(many=True)
    by_sex = SexLineSerializer(many=True, source="sex_lines")
    not_numbers = serializers.DictField(
        child=serializers.IntegerField(), help_text="Sayı olmayan rakamlar (-, metin)"
    )
    unsplit_indicators = serializers.SerializerMethodField(
        help_text="Cinsiyete göre ayrılmamış kişi sayan göstergeler / not split by sex"
    )
    split_percent = NumberField(help_text="Cinsiyete göre girilen gerçekleşmelerin payı")

    def get_figures(self, r) -> str:
        return "all" if r.internal else "approved"

    def get_unsplit_indicators(self, r) -> list[int]:
        return [pk for pk, _code, _name in r.unsplit_indicators]


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isdigit() and 2000 <= int(text) <= 2100):
        raise ValidationError({"year": ["2000 ile 2100 arasında bir yıl / a year 2000-2100"]})
    return int(text)


def reach_response(plan, audience, raw_year: str | None) -> Response:
    """The plan's reach in the year asked for (else the latest year with a realization
    the caller may see), for the caller's audience."""
    internal = audience.internal(plan.pk)
    year = _year(raw_year)
    if year is None:
        year = plan_fingerprint(plan).latest_year(internal=internal) or plan.first_year
    return Response(ReachSerializer(reach(plan, year, internal=internal)).data)
