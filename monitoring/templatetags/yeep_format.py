"""Numbers and statuses the Turkish way: 1.234,5 · %85 · %261,8.

Numbers go through Django's localisation (LANGUAGE_CODE "tr": "." groups thousands, ","
marks decimals), with trailing zeros dropped. Years are not numbers to format: write them
with ``|unlocalize`` or these filters would print 2.024.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.contrib.admin.utils import model_ngettext
from django.utils import formats
from django.utils.translation import get_language

from plans.models import FigureState, ValueType

from ..progress import STATUS_COLORS, STATUS_LABELS

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value, places: int = 2) -> str:
    """1234.5 -> "1.234,5"; 987.0000 -> "987"; "" for no number."""
    number = _decimal(value)
    if number is None:
        return ""
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    else:
        rounded = rounded.normalize()
    return formats.number_format(rounded, use_l10n=True, force_grouping=True)


def format_percent(value, places: int = 1) -> str:
    """A percentage: 85 -> "%85", 261.8 -> "%261,8" (in English "85%")."""
    text = format_number(value, places)
    if not text:
        return ""
    if (get_language() or "tr").startswith("tr"):
        return f"%{text}"
    return f"{text}%"


@register.filter
def num(value, places=2):
    return format_number(value, int(places))


@register.filter
def pct(value, places=1):
    """A percentage given in percent (85.0)."""
    return format_percent(value, int(places))


@register.filter
def tl(value):
    """An amount of Turkish lira: 1250000 -> "1.250.000 TL", 12500.5 -> "12.500,50 TL";
    "–" for no amount (never "0 TL")."""
    number = _decimal(value)
    if number is None:
        return "–"
    if number == number.to_integral_value():
        return f"{format_number(number, 0)} TL"
    text = formats.number_format(
        number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        2,
        use_l10n=True,
        force_grouping=True,
    )
    return f"{text} TL"


@register.filter
def rate_pct(rate):
    """A rate given as a share (2.618 -> "%261,8")."""
    number = _decimal(rate)
    return "" if number is None else format_percent(number * 100)


def figure_text(rows, value_type: str = "") -> str:
    """What a target or realization cell says: a number in Turkish format (with % for a
    percentage), or the cell's own text for "-", "to be decided", a milestone or a figure
    split by group ("50 Kadın 50 Erkek")."""
    rows = list(rows or [])
    if not rows:
        return ""
    plain = [r for r in rows if r.group_id is None]
    if plain:
        first = plain[0]
        if first.state == FigureState.VALUE and first.value is not None:
            if value_type == ValueType.PERCENT:
                return format_percent(first.value, 2)
            return format_number(first.value)
        return first.raw_text
    first = rows[0]
    if first.raw_text:
        return first.raw_text
    return " ".join(f"{format_number(r.value)} {r.group.name}" for r in rows if r.value is not None)


@register.filter
def figure(rows, value_type=""):
    return figure_text(rows, value_type)


@register.filter
def pending(rows) -> bool:
    """Whether a figure is not approved yet (a draft, sent, or returned)."""
    return any(getattr(r, "status", "approved") != "approved" for r in rows or ())


@register.filter
def group_value(rows, value_type=""):
    """The number of one group's cell (the cell's text is the whole, shared row)."""
    rows = list(rows or [])
    if not rows:
        return ""
    r = rows[0]
    if r.state == FigureState.VALUE and r.value is not None:
        if value_type == ValueType.PERCENT:
            return format_percent(r.value, 2)
        return format_number(r.value)
    return r.raw_text


@register.filter
def baseline(indicator):
    """An indicator's baseline ("Mevcut"): the number, else the plan's text ("-")."""
    if indicator.baseline_value is not None:
        if indicator.value_type == ValueType.PERCENT:
            return format_percent(indicator.baseline_value, 2)
        return format_number(indicator.baseline_value)
    return indicator.baseline_raw


@register.filter
def status_label(status):
    return STATUS_LABELS.get(status, status)


@register.filter
def status_color(status):
    return "#" + STATUS_COLORS.get(status, "ECEFF1")


@register.filter
def status_ink(status):
    """Text colour readable on the status colour."""
    hex_color = STATUS_COLORS.get(status, "ECEFF1")
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#ffffff" if luminance < 0.3 else "#1b1f23"


@register.filter
def counted_name(opts, count):
    """A model's name after a number, as Django's admin messages count it (``model_ngettext``):
    "145 gerçekleşme" in Turkish (the tr catalog answers with the singular), "145
    realizations" in English."""
    return model_ngettext(opts, count)


@register.filter
def get_item(mapping, key):
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None
