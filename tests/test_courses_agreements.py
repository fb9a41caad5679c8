"""course add|enrol|complete|list|show, sign-agreement and agreement list|end."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import certify, nothing_written, ok, refused, register, trainer_under_agreement


def _purchased(municipality: str = "Gävle") -> int:
    return int(
        ok("course", "add", "--kind", "purchased", "--date", "2024-03-01", "--municipality", municipality, "--json")[
            "id"
        ]
    )


def test_purchased_course_takes_ten_from_its_municipality() -> None:
    course = _purchased()
    ids = [str(register(email=f"t{i}@example.se")["id"]) for i in range(10)]
    result = ok("course", "enrol", str(course), *ids, "--json")
    assert result["participant_count"] == 10
    assert result["municipality"] == {"code": "2180", "name": "Gävle"}


def test_purchased_course_refuses_an_eleventh_participant(fresh_db: Path) -> None:
    course = _purchased()
    ids = [str(register(email=f"t{i}@example.se")["id"]) for i in range(11)]
    ok("course", "enrol", str(course), *ids[:10])
    with nothing_written(fresh_db):
        refused("course", "enrol", str(course), ids[10], contains="at most 10")


def test_an_enrolment_that_would_pass_ten_writes_none_of_the_trainers(fresh_db: Path) -> None:
    course = _purchased()
    ids = [str(register(email=f"t{i}@example.se")["id"]) for i in range(11)]
    with nothing_written(fresh_db):
        refused("course", "enrol", str(course), *ids, contains="at most 10")


def test_purchased_course_refuses_a_trainer_from_elsewhere(fresh_db: Path) -> None:
    course = _purchased()
    other = register(email="u@example.se", municipality="Umeå")
    with nothing_written(fresh_db):
        line = refused("course", "enrol", str(course), str(other["id"]), contains="own municipality")
    assert "(Gävle (2180)), not from Umeå (2480)" in line  # municipalities by name, not bare codes


def test_open_course_takes_trainers_from_anywhere_and_certifies_on_completion() -> None:
    a = register(email="a@example.se")
    b = register(email="b@example.se", municipality="Malmö")
    course = ok("course", "add", "--kind", "open", "--date", "2025-10-01", "--json")
    assert course["place"] == "Stockholm"
    ok("course", "enrol", str(course["id"]), str(a["id"]), "b@example.se")
    done = ok("course", "complete", str(course["id"]), "--json")
    assert done["completed_on"] == "2025-10-01"
    assert ok("trainer", "show", str(b["id"]), "--json")["certified_on"] == "2025-10-01"
    assert [c["id"] for c in ok("course", "list", "--json")] == [course["id"]]
    assert len(ok("course", "show", str(course["id"]), "--json")["participants"]) == 2


def test_course_refusals(fresh_db: Path) -> None:
    register()
    with nothing_written(fresh_db):
        refused("course", "add", "--kind", "purchased", "--date", "2025-01-01", contains="--municipality")
        refused("course", "add", "--kind", "open", "--date", "2025-02-30", contains="no such day")
        refused("course", "enrol", "99", "1", contains="unknown course '99'")
        refused("course", "complete", "99", contains="unknown course")
    course = ok("course", "add", "--kind", "open", "--date", "2026-09-01", "--json")["id"]
    with nothing_written(fresh_db):
        refused("course", "complete", str(course), "--date", "2026-09-02", contains="after today")
        refused("course", "enrol", str(course), "7", contains="unknown trainer")


def test_purchased_course_for_an_unknown_municipality_is_refused(fresh_db: Path) -> None:
    with nothing_written(fresh_db):
        refused(
            "course",
            "add",
            "--kind",
            "purchased",
            "--date",
            "2025-01-01",
            "--municipality",
            "Gavle",
            contains="did you mean Gävle",
        )


def test_sign_agreement_gives_the_json_fields_of_the_contract() -> None:
    trainer = register()
    certify(trainer["id"], date="2023-03-01")
    agreement = ok("sign-agreement", "anna@example.se", "--start", "2023-03-01", "--json")
    assert set(agreement) >= {"id", "trainer_id", "start", "end", "scope"}
    assert agreement["trainer_id"] == trainer["id"]
    assert agreement["end"] is None
    assert agreement["scope"] == {"municipality": {"code": "2180", "name": "Gävle"}, "school": None}
    assert ok("trainer", "show", "1", "--json")["agreement"]["id"] == agreement["id"]


def test_sign_agreement_refuses_an_uncertified_trainer(fresh_db: Path) -> None:
    register()
    with nothing_written(fresh_db):
        refused("sign-agreement", "1", "--start", "2024-01-01", contains="only a certified trainer")


def test_sign_agreement_refuses_a_start_before_certification(fresh_db: Path) -> None:
    trainer = register()
    certify(trainer["id"], date="2023-03-01")
    with nothing_written(fresh_db):
        refused("sign-agreement", "1", "--start", "2023-02-28", contains="before the trainer was certified")


def test_sign_agreement_refuses_a_second_running_agreement(fresh_db: Path) -> None:
    trainer_under_agreement()
    with nothing_written(fresh_db):
        refused("sign-agreement", "1", "--start", "2025-01-01", contains="one agreement at a time")


def test_agreement_end_then_sign_again() -> None:
    trainer_id, agreement_id = trainer_under_agreement(start="2023-04-01")
    ended = ok("agreement", "end", str(agreement_id), "--date", "2024-04-01", "--reason", "paus", "--json")
    assert ended["end"] == "2024-04-01"
    again = ok("sign-agreement", str(trainer_id), "--start", "2024-04-01", "--json")
    assert [a["id"] for a in ok("agreement", "list", "--in-force-on", "2024-03-31", "--json")] == [agreement_id]
    assert [a["id"] for a in ok("agreement", "list", "--in-force-on", "2024-04-01", "--json")] == [again["id"]]


def test_agreement_end_refusals(fresh_db: Path) -> None:
    _, agreement_id = trainer_under_agreement(start="2023-04-01")
    with nothing_written(fresh_db):
        refused("agreement", "end", "99", "--date", "2024-01-01", "--reason", "x", contains="unknown agreement")
        refused(
            "agreement",
            "end",
            str(agreement_id),
            "--date",
            "2023-03-31",
            "--reason",
            "x",
            contains="before the agreement's start",
        )
        refused("agreement", "end", str(agreement_id), "--date", "2024-01-01", "--reason", " ", contains="reason")
    ok("agreement", "end", str(agreement_id), "--date", "2024-01-01", "--reason", "x")
    with nothing_written(fresh_db):
        refused(
            "agreement", "end", str(agreement_id), "--date", "2024-02-01", "--reason", "x", contains="already ended"
        )


def test_an_agreement_ended_on_its_start_was_never_in_force() -> None:
    _, agreement_id = trainer_under_agreement(start="2023-04-01")
    ok("agreement", "end", str(agreement_id), "--date", "2023-04-01", "--reason", "signed by mistake")
    assert ok("agreement", "list", "--in-force-on", "2023-04-01", "--json") == []
