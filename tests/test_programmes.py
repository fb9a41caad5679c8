"""Programmes as data (rules 45-46): the shipped definition, loading one, levels, cohorts, inactive trainers."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from steg2cli import definitions, rules
from tests.conftest import (
    SERVER,
    certify,
    nothing_written,
    ok,
    refused,
    register,
    run,
    trainer_under_agreement,
)

EXAMPLES = Path(__file__).parent.parent / "examples"
D = date.fromisoformat
MAN = definitions.default()


def _write(tmp_path: Path, text: str, name: str = "def.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def start_school(
    programme: str = "mvp-hs", name: str = "Nordhemsskolan", start: str = "2025-01-10", trainer: str = "1"
) -> None:
    ok(
        "start-school",
        name,
        "--municipality",
        "Gävle",
        "--programme",
        programme,
        "--start",
        start,
        "--trainer",
        trainer,
        "--contact-name",
        "Lisa",
        "--contact-email",
        "lisa@s.se",
    )


def step(step_code: str, day: str, programme: str = "mvp-hs", school: str = "Nordhemsskolan") -> Any:
    return run("school", "step", school, step_code, "--programme", programme, "--date", day, "--trainer", "1")


# ---- the shipped definition is rules 10, 11 and 21 --------------------------------------------------


def test_the_default_definition_is_rules_10_11_and_21() -> None:
    mvp_steps = (
        "forankring",
        "kunskapshalvdag",
        "grundutbildning-1",
        "grundutbildning-2",
        "grundutbildning-3",
        "handledning",
    )
    assert {code: p.name for code, p in MAN.programmes.items()} == {
        "mvp-ms": "MVP mellanstadiet",
        "mvp-hs": "MVP högstadiet",
        "mvp-gy": "MVP gymnasiet",
        "at": "Agera tillsammans",
    }
    assert all(p.steps == mvp_steps for p in MAN.programmes.values())
    assert [s.code for s in MAN.steps.values() if not s.once] == ["handledning"]
    assert {s.code: s.after for s in MAN.steps.values() if s.after} == {
        "grundutbildning-2": "grundutbildning-1",
        "grundutbildning-3": "grundutbildning-2",
    }
    assert MAN.steps["grundutbildning-1"].name == "Grundutbildning del 1"
    assert list(MAN.levels) == ["steg2"]
    for year in (2020, 2026, 2040):
        assert rules.obligations_for(MAN.levels["steg2"], year) == {"network": 2, "conference": 1}
    assert set(MAN.gatherings) == {"network", "conference"}
    for alias, code in [("MVP ms", "mvp-ms"), ("agera", "at"), ("MVP högstadiet", "mvp-hs"), ("at", "at")]:
        assert MAN.programme_code(alias) == code
    # What db init (migration 0018's frozen copy) puts in the register is the shipped file, and it exports
    # back to the same.
    listed = ok("programme", "list", "--json")
    from steg2cli.services.definitions import definition_json

    assert listed == definition_json(MAN)
    assert listed["levels"] == [
        {
            "code": "steg2",
            "name": "Steg 2-utbildare",
            "obligations": [
                {"kind": "conference", "count": 1, "from_year": 0},
                {"kind": "network", "count": 2, "from_year": 0},
            ],
        }
    ]


def test_programme_show_and_export_read_back(tmp_path: Path) -> None:
    shown = ok("programme", "show", "MVP högstadiet", "--json")
    assert shown["code"] == "mvp-hs"
    assert shown["steps"][3] == {
        "code": "grundutbildning-2",
        "name": "Grundutbildning del 2",
        "once": True,
        "after": "grundutbildning-1",
    }
    assert shown["steps"][5]["once"] is False
    refused("programme", "show", "chess", contains="unknown programme")
    target = tmp_path / "out.toml"
    ok("programme", "export", "-o", str(target))
    assert definitions.parse(target.read_text(encoding="utf-8")) == MAN
    assert ok("programme", "load", str(target), "--json")["changes"] == []
    assert "Handledning" in ok("programme", "list").stdout


# ---- a new programme from a file ----------------------------------------------------------------------

NEW = """
[[programme]]
code = "mvp-fs"
name = "MVP förskolan"
steps = ["fs-start", "fs-utbildning", "fs-uppfoljning"]

[[step]]
code = "fs-start"
name = "Startmöte"
once = true

[[step]]
code = "fs-utbildning"
name = "Utbildningsdag"
once = true
after = "fs-start"

[[step]]
code = "fs-uppfoljning"
name = "Uppföljning"
once = false
after = "fs-utbildning"
"""


def test_a_new_programme_is_started_and_its_steps_enforced_both_ways(tmp_path: Path, fresh_db: Path) -> None:
    dry = ok("programme", "load", _write(tmp_path, NEW), "--dry-run", "--json")
    assert dry["dry_run"] and "programme mvp-fs added" in dry["changes"]
    refused("programme", "show", "mvp-fs", contains="unknown programme")  # the dry run wrote nothing
    loaded = ok("programme", "load", _write(tmp_path, NEW), "--json")
    assert [p["code"] for p in loaded["programmes"]][-1] == "mvp-fs"
    assert ok("programme", "show", "MVP förskolan", "--json")["steps"][2]["after"] == "fs-utbildning"
    trainer_under_agreement(start="2023-04-01")
    start_school("mvp-fs")
    # Refused: before its step, a step of another programme, the same once-only step twice.
    with nothing_written(fresh_db):
        assert "cannot come before" in step("fs-utbildning", "2025-02-01", "mvp-fs").stderr
        assert "unknown step" in step("forankring", "2025-02-01", "mvp-fs").stderr
    assert step("fs-start", "2025-02-01", "mvp-fs").exit_code == 0
    assert step("fs-utbildning", "2025-03-01", "mvp-fs").exit_code == 0
    with nothing_written(fresh_db):
        assert "it happens once" in step("fs-start", "2025-04-01", "mvp-fs").stderr
    # Accepted: the repeatable step, twice.
    assert step("fs-uppfoljning", "2025-04-01", "mvp-fs").exit_code == 0
    assert step("fs-uppfoljning", "2025-05-01", "mvp-fs").exit_code == 0
    shown = ok("school", "show", "Nordhemsskolan", "--json")
    [run_] = shown["programmes"]
    assert run_["programme_name"] == "MVP förskolan" and run_["steps_to_do"] == []
    assert [s["step"] for s in run_["steps"]] == ["fs-start", "fs-utbildning", "fs-uppfoljning", "fs-uppfoljning"]
    assert "Uppföljning ×2" in ok("school", "show", "Nordhemsskolan").stdout
    # The once-only key is what the database holds unique; a repeatable step has none.
    if SERVER is None:
        with sqlite3.connect(fresh_db) as conn:
            keys = conn.execute("SELECT step, once_key FROM steps ORDER BY id").fetchall()
            assert keys == [
                ("fs-start", "fs-start"),
                ("fs-utbildning", "fs-utbildning"),
                ("fs-uppfoljning", None),
                ("fs-uppfoljning", None),
            ]
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(
                    "INSERT INTO steps (run_id, step, once_key, step_date, trainer_id) "
                    "VALUES (1, 'fs-start', 'fs-start', '2025-06-01', 1)"
                )
    # A programme without prices bills nothing: the invoice run bills only the agreement's fee.
    lines = ok("invoice", "run", "--date", "2025-06-01", "--dry-run", "--json")
    assert all("MVP förskolan" not in str(invoice) for invoice in lines["invoices"])


REFUSED_LOADS = {
    "not TOML": ("[[programme]\ncode=", "not a valid TOML"),
    "unknown table": ('[[course]]\ncode = "x"\nname = "X"\n', "unknown table"),
    "unknown key": ('[[step]]\ncode = "x"\nname = "X"\ncolour = "red"\n', "unknown key"),
    "bad code": ('[[gathering]]\ncode = "Big Day"\nname = "X"\n', "lower-case"),
    "unknown step": ('[[programme]]\ncode = "p"\nname = "P"\nsteps = ["nowhere"]\n', "unknown step 'nowhere'"),
    "no steps": ('[[programme]]\ncode = "p"\nname = "P"\nsteps = []\n', "has no steps"),
    "twice": ('[[gathering]]\ncode = "g"\nname = "G"\n[[gathering]]\ncode = "g"\nname = "H"\n', "defined twice"),
    "after unknown": ('[[step]]\ncode = "s"\nname = "S"\nafter = "t"\n', "after the unknown step"),
    "cycle": (
        '[[step]]\ncode = "s"\nname = "S"\nafter = "t"\n[[step]]\ncode = "t"\nname = "T"\nafter = "s"\n',
        "comes after itself",
    ),
    "unknown kind": (
        '[[level]]\ncode = "l"\nname = "L"\nobligations = [{ kind = "party", count = 1 }]\n',
        "unknown gathering kind",
    ),
    "bad count": (
        '[[level]]\ncode = "l"\nname = "L"\nobligations = [{ kind = "network", count = -1 }]\n',
        "whole number",
    ),
    "obligations changed without a year": (
        '[[level]]\ncode = "steg2"\nname = "S"\nobligations = [{ kind = "network", count = 3 }]\n',
        "give from_year",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED_LOADS))
def test_every_refused_load_writes_nothing(case: str, tmp_path: Path, fresh_db: Path) -> None:
    text, reason = REFUSED_LOADS[case]
    with nothing_written(fresh_db):
        refused("programme", "load", _write(tmp_path, text), contains=reason)


def test_a_load_never_rejudges_what_was_recorded(tmp_path: Path, fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start_school()
    assert step("handledning", "2025-02-01").exit_code == 0
    assert step("handledning", "2025-03-01").exit_code == 0
    assert step("forankring", "2025-02-01").exit_code == 0
    removing = '[[programme]]\ncode = "mvp-hs"\nname = "MVP högstadiet"\nsteps = ["handledning"]\n'
    once_now = '[[step]]\ncode = "handledning"\nname = "Handledning"\nonce = true\n'
    with nothing_written(fresh_db):
        refused("programme", "load", _write(tmp_path, removing), contains="cannot be removed")
        refused("programme", "load", _write(tmp_path, once_now), contains="cannot become once-only")
    # A step not in use may change; a rename keeps what was recorded.
    renamed = '[[step]]\ncode = "kunskapshalvdag"\nname = "Kunskapsdag"\nonce = true\n'
    assert ok("programme", "load", _write(tmp_path, renamed), "--json")["changes"] == ["step kunskapshalvdag changed"]
    assert "kunskapshalvdag" in ok("school", "show", "Nordhemsskolan", "--json")["programmes"][0]["steps_to_do"]
    assert ok("log", "--json")[0]["command"] == "programme load"


def test_a_load_never_puts_a_step_after_one_that_recorded_history_has_later(tmp_path: Path, fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start_school()
    for code, day in [("forankring", "2025-02-01"), ("handledning", "2025-02-01"), ("kunskapshalvdag", "2025-03-01")]:
        assert step(code, day).exit_code == 0

    def after(code: str, name: str, first: str, once: str = "true") -> str:
        text = f'[[step]]\ncode = "{code}"\nname = "{name}"\nonce = {once}\nafter = "{first}"\n'
        return _write(tmp_path, text, f"{code}-{first}.toml")

    with nothing_written(fresh_db):
        line = refused("programme", "load", after("handledning", "Handledning", "kunskapshalvdag", "false"))
        assert (
            "step 'handledning' cannot come after 'kunskapshalvdag': recorded history has it first, e.g. "
            "Nordhemsskolan (run 1 of 'mvp-hs') on 2025-02-01, 'kunskapshalvdag' on 2025-03-01"
        ) in line
        line = refused("programme", "load", after("kunskapshalvdag", "Kunskapshalvdag", "grundutbildning-1"))
        assert "recorded history has it without 'grundutbildning-1', e.g. Nordhemsskolan" in line
    # An order the history keeps is loaded, and the register still reads back in.
    ok("programme", "load", after("kunskapshalvdag", "Kunskapshalvdag", "forankring"))
    ok("export", "register", "-o", str(tmp_path / "r.xlsx"))
    other = tmp_path / "other.db"
    ok("--db", str(other), "db", "init")
    ok("--db", str(other), "programme", "load", after("kunskapshalvdag", "Kunskapshalvdag", "forankring"))
    assert ok("--db", str(other), "import", "register", str(tmp_path / "r.xlsx"), "--json")["added"]["steps"] == 3
    # a step not yet recorded anywhere may come after any step
    ok("programme", "load", after("grundutbildning-1", "Grundutbildning del 1", "kunskapshalvdag"))


def test_obligations_changed_from_a_year_leave_earlier_years_as_they_were(tmp_path: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    attended = [("network", "2024-09-01"), ("network", "2025-02-01"), ("network", "2025-09-01")]
    for kind, day in [*attended, ("conference", "2025-11-20")]:
        meeting_id = ok("meeting", "add", "--kind", kind, "--date", day, "--json")["id"]
        ok("meeting", "attend", str(meeting_id), "1")
    before = ok("compliance", "--year", "2025", "--json")
    assert before[0]["ok"] and before[0]["required"] == {"conference": 1, "network": 2}
    early = '[[level]]\ncode = "steg2"\nname = "S"\nfrom_year = 2025\nobligations = [{ kind = "network", count = 3 }]\n'
    refused("programme", "load", _write(tmp_path, early), contains="a year after 2025")
    later = (
        '[[level]]\ncode = "steg2"\nname = "Steg 2-utbildare"\nfrom_year = 2026\n'
        'obligations = [{ kind = "network", count = 3 }, { kind = "conference", count = 1 }]\n'
    )
    ok("programme", "load", _write(tmp_path, later))
    assert ok("compliance", "--year", "2025", "--json") == before
    after = ok("compliance", "--year", "2026", "--json")[0]
    assert after["required"] == {"conference": 1, "network": 3} and not after["ok"]
    levels = ok("programme", "list", "--json")["levels"][0]["obligations"]
    assert {(o["kind"], o["count"], o["from_year"]) for o in levels} == {
        ("network", 2, 0),
        ("conference", 1, 0),
        ("network", 3, 2026),
        ("conference", 1, 2026),
    }
    assert "3/3" not in ok("compliance", "--year", "2026").stdout


# ---- levels --------------------------------------------------------------------------------------------


def test_levels_decide_a_trainers_obligations(tmp_path: Path, fresh_db: Path) -> None:
    with nothing_written(fresh_db):
        refused(
            "register-trainer",
            "Ola",
            "--email",
            "ola@x.se",
            "--municipality",
            "Gävle",
            "--basic-training",
            "2022-01-10",
            "--series-held",
            "2022-06-01",
            "--appointed-by",
            "Karin Ek, rektor",
            "--level",
            "guru",
            contains="unknown level",
        )
    ok("programme", "load", str(EXAMPLES / "three-level-supervisors.toml"))
    trainer = register(level="supervisor-1")
    assert trainer["level"] == "supervisor-1"
    certify(trainer["id"])
    ok("sign-agreement", str(trainer["id"]), "--start", "2023-04-01")
    [row] = ok("compliance", "--year", "2026", "--json")
    assert row["required"] == {"supervision": 3, "supervisor-gathering": 3} and not row["ok"]
    assert ok("trainer", "edit", "1", "--level", "leader", "--json")["level"] == "leader"
    assert ok("compliance", "--year", "2026", "--json")[0]["required"] == {"leader-support": 3}
    refused("trainer", "edit", "1", "--level", "nobody", contains="unknown level")
    short = ok("status", "--date", "2026-06-15", "--json")["short_on_meetings"]
    assert short[0]["short"] == {"leader-support": 3}
    assert "Leader support gathering 0/3" in ok("status", "--date", "2026-06-15").stdout


# ---- the two examples, end to end ------------------------------------------------------------------------


def test_the_pool_example_end_to_end(fresh_db: Path) -> None:
    loaded = ok("programme", "load", str(EXAMPLES / "pool-programme.toml"), "--json")
    assert "programme pool-environment added" in loaded["changes"]
    cohort = ok(
        "cohort",
        "add",
        "Pool 1",
        "--programme",
        "school environment",
        "--start",
        "2025-01-01",
        "--months",
        "24",
        "--json",
    )
    assert cohort == {
        "id": 1,
        "name": "Pool 1",
        "programme": "pool-environment",
        "programme_name": "Safe and inclusive school environment (pool)",
        "start": "2025-01-01",
        "months": 24,
        "end": "2027-01-01",
        "municipalities": [],
    }
    joined = ok("cohort", "join", "pool 1", "Umeå", "2180", "--json")
    assert [m["name"] for m in joined["municipalities"]] == ["Gävle", "Umeå"]
    assert ok("cohort", "join", "1", "Gävle", "--json") == joined  # again: nothing new
    # A resource person in Gävle; the school runs the pool programme's steps.
    trainer = register(level="resource-person")
    certify(trainer["id"])
    ok("sign-agreement", "1", "--start", "2024-06-01")
    start_school("pool-environment")
    assert step("pool-survey", "2025-02-01", "pool-environment").exit_code == 1
    for code, day in [("pool-kickoff", "2025-02-01"), ("pool-survey", "2025-03-01"), ("pool-plan", "2025-04-01")]:
        assert step(code, day, "pool-environment").exit_code == 0
    for day in ("2025-05-01", "2025-06-01"):
        assert step("pool-development", day, "pool-environment").exit_code == 0
    ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "Nordhemsskolan",
        "--programme",
        "pool-environment",
        "--date",
        "2025-06-10",
        "Per Ek <per@s.se>",
        "Eva Ek <eva@s.se>",
    )
    # The cohort's gatherings and the resource person's obligations.
    national = ok("meeting", "add", "--kind", "national", "--date", "2025-02-10", "--cohort", "Pool 1", "--json")
    assert national["cohort_id"] == 1 and national["title"] == "National gathering"
    ok("meeting", "attend", str(national["id"]), "1")
    county = ok("meeting", "add", "--kind", "county", "--date", "2025-09-10", "--cohort", "1", "--json")
    ok("meeting", "attend", str(county["id"]), "1")
    refused(
        "meeting", "add", "--kind", "county", "--date", "2025-09-10", "--cohort", "Pool 9", contains="unknown cohort"
    )
    [row] = ok("compliance", "--year", "2025", "--json")
    assert row["attended"] == {"county": 1, "national": 1} and not row["ok"]
    shown = ok("cohort", "show", "Pool 1", "--json")
    assert shown["figures"]["trained"] == 2 and shown["figures"]["attendance"] == 2
    assert {m["name"]: (m["running_programmes"], m["trained"]) for m in shown["figures"]["municipalities"]} == {
        "Gävle": (1, 2),
        "Umeå": (0, 0),
    }
    assert ok("cohort", "list", "--json") == [{k: v for k, v in shown.items() if k != "figures"}]
    report = ok("report", "--year", "2025", "--json")
    [section] = report["cohorts"]
    assert section["name"] == "Pool 1" and section["figures"]["trained"] == 2
    assert "Cohort Pool 1" in ok("report", "--year", "2025").stdout
    assert "cohorts" not in ok("report", "--year", "2023", "--json")
    # A municipality is in one pool of a programme at a time; a cohort runs 1-120 months.
    ok("cohort", "add", "Pool 2", "--programme", "pool-environment", "--start", "2026-01-01", "--months", "24")
    with nothing_written(fresh_db):
        refused("cohort", "join", "Pool 2", "Umeå", contains="already in the cohort Pool 1")
        refused(
            "cohort", "add", "Pool 1", "--programme", "at", "--start", "2026-01-01", "--months", "12", contains="exists"
        )
        refused("cohort", "add", "Pool 3", "--programme", "at", "--start", "2026-01-01", "--months", "200")
    ok("cohort", "add", "Pool 3", "--programme", "pool-environment", "--start", "2027-01-01", "--months", "24")
    ok("cohort", "join", "Pool 3", "Umeå")  # after Pool 1 has ended


def test_programme_export_into_a_missing_folder_is_refused_plainly(fresh_db: Path, tmp_path: Path) -> None:
    line = refused("programme", "export", "-o", str(tmp_path / "no" / "x.toml"))
    assert "the folder" in line and "does not exist" in line and "unexpectedly" not in line
    assert "does not exist" in refused("export", "register", "-o", str(tmp_path / "no" / "x.xlsx"))
    assert not (tmp_path / "no").exists()


def test_a_cohort_meeting_before_the_cohort_starts_is_refused(fresh_db: Path) -> None:
    ok("programme", "load", str(EXAMPLES / "pool-programme.toml"))
    ok("cohort", "add", "Pool 1", "--programme", "pool-environment", "--start", "2025-03-01", "--months", "24")
    with nothing_written(fresh_db):
        line = refused("meeting", "add", "--kind", "national", "--date", "2025-02-28", "--cohort", "Pool 1")
    assert "Pool 1 starts on 2025-03-01" in line
    assert ok("meeting", "add", "--kind", "national", "--date", "2025-03-01", "--cohort", "Pool 1", "--json")["id"]
    ok("meeting", "add", "--kind", "national", "--date", "2025-02-28")  # not the cohort's: any day


def test_the_report_workbook_has_a_sheet_per_cohort(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ok("programme", "load", str(EXAMPLES / "pool-programme.toml"))
    ok("cohort", "add", "Pool 1", "--programme", "pool-environment", "--start", "2025-01-01", "--months", "24")
    ok("cohort", "join", "Pool 1", "Gävle")
    target = tmp_path / "r.xlsx"
    ok("report", "--year", "2025", "-o", str(target))
    assert "Kohort 1" in load_workbook(target).sheetnames


def test_the_three_level_example_end_to_end(tmp_path: Path) -> None:
    ok("programme", "load", str(EXAMPLES / "three-level-supervisors.toml"))
    levels = {level["code"] for level in ok("programme", "list", "--json")["levels"]}
    assert levels == {"steg2", "supervisor-1", "supervisor-2", "team-3", "leader"}
    people = [("Ada", "ada@x.se", "supervisor-1"), ("Bo", "bo@x.se", "supervisor-2"), ("Cy", "cy@x.se", "team-3")]
    for name, email, level in people:
        trainer = register(name=name, email=email, level=level)
        certify(trainer["id"])
        ok("sign-agreement", str(trainer["id"]), "--start", "2024-01-01")
    for day in ("2025-03-10", "2025-06-10", "2025-10-10"):
        gathering = ok("meeting", "add", "--kind", "supervisor-gathering", "--date", day, "--json")["id"]
        supervision = ok("meeting", "add", "--kind", "supervision", "--date", day, "--json")["id"]
        ok("meeting", "attend", str(gathering), "1", "2")
        ok("meeting", "attend", str(supervision), "1")
    for day in ("2025-04-01", "2025-11-01"):
        ok("meeting", "attend", str(ok("meeting", "add", "--kind", "team-meeting", "--date", day, "--json")["id"]), "3")
    rows = {r["name"]: r for r in ok("compliance", "--year", "2025", "--json")}
    assert rows["Ada"]["ok"] and rows["Cy"]["ok"]
    assert not rows["Bo"]["ok"] and rows["Bo"]["attended"] == {"supervision": 0, "supervisor-gathering": 3}
    start_school("encounters", name="Enhet Nord")
    assert step("enc-reflection", "2025-02-01", "encounters", "Enhet Nord").exit_code == 1
    assert step("enc-plan", "2025-02-01", "encounters", "Enhet Nord").exit_code == 0
    for day in ("2025-03-01", "2025-04-01"):
        assert step("enc-reflection", day, "encounters", "Enhet Nord").exit_code == 0
    target = tmp_path / "back.toml"
    ok("programme", "export", "-o", str(target))
    assert ok("programme", "load", str(target), "--json")["changes"] == []


# ---- a trainer no longer active, and meetings early in the year -------------------------------------------


def test_an_inactive_trainer_is_no_longer_asked_about(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    ok("agreement", "end", "1", "--date", "2026-03-01", "--reason", "slutat")
    register(name="Bo Berg", email="bo@x.se")
    certify(2)

    def asked(day: str = "2026-06-15") -> tuple[list[int], list[int]]:
        s = ok("status", "--date", day, "--json")
        return [r["trainer_id"] for r in s["short_on_meetings"]], [
            r["trainer_id"] for r in s["certified_without_agreement"]
        ]

    assert asked() == ([1], [1, 2])
    edited = ok("trainer", "edit", "1", "--inactive", "--date", "2026-06-20", "--reason", "flyttat", "--json")
    assert edited["inactive"] == {"from": "2026-06-20", "reason": "flyttat"}
    assert asked() == ([1], [1, 2])  # before the day, still asked
    assert asked("2026-06-20") == ([], [2])
    ok("trainer", "edit", "1", "--active")
    ok("trainer", "edit", "1", "--inactive", "--date", "2026-03-01", "--reason", "flyttat")
    assert asked() == ([], [2])
    summary = ok("status", "--date", "2026-06-15").stdout
    assert "Anna Lind" not in summary
    with nothing_written(fresh_db):
        refused("trainer", "edit", "1", "--inactive", contains="already marked inactive")
    assert ok("trainer", "edit", "1", "--active", "--json")["inactive"] is None
    assert asked() == ([1], [1, 2])
    changes = ok("log", "--json")[0]["changes"]["trainer"]["1"]
    assert changes["inactive_from"] == ["2026-03-01", None]


def test_ending_the_last_agreement_can_mark_the_trainer_inactive(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    assert ok("status", "--json")["short_on_meetings"] != []
    ended = ok("agreement", "end", "1", "--date", "2026-03-01", "--reason", "går i pension", "--inactive", "--json")
    assert ended["end"] == "2026-03-01"
    assert ok("trainer", "show", "1", "--json")["inactive"] == {"from": "2026-03-01", "reason": "går i pension"}
    assert "from 2026-03-01: går i pension" in ok("trainer", "show", "1").stdout
    assert ok("status", "--json")["short_on_meetings"] == []
    assert ok("status", "--json")["certified_without_agreement"] == []


def test_only_the_last_agreement_marks_a_trainer_inactive() -> None:
    assert rules.last_agreement_ending(2)
    assert rules.last_agreement_ending(None) == []


def test_short_on_meetings_early_in_the_year_flags_only_what_can_no_longer_be_met() -> None:
    trainer_under_agreement(start="2023-04-01")
    for day in ("2026-05-01", "2026-09-01"):
        ok("meeting", "add", "--kind", "network", "--date", day)
    march = ok("status", "--date", "2026-03-10", "--json")["short_on_meetings"]
    assert march == [
        {
            "trainer_id": 1,
            "name": "Anna Lind",
            "network_meetings": 0,
            "conferences": 0,
            "attended": {"conference": 0, "network": 0},
            "required": {"conference": 1, "network": 2},
            "short": {"conference": 1},
            "next": {"network": "2026-05-01"},
        }
    ]
    assert "Nätverksträff: 0 of 2 so far, next on 2026-05-01" in ok("status", "--date", "2026-03-10").stdout
    ok("meeting", "add", "--kind", "conference", "--date", "2026-11-20")
    assert ok("status", "--date", "2026-03-10", "--json")["short_on_meetings"] == []
    # Once the meetings have passed without the trainer, they are short for good.
    december = ok("status", "--date", "2026-12-01", "--json")["short_on_meetings"]
    assert december[0]["short"] == {"conference": 1, "network": 2}


# ---- the rules themselves ------------------------------------------------------------------------------


def test_rules_once_key_obligations_and_compliance() -> None:
    assert rules.once_key(MAN.steps["forankring"]) == "forankring"
    assert rules.once_key(MAN.steps["handledning"]) is None
    level = rules.Level(
        "l",
        "L",
        (rules.Obligation("network", 2, 0), rules.Obligation("network", 3, 2027), rules.Obligation("day", 1, 2027)),
    )
    assert rules.obligations_for(level, 2026) == {"network": 2}
    assert rules.obligations_for(level, 2027) == {"network": 3, "day": 1}
    assert rules.obligations_for(rules.Level("x", "X", (rules.Obligation("n", 1, 2030),)), 2029) == {}
    assert rules.obligations_for(None, 2026) == {}
    result = rules.compliance([("network", D("2026-02-01")), ("network", D("2025-02-01"))], 2026, {"network": 2})
    assert not result.ok and result.short() == {"network": 1}
    assert result.short({"network": 1}) == {} and result.short({}) == {"network": 1}
    assert rules.Compliance({}, {}).ok


def test_rules_for_steps_of_a_loaded_programme() -> None:
    loaded = definitions.merge(MAN, definitions.parse(NEW))
    fs = loaded.programmes["mvp-fs"]
    start = D("2025-01-01")
    today = D("2026-06-15")
    assert rules.step_allowed("fs-start", D("2025-02-01"), [], start, None, today, fs, loaded) == []
    assert rules.step_allowed("fs-utbildning", D("2025-02-01"), [], start, None, today, fs, loaded)
    assert rules.step_allowed("forankring", D("2025-02-01"), [], start, None, today, fs, loaded)
    done = [("fs-start", D("2025-02-01")), ("fs-utbildning", D("2025-03-01"))]
    assert rules.step_allowed("fs-uppfoljning", D("2025-04-01"), done, start, None, today, fs, loaded) == []
    assert rules.step_allowed("fs-start", D("2025-04-01"), done, start, None, today, fs, loaded)
    assert rules.steps_to_do(["fs-start"], fs, loaded) == ["fs-utbildning"]
    assert rules.step_voiding("fs-start", ["fs-utbildning"], loaded)
    assert rules.step_voiding("fs-utbildning", ["fs-start"], loaded) == []
    assert rules.programme_start("mvp-fs", "Lisa", "l@s.se", None, loaded) == []
    assert rules.programme_start("mvp-fs", "Lisa", "l@s.se", None, MAN)


def test_rules_for_cohorts_and_inactive_trainers() -> None:
    assert rules.cohort_end(D("2025-01-31"), 1) == D("2025-02-28")
    assert rules.cohort_definition("Pool 1", 24) == []
    assert rules.cohort_definition(" ", 24) and rules.cohort_definition("P", 0) and rules.cohort_definition("P", 121)
    others = [("Pool 1", D("2025-01-01"), D("2027-01-01"))]
    assert rules.cohort_joining("Umeå", D("2026-01-01"), D("2028-01-01"), others)
    assert rules.cohort_joining("Umeå", D("2027-01-01"), D("2029-01-01"), others) == []
    assert rules.cohort_meeting("Pool 1", D("2025-03-01"), D("2025-03-01")) == []
    assert rules.cohort_meeting("Pool 1", D("2025-03-01"), D("2025-02-28"))
    assert rules.trainer_inactive(None, D("2025-01-01"), D("2026-01-01")) == []
    assert rules.trainer_inactive(D("2024-01-01"), D("2025-01-01"), D("2026-01-01"))
    assert rules.active_on(None, D("2025-01-01")) and rules.active_on(D("2025-01-02"), D("2025-01-01"))
    assert not rules.active_on(D("2025-01-01"), D("2025-01-01"))
    assert rules.meeting_definition("national", "", ["national"]) == []
    assert "not 'party'" in rules.meeting_definition("party", "", MAN.gatherings)[0]


def test_definition_checks_refuse_what_history_would_break() -> None:
    removing = definitions.parse('[[programme]]\ncode = "at"\nname = "AT"\nsteps = ["forankring"]\n')
    assert definitions.check(MAN, removing, {"at": {"handledning"}}, set(), None)
    assert definitions.check(MAN, removing, {"mvp-hs": {"handledning"}}, set(), None) == []
    once = definitions.parse('[[step]]\ncode = "handledning"\nname = "H"\nonce = true\n')
    assert definitions.check(MAN, once, {}, {"handledning"}, None)
    assert definitions.check(MAN, once, {}, set(), None) == []
    ordered = definitions.parse('[[step]]\ncode = "handledning"\nname = "H"\nonce = false\nafter = "forankring"\n')
    assert definitions.order_changes(MAN, ordered) == {"handledning": "forankring"}
    example = definitions.OutOfOrder("mvp-hs", "Vasaskolan", 1, D("2025-01-01"), D("2025-02-01"))
    assert (
        "Vasaskolan (run 1 of 'mvp-hs')"
        in definitions.check(MAN, ordered, {}, set(), None, {"handledning": example})[0]
    )
    assert definitions.check(MAN, ordered, {}, set(), None, {}) == []
    assert definitions.check(MAN, MAN, {}, set(), None, {"grundutbildning-2": example}) == []  # unchanged
    change = definitions.parse(
        '[[level]]\ncode = "steg2"\nname = "S"\nfrom_year = 2026\nobligations = [{ kind = "network", count = 1 }]\n'
    )
    assert definitions.check(MAN, change, {}, set(), 2025) == []
    assert definitions.check(MAN, change, {}, set(), 2026)
    with pytest.raises(ValueError, match="'once' is true or false"):
        definitions.parse('[[step]]\ncode = "s"\nname = "S"\nonce = "yes"\n')


def test_swedish_screens_for_programmes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STEG2_LANG", "sv")
    assert "okänt program 'schack'" in refused("programme", "show", "schack")
    listing = ok("programme", "list").stdout
    assert "Program" in listing and "Nivåer" in listing
    assert "Inga kohorter" in ok("cohort", "list").stdout or "ingen kohort" in ok("cohort", "list").stdout.lower()
    refused("meeting", "add", "--kind", "fest", "--date", "2026-03-01", contains="'fest'")


@pytest.mark.skipif(SERVER is not None, reason="reads the SQLite file")
@pytest.mark.parametrize("release", ["release-0.1.0.db", "release-0.2.0.db"])
def test_an_older_register_gets_the_default_definition_and_once_keys(release: str, tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    path.write_bytes((Path(__file__).parent / "data" / release).read_bytes())
    listed = ok("--db", str(path), "programme", "list", "--json")
    from steg2cli.services.definitions import definition_json

    assert listed == definition_json(MAN)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT step, once_key FROM steps").fetchall()
        assert rows and all(key == (None if name == "handledning" else name) for name, key in rows)
        assert conn.execute("SELECT DISTINCT level FROM trainers").fetchall() == [("steg2",)]


@pytest.mark.parametrize("path", [["--help"], ["programme", "load", "--help"], ["cohort", "--help"]])
def test_help_reads_no_definition(path: list[str]) -> None:
    """`--help` neither reads the definition nor loads the database layer or the TOML reader."""
    import subprocess
    import sys

    code = (
        f"import sys; sys.argv = ['steg2', *{path!r}]\n"
        "from steg2cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'tomllib', 'steg2cli.definitions') if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip() == "[]", result.stderr


@pytest.mark.skipif(SERVER is not None, reason="a second SQLite register")
def test_the_register_workbook_carries_the_trainers_level(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ok("programme", "load", str(EXAMPLES / "three-level-supervisors.toml"))
    register(level="supervisor-1")
    workbook = tmp_path / "register.xlsx"
    ok("export", "register", "-o", str(workbook))
    sheet = load_workbook(workbook)["Utbildare"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("Nivå") + 1).value == "supervisor-1"
    # A register without that level refuses the row and writes nothing; with the definition loaded it moves in.
    other = tmp_path / "other.db"
    ok("--db", str(other), "db", "init")
    with nothing_written(other):
        refused("--db", str(other), "import", "register", str(workbook), contains="unknown level")
    ok("--db", str(other), "programme", "load", str(EXAMPLES / "three-level-supervisors.toml"))
    ok("--db", str(other), "import", "register", str(workbook))
    assert ok("--db", str(other), "trainer", "show", "1", "--json")["level"] == "supervisor-1"


def test_no_letter_about_meetings_to_a_trainer_no_longer_active() -> None:
    trainer_under_agreement(start="2023-04-01")
    ok("config", "set", "smtp.from", "kansliet@example.se")

    def written() -> list[int]:
        result = run("mail", "trainers", "--about", "meetings", "--year", "2026", "--dry-run", "--json")
        document = json.loads(result.stdout)
        return [letter["trainer_id"] for key in ("sent", "failed") for letter in document[key]]

    assert written() == [1]
    ok("trainer", "edit", "1", "--inactive", "--date", "2026-05-01")
    assert written() == []


def test_a_trainer_holds_every_programme_the_loaded_definitions_name(fresh_db: Any) -> None:
    """The list of a trainer's programmes is not capped (it was 40 characters, which PostgreSQL enforced)."""
    ok("programme", "load", str(EXAMPLES / "pool-programme.toml"))
    ok("programme", "load", str(EXAMPLES / "three-level-supervisors.toml"))
    codes = ["mvp-ms", "mvp-hs", "mvp-gy", "at", "pool-environment", "encounters"]
    trainer = register(name="Sam Many", email="sam@many.se")["id"]
    assert len(",".join(codes)) > 40
    many = register(name="Sam Flera", email="sam@flera.se", programmes=codes)["id"]
    assert many != trainer
    assert sorted(ok("trainer", "show", str(many), "--json")["programmes"]) == sorted(codes)


def test_the_register_workbook_carries_the_steps_of_a_loaded_programme(fresh_db: Path, tmp_path: Path) -> None:
    """Steps the `Skolor` sheet has no column for go on the sheet `Övriga steg`, and come back in."""
    from openpyxl import load_workbook

    pool = str(EXAMPLES / "pool-programme.toml")
    ok("programme", "load", pool)
    trainer_under_agreement(start="2024-01-01")
    start_school(programme="pool-environment", start="2025-01-10")
    start_school(programme="mvp-hs", name="Söderskolan", start="2025-01-10")
    for code, day in (("pool-kickoff", "2025-02-01"), ("pool-survey", "2025-03-01"), ("pool-network", "2025-04-01")):
        ok("school", "step", "Nordhemsskolan", code, "--programme", "pool-environment", "--date", day, "--trainer", "1")
    ok("school", "step", "Söderskolan", "forankring", "--programme", "mvp-hs", "--date", "2025-02-01", "--trainer", "1")
    out = tmp_path / "register.xlsx"
    ok("export", "register", "-o", str(out))
    rows = list(load_workbook(out)["Övriga steg"].iter_rows(values_only=True))
    assert rows[0] == ("Skola", "Kommun", "Program", "Start", "Steg", "Datum")
    assert [(r[0], r[2], r[4], r[5].date().isoformat()) for r in rows[1:]] == [  # type: ignore[union-attr]
        ("Nordhemsskolan", "pool-environment", "pool-kickoff", "2025-02-01"),
        ("Nordhemsskolan", "pool-environment", "pool-survey", "2025-03-01"),
        ("Nordhemsskolan", "pool-environment", "pool-network", "2025-04-01"),
    ]
    other = tmp_path / "other.db"
    ok("--db", str(other), "db", "init")
    ok("--db", str(other), "programme", "load", pool)
    moved = ok("--db", str(other), "import", "register", str(out), "--json")
    assert moved["added"]["steps"] == 4 and moved["added"]["programmes"] == 2
    again = ok("--db", str(other), "import", "register", str(out), "--json")
    assert again["added"]["steps"] == 0 and again["already_present"]["steps"] == 4
    shown = ok("--db", str(other), "school", "show", "Nordhemsskolan", "--json")
    [pool_run] = [r for r in shown["programmes"] if r["programme"] == "pool-environment"]
    assert [s["step"] for s in pool_run["steps"]] == ["pool-kickoff", "pool-survey", "pool-network"]
    # A register without the loaded programme refuses the sheet's rows, naming each; nothing is written.
    plain = tmp_path / "plain.db"
    ok("--db", str(plain), "db", "init")
    result = run("--db", str(plain), "import", "register", str(out), "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)
    assert {(e["sheet"], e["column"]) for e in errors} >= {("Skolor", "Program"), ("Övriga steg", "Program")}
    assert ok("--db", str(plain), "trainer", "list", "--json") == []


def test_a_step_on_the_other_steps_sheet_obeys_the_programmes_order(fresh_db: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    ok("programme", "load", str(EXAMPLES / "pool-programme.toml"))
    trainer_under_agreement(start="2024-01-01")
    start_school(programme="pool-environment", start="2025-01-10")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Övriga steg"
    sheet.append(["Skola", "Kommun", "Program", "Start", "Steg", "Datum"])
    sheet.append(["Nordhemsskolan", "Gävle", "pool-environment", "2025-01-10", "pool-survey", "2025-03-01"])
    sheet.append(["Nordhemsskolan", "Gävle", "pool-environment", "2025-01-10", "pool-magic", "2025-03-01"])
    sheet.append(["Västerskolan", "Gävle", "pool-environment", "2025-01-10", "pool-kickoff", "2025-03-01"])
    path = tmp_path / "steg.xlsx"
    book.save(path)
    with nothing_written(fresh_db):
        result = run("import", "register", str(path), "--json")
    assert result.exit_code == 1
    errors = [(e["row"], e["column"], e["reason"]) for e in json.loads(result.stdout)]
    assert [(row, column) for row, column, _reason in errors] == [(2, "Steg"), (3, "Steg"), (4, "Skola")]
    assert "unknown step" in errors[1][2] and "has no pool-environment started 2025-01-10" in errors[2][2]
