"""Narlıdere's local gender profile, as seed 001 gives it: the demo figures are the
transcription's (fixtures/transcribe/narlidere_profile.py), the transcription matches
the seed line by line (when the seed is at hand), and the totals and shares the text
states hold in what the demo loaded."""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest

from plans.gender_profile import ProfileFigure, profile_summary, share
from plans.models import Municipality

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "fixtures" / "transcribe" / "narlidere_profile.py"
DATA = ROOT / "fixtures" / "demo" / "narlidere_profile.json"


def transcription():
    spec = importlib.util.spec_from_file_location("narlidere_profile", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_file_is_the_transcription():
    module = transcription()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["municipality"] == "Narlıdere Belediyesi"
    assert data["figures"] == module.figures()


@pytest.mark.skipif(not transcription().SEED.exists(), reason="seed 001 is not on this machine")
def test_the_transcription_matches_the_seed_line_by_line():
    module = transcription()
    assert module.check(module.SEED.read_text(encoding="utf-8")) == []


@pytest.mark.skipif(not transcription().SEED.exists(), reason="seed 001 is not on this machine")
def test_the_check_finds_a_wrong_number(monkeypatch):
    module = transcription()
    rows = list(module.TABLE_ROWS)
    line, text, measure, year, area, total, men, women = rows[17]  # Ilıca Mahallesi
    rows[17] = (line, text, measure, year, area, total, men - 1, women + 1)
    monkeypatch.setattr(module, "TABLE_ROWS", rows)
    problems = module.check(module.SEED.read_text(encoding="utf-8"))
    assert "'ILICA MAHALLESİ 8.635 4.005 4.630': the seed reads [8635, 4005, 4630]" in problems
    assert "the neighbourhoods do not add up to 2022's population" in problems


def test_every_quoted_row_holds_its_numbers():
    """The quoted text of each table row reads the transcribed total, men and women."""
    for f in json.loads(DATA.read_text(encoding="utf-8"))["figures"]:
        if f["measure"] == "nufus":
            numbers = [int(n.replace(".", "")) for n in f["raw_text"].split()[-3:]]
            assert numbers == [f["total"], f["men"], f["women"]], f["raw_text"]
            assert f["total"] == f["men"] + f["women"]


@pytest.mark.django_db
def test_the_loaded_profile_holds_what_the_text_says():
    narlidere = Municipality.objects.get(name="Narlıdere Belediyesi")
    figures = ProfileFigure.objects.filter(municipality=narlidere)
    assert figures.count() == 33

    def whole(code, year):
        f = figures.get(measure__code=code, year=year, area="")
        return f.women, f.men, f.total

    # "62.923 Kişi ... 30.653 erkek ve 32.270 kadından oluşmaktadır ... %51,28 kadındır"
    assert whole("nufus", 2022) == (32270, 30653, 62923)
    assert share(32270, 62923) == Decimal("51.28")
    # the 11 neighbourhoods add up to the district
    parts = figures.filter(measure__code="nufus", year=2022).exclude(area="")
    assert parts.count() == 11
    assert sum(p.women for p in parts) == 32270 and sum(p.men for p in parts) == 30653
    assert parts.get(area="Ilıca Mahallesi").women == 4630
    # "25 Belediye Meclis üyesinden 9’u kadındır", "11 olan Mahalle Muhtarının, sadece 2’si"
    assert whole("meclis-uyesi", 2019) == (9, 16, 25)
    assert whole("muhtar", 2019) == (2, 9, 11)
    # "48 kadın, 124 erkek personel olmak üzere toplamda 172", "%27,91 Kadın"
    assert whole("personel", 2023) == (48, 124, 172)
    assert share(48, 172) == Decimal("27.91")
    # "2 erkek Başkan Yardımcısı, 6 Kadın Müdür, 12 Erkek Müdür, 1 Kadın Danışma Merkezi
    # Sorumlusu", "%33,33 yönetici kadın"
    managers = {f.area: (f.women, f.men) for f in figures.filter(measure__code="yonetici")}
    assert managers == {
        "Başkan Yardımcısı": (0, 2),
        "Müdür": (6, 12),
        "Kadın Danışma Merkezi Sorumlusu": (1, 0),
    }
    summary = {s.measure.code: s for s in profile_summary(narlidere.pk)}
    assert summary["yonetici"].women_share == Decimal("33.33")
    # the population by year, 2007 to 2022, each year adding up
    years = summary["nufus"].history
    assert [y for y, _w, _m in years] == list(range(2022, 2006, -1))
    assert (2010, 30356, 42476) in years
    assert all(f.total == f.women + f.men for f in figures.filter(total__isnull=False))
    assert figures.get(area="Müdür").raw_text.startswith("6 Kadın Müdür, 12 Erkek Müdür")
