"""E-invoices (rules 29-31): every invoice and credit note as a Peppol BIS Billing 3.0 file (UBL 2.1).

Everything is checked before anything is written: a seller or payer that lacks a detail Peppol requires
refuses the whole export, naming each payer and what it lacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database
from steg2cli.errors import BadInput, RuleViolation
from steg2cli.files import make_folder, write_bytes
from steg2cli.formats import ubl
from steg2cli.i18n import _
from steg2cli.models import Invoice
from steg2cli.services import invoicing, settings


def _seller_party(seller: dict[str, str]) -> ubl.Party:
    return ubl.Party(
        name=seller["name"],
        org_number=seller["org-number"],
        endpoint=f"0007:{seller['org-number']}",
        address=rules.postal_address(rules.address_lines(seller["address"]), seller["name"]),
        email=seller.get("email", ""),
        vat_number=seller.get("vat-number", ""),
        f_skatt=seller.get("f-skatt") == "ja",
    )


def documents(session: Session, invoices: Sequence[dict[str, Any]]) -> list[ubl.Document]:
    """The e-invoices for these invoices (JSON objects), or RuleViolation naming every missing detail."""
    seller = settings.seller(session)
    days = settings.payment_days(session)
    rates = {int(round(line["vat_rate"] * 100)) for i in invoices for line in i["lines"]}
    problems = [
        _("the seller lacks {missing} (steg2 config set …)").format(missing=", ".join(map(_, missing)))
        for missing in [rules.seller_missing(seller, rates)]
        if missing
    ]
    payers: dict[int, dict[str, Any]] = {}
    lacking: dict[int, list[str]] = {}
    for invoice in invoices:
        payer = invoice["payer"]  # as issued, an empty detail filled in from the payer now (invoicing.fill_payers)
        payers[invoice["number"]] = payer
        missing = rules.payer_missing(payer["org_number"], payer["address"], payer["reference"], payer["name"])
        if missing:
            lacking.setdefault(payer["id"], missing)
            lacking[payer["id"]] = sorted(set(lacking[payer["id"]]) | set(missing), key=missing.index)
    names = {payers[i["number"]]["id"]: payers[i["number"]]["name"] for i in invoices}
    problems += [
        _("payer {id} ({name}) lacks {missing}").format(
            id=payer_id, name=names[payer_id], missing=", ".join(map(_, missing))
        )
        for payer_id, missing in sorted(lacking.items())
    ]
    bad_rates = sorted(rate for rate in rates if rate not in rules.VAT_RATES_BP)
    if bad_rates:
        problems.append(
            _("VAT at {join} % cannot be e-invoiced (Swedish rates are 25, 12 and 6 %)").format(
                join=", ".join(ubl.percent(r) for r in bad_rates)
            )
        )
    if problems:
        raise RuleViolation([_("cannot write e-invoices: ") + "; ".join(problems)])
    party = _seller_party(seller)
    dates = {i["number"]: date.fromisoformat(i["date"]) for i in invoices}
    result = []
    for invoice in invoices:
        payer = payers[invoice["number"]]
        credits = None
        if invoice["kind"] == "credit":
            original_date = dates.get(invoice["credits"]) or session.get(Invoice, invoice["credits"]).invoice_date  # type: ignore[union-attr]
            credits = (invoice["credits"], original_date)
        buyer = ubl.Party(
            name=payer["name"],
            org_number=payer["org_number"],
            endpoint=payer["peppol_id"],
            address=rules.postal_address(payer["address"], payer["name"]),
            email=payer["email"] or "",
        )
        result.append(
            ubl.Document(
                kind=invoice["kind"],
                number=invoice["number"],
                issue_date=dates[invoice["number"]],
                due_date=date.fromisoformat(invoice["due_date"]) if invoice["kind"] == "invoice" else None,
                buyer_reference=payer["reference"],
                seller=party,
                buyer=buyer,
                lines=[
                    ubl.Line(
                        name=rules.charge_name(line["charge"]),
                        description=", ".join(
                            part for part in (line["description"], line["who"], line["period"]) if part
                        ),
                        amount=abs(line["amount"]),
                        vat_rate=int(round(line["vat_rate"] * 100)),
                    )
                    for line in invoice["lines"]
                ],
                exemption_reason=invoice["vat_note"],
                ocr=invoice["ocr"],
                bankgiro=seller.get("bankgiro", ""),
                plusgiro=seller.get("plusgiro", ""),
                payment_terms=f"{days} dagar netto",
                note=(f"Kreditering av faktura {invoice['credits']}: {invoice['reason']}" if credits else ""),
                credits=credits,
                outside_vat=bool(invoice["lines"])
                and all(rules.is_compensation(line["charge"]) for line in invoice["lines"]),
            )
        )
    return result


def write(db: Database, folder: Path, numbers: Sequence[int] = (), year: int | None = None) -> dict[str, Any]:
    """Write one Peppol BIS Billing 3.0 file per invoice and credit note to `folder`; all or nothing."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise BadInput(_("{folder} is a file; give a folder for the e-invoices").format(folder=folder))
    if not folder.parent.is_dir():
        raise BadInput(
            _("cannot write to {folder}: the folder {parent} does not exist").format(
                folder=folder, parent=folder.parent
            )
        )
    with db.read() as session:
        # An invoice taken over from the old system was sent by that system (rule 37): never written again.
        invoices = [i for i in invoicing.list_invoices(db, year=year, numbers=numbers) if i["kind"] != "imported"]
        if not invoices:
            raise BadInput(_("no invoices to write") + (_(" in {year}").format(year=year) if year else ""))
        docs = documents(session, invoices)
    make_folder(folder)
    written = []
    for document in docs:
        target = folder / ubl.file_name(document)
        write_bytes(target, ubl.write(document))
        written.append(str(target))
    return {
        "folder": str(folder),
        "files": written,
        "invoices": [{"number": i["number"], "kind": i["kind"], "total": i["total"]} for i in invoices],
    }
