"""The open-data zip of a public plan: opened, read back, checked against the API and
validated as a Frictionless Data Package; what the public may not see is not in it."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from monitoring.api.fields import BY_NAME
from monitoring.models import Realization
from monitoring.opendata.package import ORDER, csv_cell
from plans.models import Indicator

from .api_fixtures import NEVER_PUBLIC, planted

__all__ = ["planted"]
pytestmark = pytest.mark.django_db


def download(client, plan) -> zipfile.ZipFile:
    response = client.get(reverse("monitoring:open_data", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "acik-veri.zip" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def read_csv(zf, name) -> list[dict]:
    text = zf.read(f"{name}.csv").decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_zip_holds_every_resource_as_csv_json_and_a_datapackage(planted):
    zf = download(Client(), planted["mersin"])
    names = set(zf.namelist())
    assert {f"{n}.csv" for n in ORDER} | {"data.json", "datapackage.json", "README.txt"} == names
    data = json.loads(zf.read("data.json"))
    for name in ORDER:
        rows = read_csv(zf, name)
        header = next(csv.reader(io.StringIO(zf.read(f"{name}.csv").decode("utf-8"))))
        assert header == BY_NAME[name].field_names(), name
        assert len(rows) == len(data[name]), name
    everything = b"".join(zf.read(n) for n in names).decode("utf-8")
    for secret in NEVER_PUBLIC:
        assert secret not in everything
    reals = data["realizations"]
    assert {r["approval"] for r in reals} == {"approved"}
    assert (
        len(reals)
        == Realization.objects.filter(
            indicator__activity__theme__plan=planted["mersin"], status="approved"
        ).count()
    )
    indicators = Indicator.objects.filter(activity__theme__plan=planted["mersin"]).count()
    assert len(data["progress"]) == indicators * len(planted["mersin"].years)


def test_the_zip_is_the_apis_public_view(planted):
    zf = download(Client(), planted["mersin"])
    data = json.loads(zf.read("data.json"))
    api = (
        Client()
        .get("/api/v1/indicators/", {"plan": planted["mersin"].pk, "limit": 500})
        .json()["results"]
    )
    assert data["indicators"][: len(api)] == api[: len(data["indicators"])]
    progress = (
        Client()
        .get("/api/v1/progress/", {"plan": planted["mersin"].pk, "limit": 20})
        .json()["results"]
    )
    assert data["progress"][:20] == progress


def test_states_raw_text_and_dashes_are_kept_in_the_csv(planted):
    zf = download(Client(), planted["mersin"])
    targets = read_csv(zf, "targets")
    dashes = [t for t in targets if t["state"] == "na"]
    assert dashes and all(t["value"] == "" for t in dashes)
    assert any(t["raw_text"] == "-" for t in dashes)  # a lone dash is no formula
    assert any("%" in t["raw_text"] for t in targets)
    assert "Toplantıda belli olacak" in zf.read("realizations.csv").decode("utf-8")


def test_a_formula_is_written_as_text(planted):
    plan = planted["mersin"]
    Indicator.objects.filter(activity__theme__plan=plan, position=1).filter(
        pk=Indicator.objects.filter(activity__theme__plan=plan).order_by("pk").first().pk
    ).update(name='=HYPERLINK("http://x.example","tıkla")')
    zf = download(Client(), plan)
    rows = read_csv(zf, "indicators")
    assert rows[0]["name"] == '\'=HYPERLINK("http://x.example","tıkla")'
    assert json.loads(zf.read("data.json"))["indicators"][0]["name"].startswith("=HYPERLINK")
    assert csv_cell("-") == "-" and csv_cell("-5") == "-5" and csv_cell("@x") == "'@x"
    assert csv_cell(8.2) == "8.2" and csv_cell(1e-05) == "0.00001" and csv_cell(True) == "true"


def test_a_private_plan_has_no_open_data_for_anyone(planted, roles, as_user):
    url = reverse("monitoring:open_data", args=[planted["narlidere"].pk])
    assert Client().get(url).status_code == 404
    assert as_user(roles["equality"]).get(url).status_code == 404
    assert Client().get(reverse("monitoring:open_data", args=[999999])).status_code == 404


def test_the_zip_is_turkish_whoever_asks_first(planted):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    zf = download(english, planted["mersin"])
    labels = {r["status_label"] for r in read_csv(zf, "progress")}
    assert "Ulaşıldı" in labels and "Achieved" not in labels


def test_signed_in_users_get_the_public_files_too(planted, roles, as_user):
    zf = download(as_user(roles["equality"]), planted["mersin"])
    everything = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8")
    for secret in NEVER_PUBLIC:
        assert secret not in everything


def test_the_datapackage_is_valid_frictionless(planted, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    zf = download(Client(), planted["bc"])
    zf.extractall(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    assert {f"{n}.csv" for n in ORDER} | {"data.json"} == paths
    assert all(r["schema"]["fields"] for r in package["resources"] if r["format"] == "csv")
    # every file against its schema: types, primary keys, foreign keys between the files
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])
    assert len(report.tasks) == len(package["resources"])
