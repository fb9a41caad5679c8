"""Rules 0-9 as plain function calls: each both where it allows and where it refuses."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from steg2cli import rules

D = date.fromisoformat
TODAY = D("2026-06-15")


def test_rule0_allows_today_and_refuses_tomorrow() -> None:
    assert rules.not_in_future("x", TODAY, TODAY) == []
    assert rules.not_in_future("x", D("2026-06-16"), TODAY)


def test_rule1_allows_a_trained_appointed_trainer() -> None:
    assert rules.trainer_eligibility(D("2022-01-01"), D("2022-06-01"), "Karin Ek, rektor", TODAY) == []


def test_rule1_refuses_a_series_held_before_the_training() -> None:
    problems = rules.trainer_eligibility(D("2022-06-01"), D("2022-01-01"), "Karin Ek, rektor", TODAY)
    assert any("after the grundutbildning" in p for p in problems)


def test_rule1_refuses_a_series_held_in_the_future() -> None:
    problems = rules.trainer_eligibility(D("2022-01-01"), D("2026-07-01"), "Karin Ek, rektor", TODAY)
    assert any("programme series" in p for p in problems)


def test_rule1_refuses_a_training_in_the_future() -> None:
    assert rules.trainer_eligibility(D("2026-07-01"), D("2026-08-01"), "Karin Ek, rektor", TODAY)


@pytest.mark.parametrize("appointed", ["", "Karin Ek", ", rektor", "Karin Ek,  "])
def test_rule1_refuses_an_appointment_without_name_and_role(appointed: str) -> None:
    problems = rules.trainer_eligibility(D("2022-01-01"), D("2022-06-01"), appointed, TODAY)
    assert problems == ['--appointed-by needs the appointing person as "NAME, ROLE"']


def test_rule2_open_course_takes_anyone() -> None:
    assert rules.course_enrolment("open", None, "1280", 25, completed=False) == []


def test_rule2_purchased_course_takes_its_own_municipality_up_to_ten() -> None:
    assert rules.course_enrolment("purchased", "2180", "2180", 9, completed=False) == []


def test_purchased_course_refuses_an_eleventh_participant() -> None:
    problems = rules.course_enrolment("purchased", "2180", "2180", 10, completed=False)
    assert problems and "at most 10" in problems[0]


def test_purchased_course_refuses_another_municipality() -> None:
    problems = rules.course_enrolment("purchased", "2180", "1280", 0, completed=False)
    assert problems and "own municipality" in problems[0]


def test_rule2_no_enrolment_on_a_completed_course() -> None:
    assert rules.course_enrolment("open", None, "2180", 0, completed=True)


def test_rule2_purchased_course_needs_a_municipality() -> None:
    assert rules.course_definition("purchased", None)
    assert rules.course_definition("purchased", "2180") == []
    assert rules.course_definition("open", None) == []
    assert rules.course_definition("online", None)


def test_rule3_certified_from_the_first_completed_course() -> None:
    assert rules.certified_on([None, D("2024-05-01"), D("2023-05-01")]) == D("2023-05-01")
    assert rules.certified_on([None]) is None
    assert rules.certified_on([]) is None


def test_rule3_course_completion_refuses_twice_early_and_future() -> None:
    assert rules.course_completion(D("2026-01-10"), D("2026-01-11"), None, TODAY) == []
    assert rules.course_completion(D("2026-01-10"), D("2026-01-11"), D("2026-01-11"), TODAY)
    assert rules.course_completion(D("2026-01-10"), D("2026-01-09"), None, TODAY)
    assert rules.course_completion(D("2026-06-10"), D("2026-06-16"), None, TODAY)


GAVLE = rules.Scope("2180")


def test_rule4_refuses_an_uncertified_trainer() -> None:
    problems = rules.agreement_signing(None, D("2024-01-01"), "2180", GAVLE, None, [])
    assert problems and "certified" in problems[0]


def test_rule4_refuses_a_start_before_certification() -> None:
    problems = rules.agreement_signing(D("2024-02-01"), D("2024-01-31"), "2180", GAVLE, None, [])
    assert problems and "before the trainer was certified" in problems[0]


def test_rule4_allows_a_start_on_the_certification_day() -> None:
    assert rules.agreement_signing(D("2024-02-01"), D("2024-02-01"), "2180", GAVLE, None, []) == []


def test_rule5_refuses_another_municipality() -> None:
    problems = rules.agreement_signing(D("2024-01-01"), D("2024-02-01"), "2180", rules.Scope("1280"), None, [])
    assert problems and "own municipality" in problems[0]


def test_rule5_school_scope_must_lie_in_the_trainers_municipality() -> None:
    school_scope = rules.Scope("2180", school_id=7)
    assert rules.agreement_signing(D("2024-01-01"), D("2024-02-01"), "2180", school_scope, "2180", []) == []
    assert rules.agreement_signing(D("2024-01-01"), D("2024-02-01"), "2180", school_scope, "2181", [])


def test_rule6_periods_renew_yearly_and_29_february_renews_on_28_february() -> None:
    span = rules.Span(D("2024-02-29"))
    assert span.period(0) == (D("2024-02-29"), D("2025-02-27"))
    assert span.period(1) == (D("2025-02-28"), D("2026-02-27"))
    assert span.period(4) == (D("2028-02-29"), D("2029-02-27"))


def test_rule6_end_date_is_the_first_day_not_in_force() -> None:
    span = rules.Span(D("2024-03-01"), D("2025-01-01"))
    assert span.in_force_on(D("2024-12-31"))
    assert not span.in_force_on(D("2025-01-01"))
    assert not span.in_force_on(D("2024-02-29"))


def test_rule6_ended_on_its_start_date_was_never_in_force() -> None:
    span = rules.Span(D("2024-03-01"), D("2024-03-01"))
    assert span.never_in_force
    assert not span.in_force_on(D("2024-03-01"))
    assert span.periods_started(D("2030-01-01")) == []


def test_rule6_periods_started_stop_at_the_end_and_at_the_day() -> None:
    span = rules.Span(D("2020-05-01"), D("2023-05-01"))
    assert [k for k, _, _ in span.periods_started(D("2030-01-01"))] == [0, 1, 2]
    assert [k for k, _, _ in rules.Span(D("2020-05-01")).periods_started(D("2022-04-30"))] == [0, 1]


@pytest.mark.parametrize("start", ["2016-02-29", "2018-07-15", "2019-12-31", "2020-01-01"])
def test_rule6_periods_started_since_a_day_leave_out_exactly_the_earlier_ones(start: str) -> None:
    """The periods before `since` are skipped without being worked out (issue 17); none after it is lost."""
    span = rules.Span(D(start))
    every = span.periods_started(D("2026-12-31"))
    for _k, first, _last in every:
        for since in (first, first + relativedelta(days=1), first - relativedelta(days=1), date(first.year, 1, 1)):
            assert span.periods_started(D("2026-12-31"), since) == [p for p in every if p[1] >= since], since


def test_rule6_ending_refuses_twice_and_before_the_start() -> None:
    assert rules.agreement_ending(rules.Span(D("2024-01-01")), D("2024-01-01")) == []
    assert rules.agreement_ending(rules.Span(D("2024-01-01"), D("2025-01-01")), D("2025-06-01"))
    assert rules.agreement_ending(rules.Span(D("2024-01-01")), D("2023-12-31"))


def test_rule7_refuses_a_second_agreement_in_force() -> None:
    running = [rules.Span(D("2023-01-01"))]
    problems = rules.agreement_signing(D("2022-01-01"), D("2024-01-01"), "2180", GAVLE, None, running)
    assert problems and "one agreement at a time" in problems[0]


def test_rule7_refuses_signing_before_a_later_agreement() -> None:
    later = [rules.Span(D("2025-01-01"), D("2026-01-01"))]
    assert rules.agreement_signing(D("2022-01-01"), D("2024-01-01"), "2180", GAVLE, None, later)


def test_rule7_allows_a_new_agreement_from_the_day_the_old_one_ended() -> None:
    ended = [rules.Span(D("2023-01-01"), D("2024-01-01")), rules.Span(D("2024-05-01"), D("2024-05-01"))]
    assert rules.agreement_signing(D("2022-01-01"), D("2024-01-01"), "2180", GAVLE, None, ended) == []


def test_rule8_moving_ends_the_running_agreement_on_the_moving_date() -> None:
    assert rules.end_on_moving(rules.Span(D("2023-01-01")), D("2024-03-01")) == D("2024-03-01")
    assert rules.end_on_moving(rules.Span(D("2024-05-01")), D("2024-03-01")) == D("2024-05-01")


def test_rule8_moving_leaves_an_ended_agreement_alone() -> None:
    assert rules.end_on_moving(rules.Span(D("2023-01-01"), D("2024-01-01")), D("2024-03-01")) is None


def test_rule9_allows_a_school_in_scope_while_in_force() -> None:
    agreements = [(rules.Span(D("2024-01-01")), GAVLE)]
    assert rules.may_train(agreements, "2180", 5, D("2024-06-01")) == []


def test_rule9_refuses_outside_the_dates() -> None:
    agreements = [(rules.Span(D("2024-01-01"), D("2025-01-01")), GAVLE)]
    assert "no agreement in force" in rules.may_train(agreements, "2180", 5, D("2025-01-01"))[0]
    assert rules.may_train(agreements, "2180", 5, D("2023-12-31"))


def test_rule9_refuses_a_school_outside_the_scope() -> None:
    assert "outside the scope" in rules.may_train([(rules.Span(D("2024-01-01")), GAVLE)], "1280", 5, D("2024-06-01"))[0]
    school_only = [(rules.Span(D("2024-01-01")), rules.Scope("2180", school_id=5))]
    assert rules.may_train(school_only, "2180", 5, D("2024-06-01")) == []
    assert rules.may_train(school_only, "2180", 6, D("2024-06-01"))


def test_values_dates_emails_money() -> None:
    assert rules.parse_date("2024-02-29") == D("2024-02-29")
    assert rules.parse_date("2024-02-29 00:00:00") == D("2024-02-29")
    for bad in ("2023-02-29", "29/02/2024", "tomorrow", ""):
        with pytest.raises(ValueError):
            rules.parse_date(bad)
    assert rules.normalize_email(" Anna.Lind@Gavle.SE ") == "anna.lind@gavle.se"
    for bad in ("anna", "anna@", "anna@gavle", "a b@c.se", "anna@@c.se"):
        with pytest.raises(ValueError):
            rules.normalize_email(bad)
    assert rules.parse_kr("10 000") == 1_000_000
    assert rules.parse_kr("10000,50") == 1_000_050
    with pytest.raises(ValueError):
        rules.parse_kr("10,001")
    with pytest.raises(ValueError):
        rules.parse_kr("-5")
    assert rules.format_kr(1_000_000) == "10 000,00 kr"
    assert rules.format_kr(-12_345) == "-123,45 kr"
    assert rules.municipality_code(180) == "0180"
    assert rules.municipality_code("2180") == "2180"
    assert rules.municipality_code("Gävle") is None
    assert rules.programme_code("MVP högstadiet") == "mvp-hs"
    assert rules.programme_code("Agera tillsammans") == "at"
    assert rules.programme_code("chess") is None


def test_rule10_a_start_names_a_contact_and_runs_once_at_a_time() -> None:
    assert rules.programme_start("mvp-hs", "Lisa Berg", "lisa@skola.se", None) == []
    assert "contact person" in rules.programme_start("mvp-hs", " ", "lisa@skola.se", None)[0]
    assert "e-mail" in rules.programme_start("mvp-hs", "Lisa", "", None)[0]
    assert "already runs" in rules.programme_start("mvp-hs", "Lisa", "l@s.se", D("2024-01-01"))[0]
    assert rules.programme_start("chess", "Lisa", "l@s.se", None)


def test_rule11_parts_in_order_once_each_handledning_repeats() -> None:
    start = D("2024-01-01")
    assert rules.step_allowed("grundutbildning-1", D("2024-02-01"), [], start, None, TODAY) == []
    assert rules.step_allowed("grundutbildning-2", D("2024-02-01"), [], start, None, TODAY)
    part1 = [("grundutbildning-1", D("2024-02-01"))]
    assert rules.step_allowed("grundutbildning-2", D("2024-02-01"), part1, start, None, TODAY) == []
    assert rules.step_allowed("grundutbildning-2", D("2024-01-31"), part1, start, None, TODAY)
    assert rules.step_allowed("grundutbildning-1", D("2024-03-01"), part1, start, None, TODAY)
    twice = [("handledning", D("2024-02-01"))]
    assert rules.step_allowed("handledning", D("2024-03-01"), twice, start, None, TODAY) == []
    assert rules.step_allowed("forankring", D("2023-12-31"), [], start, None, TODAY)
    assert rules.step_allowed("forankring", D("2024-05-01"), [], start, D("2024-05-01"), TODAY)
    assert rules.step_allowed("forankring", D("2026-06-16"), [], start, None, TODAY)
    assert rules.step_allowed("lunch", D("2024-02-01"), [], start, None, TODAY)
    assert rules.steps_to_do(["forankring", "handledning"]) == [
        "kunskapshalvdag",
        "grundutbildning-1",
        "grundutbildning-2",
        "grundutbildning-3",
    ]


def test_rule12_a_stop_has_a_date_and_reason_and_happens_once() -> None:
    start = D("2024-01-01")
    assert rules.programme_stop(start, None, D("2024-06-01"), "ny rektor", TODAY) == []
    assert rules.programme_stop(start, D("2024-05-01"), D("2024-06-01"), "x", TODAY)
    assert rules.programme_stop(start, None, D("2023-06-01"), "x", TODAY)
    assert rules.programme_stop(start, None, D("2024-06-01"), " ", TODAY)
    assert rules.programme_stop(start, None, D("2026-07-01"), "x", TODAY)
    assert rules.problem_note(D("2024-06-01"), "note", TODAY) == []
    assert rules.problem_note(D("2024-06-01"), "", TODAY)
    assert rules.problem_note(D("2026-07-01"), "note", TODAY)


PRICES = [
    rules.Price("annual-fee", D("2000-01-01"), 1_000_000),
    rules.Price("annual-fee", D("2025-01-01"), 1_200_000),
    rules.Price("open-course-seat", D("2000-01-01"), 2_000_000),
    rules.Price("purchased-course", D("2000-01-01"), 10_000_000),
]


def test_rule16_the_price_valid_on_the_due_date() -> None:
    assert rules.price_on(PRICES, "annual-fee", D("2024-12-31")).amount == 1_000_000  # type: ignore[union-attr]
    assert rules.price_on(PRICES, "annual-fee", D("2025-01-01")).amount == 1_200_000  # type: ignore[union-attr]
    assert rules.price_on(PRICES, "annual-fee", D("1999-12-31")) is None
    assert rules.price_setting("annual-fee", 100, 2500) == []
    assert rules.price_setting("tea", 100, 0)
    assert rules.price_setting("annual-fee", -1, 0)
    assert rules.price_setting("annual-fee", 1, 10_001)


def test_rule16_a_charge_without_a_valid_price_is_refused() -> None:
    agreement = rules.AgreementForBilling(1, D("1999-06-01"), None, "2180", "Anna")
    with pytest.raises(rules.MissingPrice):
        rules.charges_due(D("1999-06-01"), [agreement], [], [], PRICES)


def test_rule17_charges_per_year_seat_and_course() -> None:
    agreements = [
        rules.AgreementForBilling(1, D("2024-03-01"), D("2025-06-01"), "2180", "Anna"),
        rules.AgreementForBilling(2, D("2024-03-01"), D("2024-03-01"), "2180", "Never"),
    ]
    seats = [
        rules.CourseSeatForBilling(5, 1, D("2024-02-01"), "2480", "Anna"),
        rules.CourseSeatForBilling(6, 1, D("2027-02-01"), "2480", "Later"),
    ]
    bought = [rules.PurchasedCourseForBilling(7, D("2024-01-15"), "2180", "Gävle")]
    found = rules.charges_due(D("2026-06-15"), agreements, seats, bought, PRICES)
    assert sorted((c.key, c.amount, c.payer) for c in found) == [
        ("annual-fee:1:0", 1_000_000, "2180"),
        ("annual-fee:1:1", 1_200_000, "2180"),
        ("open-course-seat:5:1", 2_000_000, "2480"),
        ("purchased-course:7", 10_000_000, "2180"),
    ]


def test_rule17_what_is_already_billed_is_left_out_before_it_is_priced() -> None:
    agreements = [rules.AgreementForBilling(1, D("1999-06-01"), None, "2180", "Anna")]
    skip = {f"annual-fee:1:{k}" for k in range(27)}  # 1999-2025: no price was valid before 2000
    found = rules.charges_due(D("2026-06-15"), agreements, [], [], PRICES, skip)
    assert [(c.key, c.due) for c in found] == [("annual-fee:1:27", D("2026-06-01"))]
    bought = [rules.PurchasedCourseForBilling(7, D("2024-01-15"), "2180", "Gävle")]
    assert rules.charges_due(D("2026-06-15"), [], [], bought, PRICES, {"purchased-course:7"}) == []


def test_rule17_years_before_fees_from_are_not_looked_at() -> None:
    """The billing mark (issue 17): years before `fees_from` are billed or waived, so they are neither
    listed as keys nor priced (no price was valid in 1999)."""
    agreement = rules.AgreementForBilling(1, D("1999-06-01"), None, "2180", "Anna", fees_from=D("2026-06-01"))
    assert rules.charge_keys(D("2026-06-15"), [agreement], [], []) == ["annual-fee:1:27"]
    assert [c.key for c in rules.charges_due(D("2026-06-15"), [agreement], [], [], PRICES)] == ["annual-fee:1:27"]
    assert rules.charge_keys(D("2026-05-31"), [agreement], [], []) == []
    seat = rules.CourseSeatForBilling(5, 1, D("2024-02-01"), "2480", "Anna")
    later = rules.CourseSeatForBilling(6, 1, D("2027-02-01"), "2480", "Anna")
    bought = rules.PurchasedCourseForBilling(7, D("2024-01-15"), "2180", "Gävle")
    assert rules.charge_keys(D("2026-06-15"), [], [seat, later], [bought]) == [
        "open-course-seat:5:1",
        "purchased-course:7",
    ]


@pytest.mark.parametrize(
    ("closed", "fees_from", "until", "expected"),
    [
        (set(), None, "2026-06-15", "2024-03-01"),  # nothing billed: from the first year
        ({"annual-fee:1:0", "annual-fee:1:1"}, None, "2026-06-15", "2026-03-01"),
        ({"annual-fee:1:0", "annual-fee:1:2"}, None, "2026-06-15", "2025-03-01"),  # a freed year in between
        ({"annual-fee:1:0", "annual-fee:1:1", "annual-fee:1:2"}, None, "2026-06-15", "2027-03-01"),
        ({"annual-fee:1:2"}, "2026-03-01", "2026-06-15", "2027-03-01"),  # earlier years: before the mark
        (set(), "2026-03-01", "2026-06-15", "2026-03-01"),
        ({"annual-fee:1:0"}, None, "2024-03-01", "2025-03-01"),  # a year after `until` is never closed
    ],
)
def test_issue17_the_mark_moves_past_closed_years_only(
    closed: set[str], fees_from: str | None, until: str, expected: str
) -> None:
    agreement = rules.AgreementForBilling(
        1, D("2024-03-01"), None, "2180", "Anna", fees_from=D(fees_from) if fees_from else None
    )
    assert rules.next_fees_from(agreement, D(until), closed) == D(expected)


def test_issue17_an_ended_agreement_billed_to_its_end_is_marked_past_it() -> None:
    """Counted past the end: the mark then lies on or after the end, and the run no longer reads it."""
    ended = rules.AgreementForBilling(1, D("2024-03-01"), D("2025-06-01"), "2180", "Anna")
    closed = {"annual-fee:1:0", "annual-fee:1:1"}
    assert rules.next_fees_from(ended, D("2026-06-15"), closed) == D("2026-03-01")
    marked = rules.AgreementForBilling(1, D("2024-03-01"), D("2025-06-01"), "2180", "Anna", fees_from=D("2026-03-01"))
    assert rules.charge_keys(D("2030-01-01"), [marked], [], []) == []


def test_issue17_a_charge_key_names_its_source() -> None:
    assert rules.charge_source("annual-fee:12:3") == ("annual-fee", (12, 3))
    assert rules.charge_source("open-course-seat:5:7") == ("open-course-seat", (5, 7))
    assert rules.charge_source("purchased-course:9") == ("purchased-course", (9,))
    assert rules.charge_source(rules.seat_key(5, 7)) == ("open-course-seat", (5, 7))


def test_rule18_one_invoice_per_payer_of_what_is_not_billed() -> None:
    seats = [
        rules.CourseSeatForBilling(5, t, D("2024-02-01"), payer, "x")
        for t, payer in [(1, "2480"), (2, "2180"), (3, "2180")]
    ]
    found = rules.charges_due(D("2026-06-15"), [], seats, [], PRICES)
    groups = rules.invoices_for(found, {"open-course-seat:5:2"})
    assert list(groups) == ["2180", "2480"]
    assert [c.key for c in groups["2180"]] == ["open-course-seat:5:3"]
    assert rules.invoices_for(found, {c.key for c in found}) == {}


def test_rule19_credit_once_whole_never_a_credit_note() -> None:
    assert rules.credit_allowed("invoice", D("2024-01-01"), None, D("2024-01-01")) == []
    assert rules.credit_allowed("invoice", D("2024-01-01"), 7, D("2024-01-02"))
    assert rules.credit_allowed("credit", D("2024-01-01"), None, D("2024-01-02"))
    assert rules.credit_allowed("invoice", D("2024-01-02"), None, D("2024-01-01"))
    assert rules.run_date_allowed(D("2024-01-02"), D("2024-01-02"), TODAY) == []
    assert rules.run_date_allowed(D("2024-01-01"), D("2024-01-02"), TODAY)
    assert rules.run_date_allowed(D("2026-06-16"), None, TODAY)


def test_rule20_due_date_and_totals_in_whole_ore() -> None:
    assert rules.invoice_due_date(D("2024-01-31"), 30) == D("2024-03-01")
    totals = rules.invoice_totals([(1_000_001, 2500), (999, 2500), (500, 0), (-200, 600)])
    assert totals.net == 1_001_300
    assert totals.vat_by_rate == ((0, 500, 0), (600, -200, -12), (2500, 1_001_000, 250_250))
    assert totals.total == totals.net + totals.vat
    assert rules.vat_on(2, 2500) == 1 and rules.vat_on(-2, 2500) == -1 and rules.vat_on(1, 2500) == 0


def test_rule13_trained_while_the_programme_ran_by_a_trainer_in_force() -> None:
    runs = [(D("2024-01-10"), D("2024-06-01")), (D("2025-01-01"), None)]
    assert rules.trainee_report(D("2024-02-01"), runs, [], TODAY) == []
    assert rules.trainee_report(D("2025-02-01"), runs, [], TODAY) == []
    assert "not running" in rules.trainee_report(D("2024-06-01"), runs, [], TODAY)[0]
    assert "not running" in rules.trainee_report(D("2024-01-09"), runs, [], TODAY)[0]
    assert "never run" in rules.trainee_report(D("2024-02-01"), [], [], TODAY)[0]
    assert rules.trainee_report(D("2026-06-16"), runs, [], TODAY)
    assert rules.trainee_report(D("2024-02-01"), runs, ["no agreement"], TODAY) == ["no agreement"]


def test_rule14_the_same_person_is_the_same_report_whatever_the_case() -> None:
    day = D("2024-02-01")
    assert rules.trainee_key("Kim  Ek", "KIM@Skola.se", 1, "at", day) == rules.trainee_key(
        "kim ek", "kim@skola.se", 1, "at", day
    )
    assert rules.trainee_key("Kim Ek", "kim@skola.se", 1, "at", day) != rules.trainee_key(
        "Kim Ek", "kim@skola.se", 2, "at", day
    )


def test_rule15_the_header_must_be_the_templates() -> None:
    assert rules.trainee_header(list(rules.TRAINEE_COLUMNS) + ["Extra"]) == []
    assert rules.trainee_header([c.upper() for c in rules.TRAINEE_COLUMNS]) == []
    assert rules.trainee_header(["Name", "Email"])
    assert rules.parse_person(" Kim  Ek <KIM@skola.se> ") == ("Kim Ek", "kim@skola.se")
    with pytest.raises(ValueError):
        rules.parse_person("Kim Ek kim@skola.se")


def test_rule21_in_force_during_the_year_and_the_quota() -> None:
    assert rules.in_force_during_year([rules.Span(D("2023-04-01"), D("2025-01-15"))], 2025)
    assert not rules.in_force_during_year([rules.Span(D("2023-04-01"), D("2025-01-01"))], 2025)
    assert rules.in_force_during_year([rules.Span(D("2025-12-31"))], 2025)
    assert not rules.in_force_during_year([rules.Span(D("2025-12-31"))], 2024)
    assert not rules.in_force_during_year([rules.Span(D("2025-03-01"), D("2025-03-01"))], 2025)
    attended = [
        ("network", D("2025-02-01")),
        ("network", D("2025-09-01")),
        ("conference", D("2025-11-20")),
        ("network", D("2024-09-01")),
    ]
    assert rules.compliance(attended, 2025).ok
    assert rules.compliance(attended, 2025) == rules.Compliance(2, 1)
    assert not rules.compliance(attended[:2], 2025).ok
    assert not rules.compliance(attended[1:], 2025).ok
    assert rules.meeting_definition("network", "") == [] and rules.meeting_definition("party", "")


def test_rule22_two_trainers_per_municipality_with_running_programmes() -> None:
    assert rules.understaffed(["2180", "2180", "0180"], {"2180": 2, "0180": 1}) == ["0180"]
    assert rules.understaffed(["2180"], {}) == ["2180"]
    assert rules.understaffed([], {"2180": 0}) == []


def test_renewals_and_stalled_programmes() -> None:
    assert rules.next_renewal(rules.Span(D("2023-07-01")), D("2026-06-15")) == D("2026-07-01")
    assert rules.next_renewal(rules.Span(D("2023-07-01"), D("2026-07-01")), D("2026-06-15")) is None
    assert D("2025-12-15") <= rules.stall_threshold(D("2026-06-15"))
    assert not D("2025-12-16") <= rules.stall_threshold(D("2026-06-15"))


# ---- delivery and letters (rules 43-44) -----------------------------------------------------------------


def test_a_payers_channel_defaults_to_peppol_then_email_then_print_and_can_be_chosen() -> None:
    assert rules.delivery_channel(None, "0007:2120002528", "a@b.se") == "peppol"
    assert rules.delivery_channel(None, None, "a@b.se") == "email"
    assert rules.delivery_channel(None, None, "") == "print"
    assert rules.delivery_channel("print", "0007:2120002528", "a@b.se") == "print"
    # A reminder is never an e-invoice (rule 40).
    assert rules.delivery_channel(None, "0007:2120002528", "a@b.se", reminder=True) == "email"
    assert rules.delivery_channel("peppol", "0007:2120002528", "", reminder=True) == "print"
    assert rules.delivery_channel_choice(" Email ") == "email"
    with pytest.raises(ValueError, match="unknown delivery channel 'fax'"):
        rules.delivery_channel_choice("fax")


def test_a_channel_names_what_the_payer_lacks_for_it() -> None:
    assert rules.channel_missing("peppol", None, "a@b.se", ["Box 1", "801 84 Gävle"]) == ["Peppol address"]
    assert rules.channel_missing("email", "0007:1", "", ["Box 1"]) == ["e-mail"]
    assert rules.channel_missing("print", None, "", []) == ["address"]
    assert rules.channel_missing("print", None, "", ["Box 1", "801 84 Gävle"]) == []


def test_what_was_sent_or_is_uncertain_is_not_delivered_again_by_itself() -> None:
    assert rules.delivery_state([]) is None
    assert rules.delivery_state(["failed"]) == "failed"
    assert rules.delivery_state(["failed", "sent"]) == "sent"
    assert rules.delivery_state(["sent", "started"]) == "uncertain"
    assert rules.to_deliver(None, again=False, named=False)
    assert rules.to_deliver("failed", again=False, named=False)
    assert not rules.to_deliver("uncertain", again=False, named=True)
    assert rules.to_deliver("uncertain", again=True, named=False)
    assert not rules.to_deliver("sent", again=False, named=True)
    assert not rules.to_deliver("sent", again=True, named=False)
    assert rules.to_deliver("sent", again=True, named=True)


def test_a_meetings_letter_counts_what_is_left_never_below_nothing() -> None:
    assert rules.meetings_left(0, 0) == (2, 1)
    assert rules.meetings_left(1, 1) == (1, 0)
    assert rules.meetings_left(3, 2) == (0, 0)
