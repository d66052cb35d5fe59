"""Checks on the cells of a plan table that the preview shows with their cell: formula
errors (refused) and what is accepted but looks wrong (warnings)."""

from __future__ import annotations

from functools import lru_cache

from openpyxl.utils import get_column_letter

from plans.text import FigureState, clean_text, parse_figure

from .reader import WorkbookIssue, is_error_value


@lru_cache(maxsize=4096)
def _state(value) -> tuple[str, str]:
    """(state, raw text) of a cell as a target: a plan repeats "-", "0", "100" often."""
    parsed = parse_figure(value)
    return parsed.state, parsed.raw


def _value(values, idx):
    if idx is None or idx >= len(values):
        return ""
    v = values[idx]
    if v is None or is_error_value(v):
        return ""
    return v.strip() if isinstance(v, str) else v


def error_cells(result, header, sheet, row_idx, values) -> None:
    """Error values of formulas are reported, not imported."""
    for idx, v in enumerate(values):
        if is_error_value(v):
            result.errors.append(
                WorkbookIssue(
                    f"Formül hatası “{v}”: hücrenin değeri okunamıyor; formülü düzeltin ya da "
                    "değeri yazın.",
                    sheet=sheet,
                    row=row_idx,
                    column=idx + 1,
                    header=header.texts.get(idx, ""),
                )
            )


def letter(idx: int | None) -> str:
    return "" if idx is None else get_column_letter(idx + 1)


def cell_warnings(result, header, sheet, row_idx, values) -> None:
    """Accepted, but shown in the preview with the cell: a blank indicator cell, and a
    text ("yirmi") in a target column where the row's other years are numbers."""
    cols = header.columns

    def warn(message: str, idx: int) -> None:
        result.warnings.append(
            WorkbookIssue(
                message, sheet=sheet, row=row_idx, column=idx + 1, header=header.texts.get(idx, "")
            )
        )

    if "indicator" in cols and not clean_text(header.get(values, "indicator")):
        warn("Gösterge hücresi boş: faaliyet göstergesiz alınacak.", cols["indicator"])
    parsed = {y: _state(_value(values, i)) for y, i in header.target_years.items()}
    numbers = [y for y, p in parsed.items() if p[0] == FigureState.VALUE]
    for year, p in sorted(parsed.items()):
        if p[0] == FigureState.TEXT and numbers:
            others = ", ".join(str(y) for y in numbers)
            warn(
                f"“{p[1]}” bir sayı değil, öbür yıllar ({others}) sayı; metin olarak "
                "alınacak, kontrol edin.",
                header.target_years[year],
            )
