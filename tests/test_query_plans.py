"""The bounded commands read through indexes (issue 17): a `show` or the audit trail's newest entries
must not scan a table that grows with the years. SQLite's own plan is the judge (EXPLAIN QUERY PLAN),
so a query that loses its index fails here, not only in the benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import TODAY, ok, sqlite_only

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import plans  # noqa: E402  (bench/plans.py)

BOUNDED = [
    ["trainer", "show", "1", "--json"],
    ["school", "show", "1", "--json"],
    ["invoice", "show", "1", "--json"],
    ["meeting", "show", "1", "--json"],
    ["course", "show", "1", "--json"],
    ["payer", "show", "Gävle", "--json"],
    ["log", "--limit", "5", "--json"],
]


@sqlite_only
@pytest.mark.parametrize("args", BOUNDED, ids=lambda args: " ".join(args[:2]))
def test_a_bounded_command_scans_no_growing_table(fresh_db: Path, args: list[str]) -> None:
    ok("demo")
    assert plans.scans(fresh_db, args) == []


@sqlite_only
def test_the_check_sees_a_full_scan(fresh_db: Path) -> None:
    """The plan reader itself: listing every trainee is a scan of the trainees table, and is reported."""
    ok("demo")
    found = plans.scans(fresh_db, ["export", "trainees", "-o", str(fresh_db.parent / "alla.xlsx")])
    assert any(line.startswith("SCAN trainees") for line, _ in found), found


@sqlite_only
@pytest.mark.parametrize("dry", [["--dry-run"], []], ids=["dry run", "run"])
def test_the_daily_invoice_run_reads_only_what_may_be_due(fresh_db: Path, dry: list[str]) -> None:
    """The cron job with nothing due (issue 17): the billing marks lead it to what may owe, through their
    indexes, instead of every agreement, seat and charge of every year."""
    ok("demo")
    ok("invoice", "run", "--date", TODAY)
    assert plans.scans(fresh_db, ["invoice", "run", *dry, "--date", TODAY, "--json"]) == []


@sqlite_only
@pytest.mark.parametrize("command", ["remind", "interest"])
def test_reminders_and_interest_read_only_the_invoices_still_open(fresh_db: Path, command: str) -> None:
    """The monthly remind and interest runs (issue 24): they start from the open-items mark through its
    due-date index, never from every invoice and payment ever written."""
    ok("demo")
    ok("invoice", "run", "--date", TODAY)
    ok("rate", "set", "reference", "2", "--from", "2020-01-01")
    assert plans.scans(fresh_db, ["invoice", command, "--dry-run", "--date", TODAY, "--json"]) == []


@sqlite_only
def test_the_dashboard_reads_the_years_trainee_reports_from_an_index_alone(fresh_db: Path) -> None:
    """The trainees table is the largest by far: the dashboard's one question of it (which programmes had a
    list reported in the last year) is answered by a covering index, never by reading the table."""
    ok("demo")
    asked = [
        plans.plan(fresh_db, statement, parameters)
        for statement, parameters in plans.statements(fresh_db, ["status", "--json"])
        if "FROM trainees" in statement
    ]
    assert asked and all(any("COVERING INDEX" in line for line in plan) for plan in asked), asked


#: What grows with every school year: the terminal's dashboard reads none of it whole.
HISTORY = {
    "trainees",
    "steps",
    "school_programmes",
    "schools",
    "charges",
    "charge_billings",
    "invoice_lines",
    "payments",
    "audit_log",
    "attendance_records",
}


@sqlite_only
def test_the_terminal_dashboard_reads_no_programme_step_or_report_whole(fresh_db: Path) -> None:
    """`status` at a terminal counts quiet and silent programmes through the runs' stored activity dates and
    their indexes. What it still reads whole is the live register (trainers, agreements in force, course
    seats, invoices for what is unpaid), never the history of steps, reports and programmes."""
    ok("demo")
    found = {line.split()[1] for line, _ in plans.scans(fresh_db, ["status"])}
    assert not found & HISTORY, found
    assert {line.split()[1] for line, _ in plans.scans(fresh_db, ["status", "--json"])} & HISTORY  # the check sees
