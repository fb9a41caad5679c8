"""Corrections (rules 24-26): edit, void, cancel, unenrol, contact and lead history, waived charges."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from steg2cli import definitions, rules
from tests.conftest import (
    certify,
    nothing_written,
    ok,
    query,
    refused,
    register,
    run,
    trainer_under_agreement,
)
from tests.test_schools import start, step

D = date.fromisoformat
TODAY = D("2026-06-15")


# ---- the rules, both ways -------------------------------------------------------------------------


def test_rule_24_a_record_is_voided_once_with_a_reason_not_before_it_happened() -> None:
    assert rules.voiding("the step", D("2024-01-10"), None, D("2024-02-01"), "fel skola", TODAY) == []
    assert rules.voiding("the step", D("2024-01-10"), D("2024-01-12"), D("2024-02-01"), "x", TODAY) == [
        "the step was already voided on 2024-01-12"
    ]
    assert "reason" in rules.voiding("the step", D("2024-01-10"), None, D("2024-02-01"), " ", TODAY)[0]
    assert "before the step" in rules.voiding("the step", D("2024-01-10"), None, D("2024-01-09"), "x", TODAY)[0]
    assert "after today" in rules.voiding("the step", D("2024-01-10"), None, D("2026-06-16"), "x", TODAY)[0]


def test_rule_24_a_grundutbildning_part_is_voided_only_when_no_later_part_stands_on_it() -> None:
    assert rules.step_voiding("grundutbildning-1", ["forankring", "grundutbildning-1"], definitions.default()) == []
    assert (
        "void grundutbildning del 2 first"
        in rules.step_voiding("grundutbildning-1", ["grundutbildning-2"], definitions.default())[0]
    )
    assert rules.step_voiding("grundutbildning-3", ["grundutbildning-2"], definitions.default()) == []
    assert rules.step_voiding("handledning", ["handledning"], definitions.default()) == []


def test_rule_25_courses_are_cancelled_and_participants_unenrolled_only_before_completion() -> None:
    assert rules.course_cancelling(None, None, "för få anmälda") == []
    assert "completed" in rules.course_cancelling(D("2024-01-01"), None, "x")[0]
    assert "already cancelled" in rules.course_cancelling(None, D("2024-01-01"), "x")[0]
    assert "reason" in rules.course_cancelling(None, None, "")[0]
    assert rules.unenrolling(None, None, None, "sjuk") == []
    assert "completed" in rules.unenrolling(D("2024-01-01"), None, None, "x")[0]
    assert "cancelled" in rules.unenrolling(None, D("2024-01-01"), None, "x")[0]
    assert "already unenrolled" in rules.unenrolling(None, None, D("2024-01-01"), "x")[0]
    assert "reason" in rules.unenrolling(None, None, None, " ")[0]


def test_rule_25_a_new_contact_or_lead_takes_over_within_the_run_and_after_the_last_change() -> None:
    start_, stop = D("2024-01-10"), D("2025-01-10")
    assert rules.history_change("contact person", D("2024-05-01"), start_, None, start_) == []
    assert rules.history_change("contact person", D("2024-05-01"), start_, None, D("2024-05-01")) == []
    assert "before the programme" in rules.history_change("contact person", D("2024-01-09"), start_, None, start_)[0]
    assert "stopped" in rules.history_change("contact person", D("2025-02-01"), start_, stop, start_)[0]
    assert (
        "changed on 2024-06-01"
        in rules.history_change("leading trainer", D("2024-05-01"), start_, None, D("2024-06-01"))[0]
    )


def test_rule_25_the_entry_in_force_is_the_latest_that_has_started() -> None:
    history = [(D("2024-01-10"), "Lisa"), (D("2025-01-01"), "Per"), (D("2027-01-01"), "Eva")]
    assert rules.in_force_on(history, D("2024-06-01")) == "Lisa"
    assert rules.in_force_on(history, D("2026-06-15")) == "Per"
    assert rules.in_force_on(history, None) == "Eva"
    assert rules.in_force_on(history, D("2020-01-01")) == "Lisa"


def test_rule_26_a_charge_is_void_when_its_course_is_cancelled_or_its_participant_unenrolled() -> None:
    assert rules.charge_is_void("purchased-course:3", {3}, set())
    assert not rules.charge_is_void("purchased-course:3", {4}, set())
    assert rules.charge_is_void("open-course-seat:5:7", {5}, set())
    assert rules.charge_is_void("open-course-seat:5:7", set(), {(5, 7)})
    assert not rules.charge_is_void("open-course-seat:5:7", set(), {(5, 8)})
    assert not rules.charge_is_void("annual-fee:1:0", {1}, {(1, 1)})


# ---- the story of the issue: a credited wrong enrolment is never billed again ---------------------


def _invoice_run(day: str) -> list[dict[str, Any]]:
    return ok("invoice", "run", "--date", day, "--json")["invoices"]  # type: ignore[no-any-return]


def test_an_unenrolled_seat_on_an_invoice_is_flagged_credited_and_never_billed_again(fresh_db: Path) -> None:
    anna = register(email="anna@x.se")
    bo = register(name="Bo Berg", email="bo@x.se")
    course = ok("course", "add", "--kind", "open", "--date", "2026-05-01", "--json")["id"]
    ok("course", "enrol", str(course), str(anna["id"]), str(bo["id"]))
    [invoice] = _invoice_run("2026-05-02")
    assert [line["who"] for line in invoice["lines"]] == ["Anna Lind", "Bo Berg"]

    ok("course", "unenrol", str(course), "bo@x.se", "--reason", "anmäld av misstag")
    status = ok("status", "--json")
    assert [(i["number"], len(i["void_charges"])) for i in status["invoices_to_credit"]] == [(1, 1)]
    text = ok("status").stdout
    assert "credit invoice 1" in text
    assert _invoice_run("2026-06-01") == []  # the void seat is still on invoice 1, nothing new is due

    note = ok("invoice", "credit", "1", "--reason", "Bo var aldrig anmäld", "--json")
    assert note["credits"] == 1 and note["waived"] is False
    [again] = _invoice_run("2026-06-15")
    assert [line["who"] for line in again["lines"]] == ["Anna Lind"]
    assert _invoice_run("2026-06-15") == []
    assert ok("status", "--json")["invoices_to_credit"] == []
    shown = ok("course", "show", str(course), "--json")
    assert shown["participant_count"] == 1
    assert [p["unenrolled"] for p in shown["participants"]] == [
        None,
        {"date": "2026-06-15", "reason": "anmäld av misstag"},
    ]


def test_a_cancelled_course_already_invoiced_is_flagged_with_every_seat_and_its_purchase(fresh_db: Path) -> None:
    anna = register(email="anna@x.se")
    bo = register(name="Bo Berg", email="bo@x.se")
    ok("course", "add", "--kind", "open", "--date", "2026-05-01")
    ok("course", "enrol", "1", str(anna["id"]), str(bo["id"]))
    ok("course", "add", "--kind", "purchased", "--date", "2026-05-01", "--municipality", "Umeå")
    ok("course", "add", "--kind", "open", "--date", "2026-05-03")  # another course: its seat stays billed
    ok("course", "enrol", "3", str(anna["id"]))
    invoices = _invoice_run("2026-05-05")
    assert ok("status", "--json")["invoices_to_credit"] == []
    ok("course", "cancel", "1", "--reason", "för få anmälda")
    ok("course", "cancel", "2", "--reason", "kommunen avbokade")
    flagged = ok("status", "--json")["invoices_to_credit"]
    assert sum(len(i["void_charges"]) for i in flagged) == 3  # two seats on course 1, the purchase of course 2
    assert {i["number"] for i in flagged} <= {i["number"] for i in invoices}
    assert not any("kurs 3" in charge for i in flagged for charge in i["void_charges"])


def test_a_cancelled_purchased_course_is_never_billed(fresh_db: Path) -> None:
    ok("course", "add", "--kind", "purchased", "--date", "2026-05-01", "--municipality", "Umeå")
    ok("course", "cancel", "1", "--reason", "kommunen avbokade")
    assert _invoice_run("2026-06-01") == []
    assert ok("course", "list", "--json")[0]["cancelled"] == {"date": "2026-06-15", "reason": "kommunen avbokade"}
    refused("course", "enrol", "1", str(register(municipality="Umeå")["id"]), contains="cancelled")
    refused("course", "complete", "1", contains="cancelled")


def test_a_waived_credit_note_frees_charges_that_are_never_invoiced_again(fresh_db: Path) -> None:
    trainer_under_agreement(start="2024-04-01")
    [first] = _invoice_run("2024-04-01")
    note = ok(
        "invoice",
        "credit",
        str(first["number"]),
        "--reason",
        "MÄN bjuder första året",
        "--waive",
        "--date",
        "2024-04-02",
        "--json",
    )
    assert note["waived"] is True and note["credits"] == first["number"]
    assert _invoice_run("2024-05-01") == []
    assert ok("status", "--date", "2024-05-01", "--json")["not_invoiced"]["charges"] == 0
    [second] = _invoice_run("2025-04-01")  # the next agreement year is a new charge, billed as usual
    assert [line["period"] for line in second["lines"]] == ["2025-04-01 – 2026-03-31"]
    without = ok("invoice", "credit", str(second["number"]), "--reason", "fel belopp", "--date", "2025-04-02", "--json")
    assert without["waived"] is False
    assert len(_invoice_run("2025-05-01")) == 1  # without --waive the charge is billed again (rule 19)


def test_cancel_and_unenrol_are_refused_after_completion_and_write_nothing(fresh_db: Path) -> None:
    anna = register()
    course = certify(anna["id"], date="2024-03-01")
    with nothing_written(fresh_db):
        refused("course", "cancel", str(course), "--reason", "x", contains="completed")
        refused("course", "unenrol", str(course), "1", "--reason", "x", contains="completed")
        refused("course", "unenrol", str(course), "1", "--reason", "x", contains="completed")
    ok("course", "add", "--kind", "open", "--date", "2026-09-01")
    with nothing_written(fresh_db):
        refused("course", "unenrol", "2", "1", "--reason", "x", contains="not enrolled")
        refused("course", "cancel", "2", "--reason", " ", contains="reason")
    ok("course", "enrol", "2", "1")
    ok("course", "unenrol", "2", "1", "--reason", "sjuk")
    refused("course", "enrol", "2", "1", contains="was unenrolled")


def test_an_unenrolled_participant_of_a_full_purchased_course_frees_a_place(fresh_db: Path) -> None:
    ids = [register(email=f"t{i}@x.se", municipality="Umeå")["id"] for i in range(11)]
    ok("course", "add", "--kind", "purchased", "--date", "2026-09-01", "--municipality", "Umeå")
    ok("course", "enrol", "1", *map(str, ids[:10]))
    refused("course", "enrol", "1", str(ids[10]), contains="full")
    ok("course", "unenrol", "1", str(ids[0]), "--reason", "slutat")
    assert ok("course", "enrol", "1", str(ids[10]), "--json")["participant_count"] == 10


# ---- edits ---------------------------------------------------------------------------------------


def test_trainer_edit_corrects_fields_and_the_audit_trail_keeps_old_and_new(fresh_db: Path) -> None:
    register(name="Ana Lind", email="ana@x.se")
    edited = ok(
        "trainer",
        "edit",
        "ana@x.se",
        "--name",
        "Anna  Lind",
        "--email",
        "Anna@X.se",
        "--phone",
        "070-1",
        "--appointed-by",
        "Karin Ek, skolchef",
        "--json",
    )
    assert (edited["name"], edited["email"], edited["phone"], edited["appointed_by"]) == (
        "Anna Lind",
        "anna@x.se",
        "070-1",
        "Karin Ek, skolchef",
    )
    [entry] = [e for e in ok("log", "--json") if e["command"] == "trainer edit"]
    assert entry["changes"]["trainer"]["1"]["name"] == "changed"  # a personal field: that it changed, no values
    assert entry["changes"]["trainer"]["1"]["email"] == "changed"


def test_trainer_edit_refuses_a_colliding_email_or_bad_values_and_writes_nothing(fresh_db: Path) -> None:
    register(email="anna@x.se")
    register(name="Bo Berg", email="bo@x.se")
    with nothing_written(fresh_db):
        line = refused("trainer", "edit", "bo@x.se", "--email", "ANNA@x.se", contains="already has")
        assert "trainer 1 already has" in line and "Anna" not in line  # no personal data the user did not type
        refused("trainer", "edit", "2", "--email", "not-an-address", contains="not an e-mail")
        refused("trainer", "edit", "2", "--appointed-by", "Karin", contains="NAME, ROLE")
        refused("trainer", "edit", "2", "--name", "  ", contains="empty")
        refused("trainer", "edit", "2", contains="nothing to change")


def test_erasing_a_person_removes_their_old_values_from_the_audit_trail(fresh_db: Path) -> None:
    register(name="Ana Lind", email="ana@x.se")
    ok("trainer", "edit", "1", "--name", "Anna Lind", "--email", "anna@x.se")
    ok("person", "erase", "anna@x.se", "--yes")
    changes = " ".join(str(row) for row in query(fresh_db, "SELECT changes FROM audit_log"))
    assert "Ana Lind" not in changes and "ana@x.se" not in changes and "anna@x.se" not in changes
    assert "raderad" in changes


def test_a_school_is_added_before_any_programme_so_a_school_agreement_can_come_first(fresh_db: Path) -> None:
    anna = register()
    certify(anna["id"], date="2023-03-01")
    added = ok("school", "add", "Nordhemsskolan", "--municipality", "Gävle", "--json")
    assert (added["id"], added["programmes"]) == (1, [])
    agreement = ok("sign-agreement", "1", "--start", "2023-04-01", "--school", "Nordhemsskolan", "--json")
    assert agreement["scope"]["school"] == {"id": 1, "name": "Nordhemsskolan"}
    started = start()
    assert started["id"] == 1 and len(started["programmes"]) == 1
    with nothing_written(fresh_db):
        refused("school", "add", "nordhemsskolan", "--municipality", "Gävle", contains="already has a school")
        refused("school", "add", "123", "--municipality", "Gävle", contains="digits")


def test_school_edit_renames_and_refuses_a_name_taken_in_the_same_municipality(fresh_db: Path) -> None:
    ok("school", "add", "Nordhemskolan", "--municipality", "Gävle")
    ok("school", "add", "Centralskolan", "--municipality", "Gävle")
    ok("school", "add", "Nordhemsskolan", "--municipality", "Umeå")
    assert ok("school", "edit", "1", "--name", "Nordhemsskolan", "--json")["name"] == "Nordhemsskolan"
    with nothing_written(fresh_db):
        line = refused("school", "edit", "2", "--name", "NORDHEMSSKOLAN", contains="another school")
        assert "school 1" in line
    [entry] = [e for e in ok("log", "--json") if e["command"] == "school edit"]
    assert entry["changes"]["school"]["1"]["name"] == ["Nordhemskolan", "Nordhemsskolan"]
    assert "school 1 name: 'Nordhemskolan' → 'Nordhemsskolan'" in ok("log").stdout


# ---- contact and lead history --------------------------------------------------------------------


def test_a_new_contact_person_from_a_date_keeps_the_history(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    school = ok(
        "school",
        "contact",
        "1",
        "--programme",
        "mvp-hs",
        "--name",
        "Per Ek",
        "--email",
        "per@skola.se",
        "--date",
        "2025-08-01",
        "--json",
    )
    run_ = school["programmes"][0]
    assert run_["contact"] == {"name": "Per Ek", "email": "per@skola.se", "phone": None}
    assert [(c["from"], c["name"]) for c in run_["contacts"]] == [("2024-01-10", "Lisa Berg"), ("2025-08-01", "Per Ek")]
    planned = ok(
        "school",
        "contact",
        "1",
        "--programme",
        "mvp-hs",
        "--name",
        "Eva Ro",
        "--email",
        "eva@skola.se",
        "--date",
        "2026-08-01",
        "--json",
    )["programmes"][0]
    assert planned["contact"]["name"] == "Per Ek"  # today is 2026-06-15: Eva takes over later
    assert planned["contacts"][-1]["name"] == "Eva Ro"
    with nothing_written(fresh_db):
        refused(
            "school",
            "contact",
            "1",
            "--programme",
            "mvp-hs",
            "--name",
            "X Y",
            "--email",
            "x@skola.se",
            "--date",
            "2024-01-01",
            contains="before the programme",
        )
        refused(
            "school",
            "contact",
            "1",
            "--programme",
            "mvp-hs",
            "--name",
            "X Y",
            "--email",
            "x@skola.se",
            "--date",
            "2026-01-01",
            contains="changed on 2026-08-01",
        )
        refused(
            "school",
            "contact",
            "1",
            "--programme",
            "mvp-at",
            "--name",
            "X Y",
            "--email",
            "x@skola.se",
            "--date",
            "2026-01-01",
            contains="unknown programme",
        )
    export = ok("person", "export", "per@skola.se", "--json")
    assert [c["from"] for c in export["as_contact_person"]] == ["2025-08-01"]
    ok("person", "erase", "per@skola.se", "--yes")
    names = [c["name"] for c in ok("school", "show", "1", "--json")["programmes"][0]["contacts"]]
    assert names == ["Lisa Berg", "Raderad kontaktperson", "Eva Ro"]


def test_another_trainer_leads_from_a_date_only_with_an_agreement_covering_the_school(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    bo = register(name="Bo Berg", email="bo@x.se")
    cia = register(name="Cia Holm", email="cia@x.se", municipality="Umeå")
    certify(bo["id"], cia["id"], date="2023-03-01")
    ok("sign-agreement", "bo@x.se", "--start", "2025-01-01")
    ok("sign-agreement", "cia@x.se", "--start", "2025-01-01")
    with nothing_written(fresh_db):
        refused(
            "school",
            "lead",
            "1",
            "--programme",
            "mvp-hs",
            "--trainer",
            "bo@x.se",
            "--date",
            "2024-06-01",
            contains="no agreement in force on 2024-06-01",
        )
        refused(
            "school",
            "lead",
            "1",
            "--programme",
            "mvp-hs",
            "--trainer",
            "cia@x.se",
            "--date",
            "2025-06-01",
            contains="outside the scope",
        )
    school = ok(
        "school", "lead", "1", "--programme", "mvp-hs", "--trainer", "bo@x.se", "--date", "2025-06-01", "--json"
    )
    run_ = school["programmes"][0]
    assert run_["trainer_id"] == bo["id"]
    assert run_["leads"] == [{"trainer_id": 1, "from": "2024-01-10"}, {"trainer_id": bo["id"], "from": "2025-06-01"}]
    assert (
        "leading trainers: Anna Lind (trainer 1) from 2024-01-10, Bo Berg (trainer 2) from 2025-06-01"
        in ok("school", "show", "1").stdout
    )


# ---- voids -----------------------------------------------------------------------------------------


def test_a_voided_part_1_can_be_recorded_again_and_stops_counting(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    step("grundutbildning-1", "2024-02-01")
    step("grundutbildning-2", "2024-03-01")
    with nothing_written(fresh_db):
        refused("void", "step", "1", "--reason", "fel dag", contains="void grundutbildning del 2 first")
        refused("void", "step", "99", "--reason", "x", contains="no step has the id 99")
    voided = ok("void", "step", "2", "--reason", "hölls aldrig", "--json")
    assert voided["void"] == {"date": "2026-06-15", "reason": "hölls aldrig"}
    ok("void", "step", "1", "--reason", "fel dag")
    refused("void", "step", "1", "--reason", "igen", contains="already voided")
    school = step("grundutbildning-1", "2024-02-10")
    run_ = school["programmes"][0]
    assert [s["void"] is None for s in run_["steps"]] == [False, True, False]
    assert "grundutbildning-1" not in run_["steps_to_do"] and "grundutbildning-2" in run_["steps_to_do"]
    shown = ok("school", "show", "1").stdout
    assert "2024-02-10 (Anna Lind, id 3)" in shown and "void 2026-06-15: hölls aldrig" in shown
    assert "1/5" in ok("school", "list").stdout


def test_a_voided_attendance_stops_counting_for_compliance_and_can_be_recorded_again(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    ok("meeting", "add", "--kind", "network", "--date", "2026-03-01")
    ok("meeting", "attend", "1", "1")
    meeting = ok("meeting", "show", "1", "--json")
    assert meeting["attendance"] == [{"id": 1, "trainer_id": 1, "name": "Anna Lind", "void": None}]
    assert ok("compliance", "--year", "2026", "--json")[0]["network_meetings"] == 1
    ok("void", "attendance", "1", "--reason", "var sjuk")
    assert ok("compliance", "--year", "2026", "--json")[0]["network_meetings"] == 0
    assert ok("meeting", "list", "--json")[0]["attendee_count"] == 0
    assert "void 2026-06-15: var sjuk" in ok("meeting", "show", "1").stdout
    assert ok("meeting", "attend", "1", "1", "--json")["added"] == 1
    assert ok("compliance", "--year", "2026", "--json")[0]["network_meetings"] == 1


def test_a_voided_trainee_report_is_exported_apart_and_the_person_can_be_reported_again(
    fresh_db: Path, tmp_path: Path
) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    report = [
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "1",
        "--programme",
        "mvp-hs",
        "--date",
        "2024-03-01",
        "Kim Ek <kim@skola.se>",
        "--json",
    ]
    assert ok(*report)["added"] == 1
    out = tmp_path / "utbildade.xlsx"
    ok("export", "trainees", "-o", str(out))
    assert list(load_workbook(out)["Utbildade"].iter_rows(values_only=True))[1][9] == 1  # the id to void
    ok("void", "trainee", "1", "--reason", "fel skola")
    ok("export", "trainees", "-o", str(out))
    book = load_workbook(out)
    assert len(list(book["Utbildade"].iter_rows(values_only=True))) == 1
    voided = list(book["Makulerade"].iter_rows(values_only=True))
    assert voided[0][-2:] == ("Makulerad", "Orsak") and voided[1][0] == "Kim Ek" and voided[1][-1] == "fel skola"
    assert ok("person", "export", "kim@skola.se", "--json")["as_trainee"][0]["void"] is not None


def test_reporting_a_voided_trainee_again_adds_a_new_report(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    report = [
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "1",
        "--programme",
        "mvp-hs",
        "--date",
        "2024-03-01",
        "Kim Ek <kim@skola.se>",
        "--json",
    ]
    ok(*report)
    assert ok(*report)["already_reported"] == 1
    ok("void", "trainee", "1", "--reason", "fel datum")
    assert ok(*report)["added"] == 1
    assert ok(*report)["already_reported"] == 1


def test_a_voided_problem_note_stays_visible_marked(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    ok("school", "problem", "1", "--date", "2024-03-01", "--note", "Fel skola [/] noterad")
    ok("void", "problem", "1", "--reason", "gällde en annan skola", "--date", "2024-03-02")
    shown = ok("school", "show", "1", "--json")
    assert shown["problems"][0]["void"] == {"date": "2024-03-02", "reason": "gällde en annan skola"}
    text = ok("school", "show", "1").stdout
    assert "Fel skola [/] noterad" in text and "void 2024-03-02: gällde en annan skola" in text


def test_void_refuses_a_bad_kind_a_missing_reason_and_a_future_date(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    ok("school", "problem", "1", "--date", "2024-03-01", "--note", "x")
    assert run("void", "meeting", "1", "--reason", "x").exit_code == 2
    with nothing_written(fresh_db):
        refused("void", "problem", "1", "--reason", " ", contains="reason")
        refused("void", "problem", "1", "--reason", "x", "--date", "2026-06-16", contains="after today")
        refused("void", "problem", "1", "--reason", "x", "--date", "2024-02-01", contains="before the problem")
