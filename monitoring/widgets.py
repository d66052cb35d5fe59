"""Form widgets that write their HTML in Python: the yearly entry page has six inputs
per indicator, and Django's template for each widget was most of the page's time (900
widget templates for 150 indicators). The HTML is the same as Django's templates give
(``django/forms/widgets/input.html``, ``textarea.html``, ``attrs.html``), escaped the
same way; tests/test_yearly_entry.py compares the two."""

from __future__ import annotations

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{escape(str(value))}"')
    return "".join(out)


class _InputMixin:
    def render(self, name, value, attrs=None, renderer=None):
        w = self.get_context(name, value, attrs)["widget"]
        shown = "" if w["value"] is None else f' value="{escape(str(w["value"]))}"'
        return mark_safe(
            f'<input type="{escape(w["type"])}" name="{escape(w["name"])}"{shown}'
            f"{_attrs(w['attrs'])}>"
        )


class TextInput(_InputMixin, forms.TextInput):
    pass


class HiddenInput(_InputMixin, forms.HiddenInput):
    pass


class URLInput(_InputMixin, forms.URLInput):
    pass


class FileInput(_InputMixin, forms.FileInput):
    """A file input with nothing stored to show (a ClearableFileInput with no file)."""


class Textarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None):
        w = self.get_context(name, value, attrs)["widget"]
        text = escape(w["value"]) if w["value"] else ""
        return mark_safe(
            f'<textarea name="{escape(w["name"])}"{_attrs(w["attrs"])}>\n{text}</textarea>'
        )
