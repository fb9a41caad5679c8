"""Bankgirot's BgMax file (Bankgiro Inbetalningar): bytes in, sections of payments and problems out.

Fixed records of 80 characters, Latin-1; the layout is summarised in ../shared/payments/README.md. The
reader is strict about what it knows (a known record whose fields do not fit its layout, or totals that
do not add up, is a damaged file) and ignores record types it does not know, as Bankgirot asks. Every
problem is reported with its line, so a file is taken whole or not at all (rule 32).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from steg2cli.i18n import N_, _, ngettext
from steg2cli.rules import format_kr

RECORD = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Payment:
    """One payment (`20`) or deduction (`21`, a negative amount) with its references and payer."""

    line: int
    amount: int  # öre; negative for a deduction
    reference: str  # the reference as given (an OCR number under reference code 2)
    reference_code: str
    extra_references: tuple[str, ...]  # from `22`/`23` records
    channel: str
    serial: str  # BGC serial number, unique for two years
    payer_bankgiro: str
    payer_name: str = ""
    information: tuple[str, ...] = ()

    @property
    def deduction(self) -> bool:
        return self.amount < 0

    def references(self) -> list[str]:
        """Every reference the payment carries, the main one first."""
        return [r for r in (self.reference, *self.extra_references) if r]


@dataclass
class _Draft:
    """A payment while its records are read."""

    line: int
    amount: int
    reference: str
    reference_code: str
    channel: str
    serial: str
    payer_bankgiro: str
    extra: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    name: str = ""

    def done(self) -> Payment:
        return Payment(
            self.line,
            self.amount,
            self.reference,
            self.reference_code,
            tuple(self.extra),
            self.channel,
            self.serial,
            self.payer_bankgiro,
            self.name,
            tuple(self.info),
        )


@dataclass(frozen=True)
class Section:
    """A deposit to one bankgiro number on one day: its payments and the deposit total."""

    bankgiro: str
    currency: str
    payment_date: date
    deposit_serial: str
    deposit_amount: int
    payments: tuple[Payment, ...]


@dataclass(frozen=True)
class File:
    """A whole BgMax file."""

    timestamp: str
    test: bool
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def payments(self) -> list[tuple[Section, Payment]]:
        return [(section, payment) for section in self.sections for payment in section.payments]


def looks_like(data: bytes) -> bool:
    """True for a BgMax file (its start record)."""
    return data.lstrip(b"\xef\xbb\xbf")[:7] == b"01BGMAX"


def _records(data: bytes) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    text = data.decode("latin-1")
    problems: list[tuple[int, str]] = []
    if "\n" in text or "\r" in text:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
    else:
        if len(text) % RECORD:
            problems.append(
                (len(text) // RECORD + 1, _("the file is not made of {record}-character records").format(record=RECORD))
            )
        lines = [text[i : i + RECORD] for i in range(0, len(text), RECORD)]
    records = []
    for number, line in enumerate(lines, start=1):
        if len(line) > RECORD:
            problems.append(
                (
                    number,
                    _("the record has {line_count} characters, more than {record}").format(
                        line_count=len(line), record=RECORD
                    ),
                )
            )
        elif _CONTROL.search(line):
            problems.append((number, _("the record holds a control character (a tab?)")))
        # Trailing blanks are filler: a line that lost them (an editor, an e-mail) still reads the same.
        records.append((number, line.ljust(RECORD)))
    return records, problems


def _digits(line: str, start: int, end: int) -> str | None:
    value = line[start - 1 : end]
    return value if value.isascii() and value.isdigit() else None


def _day(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def parse(data: bytes, currency_wanted: str = "SEK") -> tuple[File | None, list[tuple[int, str]]]:
    """Read a BgMax file: (the file, []) or (None, every problem as (line, what is wrong))."""
    records, problems = _records(data)
    if not records or records[0][1][:7] != "01BGMAX":
        return None, [(1, "not a BgMax file (no start record 01BGMAX)")]

    def bad(number: int, message: str) -> None:
        problems.append((number, message))

    def number(line_no: int, line: str, start: int, end: int, what: str) -> int:
        value = _digits(line, start, end)
        if value is None:
            bad(
                line_no,
                _("{what} (positions {start}-{end}) is not a number: '{line}'").format(
                    what=what, start=start, end=end, line=line[start - 1 : end].strip()
                ),
            )
            return 0
        return int(value)

    first = records[0][1]
    timestamp = first[24:44].strip()
    sections: list[Section] = []
    counts = {"20": 0, "21": 0, "22": 0, "15": 0}
    section: dict[str, object] | None = None
    payments: list[_Draft] = []
    end_seen = False
    for line_no, line in records[1:]:
        kind = line[:2]
        if end_seen:
            bad(line_no, _("a record after the end record 70"))
            continue
        if kind == "05":
            if section is not None:
                bad(line_no, _("a new section (05) before the deposit record 15 of the last one"))
            currency = line[22:25]
            if currency != currency_wanted:
                bad(
                    line_no,
                    _("the section is in {value}, not {currency_wanted}").format(
                        value=currency.strip() or _("no currency"), currency_wanted=currency_wanted
                    ),
                )
            section = {
                "line": line_no,
                "bankgiro": str(number(line_no, line, 3, 12, _("the bankgiro number"))),
                "currency": currency,
            }
            payments = []
        elif kind in ("20", "21"):
            if section is None:
                bad(line_no, _("a payment record {kind} outside a section").format(kind=kind))
                continue
            counts[kind] += 1
            amount = number(line_no, line, 38, 55, _("the amount"))
            payments.append(
                _Draft(
                    line=line_no,
                    amount=-amount if kind == "21" else amount,
                    reference=line[12:37].strip(),
                    reference_code=line[55],
                    channel=line[56],
                    serial=line[57:69],
                    payer_bankgiro=line[2:12].lstrip("0"),
                )
            )
        elif kind in ("22", "23", "25", "26", "27", "28", "29"):
            if not payments:
                bad(line_no, _("a record {kind} that belongs to no payment").format(kind=kind))
                continue
            current = payments[-1]
            if kind in ("22", "23"):
                counts["22"] += 1
                if line[12:37].strip():
                    current.extra.append(line[12:37].strip())
            elif kind == "25":
                current.info.append(line[2:52].strip())
            elif kind == "26":
                current.name = line[2:37].strip()
        elif kind == "15":
            if section is None:
                bad(line_no, _("a deposit record 15 without a section"))
                continue
            counts["15"] += 1
            day = _day(line[37:45])
            if day is None:
                bad(line_no, _("the payment date (positions 38-45) is not a date: '{line}'").format(line=line[37:45]))
            deposit = number(line_no, line, 51, 68, _("the deposit amount"))
            listed = number(line_no, line, 72, 79, _("the number of payments"))
            if line[68:71] != str(section["currency"]):
                bad(
                    line_no,
                    _("the deposit is in {value}, its section in {currency}").format(
                        value=line[68:71].strip() or _("no currency"), currency=section["currency"]
                    ),
                )
            total = sum(p.amount for p in payments)
            if total != deposit:
                bad(
                    line_no,
                    _("the payments add up to {total}, the deposit says {deposit}").format(
                        total=format_kr(total), deposit=format_kr(deposit)
                    ),
                )
            if listed != len(payments):
                bad(
                    line_no,
                    ngettext(
                        "the section holds {payments_count} payment, the deposit record says {listed}",
                        "the section holds {payments_count} payments, the deposit record says {listed}",
                        len(payments),
                    ).format(payments_count=len(payments), listed=listed),
                )
            if day is not None:
                sections.append(
                    Section(
                        bankgiro=str(section["bankgiro"]),
                        currency=str(section["currency"]),
                        payment_date=day,
                        deposit_serial=line[45:50],
                        deposit_amount=deposit,
                        payments=tuple(p.done() for p in payments),
                    )
                )
            section, payments = None, []
        elif kind == "70":
            end_seen = True
            if section is not None:
                bad(line_no, _("the end record 70 comes before the deposit record 15 of the last section"))
            for (what, key), start in zip(
                (
                    (N_("payment records 20"), "20"),
                    (N_("deduction records 21"), "21"),
                    (N_("extra reference records 22/23"), "22"),
                    (N_("deposit records 15"), "15"),
                ),
                (3, 11, 19, 27),
                strict=True,
            ):
                said = number(line_no, line, start, start + 7, _("the number of {what}").format(what=_(what)))
                if said != counts[key]:
                    bad(
                        line_no,
                        _("the end record counts {said} {what}, the file holds {counts}").format(
                            said=said, what=_(what), counts=counts[key]
                        ),
                    )
        # Other record types are skipped: Bankgirot may add some, and asks readers to ignore them.
    if not end_seen:
        bad(records[-1][0], _("the file has no end record 70 (cut short?)"))
    if problems:
        return None, sorted(problems)
    return File(timestamp=timestamp, test=first[44] == "T", sections=tuple(sections)), []
