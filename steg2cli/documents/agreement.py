"""The yearly agreement (överenskommelse) between MÄN and a Steg 2 trainer, printed for signature (rule 39).

It names the parties (MÄN, and the municipality or school's payer that pays the fee), the trainer, where
the trainer may work (the scope, rule 5), the yearly periods and how they renew (rule 6), what ends the
agreement (rule 8), the fee from the price list (rules 16-17), and what each side undertakes, as MÄN
describes the Steg 2 commission (written here in our own words), then lines to sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steg2cli.documents.common import (
    Payer,
    Seller,
    day,
    kr,
    payer_data,
    percent,
    render,
    seller_data,
)
from steg2cli.rules import Span

#: What the trainer undertakes (DOMAIN.md's seed 000, in our own words).
TRAINER_DUTIES = (
    "använda och sprida MVP och Agera tillsammans bara i icke-kommersiellt syfte och bara inom "
    "överenskommelsens område (kommunen, eller den skola som anges);",
    "känna till och arbeta efter MÄN:s stöd- och implementeringsmanualer;",
    "hålla grundutbildningen så som MÄN har utformat den och, så långt det går, även de övriga insatser "
    "MÄN rekommenderar när en ny skola startar;",
    "meddela MÄN när en ny skola börjar arbeta med MVP eller Agera tillsammans, och vem som är skolans kontaktperson;",
    "skicka MÄN en förteckning över alla som utbildaren utbildar till MVP- eller AT-ledare;",
    "meddela MÄN om en skola slutar arbeta med metoden eller om något problem som rör programmet uppstår på en skola;",
    "delta i årets två nätverksträffar för kompetensutveckling och i konferensen under En vecka fri från våld;",
    "verka för kvalitet och för att metoden används så som den är avsedd.",
)

#: What MÄN undertakes (seed 000, in our own words).
MAN_DUTIES = (
    "en kontaktperson hos MÄN som svarar på frågor och ger stöd;",
    "två nätverksträffar om året för kompetensutveckling;",
    "en plats på MÄN:s konferens om våldsprevention under En vecka fri från våld, eller en motsvarande konferens;",
    "ett nätverk av andra Steg 2-utbildare att dela erfarenheter med;",
    "möjlighet att påverka materialet när det revideras, två gånger om året;",
    "utbildningsmaterialet för MVP och Agera tillsammans.",
)

STEPS = (
    "förankringssamtal med skolans ledning, kunskapshalvdag för all personal, grundutbildning del 1-3 för "
    "de blivande ledarna och handledning av skolans MVP/AT-team"
)


@dataclass(frozen=True)
class Trainer:
    """The trainer the agreement is with: name, e-mail, phone, home municipality, who appointed them, and
    the day they were certified (rule 3)."""

    name: str
    email: str
    phone: str = ""
    municipality: str = ""
    appointed_by: str = ""
    certified_on: date | None = None


@dataclass(frozen=True)
class Agreement:
    """One agreement as it stands: its id, MÄN, the payer of its fees, its trainer and scope (a
    municipality's name, and a school's name when it is bound to one school), its start and end (the first
    day no longer in force, or None), the yearly fee in öre with its VAT rate (basis points) and note, and
    the day it is printed."""

    number: int
    seller: Seller
    payer: Payer
    trainer: Trainer
    municipality: str
    start: date
    printed_on: date
    fee: int
    school: str = ""
    end: date | None = None
    fee_vat_rate: int = 0
    fee_vat_note: str = ""


def file_name(agreement: Agreement) -> str:
    """`overenskommelse-12.pdf`."""
    return f"overenskommelse-{agreement.number}.pdf"


def agreement_pdf(agreement: Agreement) -> bytes:
    """The agreement as a PDF/A-3b file for signature (A4, Swedish, fonts embedded)."""
    return render("agreement.typ", agreement_data(agreement), agreement.printed_on)


def agreement_data(agreement: Agreement) -> dict[str, object]:
    """What the template prints."""
    trainer = agreement.trainer
    span = Span(agreement.start, agreement.end)
    first, last = span.period(0)
    municipality = f"{agreement.municipality} kommun"
    scope = f"skolan {agreement.school} i {municipality}" if agreement.school else municipality
    facts: list[tuple[str, str]] = [
        ("Överenskommelse nr", str(agreement.number)),
        ("Steg 2-utbildare", trainer.name),
        ("Omfattning", scope[0].upper() + scope[1:]),
        ("Gäller från", day(agreement.start)),
        ("Första perioden", f"{day(first)} – {day(last)}"),
    ]
    if agreement.end is not None:
        facts.append(("Upphör", day(agreement.end)))
    facts.append(("Årsavgift", kr(agreement.fee) + ("" if not agreement.fee_vat_rate else " exkl. moms")))
    facts.append(("Utskriven", day(agreement.printed_on)))
    fee_vat = (
        f"Moms tillkommer med {percent(agreement.fee_vat_rate)}."
        if agreement.fee_vat_rate
        else (f"Ingen moms tas ut: {agreement.fee_vat_note}" if agreement.fee_vat_note else "Ingen moms tas ut.")
    )
    second = span.period(1)
    if agreement.end is not None and agreement.end <= agreement.start:
        period_text = [
            f"Överenskommelsen avslutades samma dag som den skulle börja gälla ({day(agreement.end)}) "
            "och har aldrig varit i kraft."
        ]
    else:
        period_text = [
            f"Överenskommelsen gäller från {day(agreement.start)} och löper i perioder om ett år: den första "
            f"perioden är {day(first)} – {day(last)}, nästa {day(second[0])} – {day(second[1])}, och så vidare. "
            "Den förnyas automatiskt för ett år i taget tills den avslutas.",
            "En flytt till en annan kommun (eller, för en överenskommelse som gäller en skola, till en annan skola) "
            "avslutar överenskommelsen samma dag: utbildaren har då inte längre rätt att utbilda där. Att arbeta "
            "på den nya orten kräver en ny överenskommelse.",
        ]
        if agreement.end is not None:
            period_text.append(f"Överenskommelsen upphör {day(agreement.end)} (den första dagen den inte gäller).")
    contact = [trainer.email] if trainer.email else []
    if trainer.phone:
        contact.append(f"telefon {trainer.phone}")
    sections = [
        {
            "heading": "Parter",
            "paragraphs": [
                f"Denna överenskommelse är träffad mellan {agreement.seller.name or 'MÄN'} (MÄN)"
                + (
                    f", organisationsnummer {seller_data(agreement.seller)['org_number']},"
                    if agreement.seller.org_number
                    else ""
                )
                + f" och Steg 2-utbildaren {trainer.name}"
                + (f" ({', '.join(contact)})" if contact else "")
                + f". Årsavgiften betalas av {agreement.payer.name}.",
            ],
            "items": [],
        },
        {
            "heading": "Uppdraget och var det gäller",
            "paragraphs": [
                f"Utbildaren får under de dagar överenskommelsen gäller hålla alla insatser när MVP eller Agera "
                f"tillsammans startar på en skola ({STEPS}) och utbilda nya MVP- och AT-ledare, vid skolor inom "
                f"{scope}. Utanför det området, och före eller efter överenskommelsens giltighetstid, har "
                "utbildaren inte rätt att utbilda.",
            ]
            + ([f"Utbildaren är utsedd av {trainer.appointed_by}."] if trainer.appointed_by else [])
            + (
                [f"Utbildaren blev certifierad Steg 2-utbildare {day(trainer.certified_on)}."]
                if trainer.certified_on
                else []
            ),
            "items": [],
        },
        {"heading": "Giltighetstid och förnyelse", "paragraphs": period_text, "items": []},
        {
            "heading": "Avgift",
            "paragraphs": [
                f"För varje påbörjat överenskommelseår betalar {agreement.payer.name} en årsavgift enligt MÄN:s "
                f"prislista, i dag {kr(agreement.fee)} per år. {fee_vat} Avgiften faktureras när perioden börjar; "
                "en påbörjad period återbetalas inte.",
            ],
            "items": [],
        },
        {"heading": "Utbildaren åtar sig att", "paragraphs": [], "items": list(TRAINER_DUTIES)},
        {"heading": "MÄN åtar sig att erbjuda", "paragraphs": [], "items": list(MAN_DUTIES)},
    ]
    return {
        "title": f"Överenskommelse {agreement.number}, {trainer.name}",
        "heading": "Överenskommelse",
        "subtitle": "Steg 2-utbildare i MVP och Agera tillsammans",
        "seller": seller_data(agreement.seller),
        "payer": payer_data(agreement.payer),
        "facts": facts,
        "sections": sections,
        "signing": "Överenskommelsen är upprättad i två likalydande exemplar, ett för var och en av parterna.",
        "signatures": [
            {"party": f"För {agreement.seller.name or 'MÄN'}", "name": ""},
            {"party": "Steg 2-utbildare", "name": trainer.name},
            {"party": f"För {agreement.payer.name}", "name": ""},
        ],
    }
