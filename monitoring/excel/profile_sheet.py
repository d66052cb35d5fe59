"""The local gender profile as a sheet: a template to download (the municipality's
figures already in it, formula-safe) and its import, read by the bounded reader in the
limited child process, every refusal in Turkish with its sheet, row and column, and
nothing stored unless every row is right.

One row per figure: Ölçü | Yıl | Kısım | Kadın | Erkek | Toplam | Kaynak. The measure is
its code ("nufus") or its name ("Nüfus"); Kısım is empty for the whole municipality, or a
neighbourhood, or a title; Toplam is optional and must be Kadın + Erkek when given.
New and changed figures are stored, the others stay; the preview also tells where a
year's parts do not add up to its whole.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from plans.gender_profile import FIRST_YEAR, LAST_YEAR, ProfileFigure, ProfileMeasure
from plans.models import Municipality
from plans.text import clean_text, parse_number, tr_fold, tr_int

from .exports import xlsx_cell, xlsx_value
from .headers import header_key
from .reader import WorkbookError, WorkbookIssue, iter_sheet_rows, open_workbook

SHEET = "Yerel profil"
HEADERS = ["Ölçü", "Yıl", "Kısım (mahalle, unvan)", "Kadın", "Erkek", "Toplam", "Kaynak"]
COLUMNS = {  # header_key of a header -> field
    "ölçü": "measure",
    "ölçükodu": "measure",
    "ölçüm": "measure",
    "yıl": "year",
    "kısım": "area",
    "kısımmahalleunvan": "area",
    "mahalle": "area",
    "unvan": "area",
    "kadın": "women",
    "kadınsayısı": "women",
    "erkek": "men",
    "erkeksayısı": "men",
    "toplam": "total",
    "kaynak": "source",
}
REQUIRED = ("measure", "year", "women", "men")
LABELS = {"measure": "Ölçü", "year": "Yıl", "women": "Kadın", "men": "Erkek", "total": "Toplam"}


# ------------------------------------------------------------------ the template


def template_bytes(municipality: Municipality | None) -> bytes:
    """The sheet to fill in: the header, the municipality's figures (none for a blank
    one), and a second sheet listing the measures and their codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (26, 8, 28, 10, 10, 10, 40), strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    ws.append([xlsx_cell(ws, h, font=bold) for h in HEADERS])
    figures = (
        ProfileFigure.objects.of_municipality(municipality.pk).order_by(
            "measure__position", "-year", "area"
        )
        if municipality is not None
        else []
    )
    for f in figures:
        ws.append(
            [
                xlsx_value(ws, f.measure.code),
                f.year,
                xlsx_value(ws, f.area or None),
                f.women,
                f.men,
                f.total,
                xlsx_value(ws, f.source or None),
            ]
        )
    help_ws = wb.create_sheet("Ölçüler")
    help_ws.append([xlsx_cell(help_ws, h, font=bold) for h in ("Kod", "Ölçü", "Kısım")])
    for m in ProfileMeasure.objects.all():
        help_ws.append([xlsx_value(help_ws, v) for v in (m.code, m.name, m.area_label or None)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ the import


@dataclass
class ProfileLine:
    row: int
    measure: ProfileMeasure
    year: int
    area: str
    women: int
    men: int
    total: int | None
    source: str
    raw_text: str
    kind: str = "new"  # new, changed, unchanged

    @property
    def key(self) -> tuple:
        return (self.measure.pk, self.year, tr_fold(self.area))


@dataclass
class ProfileImportResult:
    municipality: Municipality
    lines: list[ProfileLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            k: sum(1 for x in self.lines if x.kind == k) for k in ("new", "changed", "unchanged")
        }


def _header(values: list) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for idx, v in enumerate(values):
        name = COLUMNS.get(header_key(v)) if isinstance(v, str) else None
        if name and name not in found:
            found[name] = idx
    return found if all(k in found for k in REQUIRED) else None


def _count(value, where: dict, name: str, issues: list, *, optional: bool = False):
    """A number of people from a cell: 32270, "32.270"; None (with an issue) otherwise."""
    issue = None
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        issue = f"{LABELS[name]} sayısı boş; bilinmiyorsa satırı silin (boş sıfır değildir)."
    else:
        number = value if isinstance(value, int) else parse_number(value)
        if isinstance(value, str) and value.strip() == "-":
            issue = f"{LABELS[name]} sayısı “-”; bir sayı yazın ya da satırı silin."
        elif number is None or isinstance(value, bool):
            issue = f"{LABELS[name]} sayısı bir tam sayı olmalı; “{clean_text(value)}” okunamadı."
        elif Decimal(number) != Decimal(number).to_integral_value():
            issue = f"{LABELS[name]} sayısı tam sayı olmalı (kişi sayılır): {clean_text(value)}."
        elif number < 0:
            issue = f"{LABELS[name]} sayısı eksi olamaz: {clean_text(value)}."
        else:
            return int(number)
    issues.append(WorkbookIssue(issue, column=where[name] + 1, header=LABELS[name], **where["at"]))
    return None


def _measure_of(value, measures: dict[str, ProfileMeasure]):
    return measures.get(tr_fold(clean_text(value))) if value is not None else None


def _line(row_idx: int, values: list, cols: dict, measures: dict, sheet: str, issues: list):
    def cell(name):
        idx = cols.get(name)
        return values[idx] if idx is not None and idx < len(values) else None

    where = {**cols, "at": {"sheet": sheet, "row": row_idx}}
    before = len(issues)
    measure = _measure_of(cell("measure"), measures)
    if measure is None:
        known = ", ".join(sorted({m.code for m in measures.values()}))
        issues.append(
            WorkbookIssue(
                f"Ölçü tanınmadı: “{clean_text(cell('measure'))}”. Bilinen kodlar: {known}.",
                sheet=sheet,
                row=row_idx,
                column=cols["measure"] + 1,
                header="Ölçü",
            )
        )
    year = parse_number(cell("year"))
    if year is None or year != year.to_integral_value() or not FIRST_YEAR <= year <= LAST_YEAR:
        issues.append(
            WorkbookIssue(
                f"Yıl {FIRST_YEAR}-{LAST_YEAR} arasında bir yıl olmalı; "
                f"“{clean_text(cell('year'))}” okunamadı.",
                sheet=sheet,
                row=row_idx,
                column=cols["year"] + 1,
                header="Yıl",
            )
        )
    women = _count(cell("women"), where, "women", issues)
    men = _count(cell("men"), where, "men", issues)
    total = (
        _count(cell("total"), where, "total", issues, optional=True) if "total" in cols else None
    )
    if None not in (women, men, total) and total != women + men:
        issues.append(
            WorkbookIssue(
                f"Toplam {total}, kadın ve erkek sayılarının toplamı ise {women + men}.",
                sheet=sheet,
                row=row_idx,
                column=cols["total"] + 1,
                header="Toplam",
            )
        )
    if len(issues) > before:
        return None
    raw = " | ".join(clean_text(v) for v in values if clean_text(v))
    return ProfileLine(
        row=row_idx,
        measure=measure,
        year=int(year),
        area=clean_text(cell("area"))[:200],
        women=women,
        men=men,
        total=total,
        source=clean_text(cell("source"))[:500],
        raw_text=raw,
    )


def read_profile_sheet(source) -> list[ProfileLine]:
    """Every figure row of the uploaded workbook, or WorkbookError listing every issue."""
    book = open_workbook(source)
    measures: dict[str, ProfileMeasure] = {}
    for m in ProfileMeasure.objects.all():
        measures[tr_fold(m.code)] = measures[tr_fold(m.name)] = m
    counter = [0]
    for ws in book.worksheets:
        cols, lines, issues, seen = None, [], [], {}
        for row_idx, values in iter_sheet_rows(
            book, ws, max_cells=settings.IMPORT_MAX_CELLS, counter=counter
        ):
            if cols is None:
                cols = _header(values)
                continue
            if not any(clean_text(v) for v in values):
                continue
            line = _line(row_idx, values, cols, measures, ws.title, issues)
            if line is None:
                continue
            if line.key in seen:
                issues.append(
                    WorkbookIssue(
                        f"Aynı ölçü, yıl ve kısım {seen[line.key]}. satırda da var.",
                        sheet=ws.title,
                        row=row_idx,
                    )
                )
            seen.setdefault(line.key, row_idx)
            lines.append(line)
        if cols is not None:
            if issues:
                raise WorkbookError(issues)
            if not lines:
                raise WorkbookError(WorkbookIssue("Başlığın altında satır yok.", sheet=ws.title))
            return lines
    raise WorkbookError(
        "Başlık satırı bulunamadı: “Ölçü”, “Yıl”, “Kadın” ve “Erkek” sütunları olmalı "
        "(şablonu indirip doldurun)."
    )


def parts_warnings(lines: list[ProfileLine]) -> list[str]:
    """Where a sheet gives a measure's year both for the whole municipality and by parts
    (neighbourhoods) and the parts do not add up to the whole: stored all the same (a
    source may leave a part out), told in the preview."""
    groups: dict[tuple, list[ProfileLine]] = {}
    for line in lines:
        groups.setdefault((line.measure.pk, line.year), []).append(line)
    warnings = []
    for rows in groups.values():
        whole = [x for x in rows if not x.area]
        parts = [x for x in rows if x.area]
        if not whole or not parts:
            continue
        w, m = sum(x.women for x in parts), sum(x.men for x in parts)
        if (w, m) != (whole[0].women, whole[0].men):
            warnings.append(
                f"{whole[0].measure}, {whole[0].year}: {len(parts)} kısmın toplamı "
                f"{tr_int(w)} kadın / {tr_int(m)} erkek; belediyenin tamamı ({whole[0].row}. "
                f"satır) {tr_int(whole[0].women)} kadın / {tr_int(whole[0].men)} erkek."
            )
    return warnings


def import_profile(*, source, municipality: Municipality, dry_run: bool) -> ProfileImportResult:
    """Read the sheet, compare with what is stored, and (unless ``dry_run``) store every
    new and changed figure in one transaction. Figures not in the sheet stay."""
    lines = read_profile_sheet(source)
    stored = {
        (f.measure_id, f.year, tr_fold(f.area)): f
        for f in ProfileFigure.objects.filter(municipality=municipality)
    }
    result = ProfileImportResult(
        municipality=municipality, lines=lines, warnings=parts_warnings(lines)
    )
    for line in lines:
        old = stored.get(line.key)
        if old is None:
            continue
        same = (old.women, old.men, old.total, old.source) == (
            line.women,
            line.men,
            line.total,
            line.source,
        )
        line.kind = "unchanged" if same else "changed"
    if dry_run:
        return result
    try:
        _store(lines, stored, municipality)
    except IntegrityError as exc:  # a figure written by someone else meanwhile
        raise WorkbookError(
            "Tablo kaydedilemedi; bu arada aynı rakamlar başka biri tarafından girilmiş "
            "olabilir. Hiçbir şey kaydedilmedi; yeniden deneyin."
        ) from exc
    return result


@transaction.atomic
def _store(lines: list[ProfileLine], stored: dict, municipality: Municipality) -> None:
    for line in lines:
        if line.kind == "unchanged":
            continue
        old = stored.get(line.key)
        values = {
            "women": line.women,
            "men": line.men,
            "total": line.total,
            "source": line.source,
            "raw_text": line.raw_text,
        }
        if old is None:
            ProfileFigure.objects.create(
                municipality=municipality,
                measure=line.measure,
                year=line.year,
                area=line.area,
                **values,
            )
        else:
            ProfileFigure.objects.filter(pk=old.pk).update(**values)
