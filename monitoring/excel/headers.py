"""Header rows recognised by their text, wherever they are: "Faaliyet", "Gösterge",
"2024 Yılı Öngörülen Hedefler", "Gerçek-\nleşme", and our own hidden key columns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from plans.text import clean_text, tr_fold

# Sheets the report adds for reading only ("2024 Kime Ulaşıldı"): a report that comes
# back in is read without them (monitoring.excel.report_reach).
READ_ONLY_SHEET_RE = re.compile(r"^\d{4} (Kime Ulaşıldı|Bütçe)$")


def header_key(text: object) -> str:
    """ "Gerçek\\nleşme" -> "gerçekleşme", "Destekçi Kurum /Kuruluş" -> "destekçikurumkuruluş"."""
    return re.sub(r"[\W_]+", "", tr_fold(clean_text(text)))


# (field, pattern on header_key); order matters: the first match wins.
HEADER_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("key_indicator", re.compile(r"^yeepgösterge(no|id)?$")),
    ("key_activity", re.compile(r"^yeepfaaliyet(no|id)?$")),
    ("key_target_level", re.compile(r"^yeephedefdüzeyi$")),
    # the activity's budget: "Bütçe", "Bütçe (TL)", "2024 Bütçe", "Harcanan bütçe 2024"
    ("budget_code", re.compile(r"^bütçe(kodu|kalemi)$")),
    ("budget_actual", re.compile(r"^(20\d\d)?(yılı)?(harcanan|gerçekleşen)bütçe(20\d\d)?(tl)?$")),
    ("budget", re.compile(r"^(20\d\d)?(yılı)?(planlanan|öngörülen)?bütçe(si)?(20\d\d)?(tl)?$")),
    ("rate", re.compile(r"gerçekleşmeoran")),
    ("realization", re.compile(r"^(20\d\d)?(yılı)?gerçekleş(me|en)(değeri)?(20\d\d)?$")),
    ("deviation", re.compile(r"^sapma(nın)?neden")),
    ("note", re.compile(r"^(açıklama|not(lar)?)$")),
    ("status", re.compile(r"^durum(u)?$")),
    ("target", re.compile(r"^(20\d\d)(yılı)?(öngörülen|hedeflenen)?(hedef(ler|i)?)?(değeri)?$")),
    ("target", re.compile(r"^(öngörülen)?hedef(ler|i)?(20\d\d)(yılı)?$")),
    ("activity", re.compile(r"^(faaliyet(ler|in)?|eylem(ler|in)?)(adı)?$")),
    ("timing", re.compile(r"^(zamanlama|başlangıçvebitiştarih\w*|süre|takvim|tarih(ler)?)$")),
    ("responsible", re.compile(r"^(koordinatör|sorumlu)")),
    ("partners", re.compile(r"^(işbirliği|destekçi|paydaş|iş birliği)")),
    ("indicator", re.compile(r"^(performans)?gösterge(ler|si)?$")),
    ("baseline", re.compile(r"^(mevcut(durum|değer)?|başlangıçdeğeri|referansdeğer)$")),
    ("unit_of_measure", re.compile(r"^ölçübirimi$")),
    ("theme", re.compile(r"^tema(lar)?$")),
    ("aim", re.compile(r"^amaç(lar)?$")),
    ("objective", re.compile(r"^hedef(ler)?$")),
    ("strategy", re.compile(r"^strateji(ler)?$")),
    ("code", re.compile(r"^(kod|no|sırano|faaliyetno|eylemno)$")),
]


@lru_cache(maxsize=2048, typed=True)
def classify_header(text: object) -> tuple[str, int | None] | None:
    key = header_key(text)
    if not key:
        return None
    for name, pattern in HEADER_PATTERNS:
        m = pattern.match(key) if pattern.pattern.startswith("^") else pattern.search(key)
        if m:
            year = None
            years = re.findall(r"20\d\d", key)
            if years:
                year = int(years[0])
            return name, year
    return None


@dataclass
class HeaderMap:
    row: int
    columns: dict[str, int] = field(default_factory=dict)  # field -> 0-based index
    target_years: dict[int, int] = field(default_factory=dict)  # year -> index
    realization_year: int | None = None
    realization_years: dict[int, int] = field(default_factory=dict)  # "2024 Gerçekleşme"
    # "budget" / "budget_actual" -> year (0: no year in the header) -> index
    budget_years: dict[str, dict[int, int]] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)  # index -> header text as written
    signature: frozenset = frozenset()

    @cached_property
    def grouping_columns(self) -> frozenset[int]:
        """Columns that place a row in the plan rather than hold its figures."""
        names = ("theme", "aim", "objective", "strategy", "activity", "code")
        return frozenset(self.columns[k] for k in names if k in self.columns)

    def realization_column(self, year: int | None) -> int | None:
        """The column holding ``year``'s realizations: its own ("2025 Gerçekleşme") or the
        one plain "Gerçekleşme" column."""
        if year is not None and year in self.realization_years:
            return self.realization_years[year]
        return self.columns.get("realization")

    def get(self, values: list, name: str):
        idx = self.columns.get(name)
        if idx is None or idx >= len(values):
            return None
        return values[idx]


# The first letters of those, on the text as written: most data cells stop here.
_ANCHOR_START = re.compile(r"[\W_]*(f[\W_]*a|e[\W_]*y|p[\W_]*e|g[\W_]*[öo])", re.I)
_ANCHORS = re.compile(r"^((faaliyet|eylem)(ler|in)?(adı)?|(performans)?gösterge(ler|si)?)$")


def find_header(row_idx: int, values: list) -> HeaderMap | None:
    """The column map if this row is a header row (it names the activity or the
    indicator column, and most of its cells are headers we know), else None."""
    if not any(
        type(v) is str and len(v) <= 60 and _ANCHOR_START.match(v) and _ANCHORS.match(header_key(v))
        for v in values
    ):
        return None  # the quick answer for the thousands of data rows
    found: dict[str, int] = {}
    years: dict[int, int] = {}
    texts: dict[int, str] = {}
    real_year = None
    real_years: dict[int, int] = {}
    budget_years: dict[str, dict[int, int]] = {}
    for idx, value in enumerate(values):
        if value is None or (isinstance(value, int | Decimal) and not 2000 <= value <= 2100):
            continue
        kind = classify_header(value)
        if kind is None:
            continue
        name, year = kind
        texts[idx] = clean_text(value)
        if name == "target" and year:
            years.setdefault(year, idx)
            continue
        if name in ("budget", "budget_actual"):
            budget_years.setdefault(name, {}).setdefault(year or 0, idx)
        if name == "realization":
            real_year = real_year or year
            if year:
                real_years.setdefault(year, idx)
                if len(real_years) > 1:
                    continue  # several years' realization columns: kept by year only
        found.setdefault(name, idx)
    recognised = len(texts)
    non_empty = sum(1 for v in values if v is not None and clean_text(v))
    if recognised < 2 or not ({"activity", "indicator"} & found.keys()):
        return None
    if recognised < 0.6 * non_empty:  # a data row that happens to say "Gösterge"
        return None
    return HeaderMap(
        row=row_idx,
        columns=found,
        target_years=years,
        realization_year=real_year,
        realization_years=real_years,
        budget_years=budget_years,
        texts=texts,
        signature=frozenset(found) | frozenset(years),
    )
