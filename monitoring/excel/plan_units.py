"""The units a new plan names: matched to the municipality's units and their other
spellings, or made new (bulk-created), each with the cell it was first seen in; the
spellings the user chose in the preview as one unit become its aliases."""

from __future__ import annotations

from collections import Counter

from plans.models import Municipality, Unit, UnitAlias
from plans.text import clean_text
from plans.unit_names import guess_unit_kind, repair_turkish, split_units, unit_key


class UnitResolver:
    """Matches unit names to a municipality's units through their keys and aliases,
    with all units loaded once; unknown names become new units (bulk-created), each
    with the cell it was first seen in and the number of activities naming it."""

    def __init__(self, municipality: Municipality, merges: dict[str, str] | None = None):
        self.municipality = municipality
        self.merges = _merge_keys(merges or {})  # a name's key -> the key of its unit
        self.merged: dict[str, dict[str, str]] = {}  # unit key -> {other key: spelling}
        self.named: set[str] = set()  # new units named by their own spelling
        self.by_key: dict[str, Unit] = {}
        self.known: list[Unit] = []
        for unit in Unit.objects.filter(municipality=municipality):
            self.by_key[unit.key] = unit
            # a key stored before the key's rules learned something (a repaired letter)
            self.by_key.setdefault(unit_key(unit.name), unit)
            self.known.append(unit)
        for alias in UnitAlias.objects.filter(municipality=municipality).select_related("unit"):
            self.by_key.setdefault(alias.key, alias.unit)
            self.by_key.setdefault(unit_key(alias.alias), alias.unit)
        self.pending: dict[str, Unit] = {}
        self.cells: dict[str, list[Unit]] = {}  # the same cell text comes again and again
        self.first_seen: dict[str, str] = {}  # new unit's key -> "'Sayfa' sayfası, 5. satır"
        self.uses: Counter = Counter()  # new unit's key -> activities naming it

    def resolve_cell(self, raw: str, where: str = "") -> list[Unit]:
        if type(raw) is str:
            known = self.cells.get(raw)
            if known is None:
                known = self.cells[raw] = self._resolve(raw, where)
            units = list(known)
        else:
            units = self._resolve(raw, where)
        for unit in units:
            if unit.pk is None:
                self.uses[unit.key] += 1
        return units

    def _resolve(self, raw, where: str) -> list[Unit]:
        units = []
        for name in split_units(raw):
            key = own = unit_key(name)
            spelling = clean_text(repair_turkish(name))
            if key in self.merges:  # another spelling of a new unit, as the user chose
                key = self.merges[key]
                self.merged.setdefault(key, {})[own] = spelling
            unit = self.by_key.get(key) or self.pending.get(key)
            if unit is None:
                unit = Unit(
                    municipality=self.municipality,
                    name=spelling,
                    key=key,
                    kind=guess_unit_kind(name),
                )
                self.pending[key] = unit
                self.first_seen[key] = where
            if own == key and unit.pk is None and key not in self.named:
                self.named.add(key)
                unit.name = spelling  # the unit's own spelling, though another came first
            if unit not in units:
                units.append(unit)
        return units

    def save_new(self) -> list[Unit]:
        new = list(self.pending.values())
        Unit.objects.bulk_create(new)
        for unit in new:
            self.by_key[unit.key] = unit
        self.pending = {}
        aliases = [
            UnitAlias(unit=self.by_key[key], municipality=self.municipality, alias=a, key=k)
            for key, spellings in self.merged.items()
            for k, a in spellings.items()
        ]
        if aliases:
            UnitAlias.objects.bulk_create(aliases)
        return new


def _merge_keys(merges: dict[str, str]) -> dict[str, str]:
    """{name: key of the unit it belongs to} as {its key: final key}, chains followed
    ("A" -> "B" -> "C" is "A" -> "C"), a name pointing at itself dropped."""
    by_key = {unit_key(name): target for name, target in merges.items()}
    out = {}
    for key, target in by_key.items():
        seen = {key}
        while target in by_key and target not in seen:
            seen.add(target)
            target = by_key[target]
        if target != key:
            out[key] = target
    return out
