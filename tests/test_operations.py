"""Audit trail, personal data (rule 23), crash safety, and the bulk demo."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import nothing_written, ok, refused, register, sqlite_only, trainer_under_agreement


def setup_people() -> None:
    trainer_under_agreement(email="anna@example.se", start="2023-04-01")
    ok(
        "start-school",
        "Nordhemsskolan",
        "--municipality",
        "Gävle",
        "--programme",
        "mvp-hs",
        "--start",
        "2024-01-10",
        "--trainer",
        "1",
        "--contact-name",
        "Lisa Berg",
        "--contact-email",
        "Lisa.Berg@skola.se",
        "--contact-phone",
        "026-111 22 33",
    )
    ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "1",
        "--programme",
        "mvp-hs",
        "--date",
        "2024-02-01",
        "Kim Ek <kim.ek@skola.se>",
        "Lisa Berg <lisa.berg@skola.se>",
    )


def test_every_write_command_is_in_the_log_with_ids_only() -> None:
    setup_people()
    entries = ok("log", "--json")
    assert [e["command"] for e in entries][:3] == ["report-trainees", "start-school", "sign-agreement"]
    assert entries[1]["touched"] == {"school": [1]}
    assert all(set(e) >= {"at", "user", "command", "touched"} for e in entries)
    text = str(entries)
    assert "@" not in text and "Lisa" not in text
    assert len(ok("log", "--limit", "2", "--json")) == 2
    assert "start-school" in ok("log").stdout


def test_person_export_gathers_every_role(fresh_db: Path) -> None:
    setup_people()
    ok("invoice", "run", "--date", "2024-04-01")
    held = ok("person", "export", "lisa.berg@skola.se", "--json")
    assert held["as_contact_person"][0]["phone"] == "026-111 22 33"
    assert held["as_trainee"][0]["school"] == "Nordhemsskolan"
    assert held["what_is_kept_and_why"]
    trainer = ok("person", "export", "ANNA@example.se", "--json")
    summary = ok("person", "export", "ANNA@example.se").stdout
    assert "Som Steg 2-utbildare:" in summary and "Anna Lind" in summary and "sju år" in summary
    assert trainer["as_trainer"]["agreements"][0]["id"] == 1
    assert trainer["as_trainer"]["trainees_reported"] == 2
    assert {line["name_on_invoice"] for line in trainer["on_invoices"]} == {"Anna Lind"}
    with nothing_written(fresh_db):
        refused("person", "export", "nobody@x.se", contains="nothing is held")
        refused("person", "export", "not-an-address", contains="not an e-mail address")


def _raw_bytes(path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            data += part.read_bytes()
    return data


@sqlite_only
def test_erase_pseudonymises_everywhere_and_leaves_no_copy_in_the_file(fresh_db: Path) -> None:
    setup_people()
    assert b"lisa.berg@skola.se" in _raw_bytes(fresh_db)
    result = ok("person", "erase", "lisa.berg@skola.se", "--yes", "--json")
    assert result["erased"] == {"trainer": 0, "contact_person": 1, "trainee": 1, "delivery_record": 0}
    raw = _raw_bytes(fresh_db)
    for trace in (b"lisa.berg@skola.se", b"Lisa.Berg@skola.se", b"026-111 22 33", b"Lisa Berg"):
        assert trace not in raw, trace
    assert b"kim.ek@skola.se" in raw
    refused("person", "export", "lisa.berg@skola.se", contains="nothing is held")
    with sqlite3.connect(fresh_db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_erasing_a_trainer_keeps_issued_invoices_exactly(fresh_db: Path) -> None:
    setup_people()
    ok("invoice", "run", "--date", "2024-04-01")
    before = ok("invoice", "show", "1", "--json")
    refused("person", "erase", "anna@example.se", "--yes", contains="end it first")
    ok("agreement", "end", "1", "--date", "2025-01-01", "--reason", "slutar")
    ok("person", "erase", "anna@example.se", "--yes")
    assert ok("invoice", "show", "1", "--json") == before
    assert "Anna Lind" in str(before) and "anna@example.se" not in str(before)
    if isinstance(fresh_db, Path):
        assert b"anna@example.se" not in _raw_bytes(fresh_db)
    shown = ok("trainer", "show", "1", "--json")
    assert shown["name"] == "Raderad person 1" and shown["phone"] is None
    again = ok("invoice", "run", "--date", "2024-04-01", "--json")
    assert again["invoices"] == []


def test_erase_needs_yes_and_a_known_address(fresh_db: Path) -> None:
    setup_people()
    with nothing_written(fresh_db):
        refused("person", "erase", "kim.ek@skola.se", contains="--yes")
        refused("person", "erase", "nobody@x.se", "--yes", contains="nothing is held")


def test_the_scale_demo_respects_every_rule(tmp_path: Path) -> None:
    ok("demo", "--scale", "30", "--years", "3")
    out = tmp_path / "all.xlsx"
    ok("export", "trainees", "-o", str(out))
    rows = list(load_workbook(out, read_only=True)["Utbildade"].iter_rows(values_only=True))
    assert len(rows) == 1 + 2000
    again = ok("report-trainees", "--file", str(out), "--json")
    assert (again["added"], again["already_reported"]) == (0, 2000)
    refused("demo", contains="already holds trainers")


@sqlite_only
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_an_invoice_run_killed_at_any_point_leaves_the_database_whole(fresh_db: Path) -> None:
    ok("demo", "--scale", "240", "--years", "10")
    env = {**os.environ, "STEG2_DB": str(fresh_db), "STEG2_TODAY": "2026-06-15"}
    command = [sys.executable, "-m", "steg2cli", "invoice", "run", "--date", "2026-06-15"]
    for delay in (0.2, 0.5, 0.8, 1.1, 1.4):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with sqlite3.connect(fresh_db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            invoices, lines = conn.execute(
                "SELECT (SELECT count(*) FROM invoices), (SELECT count(*) FROM invoice_lines)"
            ).fetchone()
            next_number = int(
                conn.execute("SELECT value FROM settings WHERE key = 'invoice.next-number'").fetchone()[0]
            )
            assert next_number == invoices + 1
            assert (invoices == 0) == (lines == 0)
        if invoices:
            break
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(fresh_db) as conn:
        twice = conn.execute("SELECT charge_id FROM invoice_lines GROUP BY charge_id HAVING count(*) > 1").fetchall()
        fees = conn.execute("SELECT count(*) FROM invoice_lines WHERE kind = 'annual-fee'").fetchone()[0]
        numbers = [n for (n,) in conn.execute("SELECT number FROM invoices ORDER BY number")]
    assert twice == []
    from datetime import date

    from dateutil.relativedelta import relativedelta

    from steg2cli import rules

    today = date(2026, 6, 15)
    starts = [today - relativedelta(years=10) + relativedelta(days=i % 300) for i in range(240)]
    assert fees == sum(len(rules.Span(start).periods_started(today)) for start in starts)
    assert numbers == list(range(1, len(numbers) + 1))


@sqlite_only
def test_registering_then_export_from_python_without_the_cli(fresh_db: Path) -> None:
    from steg2cli.db import Database
    from steg2cli.services import trainers

    register()
    db = Database(f"sqlite:///{fresh_db}")
    with trainers.each_trainer(db, __import__("datetime").date(2026, 6, 15)) as found:
        assert [t["email"] for t in found] == ["anna@example.se"]
