"""ISO 20022 camt.054 (Bank-to-Customer Debit/Credit Notification): bytes in, incoming payments out.

Parsed with the standard library's XML parser (never by pattern matching); versions .001.02 to .001.08
share the elements read here (../shared/payments/README.md). Only booked credits (`CRDT`, `BOOK`) are
incoming payments; a batch entry gives one payment per transaction, and the transactions must add up to
the entry. Every problem is reported, so a file is taken whole or not at all (rule 32).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from steg2cli.i18n import _
from steg2cli.rules import format_kr

PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.054."


@dataclass(frozen=True)
class Payment:
    """One incoming transaction."""

    entry: int  # 1-based position of its entry in the file
    amount: int  # öre
    currency: str
    booked_on: date
    reference: str  # the structured creditor reference (an OCR number), else ""
    text: str  # unstructured remittance text
    payer_name: str
    bank_key: str  # the bank's own identifier of the transaction


@dataclass(frozen=True)
class File:
    """A camt.054 message."""

    message_id: str
    version: str
    payments: tuple[Payment, ...]


def looks_like(data: bytes) -> bool:
    """True for an XML document that names the camt.054 namespace."""
    head = data[:2000]
    return b"<" in head[:200] and PREFIX.encode() in head


def _amount(text: str | None) -> int | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    ore = value * 100
    return int(ore) if ore == ore.to_integral_value() and ore >= 0 else None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def parse(data: bytes, currency_wanted: str = "SEK") -> tuple[File | None, list[tuple[int, str]]]:
    """Read a camt.054 message: (the file, []) or (None, every problem as (entry number, what is wrong))."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return None, [(0, _("not well-formed XML ({error})").format(error=exc))]
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if not namespace.startswith(PREFIX) or root.tag.split("}")[-1] != "Document":
        return None, [(0, "not an ISO 20022 camt.054 notification")]
    ns = {"c": namespace}

    def text(node: ET.Element | None, path: str) -> str:
        found = None if node is None else node.find(path, ns)
        return (found.text or "").strip() if found is not None else ""

    message = root.find("c:BkToCstmrDbtCdtNtfctn", ns)
    if message is None:
        return None, [(0, "the document holds no BkToCstmrDbtCdtNtfctn")]
    message_id = text(message, "c:GrpHdr/c:MsgId")
    problems: list[tuple[int, str]] = []
    if not message_id:
        problems.append((0, _("the message has no GrpHdr/MsgId")))
    payments: list[Payment] = []
    entry_no = 0
    for n_index, notification in enumerate(message.findall("c:Ntfctn", ns), start=1):
        for entry in notification.findall("c:Ntry", ns):
            entry_no += 1
            status = text(entry, "c:Sts") or text(entry, "c:Sts/c:Cd")
            if text(entry, "c:CdtDbtInd") != "CRDT" or status != "BOOK":
                continue  # money out, or not booked: not an incoming payment
            amount_node = entry.find("c:Amt", ns)
            amount = _amount(amount_node.text if amount_node is not None else None)
            currency = amount_node.get("Ccy", "") if amount_node is not None else ""
            if amount is None:
                problems.append((entry_no, _("the entry's amount is not an amount")))
                continue
            if currency != currency_wanted:
                problems.append(
                    (
                        entry_no,
                        _("the entry is in {value}, not {currency_wanted}").format(
                            value=currency or _("no currency"), currency_wanted=currency_wanted
                        ),
                    )
                )
            booked = _day(
                text(entry, "c:BookgDt/c:Dt") or text(entry, "c:BookgDt/c:DtTm") or text(entry, "c:ValDt/c:Dt")
            )
            if booked is None:
                problems.append((entry_no, _("the entry has no booking date")))
                continue
            entry_ref = text(entry, "c:AcctSvcrRef") or text(entry, "c:NtryRef")
            details = entry.findall("c:NtryDtls/c:TxDtls", ns)
            if not details:
                key = f"{entry_ref}" if entry_ref else f"{message_id}:{n_index}:{entry_no}"
                payments.append(Payment(entry_no, amount, currency, booked, "", "", "", key))
                continue
            parts = 0
            for t_index, detail in enumerate(details, start=1):
                tx_node = detail.find("c:AmtDtls/c:TxAmt/c:Amt", ns)
                if tx_node is None:
                    tx_node = detail.find("c:Amt", ns)
                if tx_node is None and len(details) == 1:
                    tx_amount: int | None = amount
                else:
                    tx_amount = _amount(tx_node.text if tx_node is not None else None)
                if tx_amount is None:
                    problems.append((entry_no, _("transaction {t_index} has no amount").format(t_index=t_index)))
                    continue
                if tx_node is not None and tx_node.get("Ccy", currency) != currency:
                    problems.append(
                        (
                            entry_no,
                            _("transaction {t_index} is in {get}, not {currency}").format(
                                t_index=t_index, get=tx_node.get("Ccy"), currency=currency
                            ),
                        )
                    )
                parts += tx_amount
                tx_ref = text(detail, "c:Refs/c:AcctSvcrRef")
                key = tx_ref or (
                    f"{entry_ref}:{t_index}" if entry_ref else f"{message_id}:{n_index}:{entry_no}:{t_index}"
                )
                payer = text(detail, "c:RltdPties/c:Dbtr/c:Nm") or text(detail, "c:RltdPties/c:Dbtr/c:Pty/c:Nm")
                unstructured = " ".join(u.text.strip() for u in detail.findall("c:RmtInf/c:Ustrd", ns) if u.text)
                payments.append(
                    Payment(
                        entry_no,
                        tx_amount,
                        currency,
                        booked,
                        text(detail, "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref"),
                        unstructured,
                        payer,
                        key,
                    )
                )
            if parts != amount:
                problems.append(
                    (
                        entry_no,
                        _("the transactions add up to {parts}, the entry to {amount}").format(
                            parts=format_kr(parts), amount=format_kr(amount)
                        ),
                    )
                )
    if problems:
        return None, problems
    return File(message_id=message_id, version=namespace.removeprefix(PREFIX), payments=tuple(payments)), []
