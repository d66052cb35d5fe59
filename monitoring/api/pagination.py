"""Limit and offset pagination (``?limit=&offset=``), strict: a limit outside 1-500 or an
offset outside 0-10⁹ (or anything but digits) is a 400 naming the parameter, as the schema
says; an offset past the end answers an empty page."""

from __future__ import annotations

import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 10**9
_DIGITS = re.compile(r"[0-9]{1,10}")


def _bounded(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise ValidationError(
            {name: [f"{low} ile {high} arasında bir tam sayı olmalı / an integer {low}-{high}"]}
        )
    return int(raw)


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = MAX_LIMIT

    def get_limit(self, request):
        return _bounded(request, self.limit_query_param, self.default_limit, 1, MAX_LIMIT)

    def get_offset(self, request):
        return _bounded(request, self.offset_query_param, 0, 0, MAX_OFFSET)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": MAX_LIMIT},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for param in params:
            param["schema"].update(bounds.get(param["name"], {}))
        return params
