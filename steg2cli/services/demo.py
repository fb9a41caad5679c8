"""`steg2 demo`: a small, realistic register to look at and to try commands on."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from steg2cli.db import Database, touched
from steg2cli.errors import Conflict
from steg2cli.i18n import _
from steg2cli.models import Trainer
from steg2cli.services import agreements, courses, invoicing, payers, schools, settings, trainees, trainers


def fill(db: Database, today: date) -> dict[str, int]:
    """Fill an empty database with sample data dated around `today`; all in one transaction."""

    def ago(years: int = 0, months: int = 0, days: int = 0) -> date:
        return today - relativedelta(years=years, months=months, days=days)

    with db.write("demo") as session:
        if session.scalar(select(func.count()).select_from(Trainer)):
            raise Conflict(_("the database already holds trainers; run the demo on a new database (--db demo.db)"))
        people = [
            ("Anna Lind", "anna.lind@gavle.example", "Gävle", "Karin Ek, rektor Nordhemsskolan", ("mvp-hs",)),
            ("Erik Berg", "erik.berg@gavle.example", "Gävle", "Per Holm, skolchef", ("mvp-ms", "at")),
            ("Jonas Ek", "jonas.ek@gavle.example", "Gävle", "Karin Ek, rektor Nordhemsskolan", ("mvp-hs",)),
            ("Sara Nilsson", "sara.nilsson@umea.example", "Umeå", "Lena Öst, rektor Ålidhemsskolan", ("mvp-gy",)),
            (
                "Maria Svensson",
                "maria.svensson@stockholm.example",
                "Stockholm",
                "Ali Kaya, biträdande rektor",
                ("mvp-hs", "mvp-ms"),
            ),
            ("Karim Haddad", "karim.haddad@malmo.example", "Malmö", "Eva Lund, rektor Rosengårdsskolan", ("at",)),
        ]
        ids: dict[str, int] = {}
        for name, email, home, appointed, programmes in people:
            new = trainers.NewTrainer(
                name=name,
                email=email,
                municipality=home,
                basic_training=ago(years=4),
                series_held=ago(years=3, months=6),
                appointed_by=appointed,
                phone="070-123 45 67",
                programmes=programmes,
            )
            ids[name] = trainers.register(db, new, today)["id"]

        spring = courses.add(db, "open", ago(years=2, months=3), None, "Stockholm")["id"]
        courses.enrol(
            db, str(spring), [str(ids[n]) for n in ("Anna Lind", "Jonas Ek", "Sara Nilsson", "Maria Svensson")]
        )
        courses.complete(db, str(spring), ago(years=2, months=3) + relativedelta(days=1), today)
        bought = courses.add(db, "purchased", ago(years=1, months=7), "Gävle", "Gävle stadshus")["id"]
        courses.enrol(db, str(bought), [str(ids["Erik Berg"])])
        courses.complete(db, str(bought), ago(years=1, months=7) + relativedelta(days=1), today)
        upcoming = courses.add(db, "open", today + relativedelta(months=1), None, "Stockholm")["id"]
        courses.enrol(db, str(upcoming), [str(ids["Karim Haddad"])])

        agreements.sign(db, str(ids["Anna Lind"]), ago(years=2, months=2))
        agreements.sign(db, str(ids["Erik Berg"]), ago(years=1, months=6))
        agreements.sign(db, str(ids["Maria Svensson"]), ago(months=11, days=20))
        agreements.sign(db, str(ids["Jonas Ek"]), ago(years=2, months=2))
        trainers.move(db, str(ids["Jonas Ek"]), "Sandviken", ago(months=4), today)

        anna, erik, maria = (str(ids[n]) for n in ("Anna Lind", "Erik Berg", "Maria Svensson"))
        school_plan = [
            # school, municipality, programme, start, trainer, contact, steps (step, when), stop
            (
                "Nordhemsskolan",
                "Gävle",
                "mvp-hs",
                ago(years=1, months=6),
                anna,
                ("Lisa Berg", "lisa.berg"),
                [
                    ("forankring", ago(years=1, months=6)),
                    ("kunskapshalvdag", ago(years=1, months=5)),
                    ("grundutbildning-1", ago(years=1, months=4)),
                    ("grundutbildning-2", ago(years=1, months=4, days=-7)),
                    ("grundutbildning-3", ago(years=1, months=3)),
                    ("handledning", ago(years=1)),
                    ("handledning", ago(months=5)),
                ],
                None,
            ),
            (
                "Vallbacksskolan",
                "Gävle",
                "at",
                ago(months=3),
                erik,
                ("Omar Said", "omar.said"),
                [("forankring", ago(months=3)), ("kunskapshalvdag", ago(months=2))],
                None,
            ),
            (
                "Sätraskolan",
                "Gävle",
                "mvp-ms",
                ago(years=1),
                anna,
                ("Eva Holm", "eva.holm"),
                [("forankring", ago(years=1)), ("kunskapshalvdag", ago(months=11))],
                (ago(months=2), "ny skolledning prioriterar annat"),
            ),
            (
                "Enskedefältets skola",
                "Stockholm",
                "mvp-hs",
                ago(months=10),
                maria,
                ("Jon Ek", "jon.ek"),
                [
                    ("forankring", ago(months=10)),
                    ("grundutbildning-1", ago(months=9)),
                    ("grundutbildning-2", ago(months=8)),
                ],
                None,
            ),
        ]
        school_count = 0
        for name, home, programme, start, leader, (contact, mailbox), steps, stop in school_plan:
            school_id = str(
                schools.start(
                    db,
                    schools.ProgrammeStart(
                        school=name,
                        municipality=home,
                        programme=programme,
                        start=start,
                        trainer=leader,
                        contact_name=contact,
                        contact_email=f"{mailbox}@skola.example",
                        contact_phone="026-10 00 00",
                    ),
                )["id"]
            )
            school_count += 1
            for step, when in steps:
                schools.record_step(db, school_id, programme, step, when, leader, today)
            if stop is not None:
                schools.note_problem(
                    db, school_id, stop[0] - relativedelta(weeks=3), "Teamet har inte fått tid för lektionerna.", today
                )
                schools.stop(db, school_id, programme, stop[0], stop[1], today)
        trained = [
            (
                "Nordhemsskolan",
                "mvp-hs",
                anna,
                ago(years=1, months=4),
                ["Sofia Lund", "Ahmed Ali", "Elin Berg", "Johan Nyberg", "Maja Ek", "Leo Sandberg"],
            ),
            (
                "Enskedefältets skola",
                "mvp-hs",
                maria,
                ago(months=9),
                ["Nora Holm", "Adam Wik", "Ida Lindqvist", "Oskar Fors", "Wilma Strand"],
            ),
        ]
        trainee_count = 0
        for school_name, programme, trainer, day, names in trained:
            listed = [f"{n} <{n.lower().replace(' ', '.')}@skola.example>" for n in names]
            trainee_count += trainees.report_by_hand(db, trainer, school_name, programme, day, listed, today)["added"]

        from steg2cli.services import followup

        meetings = [
            ("network", ago(years=1, months=2), "Nätverksträff, vårterminen"),
            ("conference", ago(years=1, months=1), None),
            ("network", ago(months=10), "Nätverksträff, höstterminen"),
            ("network", ago(months=5), "Nätverksträff, vårterminen"),
            ("conference", ago(months=1), None),
        ]
        who = {0: [anna, erik, maria], 1: [anna, maria], 2: [anna, erik], 3: [anna, maria], 4: [anna]}
        for index, (kind, day, title) in enumerate(meetings):
            meeting = followup.add_meeting(db, kind, day, title)["id"]
            followup.attend(db, meeting, who[index], today)

        # Invented numbers with valid check digits (the Peppol kit's example seller and Bankgirot's test
        # bankgiro): enough for `steg2 invoice einvoice` to write files that pass the official rules.
        for key, value in [
            ("seller.org-number", "802000-1239"),
            ("seller.address", "Box 1234\n118 20 Stockholm"),
            ("seller.email", "faktura@man.example"),
            ("seller.bankgiro", "5050-1055"),
            ("seller.f-skatt", "ja"),
        ]:
            settings.set_value(db, key, value)
        for place, name, org, address, reference in [
            ("Gävle", "Gävle kommun", "212000-2528", "Fakturaservice\nBox 1\n801 84 Gävle", "BUN-2024-17"),
            ("Stockholm", "Stockholms stad", "212000-2486", "Box 2\n105 35 Stockholm", "UTB-4411"),
            ("Umeå", "Umeå kommun", "212000-2171", "Box 3\n901 84 Umeå", "GYM-17"),
            ("Malmö", "Malmö stad", "212000-1124", "Box 4\n205 80 Malmö", "GSF-2026"),
        ]:
            payers.update(
                db, place, payers.PayerDetails(name=name, org_number=org, address=address, reference=reference)
            )
        issued = invoicing.run(db, ago(months=6), today)["invoices"]
        return {
            "trainers": len(ids),
            "courses": 3,
            "agreements": 4,
            "schools": school_count,
            "trainees": trainee_count,
            "invoices": len(issued),
        }


def fill_scale(
    db: Database, today: date, trainers: int, years: int = 10, schools: int | None = None, trainees: int | None = None
) -> dict[str, int]:
    """A register at national scale for benchmarks, written in bulk and consistent with every rule.

    `trainers` trainers spread over the 290 municipalities, each certified on an open course and under
    agreement for `years` years; 5/3 as many schools, each running one programme started by a trainer
    of its municipality; 200/3 trainees per trainer, each trained while their programme ran.
    """
    from sqlalchemy import insert

    from steg2cli.models import (
        Agreement,
        Course,
        CourseParticipant,
        Municipality,
        School,
        SchoolProgramme,
        Step,
        Trainee,
    )

    schools_n = schools or max(trainers * 5 // 3, 1)
    trainees_n = trainees or trainers * 200 // 3
    programmes = ("mvp-hs", "mvp-ms", "mvp-gy", "at")
    first_year = today - relativedelta(years=years)

    def chunked(model: Any, rows: Any) -> None:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                session.execute(insert(model), batch)
                batch = []
        if batch:
            session.execute(insert(model), batch)

    with db.write("demo --scale") as session:
        if session.scalar(select(func.count()).select_from(Trainer)):
            raise Conflict(_("the database already holds trainers; use a new database for --scale"))
        codes = [m.code for m in session.scalars(select(Municipality).order_by(Municipality.code))]
        starts = [first_year + relativedelta(days=i % 300) for i in range(trainers)]
        chunked(
            Trainer,
            (
                {
                    "id": i + 1,
                    "name": f"Utbildare {i + 1}",
                    "email": f"utbildare{i + 1}@scale.example",
                    "phone": None,
                    "municipality_code": codes[i % len(codes)],
                    "basic_training": first_year - relativedelta(years=3),
                    "series_held": first_year - relativedelta(years=2),
                    "appointed_by": "Rektor Exempel, rektor",
                    "programmes": "mvp-hs",
                    "registered_on": first_year,
                    "erased_on": None,
                }
                for i in range(trainers)
            ),
        )
        courses = (trainers + 29) // 30
        chunked(
            Course,
            (
                {
                    "id": c + 1,
                    "kind": "open",
                    "course_date": first_year - relativedelta(months=2),
                    "municipality_code": None,
                    "place": "Stockholm",
                    "completed_on": first_year - relativedelta(months=2),
                    "billed": True,  # an open course owes nothing itself; its seats do
                }
                for c in range(courses)
            ),
        )
        chunked(
            CourseParticipant,
            (
                {"course_id": i // 30 + 1, "trainer_id": i + 1, "municipality_code": codes[i % len(codes)]}
                for i in range(trainers)
            ),
        )
        chunked(
            Agreement,
            (
                {
                    "id": i + 1,
                    "trainer_id": i + 1,
                    "start": starts[i],
                    "end": None,
                    "end_reason": None,
                    "municipality_code": codes[i % len(codes)],
                    "school_id": None,
                }
                for i in range(trainers)
            ),
        )
        # School s lies in municipality s mod 290 and is started by the trainer of that municipality.
        leader = [s % min(trainers, len(codes)) for s in range(schools_n)]
        run_start = [starts[leader[s]] + relativedelta(days=30) for s in range(schools_n)]
        chunked(
            School,
            (
                {
                    "id": s + 1,
                    "name": f"Skola {s + 1}",
                    "name_key": f"skola {s + 1}",
                    "municipality_code": codes[leader[s] % len(codes)],
                    "payer_id": None,
                }
                for s in range(schools_n)
            ),
        )
        chunked(
            SchoolProgramme,
            (
                {
                    "id": s + 1,
                    "school_id": s + 1,
                    "programme": programmes[s % 4],
                    "start": run_start[s],
                    "trainer_id": leader[s] + 1,
                    "contact_name": f"Kontakt {s + 1}",
                    "contact_email": f"kontakt{s + 1}@skola.example",
                    "contact_phone": None,
                    "stopped_on": None,
                    "stop_reason": None,
                }
                for s in range(schools_n)
            ),
        )
        chunked(
            Step,
            (
                {
                    "run_id": s + 1,
                    "step": "forankring",
                    "once_key": "forankring",
                    "step_date": run_start[s],
                    "trainer_id": leader[s] + 1,
                }
                for s in range(schools_n)
            ),
        )
        span_days = max((today - relativedelta(days=1) - max(run_start)).days, 1) if run_start else 1
        chunked(
            Trainee,
            (
                {
                    "name": f"Deltagare {t + 1}",
                    "name_key": f"deltagare {t + 1}",
                    "email": f"deltagare{t + 1}@skola.example",
                    "school_id": t % schools_n + 1,
                    "programme": programmes[(t % schools_n) % 4],
                    "trained_on": run_start[t % schools_n] + relativedelta(days=t % span_days),
                    "trainer_id": leader[t % schools_n] + 1,
                    # Reported a week after the training (as lists come in over the years), never after today.
                    "reported_on": min(run_start[t % schools_n] + relativedelta(days=t % span_days + 7), today),
                }
                for t in range(trainees_n)
            ),
        )
        from steg2cli.services.common import refresh_activity

        refresh_activity(session)
        touched(session, "demo-scale", trainers)
        return {"trainers": trainers, "schools": schools_n, "trainees": trainees_n, "agreements": trainers}
