"""Demo data for the local gender profile: Narlıdere's figures transcribed from seed 001
(fixtures/demo/narlidere_profile.json, made by fixtures/transcribe/narlidere_profile.py)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from monitoring.excel.plan_build import get_or_create_municipality
from plans.models import ProfileFigure, ProfileMeasure
from plans.profile_measures import DEFAULT_MEASURES

PROFILE_FILES = ["narlidere_profile.json"]


def _measures() -> dict[str, ProfileMeasure]:
    for position, m in enumerate(DEFAULT_MEASURES, start=1):  # a flushed database has none
        ProfileMeasure.objects.get_or_create(code=m["code"], defaults={**m, "position": position})
    return {m.code: m for m in ProfileMeasure.objects.all()}


@transaction.atomic
def load_demo_profile(file_name: str) -> int:
    """The file's figures for its municipality; none when it has a profile already.
    Returns how many figures were stored."""
    path = Path(settings.BASE_DIR) / "fixtures" / "demo" / file_name
    data = json.loads(path.read_text(encoding="utf-8"))
    municipality = get_or_create_municipality(data["municipality"])
    if ProfileFigure.objects.filter(municipality=municipality).exists():
        return 0
    measures = _measures()
    figures = [
        ProfileFigure(
            municipality=municipality,
            measure=measures[f["measure"]],
            year=f["year"],
            area=f["area"],
            women=f["women"],
            men=f["men"],
            total=f["total"],
            source=f["source"],
            raw_text=f"{f['raw_text']} (seed {data['seed']}, satır {f['seed_line']})",
        )
        for f in data["figures"]
    ]
    ProfileFigure.objects.bulk_create(figures)
    return len(figures)


def load_demo_profiles() -> int:
    return sum(load_demo_profile(name) for name in PROFILE_FILES)
