"""A strict reader of SIE 4 files, written from the SIE specification (SIE-gruppen, "SIE filformat",
version 4B), to check what steg2 writes: it refuses anything the specification does not allow, or that an
accounting program would stumble on, rather than guessing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

#: The labels steg2 may write, in the order the specification lists them.
ORDER = ["#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#ORGNR", "#FNAMN", "#RAR", "#KONTO", "#VER"]
AMOUNT = re.compile(r"-?\d+(\.\d{1,2})?")


class SieError(ValueError):
    """The file breaks the format."""


@dataclass
class Verification:
    day: date
    text: str
    transactions: list[tuple[str, Decimal]] = field(default_factory=list)


@dataclass
class SieFile:
    header: dict[str, list[str]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    verifications: list[Verification] = field(default_factory=list)
    years: dict[int, tuple[date, date]] = field(default_factory=dict)  # #RAR: 0, -1, … → first, last day


def tokens(line: str) -> list[str]:
    """Fields of a record: blank-separated; "quoted text" with \\" and \\\\ escapes; {object lists}."""
    out, i = [], 0
    while i < len(line):
        ch = line[i]
        if ch == " ":
            i += 1
        elif ch == '"':
            j, text = i + 1, []
            while True:
                if j >= len(line):
                    raise SieError(f"unterminated text in: {line}")
                if line[j] == "\\" and j + 1 < len(line) and line[j + 1] in '"\\':
                    text.append(line[j + 1])
                    j += 2
                elif line[j] == '"':
                    break
                else:
                    text.append(line[j])
                    j += 1
            out.append("".join(text))
            i = j + 1
        elif ch == "{":
            j = line.index("}", i)
            out.append(line[i : j + 1])
            i = j + 1
        else:
            j = line.find(" ", i)
            j = len(line) if j < 0 else j
            if '"' in line[i:j]:
                raise SieError(f"a quote inside a field: {line}")
            out.append(line[i:j])
            i = j
    return out


def _date(text: str) -> date:
    if not re.fullmatch(r"\d{8}", text):
        raise SieError(f"not a date YYYYMMDD: {text}")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def read(data: bytes) -> SieFile:
    """Parse and check a SIE 4 file; SieError on the first thing that is wrong."""
    if b"\t" in data or b"\x00" in data:
        raise SieError("tabs and NUL are not allowed")
    text = data.decode("cp437")
    if not text.endswith("\r\n") or "\n" in text.replace("\r\n", ""):
        raise SieError("every line ends with CR LF")
    lines = text[:-2].split("\r\n")
    result = SieFile()
    last_order = -1
    current: Verification | None = None
    open_block = False
    for number, line in enumerate(lines, start=1):
        if any(ord(ch) < 32 for ch in line):
            raise SieError(f"line {number}: a control character")
        stripped = line.strip()
        if stripped == "{":
            if current is None or open_block:
                raise SieError(f"line {number}: a {{ that opens no verification")
            open_block = True
            continue
        if stripped == "}":
            if not open_block or current is None:
                raise SieError(f"line {number}: a }} that closes nothing")
            if not current.transactions:
                raise SieError(f"line {number}: a verification without transactions")
            total = sum(amount for _, amount in current.transactions)
            if total != 0:
                raise SieError(f"line {number}: the verification '{current.text}' is off by {total}")
            result.verifications.append(current)
            current, open_block = None, False
            continue
        fields = tokens(stripped)
        label = fields[0]
        if label == "#TRANS":
            if not open_block or current is None:
                raise SieError(f"line {number}: #TRANS outside a verification")
            if len(fields) < 4 or fields[2] != "{}" or not AMOUNT.fullmatch(fields[3]):
                raise SieError(f"line {number}: #TRANS account {{}} amount expected: {line}")
            if fields[1] not in result.accounts:
                raise SieError(f"line {number}: account {fields[1]} has no #KONTO")
            current.transactions.append((fields[1], Decimal(fields[3])))
            continue
        if open_block:
            raise SieError(f"line {number}: {label} inside a verification")
        if label not in ORDER:
            raise SieError(f"line {number}: unknown label {label}")
        position = ORDER.index(label)
        if position < last_order:
            raise SieError(f"line {number}: {label} out of order")
        last_order = position
        if number == 1 and fields != ["#FLAGGA", "0"]:
            raise SieError("the first line is #FLAGGA 0")
        if label == "#KONTO":
            if len(fields) != 3 or not re.fullmatch(r"\d{4}", fields[1]):
                raise SieError(f'line {number}: #KONTO number "name" expected')
            result.accounts[fields[1]] = fields[2]
        elif label == "#VER":
            if current is not None:
                raise SieError(f"line {number}: #VER before the last one was closed")
            if len(fields) < 5:
                raise SieError(f"line {number}: #VER series number date text expected")
            current = Verification(_date(fields[3]), fields[4])
            if result.years and not any(first <= current.day <= last for first, last in result.years.values()):
                raise SieError(f"line {number}: the verification is dated outside the financial years")
        elif label == "#RAR":
            # One per financial year the file covers: 0 the latest, -1 the one before, …, consecutive.
            if len(fields) != 4 or not re.fullmatch(r"0|-[1-9]\d*", fields[1]):
                raise SieError(f"line {number}: #RAR year-number start end expected")
            index = int(fields[1])
            if index in result.years or index != -len(result.years):
                raise SieError(f"line {number}: #RAR {index} out of order or twice")
            first, last = _date(fields[2]), _date(fields[3])
            if last < first or (result.years and last >= result.years[index + 1][0]):
                raise SieError(f"line {number}: #RAR {index} does not come before the year after it")
            result.years[index] = (first, last)
            result.header.setdefault("#RAR", fields[1:])
        else:
            if label in result.header:
                raise SieError(f"line {number}: {label} twice")
            result.header[label] = fields[1:]
    if current is not None:
        raise SieError("the file ends inside a verification")
    for required, value in (("#FORMAT", ["PC8"]), ("#SIETYP", ["4"])):
        if result.header.get(required) != value:
            raise SieError(f"{required} must be {' '.join(value)}")
    for required in ("#FLAGGA", "#PROGRAM", "#GEN", "#FNAMN"):
        if required not in result.header:
            raise SieError(f"{required} is missing")
    _date(result.header["#GEN"][0])
    if "#ORGNR" in result.header and not re.fullmatch(r"\d{6}-\d{4}", result.header["#ORGNR"][0]):
        raise SieError("#ORGNR is NNNNNN-NNNN")
    return result
