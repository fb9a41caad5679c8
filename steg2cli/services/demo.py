"""`steg2 demo`: a small, realistic register to look at and to try commands on."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from steg2cli.db import Database
from steg2cli.errors import Conflict
from steg2cli.models import Trainer
from steg2cli.services import agreements, courses, invoicing, schools, settings, trainees, trainers


def fill(db: Database, today: date) -> dict[str, int]:
    """Fill an empty database with sample data dated around `today`; all in one transaction."""

    def ago(years: int = 0, months: int = 0, days: int = 0) -> date:
        return today - relativedelta(years=years, months=months, days=days)

    with db.write("demo") as session:
        if session.scalar(select(func.count()).select_from(Trainer)):
            raise Conflict("the database already holds trainers; run the demo on a new database (--db demo.db)")
        people = [
            ("Anna Lind", "anna.lind@gavle.example", "Gävle", "Karin Ek, rektor Nordhemsskolan", ("mvp-hs",)),
            ("Erik Berg", "erik.berg@gavle.example", "Gävle", "Per Holm, skolchef", ("mvp-ms", "at")),
            ("Jonas Ek", "jonas.ek@gavle.example", "Gävle", "Karin Ek, rektor Nordhemsskolan", ("mvp-hs",)),
            ("Sara Nilsson", "sara.nilsson@umea.example", "Umeå", "Lena Öst, rektor Ålidhemsskolan", ("mvp-gy",)),
            ("Maria Svensson", "maria.svensson@stockholm.example", "Stockholm", "Ali Kaya, biträdande rektor",
             ("mvp-hs", "mvp-ms")),
            ("Karim Haddad", "karim.haddad@malmo.example", "Malmö", "Eva Lund, rektor Rosengårdsskolan", ("at",)),
        ]
        ids: dict[str, int] = {}
        for name, email, home, appointed, programmes in people:
            new = trainers.NewTrainer(
                name=name, email=email, municipality=home, basic_training=ago(years=4),
                series_held=ago(years=3, months=6), appointed_by=appointed, phone="070-123 45 67",
                programmes=programmes,
            )
            ids[name] = trainers.register(db, new, today)["id"]

        spring = courses.add(db, "open", ago(years=2, months=3), None, "Stockholm")["id"]
        courses.enrol(db, str(spring), [str(ids[n]) for n in ("Anna Lind", "Jonas Ek", "Sara Nilsson",
                                                               "Maria Svensson")])
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
            ("Nordhemsskolan", "Gävle", "mvp-hs", ago(years=1, months=6), anna, ("Lisa Berg", "lisa.berg"),
             [("forankring", ago(years=1, months=6)), ("kunskapshalvdag", ago(years=1, months=5)),
              ("grundutbildning-1", ago(years=1, months=4)), ("grundutbildning-2", ago(years=1, months=4, days=-7)),
              ("grundutbildning-3", ago(years=1, months=3)), ("handledning", ago(years=1)),
              ("handledning", ago(months=5))], None),
            ("Vallbacksskolan", "Gävle", "at", ago(months=3), erik, ("Omar Said", "omar.said"),
             [("forankring", ago(months=3)), ("kunskapshalvdag", ago(months=2))], None),
            ("Sätraskolan", "Gävle", "mvp-ms", ago(years=1), anna, ("Eva Holm", "eva.holm"),
             [("forankring", ago(years=1)), ("kunskapshalvdag", ago(months=11))],
             (ago(months=2), "ny skolledning prioriterar annat")),
            ("Enskedefältets skola", "Stockholm", "mvp-hs", ago(months=10), maria, ("Jon Ek", "jon.ek"),
             [("forankring", ago(months=10)), ("grundutbildning-1", ago(months=9)),
              ("grundutbildning-2", ago(months=8))], None),
        ]
        school_count = 0
        for name, home, programme, start, leader, (contact, mailbox), steps, stop in school_plan:
            school_id = str(schools.start(db, schools.ProgrammeStart(
                school=name, municipality=home, programme=programme, start=start, trainer=leader,
                contact_name=contact, contact_email=f"{mailbox}@skola.example", contact_phone="026-10 00 00",
            ))["id"])
            school_count += 1
            for step, when in steps:
                schools.record_step(db, school_id, programme, step, when, leader, today)
            if stop is not None:
                schools.note_problem(db, school_id, stop[0] - relativedelta(weeks=3),
                                     "Teamet har inte fått tid för lektionerna.", today)
                schools.stop(db, school_id, programme, stop[0], stop[1], today)
        trained = [("Nordhemsskolan", "mvp-hs", anna, ago(years=1, months=4),
                    ["Sofia Lund", "Ahmed Ali", "Elin Berg", "Johan Nyberg", "Maja Ek", "Leo Sandberg"]),
                   ("Enskedefältets skola", "mvp-hs", maria, ago(months=9),
                    ["Nora Holm", "Adam Wik", "Ida Lindqvist", "Oskar Fors", "Wilma Strand"])]
        trainee_count = 0
        for school_name, programme, trainer, day, names in trained:
            people = [f"{n} <{n.lower().replace(' ', '.')}@skola.example>" for n in names]
            trainee_count += trainees.report_by_hand(db, trainer, school_name, programme, day, people, today)["added"]

        from steg2cli.services import followup

        meetings = [("network", ago(years=1, months=2), "Nätverksträff, vårterminen"),
                    ("conference", ago(years=1, months=1), None),
                    ("network", ago(months=10), "Nätverksträff, höstterminen"),
                    ("network", ago(months=5), "Nätverksträff, vårterminen"),
                    ("conference", ago(months=1), None)]
        who = {0: [anna, erik, maria], 1: [anna, maria], 2: [anna, erik], 3: [anna, maria], 4: [anna]}
        for index, (kind, day, title) in enumerate(meetings):
            meeting = followup.add_meeting(db, kind, day, title)["id"]
            followup.attend(db, meeting, who[index], today)

        for key, value in [("seller.org-number", "802000-0000"), ("seller.address", "Box 0000, 100 00 Stockholm"),
                           ("seller.email", "faktura@man.example"), ("seller.bankgiro", "000-0000")]:
            settings.set_value(db, key, value)
        invoicing.set_payer(db, "Gävle", "Gävle kommun\\nFakturaservice\\nBox 1\\n801 84 Gävle", "BUN-2024-17", None)
        invoicing.set_payer(db, "Stockholm", "Stockholms stad\\nBox 2\\n105 35 Stockholm", "UTB-4411", None)
        issued = invoicing.run(db, ago(months=6), today)["invoices"]
        return {"trainers": len(ids), "courses": 3, "agreements": 4, "schools": school_count,
                "trainees": trainee_count, "invoices": len(issued)}
