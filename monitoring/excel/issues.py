"""What a refused workbook is told: an issue with its sheet, row and column (or the
part of the package), and the sheets the package check found."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

EXCEL_ERRORS = {
    "#DIV/0!",
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
}


class Place(str):
    """Where in a file that is no workbook ("Word belgesi, 3. tablo"): printed as it is,
    not as a sheet's name, and its columns by number."""


@dataclass
class WorkbookIssue:
    message: str
    sheet: str = ""
    row: int | None = None
    column: int | None = None
    header: str = ""
    part: str = ""  # the part of the xlsx package: "xl/sharedStrings.xml"

    @property
    def where(self) -> str:
        parts = []
        place = isinstance(self.sheet, Place)
        if self.sheet:
            parts.append(self.sheet if place else f"'{self.sheet}' sayfası")
        if self.row is not None:
            parts.append(f"{self.row}. satır")
        if self.column is not None:
            col = f"{self.column}." if place else get_column_letter(self.column)
            parts.append(f"{col} sütunu" + (f" ({self.header})" if self.header else ""))
        if self.part:
            parts.append(f"dosyanın {self.part} bölümü")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class WorkbookError(Exception):
    """The file cannot be imported; nothing was stored."""

    def __init__(self, issues: list[WorkbookIssue] | WorkbookIssue | str):
        if isinstance(issues, str):
            issues = [WorkbookIssue(issues)]
        elif isinstance(issues, WorkbookIssue):
            issues = [issues]
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass
class Sheet:
    """One worksheet of an uploaded workbook: its title, where its XML is, and what the
    pre-scan of that XML found (size, error cells, percent-formatted cells)."""

    title: str
    path: str
    rows: int = 0
    columns: int = 0
    cells: int = 0
    declared: str = ""  # the <dimension> the file claims; never trusted
    merges: int = 0
    typed_text: bool = False  # cells with their text in the sheet (inline, formula strings)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col0) -> "#N/A"
    percents: set[tuple[int, int]] = field(default_factory=set)  # (row, col0)
