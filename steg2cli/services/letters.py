"""Letters to trainers (rule 44): to each trainer who leads a running programme with nobody reported trained
this year (`lists`), who is short of the year's meetings (`meetings`), or whose agreement year starts within 30
days (`renewal`); in Swedish, by e-mail (a server or the outbox), recorded as deliveries, and not sent to the
same trainer about the same thing and year twice unless asked again."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database
from steg2cli.errors import BadInput
from steg2cli.i18n import _
from steg2cli.models import Meeting, Trainer
from steg2cli.services import common, settings
from steg2cli.services.delivery import Item, channels, deliver, states


def _lead_trainers(session: Session, day: date) -> dict[int, int]:
    """Each running programme's leading trainer on `day` (a later lead from its date on)."""
    from steg2cli.models import ProgrammeLead, SchoolProgramme

    leads = {
        run.id: run.trainer_id
        for run in session.execute(
            select(SchoolProgramme.id, SchoolProgramme.trainer_id).where(
                SchoolProgramme.start <= day,
                (SchoolProgramme.stopped_on.is_(None)) | (SchoolProgramme.stopped_on > day),
            )
        )
    }
    for run_id, trainer_id in session.execute(
        select(ProgrammeLead.run_id, ProgrammeLead.trainer_id)
        .where(ProgrammeLead.from_date <= day)
        .order_by(ProgrammeLead.from_date, ProgrammeLead.id)
    ):
        if run_id in leads:
            leads[run_id] = trainer_id
    return leads


def _owed_lists(session: Session, year: int, day: date) -> dict[int, list[str]]:
    """Rule 44, `lists`: per trainer, the running programmes they lead whose school has nobody reported
    trained in that programme this year (programme and school, as the letter names them)."""
    from steg2cli.models import School, SchoolProgramme, Trainee

    leads = _lead_trainers(session, day)
    if not leads:
        return {}
    reported = {
        (school_id, programme)
        for school_id, programme in session.execute(
            select(Trainee.school_id, Trainee.programme)
            .where(
                Trainee.void_on.is_(None),
                Trainee.trained_on.between(date(year, 1, 1), date(year, 12, 31)),
            )
            .distinct()
        )
    }
    owed: dict[int, list[str]] = defaultdict(list)
    for run_id, school_id, programme, school, code in session.execute(
        select(
            SchoolProgramme.id,
            SchoolProgramme.school_id,
            SchoolProgramme.programme,
            School.name,
            School.municipality_code,
        )
        .join(School, School.id == SchoolProgramme.school_id)
        .where(SchoolProgramme.id.in_(list(leads)))
        .order_by(School.name, SchoolProgramme.programme)
    ):
        if (school_id, programme) not in reported:
            place = common.place_name(session, code)
            owed[leads[run_id]].append(f"{PROGRAMME_NAMES.get(programme, programme)} på {school}, {place}")
    return owed


PROGRAMME_NAMES = {
    "mvp-ms": "MVP mellanstadiet",
    "mvp-hs": "MVP högstadiet",
    "mvp-gy": "MVP gymnasiet",
    "at": "Agera tillsammans",
}


#: A gathering kind in a letter: its Swedish name, singular and plural.
MEETING_WORDS = {"network": ("nätverksträff", "nätverksträffar"), "conference": ("konferens", "konferenser")}


def _meetings(count: int, kind: str) -> str:
    """`1 nätverksträff`, `0 nätverksträffar`, `2 konferenser`: a count with its Swedish plural (letters
    are written in Swedish whatever the terminal's language)."""
    singular, plural = MEETING_WORDS.get(kind, (kind, kind))
    return f"{count} {singular if count == 1 else plural}"


def _letter(about: str, name: str, year: int, details: dict[str, Any], seller: dict[str, str]) -> tuple[str, str]:
    """The subject and text of a letter to a trainer, in Swedish."""
    greeting = [f"Hej {name},", ""]
    closing = ["", "Vänliga hälsningar", seller.get("name", "Män för jämställdhet")]
    if about == "lists":
        programmes = details["programmes"]
        lines = [
            f"Enligt vårt register har ingen rapporterats som utbildad under {year} i "
            + ("programmet" if len(programmes) == 1 else "programmen")
            + " du leder:",
            "",
            *(f"  • {p}" for p in programmes),
            "",
            "Skicka oss listan över dem du har utbildat (namn, e-post, skola, program och datum) så snart du kan.",
            "Har du inte utbildat någon ännu i år behöver du inte göra något.",
        ]
        return f"Lista över utbildade {year}", "\n".join(greeting + lines + closing) + "\n"
    if about == "meetings":
        network, conferences = details["network_meetings"], details["conferences"]
        required = details["required"]
        left_network, left_conferences = rules.meetings_left(network, conferences, required)
        still = [
            text
            for count, text in (
                (left_network, _meetings(left_network, "network")),
                (left_conferences, _meetings(left_conferences, "conference")),
            )
            if count
        ]
        lines = [
            f"Som Steg 2-utbildare deltar du varje år i {_meetings(required.get('network', 0), 'network')} "
            f"och {_meetings(required.get('conference', 0), 'conference')}.",
            f"Under {year} har du hittills deltagit i {_meetings(network, 'network')} "
            f"och {_meetings(conferences, 'conference')}.",
            f"Kvar att delta i: {' och '.join(still)}.",
        ]
        if details["upcoming"]:
            lines += ["", "Kommande träffar:", *(f"  • {m}" for m in details["upcoming"])]
        return f"Nätverksträffar och konferens {year}", "\n".join(greeting + lines + closing) + "\n"
    renews, fee = details["renews_on"], details["fee"]
    lines = [
        f"Din överenskommelse med {seller.get('name', 'Män för jämställdhet')} förnyas den {renews} för ett år till.",
        (
            f"Årsavgiften för det nya året är {rules.format_kr(fee)}."
            if fee is not None
            else "Årsavgiften faktureras enligt prislistan."
        ),
        "Vill du inte fortsätta ber vi dig höra av dig före det datumet.",
    ]
    return f"Din överenskommelse förnyas {renews}", "\n".join(greeting + lines + closing) + "\n"


def letters(
    db: Database,
    about: str,
    year: int,
    day: date,
    again: bool = False,
    dry_run: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Rule 44: one letter to each trainer owing what `about` names, unless already told this year."""
    from steg2cli.services import followup, invoicing

    if today is not None:
        problems = rules.not_in_future(_("the letters"), day, today)
        if problems:
            raise BadInput(problems[0])

    if about not in rules.LETTER_SUBJECTS:
        raise BadInput(
            _("unknown letter '{about}' (known: {join})").format(about=about, join=", ".join(rules.LETTER_SUBJECTS))
        )
    with db.read() as session:
        where = channels(session)
        seller = settings.seller(session)
        owed: dict[int, dict[str, Any]] = {}
        if about == "lists":
            for trainer_id, programmes in _owed_lists(session, year, day).items():
                owed[trainer_id] = {"programmes": programmes, "year": year}
        elif about == "meetings":
            kinds = {"network": "nätverksträff", "conference": "konferens"}
            gatherings = common.definition(session).gatherings
            upcoming = [
                f"{m.meeting_date.isoformat()} {kinds.get(m.kind) or gatherings.get(m.kind, m.kind)}"
                + (f": {m.title}" if m.title else "")
                for m in session.scalars(
                    select(Meeting)
                    .where(Meeting.meeting_date > day, Meeting.meeting_date <= date(year, 12, 31))
                    .order_by(Meeting.meeting_date, Meeting.id)
                )
            ]
            # A trainer marked no longer active by the day is not written to (followup leaves them out).
            for row in followup._compliance_rows(session, year, with_municipality=False, day=day):
                if not row["ok"]:
                    owed[row["trainer_id"]] = {
                        "network_meetings": row["network_meetings"],
                        "conferences": row["conferences"],
                        "required": row["required"],
                        "upcoming": upcoming,
                        "year": year,
                    }
        else:
            prices = invoicing.price_list(session)
            _count, renewals = followup._renewals(session, day, 10**9)
            for renewal in renewals:
                renews = date.fromisoformat(renewal["renews_on"])
                price = rules.price_on(prices, "annual-fee", renews)
                owed[renewal["trainer_id"]] = {
                    "renews_on": renewal["renews_on"],
                    "fee": price.amount if price is not None else None,
                    "year": renews.year,
                }
        trainers = {
            t.id: t
            for t in session.scalars(select(Trainer).where(Trainer.id.in_(sorted(owed)), Trainer.erased_on.is_(None)))
        }
        keys = {tid: f"letter:{about}:{details['year']}:{tid}" for tid, details in owed.items()}
        known = states(session, keys.values())
    items: list[Item] = []
    skipped: list[dict[str, Any]] = []
    for trainer_id in sorted(owed, key=lambda t: (trainers[t].name, t) if t in trainers else ("", t)):
        trainer = trainers.get(trainer_id)
        if trainer is None:
            continue
        details = owed[trainer_id]
        state, _newest = known.get(keys[trainer_id], (None, None))
        if not rules.to_deliver(state, again, named=True):
            skipped.append({"trainer_id": trainer_id, "about": about, "status": state})
            continue
        subject, body = _letter(about, trainer.name, details["year"], details, seller)
        items.append(
            Item(
                key=keys[trainer_id],
                kind="letter",
                channel="email",
                recipient=trainer.email,
                subject=subject,
                body=body,
                trainer_id=trainer_id,
                about=about,
                year=details["year"],
            )
        )
    outcome = deliver(db, items, where, day, "mail trainers", dry_run)
    # Rule 44: a trainer's address appears in the letter and in `mail list`, not in this command's answer.
    return {
        "sent": [{k: v for k, v in sent.items() if k != "to"} for sent in outcome.delivered],
        "skipped": skipped,
        "failed": [{k: v for k, v in failed.items() if k != "to"} for failed in outcome.failed],
        "uncertain": outcome.uncertain,
        "dry_run": dry_run,
        "stopped": outcome.stopped or None,
    }
