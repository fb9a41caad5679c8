"""The year in numbers (rule 36), the lists still missing, and the dashboard's new warnings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import certify, ok, refused, register, run, trainer_under_agreement
from tests.test_schools import start, step


def _year(tmp_path: Path) -> None:
    """A register over 2024-2025: three trainers, three schools, trainees, meetings, invoices, a payment."""
    trainer_under_agreement(start="2023-04-01")  # Anna, Gävle, in force 2024 and 2025
    cia = register(name="Cia Holm", email="cia@x.se", municipality="Umeå")
    bo = register(name="Bo Berg", email="bo@x.se")
    certify(cia["id"], bo["id"], date="2024-02-01")
    ok("sign-agreement", "cia@x.se", "--start", "2024-03-01")
    ok("sign-agreement", "bo@x.se", "--start", "2025-02-01")
    ok("agreement", "end", "2", "--date", "2025-01-01", "--reason", "flyttade")  # Cia: 2024 only
    start()  # Nordhemsskolan, Gävle, mvp-hs from 2024-01-10
    start("Sätraskolan", programme="mvp-ms", start="2025-02-01")
    ok("school", "stop", "Sätraskolan", "--programme", "mvp-ms", "--date", "2025-09-01", "--reason", "ny rektor")
    step("forankring", "2024-01-15")
    ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "Nordhemsskolan",
        "--programme",
        "mvp-hs",
        "--date",
        "2025-03-10",
        "Kim Ek <kim@skola.se>",
        "Li Ek <li@skola.se>",
    )
    ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "Nordhemsskolan",
        "--programme",
        "mvp-hs",
        "--date",
        "2025-10-01",
        "Mo Ek <mo@skola.se>",
    )
    ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "Sätraskolan",
        "--programme",
        "mvp-ms",
        "--date",
        "2025-03-10",
        "Sam Ek <sam@skola.se>",
        "Ulf Ek <ulf@skola.se>",
    )
    ok("void", "trainee", "5", "--reason", "fel skola")
    ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "Nordhemsskolan",
        "--programme",
        "mvp-hs",
        "--date",
        "2024-05-10",
        "Ida Ek <ida@skola.se>",
    )
    for kind, day in (("network", "2025-03-01"), ("network", "2025-10-01"), ("conference", "2025-11-20")):
        ok("meeting", "add", "--kind", kind, "--date", day)
    ok("meeting", "attend", "1", "1", "3")
    ok("meeting", "attend", "2", "1", "3")
    ok("meeting", "attend", "3", "1")
    ok("void", "attendance", "2", "--reason", "var sjuk")  # trainer 3 at meeting 1
    ok("invoice", "run", "--date", "2024-06-01")
    ok("invoice", "run", "--date", "2025-06-01")
    [second] = [i for i in ok("invoice", "list", "--year", "2025", "--json") if i["kind"] == "invoice"][:1]
    ok("payment", "add", str(second["number"]), "--date", "2025-07-01", "--amount", "5 000")
    ok("invoice", "credit", "1", "--reason", "fel", "--date", "2025-06-02")


def test_every_figure_equals_what_the_other_commands_say(tmp_path: Path) -> None:
    _year(tmp_path)
    report = ok("report", "--year", "2025", "--json")
    figures = report["figures"]
    assert report["previous"]["year"] == 2024

    # Trainers in force: as compliance counts them, and as the trainer export filtered to the year.
    assert figures["trainers_in_force"] == len(ok("compliance", "--year", "2025", "--json")) == 2
    ok("export", "trainers", "--year", "2025", "-o", str(tmp_path / "t.xlsx"))
    assert figures["trainers_in_force"] == load_workbook(tmp_path / "t.xlsx")["Utbildare"].max_row - 1
    assert report["previous"]["figures"]["trainers_in_force"] == len(ok("compliance", "--year", "2024", "--json"))
    assert report["trainers_by_county"] == [{"county": "Gävleborgs län", "trainers": 2}]

    # Schools and municipalities reached: as the schools export for the year lists them.
    ok("export", "schools", "--year", "2025", "-o", str(tmp_path / "s.xlsx"))
    rows = list(load_workbook(tmp_path / "s.xlsx")["Skolor"].iter_rows(min_row=2, values_only=True))
    assert figures["schools_reached"] == len({r[0] for r in rows}) == 2
    assert figures["municipalities_reached"] == len({r[2] for r in rows}) == 1
    assert (figures["programme_starts"], figures["programme_stops"]) == (1, 1)  # Sätraskolan
    schools = ok("school", "list", "--json")
    assert figures["programme_starts"] == sum(
        1 for s in schools for p in s["programmes"] if p["start"].startswith("2025")
    )

    # People trained: as the trainee export for the year (voided reports stand apart).
    ok("export", "trainees", "--year", "2025", "-o", str(tmp_path / "e.xlsx"))
    trained = list(load_workbook(tmp_path / "e.xlsx")["Utbildade"].iter_rows(min_row=2, values_only=True))
    assert figures["people_trained"] == len(trained) == 4
    by_programme = {r["programme"]: r["trained"] for r in report["trained_by_programme"]}
    assert by_programme == {"mvp-ms": 1, "mvp-hs": 3, "mvp-gy": 0, "at": 0}
    assert {r["month"]: r["trained"] for r in report["trained_by_month"] if r["trained"]} == {3: 3, 10: 1}
    assert report["trained_by_county"] == [{"county": "Gävleborgs län", "trained": 4}]

    # Meetings: as meeting list shows them.
    meetings = ok("meeting", "list", "--year", "2025", "--json")
    assert figures["network_meetings"] == sum(m["kind"] == "network" for m in meetings) == 2
    assert figures["conferences"] == 1
    assert figures["attendances"] == sum(m["attendee_count"] for m in meetings) == 4
    assert (
        figures["trainers_meeting_obligations"]
        == sum(r["ok"] for r in ok("compliance", "--year", "2025", "--json"))
        == 1
    )

    # Money: as invoice list says for the year.
    invoices = ok("invoice", "list", "--year", "2025", "--json")
    issued = [i for i in invoices if i["kind"] == "invoice"]
    assert figures["billed"] == sum(i["total"] for i in issued)
    assert figures["credited"] == -sum(i["total"] for i in invoices if i["kind"] == "credit")
    assert figures["paid"] == sum(i["paid"] for i in issued) == 500_000
    assert figures["outstanding"] == sum(i["balance"] for i in issued if i["state"] in ("open", "overdue"))


def test_the_workbook_has_a_chart_with_title_axis_titles_and_data_on_every_sheet(tmp_path: Path) -> None:
    _year(tmp_path)
    out = tmp_path / "arsrapport.xlsx"
    ok("report", "--year", "2025", "-o", str(out))
    book = load_workbook(out)
    assert book.sheetnames == [
        "Sammanfattning",
        "Utbildare per län",
        "Kommuner och skolor",
        "Programstarter",
        "Utbildade per program",
        "Utbildade per län",
        "Utbildade per månad",
        "Nätverksträffar",
        "Fakturering",
    ]
    summary = {row[0]: row[1:] for row in book["Sammanfattning"].iter_rows(min_row=2, values_only=True)}
    assert summary["Utbildade MVP/AT-ledare"] == (4, 1)
    assert summary["Betalt"][0] == 5000  # money in kronor, formatted as such
    paid_row = next(r for r in book["Sammanfattning"].iter_rows(min_row=2) if r[0].value == "Betalt")
    assert paid_row[1].number_format == '#,##0.00 "kr"'
    for sheet in book.worksheets:
        charts = sheet._charts
        assert len(charts) == 1, sheet.title
        chart = charts[0]

        def text(title: Any) -> str:
            return "".join(run.t for paragraph in title.tx.rich.p for run in (paragraph.r or []))

        assert text(chart.title), sheet.title
        assert text(chart.y_axis.title), sheet.title
        assert chart.series and all(series.val.numRef.f for series in chart.series), sheet.title


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None, reason="LibreOffice is not installed"
)
def test_the_workbook_opens_in_libreoffice(tmp_path: Path) -> None:
    _year(tmp_path)
    out = tmp_path / "arsrapport.xlsx"
    ok("report", "--year", "2025", "-o", str(out))
    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [str(office), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "arsrapport.pdf").stat().st_size > 1000


def test_the_key_figures_print_as_a_table(tmp_path: Path) -> None:
    _year(tmp_path)
    text = ok("report", "--year", "2025").stdout
    assert "The year in numbers: 2025 (beside 2024)" in text and "5 000,00 kr" in text
    refused("report", "--year", "1899", contains="outside the years")
    refused("report", "--year", "2025", "-o", str(tmp_path / "r.csv"), contains=".xlsx")


def test_the_missing_lists(tmp_path: Path) -> None:
    _year(tmp_path)
    ok("school", "problem", "Nordhemsskolan", "--date", "2025-04-01", "--note", "Rektor slutade")
    ok("export", "agreements", "-o", str(tmp_path / "a.xlsx"), "--year", "2025")
    agreements = list(load_workbook(tmp_path / "a.xlsx")["Överenskommelser"].iter_rows(values_only=True))
    assert [r[0] for r in agreements[1:]] == [1, 3]  # Cia's ended on 2025-01-01
    ok("export", "courses", "-o", str(tmp_path / "c.xlsx"))
    courses = list(load_workbook(tmp_path / "c.xlsx")["Kurser"].iter_rows(values_only=True))
    assert sorted(r[8] for r in courses[1:]) == ["Anna Lind", "Bo Berg", "Cia Holm"]
    ok("export", "meetings", "--year", "2025", "-o", str(tmp_path / "m.xlsx"))
    sheet = list(load_workbook(tmp_path / "m.xlsx")["Närvaro 2025"].iter_rows(values_only=True))
    header, anna, bo = sheet[0], sheet[1], sheet[2]
    assert header[3].startswith("2025-03-01") and anna[1] == "Anna Lind" and anna[3:6] == ("x", "x", "x")
    assert bo[1] == "Bo Berg" and bo[3:6] == (None, "x", None)  # his first attendance was voided
    assert run("export", "meetings", "-o", str(tmp_path / "m.xlsx")).exit_code == 2  # --year is required
    ok("export", "schools", "-o", str(tmp_path / "s.xlsx"))
    schools = list(load_workbook(tmp_path / "s.xlsx")["Skolor"].iter_rows(values_only=True))
    notes = schools[0].index("Problem (noteringar)")
    assert [r[notes] for r in schools[1:] if r[0] == "Nordhemsskolan"] == ["2025-04-01: Rektor slutade"]


def test_status_warns_about_certified_trainers_without_agreement_and_silent_programmes() -> None:
    trainer_under_agreement(start="2023-04-01")
    bo = register(name="Bo Berg", email="bo@x.se")
    certify(bo["id"], date="2024-02-01")
    start()
    status = ok("status", "--json")
    assert [t["name"] for t in status["certified_without_agreement"]] == ["Bo Berg"]
    assert [(p["school"], p["programme"], p["trainer_id"]) for p in status["programmes_without_trainee_list"]] == [
        ("Nordhemsskolan", "mvp-hs", 1)
    ]
    ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "1",
        "--programme",
        "mvp-hs",
        "--date",
        "2026-06-01",
        "Kim Ek <kim@skola.se>",
    )
    assert ok("status", "--json")["programmes_without_trainee_list"] == []
    ok("sign-agreement", "bo@x.se", "--start", "2026-06-01")
    assert ok("status", "--json")["certified_without_agreement"] == []


def test_a_silent_programme_names_the_trainer_who_leads_it_today() -> None:
    trainer_under_agreement(start="2023-04-01")
    bo = register(name="Bo Berg", email="bo@x.se")
    certify(bo["id"], date="2024-02-01")
    ok("sign-agreement", "bo@x.se", "--start", "2024-03-01")
    start()
    ok("school", "lead", "1", "--programme", "mvp-hs", "--trainer", "bo@x.se", "--date", "2025-06-01")
    silent = ok("status", "--json")["programmes_without_trainee_list"]
    assert [(p["school"], p["trainer_id"]) for p in silent] == [("Nordhemsskolan", bo["id"])]
    before = ok("status", "--date", "2025-05-31", "--json")["programmes_without_trainee_list"]
    assert [p["trainer_id"] for p in before] == [1]


def test_a_trainer_who_moved_during_the_year_counts_in_both_counties() -> None:
    """Issue 27, 11: both municipalities paid an annual fee that year, so the trainer counts in both."""
    trainer_id, _agreement = trainer_under_agreement(start="2024-04-01")  # Gävle, Gävleborgs län
    ok("trainer", "move", str(trainer_id), "--municipality", "Umeå", "--date", "2025-06-01")
    ok("sign-agreement", str(trainer_id), "--start", "2025-06-01")
    ok("invoice", "run", "--date", "2025-06-01")
    fees = {i["payer"]["name"] for i in ok("invoice", "list", "--year", "2025", "--json") for line in i["lines"]}
    assert fees == {"Gävle kommun", "Umeå kommun"}
    report = ok("report", "--year", "2025", "--json")
    assert report["figures"]["trainers_in_force"] == 1
    assert report["trainers_by_county"] == [
        {"county": "Gävleborgs län", "trainers": 1},
        {"county": "Västerbottens län", "trainers": 1},
    ]
