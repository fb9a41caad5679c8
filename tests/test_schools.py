"""start-school and school list|show|step|stop|problem: rules 9-12 through the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import certify, nothing_written, ok, refused, register, trainer_under_agreement

START = [
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
    "lisa@skola.se",
]


def start(name: str = "Nordhemsskolan", *extra: str, **change: str) -> dict[str, Any]:
    args = list(START)
    for key, value in change.items():
        args[args.index(f"--{key.replace('_', '-')}") + 1] = value
    return ok("start-school", name, *args, *extra, "--json")


def step(step_name: str, date: str, school: str = "1", trainer: str = "1", programme: str = "mvp-hs") -> Any:
    return ok(
        "school", "step", school, step_name, "--programme", programme, "--date", date, "--trainer", trainer, "--json"
    )


def refuse_step(step_name: str, date: str, contains: str, school: str = "1", trainer: str = "1") -> str:
    return refused(
        "school",
        "step",
        school,
        step_name,
        "--programme",
        "mvp-hs",
        "--date",
        date,
        "--trainer",
        trainer,
        contains=contains,
    )


def test_start_school_gives_the_json_fields_of_the_contract() -> None:
    trainer_under_agreement(start="2023-04-01")
    school = start()
    assert school["id"] == 1 and school["name"] == "Nordhemsskolan"
    assert school["municipality"] == {"code": "2180", "name": "Gävle"}
    [run] = school["programmes"]
    assert run["programme"] == "mvp-hs" and run["start"] == "2024-01-10" and run["stopped_on"] is None
    assert run["contact"]["name"] == "Lisa Berg" and run["contact"]["email"] == "lisa@skola.se"
    assert run["steps"] == []
    assert ok("school", "list", "--json")[0]["programmes"][0]["programme"] == "mvp-hs"


def test_a_programme_runs_once_at_a_time_per_school(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    with nothing_written(fresh_db):
        refused("start-school", "nordhemsskolan", *START, contains="already runs at this school")


def test_a_school_runs_several_programmes_and_restarts_a_stopped_one() -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    both = start(programme="at")
    assert [r["programme"] for r in both["programmes"]] == ["mvp-hs", "at"]
    ok("school", "stop", "1", "--programme", "mvp-hs", "--date", "2025-01-01", "--reason", "ingen tid")
    again = start(start="2025-08-20")
    assert [(r["programme"], r["stopped_on"]) for r in again["programmes"]] == [
        ("mvp-hs", "2025-01-01"),
        ("at", None),
        ("mvp-hs", None),
    ]


def test_start_school_needs_a_contact_person_and_a_known_trainer(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    args = list(START)
    args[args.index("--contact-name") + 1] = " "
    with nothing_written(fresh_db):
        refused("start-school", "Nordhemsskolan", *args, contains="contact person")
        bad_mail = list(START)
        bad_mail[bad_mail.index("--contact-email") + 1] = "lisa"
        refused("start-school", "Nordhemsskolan", *bad_mail, contains="not an e-mail address")
        no_trainer = list(START)
        no_trainer[no_trainer.index("--trainer") + 1] = "9"
        refused("start-school", "Nordhemsskolan", *no_trainer, contains="unknown trainer")


def test_start_school_refuses_a_trainer_without_an_agreement_that_day(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    with nothing_written(fresh_db):
        refused(
            "start-school",
            "Nordhemsskolan",
            *START[:5],
            "2023-03-31",
            *START[6:],
            contains="no agreement in force on 2023-03-31",
        )


def test_start_school_refuses_a_school_outside_the_trainers_municipality(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    args = list(START)
    args[1] = "Umeå"
    with nothing_written(fresh_db):
        refused("start-school", "Ålidhemsskolan", *args, contains="outside the scope")


def test_school_names_are_unique_within_a_municipality_only(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    trainer_under_agreement(email="u@x.se", municipality="Umeå", start="2023-04-01")
    start("Centralskolan")
    start("Centralskolan", municipality="Umeå", trainer="2")
    with nothing_written(fresh_db):
        message = refused("school", "show", "Centralskolan", contains="2 schools are called 'Centralskolan'")
        assert "1 (Gävle)" in message and "2 (Umeå)" in message
        refused("school", "show", "Nowhere skola", contains="unknown school")
        refused("school", "show", "77", contains="unknown school '77'")
    assert ok("school", "show", "centralskolan", "--municipality", "Umeå", "--json")["id"] == 2
    assert [s["id"] for s in ok("school", "list", "--municipality", "Umeå", "--json")] == [2]


def test_steps_in_order_once_each_handledning_repeats() -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    for name, day in [
        ("forankring", "2024-01-10"),
        ("kunskapshalvdag", "2024-01-20"),
        ("grundutbildning-1", "2024-02-01"),
        ("grundutbildning-2", "2024-02-01"),
        ("grundutbildning-3", "2024-03-01"),
        ("handledning", "2024-04-01"),
        ("handledning", "2024-05-01"),
    ]:
        school = step(name, day)
    run = school["programmes"][0]
    assert [s["step"] for s in run["steps"]][-2:] == ["handledning", "handledning"]
    assert run["steps_to_do"] == []
    assert {"id": 1, "step": "forankring", "date": "2024-01-10", "trainer_id": 1, "void": None} in run["steps"]
    assert "Grundutbildning del 3" in ok("school", "show", "Nordhemsskolan").stdout


def test_grundutbildning_part_2_is_refused_before_part_1(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    with nothing_written(fresh_db):
        refuse_step("grundutbildning-2", "2024-02-01", "cannot come before grundutbildning del 1")
    step("grundutbildning-1", "2024-02-10")
    with nothing_written(fresh_db):
        refuse_step("grundutbildning-2", "2024-02-09", "cannot be dated before grundutbildning del 1")
        refuse_step("grundutbildning-3", "2024-02-20", "cannot come before grundutbildning del 2")


def test_a_step_happens_once(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    step("forankring", "2024-01-10")
    with nothing_written(fresh_db):
        refuse_step("forankring", "2024-01-11", "already held on 2024-01-10")
        refuse_step("samtal", "2024-01-11", "unknown step")


def test_steps_are_refused_outside_the_run_the_agreement_and_today(fresh_db: Path) -> None:
    trainer_id, agreement_id = trainer_under_agreement(start="2023-04-01")
    start()
    ok("agreement", "end", str(agreement_id), "--date", "2025-01-01", "--reason", "slutar")
    with nothing_written(fresh_db):
        refuse_step("forankring", "2024-01-09", "before the programme started")
        refuse_step("forankring", "2026-06-16", "after today")
        refuse_step("forankring", "2025-01-01", "no agreement in force on 2025-01-01")


def test_a_trainer_may_not_lead_a_step_outside_their_municipality(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    trainer_under_agreement(email="u@x.se", municipality="Umeå", start="2023-04-01")
    start()
    with nothing_written(fresh_db):
        refuse_step("forankring", "2024-02-01", "outside the scope", trainer="u@x.se")


def test_a_school_scoped_agreement_covers_that_school_only(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start("Nordhemsskolan")
    start("Vallbacksskolan")
    teacher = register(name="Per Holm", email="per@x.se")
    certify(teacher["id"], date="2023-05-01")
    agreement = ok("sign-agreement", "per@x.se", "--start", "2023-06-01", "--school", "Nordhemsskolan", "--json")
    assert agreement["scope"]["school"] == {"id": 1, "name": "Nordhemsskolan"}
    step("forankring", "2024-02-01", trainer="per@x.se")
    with nothing_written(fresh_db):
        refuse_step("forankring", "2024-02-01", "outside the scope", school="2", trainer="per@x.se")
    moved = ok("trainer", "move", "per@x.se", "--school", "Vallbacksskolan", "--date", "2025-01-01", "--json")
    assert moved["ended_agreements"] == [agreement["id"]]
    assert moved["municipality"]["code"] == "2180"


def test_moving_school_keeps_a_municipality_wide_agreement() -> None:
    trainer_under_agreement(start="2023-04-01")
    start("Nordhemsskolan")
    moved = ok("trainer", "move", "1", "--school", "Nordhemsskolan", "--date", "2025-01-01", "--json")
    assert moved["ended_agreements"] == []


def test_sign_agreement_for_a_school_in_another_municipality_is_refused(fresh_db: Path) -> None:
    trainer_under_agreement(email="u@x.se", municipality="Umeå", start="2023-04-01")
    start("Ålidhemsskolan", municipality="Umeå")
    teacher = register(name="Per Holm", email="per@x.se")
    certify(teacher["id"], date="2023-05-01")
    with nothing_written(fresh_db):
        refused("sign-agreement", "per@x.se", "--start", "2023-06-01", "--school", "1", contains="not in the trainer")


def test_stop_records_date_and_reason_and_keeps_everything(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    step("forankring", "2024-01-10")
    stopped = ok(
        "school",
        "stop",
        "Nordhemsskolan",
        "--programme",
        "mvp-hs",
        "--date",
        "2024-06-01",
        "--reason",
        "ny rektor",
        "--json",
    )
    run = stopped["programmes"][0]
    assert (run["stopped_on"], run["stop_reason"]) == ("2024-06-01", "ny rektor")
    assert [s["step"] for s in run["steps"]] == ["forankring"]
    with nothing_written(fresh_db):
        refuse_step("kunskapshalvdag", "2024-06-01", "stopped on 2024-06-01")
        refused(
            "school",
            "stop",
            "1",
            "--programme",
            "mvp-hs",
            "--date",
            "2024-07-01",
            "--reason",
            "x",
            contains="is not running",
        )
    step("kunskapshalvdag", "2024-05-31")


def test_stop_refusals(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    with nothing_written(fresh_db):
        refused(
            "school", "stop", "1", "--programme", "mvp-hs", "--date", "2024-06-01", "--reason", " ", contains="reason"
        )
        refused(
            "school",
            "stop",
            "1",
            "--programme",
            "mvp-hs",
            "--date",
            "2024-01-09",
            "--reason",
            "x",
            contains="before the programme started",
        )
        refused(
            "school",
            "stop",
            "1",
            "--programme",
            "mvp-hs",
            "--date",
            "2026-06-16",
            "--reason",
            "x",
            contains="after today",
        )
        refused(
            "school", "stop", "1", "--programme", "at", "--date", "2024-06-01", "--reason", "x", contains="not running"
        )
        refused(
            "school",
            "stop",
            "1",
            "--programme",
            "chess",
            "--date",
            "2024-06-01",
            "--reason",
            "x",
            contains="unknown programme",
        )


def test_problems_are_dated_notes(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    noted = ok("school", "problem", "1", "--date", "2024-03-01", "--note", "Teamet saknar tid", "--json")
    assert noted["problems"] == [{"id": 1, "date": "2024-03-01", "note": "Teamet saknar tid", "void": None}]
    with nothing_written(fresh_db):
        refused("school", "problem", "1", "--date", "2026-07-01", "--note", "x", contains="after today")
        refused("school", "problem", "1", "--date", "2024-03-01", "--note", "  ", contains="empty")
    assert "Teamet saknar tid" in ok("school", "show", "1").stdout
