"""SIE 4 (type 4I) for the accounting program (rule 34): verifications in, CP437 bytes out.

Written from the SIE format specification (SIE-gruppen, "SIE filformat", version 4): one record a line,
`#LABEL field field …`, text fields in quotes, amounts with a decimal point, debit positive and credit
negative, the character set IBM PC 8-bit (code page 437). Same input, same bytes: nothing here reads the
clock; `#GEN` is the day the file is made, which the caller gives (`Export.made`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from steg2cli.i18n import _

ENCODING = "cp437"
NEWLINE = "\r\n"


@dataclass(frozen=True)
class Transaction:
    """One line of a verification: an account and an amount in öre (debit positive, credit negative)."""

    account: str
    amount: int


@dataclass(frozen=True)
class Verification:
    """A balanced verification (its transactions sum to zero)."""

    day: date
    text: str
    transactions: Sequence[Transaction]


@dataclass(frozen=True)
class Export:
    """What the file holds: the company, the period, the accounts used, the verifications."""

    company: str
    org_number: str  # 10 digits
    first: date
    last: date
    accounts: Mapping[str, str]  # number → name
    verifications: Sequence[Verification]
    program: str = "steg2"
    version: str = ""
    made: date | None = None  # the day the file is made (`#GEN`); None: the period's last day


#: Characters outside code page 437 that have a plain stand-in (typographic dashes, quotes, spaces).
STAND_INS = {
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2026": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u20ac": "EUR",
    "\u0141": "L",
    "\u0142": "l",
    "\u00d8": "O",
    "\u00f8": "o",
}


def cp437(text: str) -> str:
    """Text as code page 437 can carry it: a typographic character as its plain stand-in (– as -), a letter
    with an accent CP437 lacks as the letter without it, anything else as `?`."""
    import unicodedata

    out = []
    for ch in text:
        try:
            ch.encode(ENCODING)
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        if ch in STAND_INS:
            out.append(STAND_INS[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            base.encode(ENCODING)
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def not_carried(texts: Sequence[str]) -> list[tuple[str, str]]:
    """Of these texts, those CP437 cannot carry as they are, each with what the file will say instead."""
    return [(text, cp437(text)) for text in dict.fromkeys(texts) if cp437(text) != text]


def quoted(text: str) -> str:
    """A text field: in quotes, quotes and backslashes escaped, control characters dropped."""
    clean = "".join(ch for ch in cp437(text) if ch >= " " and ch != "\x7f")
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


def amount(ore: int) -> str:
    """Öre as SIE writes an amount: 1234567 → `12345.67`, -5 → `-0.05`."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor}.{rest:02d}"


def day(value: date) -> str:
    """`YYYYMMDD`."""
    return value.strftime("%Y%m%d")


def write(export: Export) -> bytes:
    """The SIE 4I file; ValueError for an unbalanced verification or an undeclared account."""
    lines = [
        "#FLAGGA 0",
        f"#PROGRAM {quoted(export.program)} {quoted(export.version)}",
        "#FORMAT PC8",
        f"#GEN {day(export.made or export.last)}",
        "#SIETYP 4",
        f"#ORGNR {export.org_number[:6]}-{export.org_number[6:]}" if len(export.org_number) == 10 else "",
        f"#FNAMN {quoted(export.company)}",
    ]
    # Each financial (calendar) year the period touches, the latest as 0, the one before as -1, and so on.
    for back, year in enumerate(range(export.last.year, export.first.year - 1, -1)):
        lines.append(f"#RAR {-back} {year}0101 {year}1231")
    lines += [f"#KONTO {number} {quoted(name)}" for number, name in sorted(export.accounts.items())]
    for verification in export.verifications:
        if sum(t.amount for t in verification.transactions) != 0:
            raise ValueError(_("the verification '{text}' does not balance").format(text=verification.text))
        lines.append(f'#VER "" "" {day(verification.day)} {quoted(verification.text)}')
        lines.append("{")
        for transaction in verification.transactions:
            if transaction.account not in export.accounts:
                raise ValueError(_("account {account} is not declared").format(account=transaction.account))
            lines.append(f"   #TRANS {transaction.account} {{}} {amount(transaction.amount)}")
        lines.append("}")
    text = NEWLINE.join(line for line in lines if line) + NEWLINE
    return text.encode(ENCODING, errors="replace")
