"""`steg2 demo`: a small, realistic register to look at and to try commands on."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from steg2cli.db import Database
from steg2cli.errors import Conflict
from steg2cli.models import Trainer
from steg2cli.services import agreements, courses, trainers


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
        return {"trainers": len(ids), "courses": 3, "agreements": 4}
