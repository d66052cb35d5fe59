"""The Gerçekleşme Raporu as it comes out of a printer: the workbook is turned into a PDF
by LibreOffice (headless, as an office would print it) and the PDF's text boxes are read
back with poppler's ``pdftotext -bbox-layout``: the body is at least 8 points, no two
words of different lines run into each other, every page has its title and "page / pages".

Needs ``libreoffice`` (Debian: libreoffice-calc-nogui) and ``pdftotext`` (poppler-utils);
.ci/run installs both. The PDFs are left in tests/output/ to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitoring.excel.report import report_bytes
from plans.models import Indicator, Plan

from .factories import make_plan

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("libreoffice") or shutil.which("soffice")),
        reason="LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui)",
    ),
    pytest.mark.skipif(
        not shutil.which("pdftotext"),
        reason="pdftotext is not installed (Debian: apt-get install poppler-utils)",
    ),
]

OUTPUT = Path(__file__).parent / "output"
# A word's box in pdftotext is the font size times ascent minus descent; LibreOffice's
# PDF gives its fonts no Ascent/Descent, so poppler takes its own 0.95 and -0.35.
BOX_PER_POINT = 1.30
A4_LANDSCAPE = (841.9, 595.3)


@dataclass
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Printed:
    pages: int
    size: tuple[float, float]
    body: list[Word]  # words between the page header and footer
    margins: list[Word]  # page header and footer words
    text: str  # all the text, as pdftotext reads it, spaces and line ends as one space


def print_report(data: bytes, name: str, tmp_path) -> Printed:
    OUTPUT.mkdir(exist_ok=True)
    xlsx = OUTPUT / f"{name}.xlsx"
    xlsx.write_bytes(data)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(OUTPUT),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = OUTPUT / f"{name}.pdf"
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode()
    root = ET.fromstring(re.sub(r'\sxmlns="[^"]+"', "", layout, count=1))
    body, margins = [], []
    pages = root.findall(".//page")
    width, height = float(pages[0].get("width")), float(pages[0].get("height"))
    for no, page in enumerate(pages, start=1):
        for word in page.iter("word"):
            tl = Word(
                no, *(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")), word.text
            )
            # header and footer sit in the top and bottom 40 points of the page
            (margins if tl.y1 < 40 or tl.y0 > height - 40 else body).append(tl)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode()
    return Printed(len(pages), (width, height), body, margins, " ".join(text.split()))


def ink(line: Word) -> tuple[float, float]:
    """Top and bottom of the word's letters: from the accent of "İ" (0.75 of the size
    above the baseline, which poppler puts 0.35 above the box's bottom) to the cedilla
    and descenders (0.21 below it). Lines of one cell are 1.1 sizes apart, so the ink
    of neighbouring lines never meets; text that runs into the next row does."""
    size = (line.y1 - line.y0) / BOX_PER_POINT
    baseline = line.y1 - 0.35 * size
    return baseline - 0.75 * size, baseline + 0.21 * size


def overlaps(lines: list[Word], tolerance: float = 0.3) -> list[tuple[Word, Word]]:
    """Pairs of words on one page whose letters cross: text of one cell running into the
    next row (or column) prints on top of it."""
    found = []
    by_page: dict[int, list[Word]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    for page_lines in by_page.values():
        page_lines.sort(key=lambda t: ink(t)[0])
        for i, a in enumerate(page_lines):
            for b in page_lines[i + 1 :]:
                if ink(b)[0] >= ink(a)[1] - tolerance:
                    break
                if min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance:
                    found.append((a, b))
    return found


def mersin() -> Plan:
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def test_the_mersin_report_prints_readably_on_a4_landscape(tmp_path):
    plan = mersin()
    assert Indicator.objects.filter(activity__theme__plan=plan).count() == 146
    printed = print_report(report_bytes(plan, 2024), "rapor-mersin-2024", tmp_path)

    assert printed.size == pytest.approx(A4_LANDSCAPE, abs=1)
    # fitted to the width only: 146 indicators take many pages, not 3 squeezed ones
    assert printed.pages >= 6
    sizes = sorted((t.y1 - t.y0) / BOX_PER_POINT for t in printed.body)
    assert sizes[0] >= 8, f"smallest body text {sizes[0]:.1f} pt"
    assert not overlaps(printed.body), overlaps(printed.body)[:3]
    # the header row is on every page, the title above it and "page / pages" below
    for page in range(1, printed.pages + 1):
        margin = " ".join(t.text for t in printed.margins if t.page == page)
        if "Kime ulaşıldı" in margin:
            continue  # the sheet after the report's own (report_reach)
        body = {t.text for t in printed.body if t.page == page}
        assert {"Faaliyet", "Gösterge", "Durum"} <= body, page
        margin = " ".join(t.text for t in printed.margins if t.page == page)
        assert "2024 YILI GERÇEKLEŞME RAPORU" in margin
        assert f"{page} / {printed.pages}" in margin
    # Turkish numbers whatever the machine's locale; a running level (4.1.2: 432 in 2024
    # against 432 from 427) with its step under the status, the formula in the footer
    assert "%261,8" in printed.text and "10.448" in printed.text
    assert "+5 / +5 planlanan artış" in printed.text
    assert "(gerçekleşme − mevcut) / (hedef − mevcut)" in printed.text


def test_long_merged_activity_text_does_not_run_into_the_next_activity(tmp_path):
    """One activity with a long title and three short indicators: the merged cell's
    wrapped text needs more height than its three rows have of their own. Five plan
    years: the table is wider than the page and prints smaller, still at 8 pt or more."""
    plan = make_plan(6, 3)
    plan.last_year = 2028
    plan.save()
    long_title = " ".join(["Kadın kooperatiflerinin ürünlerini kent pazarlarında"] * 6)
    first = Indicator.objects.filter(activity__theme__plan=plan).first().activity
    first.title = long_title
    first.responsible_raw = "Kadın ve Aile Hizmetleri Dairesi Başkanlığı ; " * 3
    first.save()
    printed = print_report(report_bytes(plan, 2024), "rapor-uzun-faaliyet", tmp_path)
    assert not overlaps(printed.body), overlaps(printed.body)[:3]
    assert min((t.y1 - t.y0) / BOX_PER_POINT for t in printed.body) >= 8
    assert "2028" in {t.text for t in printed.body}
    assert printed.text.count("kent pazarlarında") == 6  # all of it printed, none cut off
