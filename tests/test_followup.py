"""Meetings, the compliance report (rule 21) and every line of the dashboard (rule 22 and more)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.conftest import (
    ACTIVITY_FROM_RECORDS,
    certify,
    nothing_written,
    ok,
    refused,
    register,
    trainer_under_agreement,
)


def status(date: str = "2026-06-15") -> dict[str, Any]:
    return ok("status", "--date", date, "--json")  # type: ignore[no-any-return]


def meeting(kind: str, date: str) -> int:
    return int(ok("meeting", "add", "--kind", kind, "--date", date, "--json")["id"])


def start_school(name: str = "Nordhemsskolan", start: str = "2025-01-10", trainer: str = "1") -> None:
    ok(
        "start-school",
        name,
        "--municipality",
        "Gävle",
        "--programme",
        "mvp-hs",
        "--start",
        start,
        "--trainer",
        trainer,
        "--contact-name",
        "Lisa",
        "--contact-email",
        "lisa@s.se",
    )


def test_attending_twice_counts_once(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    first = meeting("network", "2026-03-01")
    assert ok("meeting", "attend", str(first), "1", "--json")["added"] == 1
    again = ok("meeting", "attend", str(first), "anna@example.se", "--json")
    assert (again["added"], again["already_attending"], again["attendee_count"]) == (0, 1, 1)
    assert ok("meeting", "list", "--json")[0]["attendees"] == [1]
    assert [m["id"] for m in ok("meeting", "list", "--year", "2025", "--json")] == []


def test_attendance_refusals(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    later = meeting("conference", "2026-11-20")
    with nothing_written(fresh_db):
        refused("meeting", "attend", str(later), "1", contains="after today")
        refused("meeting", "attend", "99", "1", contains="unknown meeting")
        refused("meeting", "add", "--kind", "network", "--date", "2026-13-01", contains="--date")


def test_compliance_counts_meetings_and_flags_who_falls_short(tmp_path: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    trainer_under_agreement(email="b@x.se", start="2023-04-01")
    for kind, day in [
        ("network", "2025-03-01"),
        ("network", "2025-10-01"),
        ("conference", "2025-11-20"),
        ("network", "2024-10-01"),
    ]:
        ok("meeting", "attend", str(meeting(kind, day)), "1")
    rows = ok("compliance", "--year", "2025", "--json")
    assert [(r["trainer_id"], r["network_meetings"], r["conferences"], r["ok"]) for r in rows] == [
        (1, 2, 1, True),
        (2, 0, 0, False),
    ]
    assert set(rows[0]) >= {"trainer_id", "name", "network_meetings", "conferences", "ok"}
    out = tmp_path / "c.xlsx"
    ok("compliance", "--year", "2025", "-o", str(out))
    sheet = load_workbook(out)["Närvaro 2025"]
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["ja", "nej"]


def test_compliance_at_the_edges_of_the_year() -> None:
    _, ends_in_january = trainer_under_agreement(start="2023-04-01")
    ok("agreement", "end", str(ends_in_january), "--date", "2025-01-15", "--reason", "slut")
    _, ends_on_new_year = trainer_under_agreement(email="b@x.se", start="2023-04-01")
    ok("agreement", "end", str(ends_on_new_year), "--date", "2025-01-01", "--reason", "slut")
    december = register(email="c@x.se")
    certify(december["id"], date="2024-06-01")
    ok("sign-agreement", "c@x.se", "--start", "2025-12-31")
    in_2025 = {r["trainer_id"] for r in ok("compliance", "--year", "2025", "--json")}
    in_2024 = {r["trainer_id"] for r in ok("compliance", "--year", "2024", "--json")}
    assert in_2025 == {1, 3}
    assert in_2024 == {1, 2}


def test_status_counts_trainers_by_state() -> None:
    assert status()["trainers"] == {"registered": 0, "certified": 0, "under_agreement": 0}
    register(email="a@x.se")
    trainer_under_agreement(email="b@x.se", start="2023-04-01")
    assert status()["trainers"] == {"registered": 2, "certified": 1, "under_agreement": 1}
    assert status("2023-03-31")["trainers"]["under_agreement"] == 0


def test_status_lists_agreement_years_starting_within_30_days() -> None:
    _, agreement = trainer_under_agreement(start="2023-07-01")
    assert [r["renews_on"] for r in status("2026-06-15")["renewals_within_30_days"]] == ["2026-07-01"]
    assert status("2026-05-31")["renewals_within_30_days"] == []
    ok("agreement", "end", str(agreement), "--date", "2026-07-01", "--reason", "slut")
    assert status("2026-06-15")["renewals_within_30_days"] == []


def test_status_flags_municipalities_with_running_programmes_and_one_trainer() -> None:
    trainer_under_agreement(start="2023-04-01")
    assert status()["understaffed_municipalities"] == []
    start_school()
    [flagged] = status()["understaffed_municipalities"]
    assert flagged["municipality"]["code"] == "2180" and flagged["trainers_in_force"] == 1
    trainer_under_agreement(email="b@x.se", start="2023-04-01")
    assert status()["understaffed_municipalities"] == []


def test_status_lists_trainers_short_on_meetings_this_year() -> None:
    trainer_under_agreement(start="2023-04-01")
    assert [r["trainer_id"] for r in status()["short_on_meetings"]] == [1]
    for kind, day in [("network", "2026-02-01"), ("network", "2026-05-01"), ("conference", "2026-06-01")]:
        ok("meeting", "attend", str(meeting(kind, day)), "1")
    assert status()["short_on_meetings"] == []


def test_status_lists_programmes_with_no_step_for_six_months() -> None:
    trainer_under_agreement(start="2023-04-01")
    start_school(start="2025-01-10")
    [stalled] = status()["stalled_programmes"]
    assert stalled["last_activity"] == "2025-01-10"
    ok("school", "step", "1", "forankring", "--programme", "mvp-hs", "--date", "2026-06-01", "--trainer", "1")
    assert status()["stalled_programmes"] == []
    assert status("2026-12-01")["stalled_programmes"][0]["last_activity"] == "2026-06-01"


def test_status_lists_programmes_stopped_this_year() -> None:
    trainer_under_agreement(start="2023-04-01")
    start_school(start="2025-01-10")
    ok("school", "stop", "1", "--programme", "mvp-hs", "--date", "2025-12-20", "--reason", "slut")
    assert status()["stopped_this_year"] == []
    assert status("2025-12-31")["stopped_this_year"][0]["reason"] == "slut"


def test_status_shows_the_last_invoice_run_and_what_is_not_yet_invoiced() -> None:
    trainer_under_agreement(start="2023-04-01")
    before = status()
    assert before["last_invoice_run"] is None
    assert before["not_invoiced"]["charges"] == 5 and before["not_invoiced"]["total"] == 6_000_000
    ok("invoice", "run", "--date", "2026-06-15")
    after = status()
    assert after["last_invoice_run"]["date"] == "2026-06-15" and after["last_invoice_run"]["invoices"] == 1
    assert after["not_invoiced"]["charges"] == 0


def test_the_dashboard_fits_80_columns() -> None:
    trainer_under_agreement(start="2023-04-01")
    start_school(start="2025-01-10")
    import os

    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        text = ok("status").stdout
    finally:
        os.environ["COLUMNS"] = previous or "200"
    assert "Municipalities with running programmes" in text
    assert max(len(line) for line in text.splitlines()) <= 80


# ---- the terminal's dashboard: counted and cut by the database (issue 17) -------------------------


def _busy_register() -> None:
    """The demo register and more: a voided step and trainee report, a run stopped later, a trainer short
    on meetings and one certified without an agreement, so that every section has something in it on some
    of the days below."""
    ok("demo")
    steps = [s for s in ok("school", "show", "1", "--json")["programmes"][0]["steps"] if s["void"] is None]
    ok("void", "step", str(steps[-1]["id"]), "--reason", "fel skola", "--date", "2026-06-01")
    ok("void", "trainee", "1", "--reason", "dubblett", "--date", "2026-06-15")
    ok("school", "stop", "4", "--programme", "mvp-hs", "--date", "2026-06-10", "--reason", "slutade")
    register("Bo Berg", "bo@example.se")
    certify(7, date="2024-02-01")


def _database() -> Any:
    import os

    from steg2cli.db import Database, resolve_url

    return Database(resolve_url(os.environ["STEG2_DB"]))


def test_the_terminal_dashboard_agrees_with_the_json_one_on_every_day_and_cut() -> None:
    """`status` at a terminal (counts and the first items, from the database's indexes and the runs'
    stored activity dates) shows exactly what the `--json` document lists whole: on today, and on earlier
    days, where steps, reports and stops after the day must not count."""
    from steg2cli.services import followup

    _busy_register()
    db = _database()
    seen: set[str] = set()
    for day in ("2026-09-01", "2026-06-15", "2026-05-01", "2026-01-20", "2025-09-01", "2025-03-01", "2024-12-31"):
        whole = followup.status(db, date.fromisoformat(day))
        for most in (1, 2, 10):
            cut = followup.status_summary(db, date.fromisoformat(day), most=most)
            for key in followup.SECTIONS:
                assert cut["counts"][key] == len(whole[key]), (day, key)
                assert cut[key] == whole[key][:most], (day, most, key)
                if whole[key]:
                    seen.add(key)
            for key in ("date", "trainers", "last_invoice_run", "not_invoiced"):
                assert cut[key] == whole[key], (day, key)
    # The comparison meant something: these sections had items on some day.
    assert (
        set(followup.SECTIONS)
        - {"payments_to_match", "payers_not_ready", "invoices_to_credit", "reminders_due", "to_collection"}
        <= seen
    )


def test_the_runs_stored_activity_dates_follow_every_step_and_report() -> None:
    """What the dashboard trusts: each run's stored dates equal what its live steps and its school's live
    trainee reports say, after steps, voids, reports, a new run and a stop."""
    _busy_register()
    school = ok("school", "show", "4", "--json")
    ok(  # a new run beside the stopped one: it takes the school's reports for its programme at once
        "start-school",
        school["name"],
        "--municipality",
        school["municipality"]["name"],
        "--programme",
        "mvp-hs",
        "--start",
        "2026-06-12",
        "--trainer",
        "5",
        "--contact-name",
        "Ny Kontakt",
        "--contact-email",
        "ny@skola.se",
    )
    ok("school", "step", "2", "handledning", "--programme", "at", "--date", "2026-06-14", "--trainer", "2")
    ok(
        "report-trainees",
        "Ny Elev <ny@elev.se>",
        "--trainer",
        "2",
        "--school",
        "2",
        "--programme",
        "at",
        "--date",
        "2026-06-10",
    )
    from sqlalchemy import text

    target = _database()
    with target.read() as session:
        newest = session.scalar(text("SELECT max(id) FROM trainees"))
    ok("void", "trainee", str(newest), "--reason", "fel skola")  # school 2 has no live report again
    with target.read() as session:
        stored = [
            tuple(r)
            for r in session.execute(
                text("SELECT id, last_activity_on, last_report_on FROM school_programmes ORDER BY id")
            )
        ]
        wanted = [tuple(r) for r in session.execute(text(ACTIVITY_FROM_RECORDS))]
    assert [tuple(str(v) for v in row) for row in stored] == [tuple(str(v) for v in row) for row in wanted]
    assert len(stored) >= 4
