"""The yearly entry page: every realization of one plan and year (optionally one
responsible unit) in one form, targets beside the inputs. Reads in a fixed number of
queries; saves in one transaction with bulk writes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext_lazy as _

from monitoring.excel.plan_build import figure_objects, group_aliases
from plans.models import FigureState, Indicator, Plan, Target, Unit, ValueType
from plans.text import ParsedFigure, parse_figure

from . import widgets
from .audit import FigureRefused
from .budgets import BudgetChange, budgets_apply, parse_tl
from .models import ActivityBudget, Realization, validate_evidence_size, validate_evidence_type
from .realizations import (
    RealizationChange,
    realizations_apply,
    realizations_set_evidence,
    versions_of,
)


@dataclass
class EntryRow:
    indicator: Indicator
    targets: list[Target] = field(default_factory=list)
    activity_targets: list[Target] = field(default_factory=list)
    realizations: list[Realization] = field(default_factory=list)

    @property
    def current_raw(self) -> str:
        if not self.realizations:
            return ""
        first = self.realizations[0]
        if first.raw_text:
            return first.raw_text
        return "" if first.value is None else format(first.value.normalize(), "f")

    @property
    def current(self) -> Realization | None:
        return self.realizations[0] if self.realizations else None


def _budget_columns(year: int) -> dict:
    """The activity's budget of the year, read in the indicators' own query (subqueries
    on the unique activity and year: no query of their own)."""
    budget = ActivityBudget.objects.filter(activity_id=OuterRef("activity_id"), year=year)
    return {
        f"budget_{name}": Subquery(budget.values(name)[:1])
        for name in ("planned", "actual", "planned_raw", "actual_raw", "code")
    }


def _shown(value, raw) -> str:
    if raw:
        return raw
    return "" if value is None else format(value.normalize(), "f")


def entry_rows(*, plan: Plan, year: int, unit: Unit | None = None) -> list[EntryRow]:
    indicators = (
        Indicator.objects.filter(activity__theme__plan=plan)
        .annotate(**_budget_columns(year))
        .select_related("activity__theme", "activity__goal", "activity__strategy")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.filter(year=year).select_related("group")),
            Prefetch(
                "activity__activity_targets",
                queryset=Target.objects.filter(year=year).select_related("group"),
            ),
            Prefetch(
                "realizations",
                queryset=Realization.objects.filter(year=year).select_related("group"),
            ),
        )
        .order_by("activity__theme__position", "activity__position", "position")
    )
    if unit is not None:
        indicators = indicators.filter(activity__responsible_units=unit)
    return [
        EntryRow(
            indicator=ind,
            targets=list(ind.targets.all()),
            activity_targets=list(ind.activity.activity_targets.all()),
            realizations=list(ind.realizations.all()),
        )
        for ind in indicators
    ]


def validate_cell(raw: str, indicator: Indicator, aliases) -> tuple[ParsedFigure, str | None]:
    """Parse what was typed; the error message (Turkish) when it does not fit."""
    parsed = parse_figure(raw, aliases)
    if indicator.value_type == ValueType.MILESTONE:
        return parsed, None
    if parsed.state == FigureState.TEXT:
        return parsed, (
            f"“{parsed.raw}” bir sayı değil. Sayı (ör. 987 ya da %8,2), "
            "uygulanmıyorsa “-” yazın ya da boş bırakın."
        )
    if parsed.state == FigureState.VALUE and parsed.value is not None and parsed.value < 0:
        return parsed, "Gerçekleşme eksi olamaz."
    if parsed.value is not None and abs(parsed.value) >= 10**12:
        return parsed, "Sayı çok büyük."
    return parsed, None


# built once: a lazy text per field and row, and a widget copied for each field, were a
# fifth of the page's time at 150 indicators
_LABELS = {
    "r": _("Gerçekleşme"),
    "d": _("Sapma nedeni"),
    "n": _("Açıklama"),
    "e": _("Kanıt dosyası"),
    "u": _("Kanıt bağlantısı"),
}


class _OneRow(widgets.Textarea):
    def __init__(self, attrs=None):
        super().__init__({"rows": 1, **(attrs or {})})


class _Link(widgets.URLInput):
    def __init__(self, attrs=None):
        super().__init__({"placeholder": "https://", **(attrs or {})})


class YearlyEntryForm(forms.Form):
    """Three inputs per indicator: value (r_ID), deviation reason (d_ID), note (n_ID);
    for an indicator that has a figure, its evidence: a file (e_ID) or a link (u_ID)."""

    def __init__(self, *args, rows: list[EntryRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.budget_rows: dict[int, int] = {}  # activity id -> the indicator row showing it
        self.aliases, self.groups = group_aliases()
        for row in rows:
            pk = row.indicator.pk
            cur = row.current
            self.fields[f"r_{pk}"] = forms.CharField(
                required=False,
                max_length=500,
                initial=row.current_raw,
                label=_LABELS["r"],
                widget=widgets.TextInput,
            )
            self.fields[f"d_{pk}"] = forms.CharField(
                required=False,
                initial=cur.deviation_reason if cur else "",
                label=_LABELS["d"],
                widget=_OneRow,
            )
            self.fields[f"v_{pk}"] = forms.CharField(
                required=False,
                initial=versions_of(row.realizations),
                widget=widgets.HiddenInput,
            )
            self.fields[f"n_{pk}"] = forms.CharField(
                required=False,
                initial=cur.note if cur else "",
                label=_LABELS["n"],
                widget=_OneRow,
            )
            if cur is not None:
                self._evidence_fields(pk, cur)
            if row.indicator.activity_id not in self.budget_rows:
                self._budget_fields(row.indicator)
        self.parsed: dict[int, ParsedFigure] = {}

    def _budget_fields(self, ind: Indicator) -> None:
        """Planned and actual lira and the budget code, once per activity (bp_, ba_, bc_)."""
        aid = ind.activity_id
        self.budget_rows[aid] = ind.pk
        for prefix, label, initial in (
            ("bp", _("Planlanan (TL)"), _shown(ind.budget_planned, ind.budget_planned_raw)),
            ("ba", _("Harcanan (TL)"), _shown(ind.budget_actual, ind.budget_actual_raw)),
            ("bc", _("Bütçe kodu"), ind.budget_code or ""),
        ):
            self.fields[f"{prefix}_{aid}"] = forms.CharField(
                required=False,
                max_length=100,
                initial=initial,
                label=label,
                widget=forms.TextInput(attrs={"size": 10, "inputmode": "text"}),
            )

    def _evidence_fields(self, pk: int, cur: Realization) -> None:
        self.fields[f"e_{pk}"] = forms.FileField(
            required=False,
            label=_LABELS["e"],
            validators=[validate_evidence_type, validate_evidence_size],
            widget=widgets.FileInput,
        )
        self.fields[f"u_{pk}"] = forms.URLField(
            required=False,
            max_length=500,
            assume_scheme="https",
            initial=cur.evidence_url,
            label=_LABELS["u"],
            widget=_Link,
        )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            name = f"r_{row.indicator.pk}"
            parsed, error = validate_cell(cleaned.get(name, ""), row.indicator, self.aliases)
            if error:
                self.add_error(name, error)
            else:
                self.parsed[row.indicator.pk] = parsed
        for aid in self.budget_rows:
            for prefix, label in (("bp", _("Planlanan bütçe")), ("ba", _("Harcanan bütçe"))):
                try:
                    parse_tl(cleaned.get(f"{prefix}_{aid}"), label=str(label))
                except FigureRefused as exc:
                    self.add_error(f"{prefix}_{aid}", exc.messages[0])
        return cleaned

    def budget_changes(self, year: int) -> list[BudgetChange]:
        """The activities whose budget inputs were changed."""
        changes = []
        for aid in self.budget_rows:
            names = [f"{p}_{aid}" for p in ("bp", "ba", "bc")]
            if not any(n in self.changed_data for n in names):
                continue
            planned, actual, code = (self.cleaned_data.get(n, "") for n in names)
            changes.append(BudgetChange(aid, year, planned, actual, code))
        return changes

    def bound_rows(self):
        for row in self.rows:
            pk = row.indicator.pk
            row.evidence = (self[f"e_{pk}"], self[f"u_{pk}"]) if f"e_{pk}" in self.fields else None
            aid = row.indicator.activity_id
            shown = self.budget_rows.get(aid) == pk
            row.budget = [self[f"{p}_{aid}"] for p in ("bp", "ba", "bc")] if shown else None
            yield row, self[f"r_{pk}"], self[f"d_{pk}"], self[f"n_{pk}"], self[f"v_{pk}"]


def yearly_changes(*, form: YearlyEntryForm, year: int, user) -> list[RealizationChange]:
    changes = []
    for row in form.rows:
        pk = row.indicator.pk
        new = figure_objects(
            Realization,
            form.parsed[pk],
            form.groups,
            indicator=row.indicator,
            year=year,
            entered_by=user,
        )
        changes.append(
            RealizationChange(
                indicator=row.indicator,
                old=row.realizations,
                new=new,
                deviation_reason=form.cleaned_data.get(f"d_{pk}", "").strip(),
                note=form.cleaned_data.get(f"n_{pk}", "").strip(),
                seen_version=form.cleaned_data.get(f"v_{pk}", ""),
            )
        )
    return changes


class ReasonsMissing(Exception):
    def __init__(self, indicator_ids: set[int]):
        self.indicator_ids = indicator_ids
        super().__init__(f"{len(indicator_ids)} göstergede sapma nedeni eksik.")


def save_yearly_entries(
    *, form: YearlyEntryForm, year: int, user, submit: bool = False
) -> dict[str, int]:
    """Store what changed (unchanged rows are not touched) and, when asked, send the
    page's draft and returned figures for review, all or nothing. Raises
    ConcurrentChange, YearClosed or ReasonsMissing; then nothing is stored."""
    from django.core.exceptions import ValidationError

    from . import workflow

    changes = yearly_changes(form=form, year=year, user=user)
    with transaction.atomic():
        counts = dict(realizations_apply(changes, user=user, source="yıllık giriş"))
        counts["evidence"] = save_evidence(form=form, year=year, user=user)
        budgets = form.budget_changes(year)
        if budgets:
            done = budgets_apply(budgets, user=user, source="yıllık giriş")
            counts["budgets"] = sum(n for k, n in done.items() if k != "unchanged")
        if submit:
            rows = list(
                Realization.objects.filter(
                    indicator__in=[r.indicator for r in form.rows],
                    year=year,
                    status__in=[Realization.Status.DRAFT, Realization.Status.RETURNED],
                ).select_related("indicator__activity__theme")
            )
            missing = workflow.needs_reason(rows)
            if missing:
                raise ReasonsMissing({r.indicator_id for r in missing})
            try:
                counts["submitted"] = workflow.submit(rows, user=user, source="yıllık giriş")
            except ValidationError as exc:  # pragma: no cover - needs_reason ran above
                raise ReasonsMissing(set()) from exc
    return counts


def saved_message(year: int, counts: dict[str, int]) -> str:
    """What the entry page says after a save: how many new, changed, deleted and
    unchanged, evidence attached and figures sent for review."""
    msg = _(
        "%(year)s yılı kaydedildi: %(created)s yeni, %(updated)s değişen, "
        "%(deleted)s silinen, %(unchanged)s değişmeyen gösterge."
    ) % {
        "year": year,
        "created": counts.get("new", 0),
        "updated": counts.get("changed", 0),
        "deleted": counts.get("deleted", 0),
        "unchanged": counts.get("unchanged", 0),
    }
    if counts.get("budgets"):
        msg += " " + _("%(n)s faaliyetin bütçesi kaydedildi.") % {"n": counts["budgets"]}
    if counts.get("evidence"):
        msg += " " + _("%(n)s kanıt eklendi.") % {"n": counts["evidence"]}
    if "submitted" in counts:
        msg += " " + _("%(n)s gerçekleşme onaya gönderildi.") % {"n": counts["submitted"]}
    return msg


def save_evidence(*, form: YearlyEntryForm, year: int, user) -> int:
    """The evidence files and links given on the page, onto each indicator's first
    figure of the year (as the admin's form does), through the writer. A figure
    emptied in the same save takes no evidence. How many were stored."""
    wanted: dict[int, tuple] = {}
    for row in form.rows:
        pk = row.indicator.pk
        if f"e_{pk}" not in form.fields:
            continue
        file = form.cleaned_data.get(f"e_{pk}") or None
        url = form.cleaned_data.get(f"u_{pk}", "")
        url = url if url != row.current.evidence_url else None
        if file is not None or url is not None:
            wanted[pk] = (file, url)
    if not wanted:
        return 0
    heads: dict[int, Realization] = {}
    for r in Realization.objects.filter(indicator_id__in=wanted, year=year).order_by("pk"):
        heads.setdefault(r.indicator_id, r)
    for pk, (file, url) in wanted.items():
        if pk in heads:
            realizations_set_evidence(heads[pk], user=user, file=file, url=url)
    return len(wanted.keys() & heads.keys())


def mark_conflicts(form: YearlyEntryForm, conflicts: dict) -> None:
    for pk, rows in conflicts.items():
        now = ", ".join(sorted({r.raw_text or str(r.value) for r in rows})) or "boş"
        who = next((str(r.entered_by) for r in rows if r.entered_by_id), "başka biri")
        form.add_error(
            f"r_{pk}",
            f"Siz düzenlerken {who} bu değeri değiştirdi (şimdi: {now}). Sizin değeriniz "
            "kaydedilmedi: sayfayı yenileyip yeniden girin.",
        )
