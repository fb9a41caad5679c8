"""Documents people hold (rule 39): the invoices and credit notes as PDF, and the agreement for signature.

The register's rows become the plain values of `steg2cli.documents`, which draw the PDFs. An invoice is
printed as it was issued: its own copy of the seller's and the payer's details, a detail that was empty
then filled in from today's (the same reading as `invoice show`, the invoice basis and the e-invoice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database
from steg2cli.errors import BadInput, NotFound, RuleViolation
from steg2cli.files import make_folder, write_bytes
from steg2cli.i18n import _
from steg2cli.models import Agreement, Invoice, Payer, School, Trainer
from steg2cli.services import common, einvoices, invoicing, settings

if TYPE_CHECKING:
    from steg2cli.documents.common import Payer as PayerDocument
    from steg2cli.documents.common import Seller
    from steg2cli.documents.invoice import Invoice as InvoiceDocument

#: Invoices drawn per database read: memory stays flat however many are written.
BATCH = 100


def seller_document(details: dict[str, str], current: dict[str, str] | None = None) -> Seller:
    """The seller as a document prints it, from the details copied onto an invoice (or today's settings);
    a detail empty there is taken from `current`."""
    from steg2cli.documents.common import Seller

    def value(key: str) -> str:
        return details.get(key) or (current or {}).get(key) or ""

    return Seller(
        name=value("name"),
        org_number=value("org-number"),
        address=tuple(rules.address_lines(value("address"))),
        vat_number=value("vat-number"),
        f_skatt=value("f-skatt") == "ja",
        email=value("email"),
        bankgiro=value("bankgiro"),
        plusgiro=value("plusgiro"),
    )


def payer_document(payer: dict[str, Any]) -> PayerDocument:
    """An invoice's payer (as `invoice_json` gives it) as a document prints it."""
    from steg2cli.documents.common import Payer as PayerDocument

    return PayerDocument(
        name=payer["name"],
        address=tuple(payer["address"]),
        reference=payer["reference"] or "",
        org_number=payer["org_number"] or "",
        email=payer["email"] or "",
    )


def invoice_document(
    invoice: dict[str, Any], seller: Seller, days: int, credited_date: date | None, einvoice: bytes | None
) -> InvoiceDocument:
    """One invoice or credit note (as `invoice_json` gives it) as the PDF module takes it."""
    from steg2cli.documents.invoice import Invoice as Document
    from steg2cli.documents.invoice import InvoiceLine

    return Document(
        kind=invoice["kind"],
        number=invoice["number"],
        date=date.fromisoformat(invoice["date"]),
        due_date=date.fromisoformat(invoice["due_date"]),
        seller=seller,
        payer=payer_document(invoice["payer"]),
        lines=tuple(
            InvoiceLine(
                kind=line["charge"],
                description=line["description"],
                who=line["who"] or "",
                period=line["period"] or "",
                amount=line["amount"],
                vat_rate=round(line["vat_rate"] * 100),
            )
            for line in invoice["lines"]
        ),
        ocr=invoice["ocr"],
        vat_note=invoice["vat_note"] or "",
        payment_days=days,
        credits=invoice["credits"],
        credits_date=credited_date,
        reason=invoice["reason"] or "",
        einvoice=einvoice,
        einvoice_name=f"{'kreditnota' if invoice['kind'] == 'credit' else 'faktura'}-{invoice['number']}.xml",
    )


def _einvoices(session: Session, invoices: Sequence[dict[str, Any]]) -> dict[int, bytes]:
    """The e-invoice of each of these invoices that can be one (its payer complete, the seller's details
    in place): carried inside its PDF. The others get a PDF without one; nothing is refused for it."""
    from steg2cli.formats import ubl

    ready = [
        i
        for i in invoices
        if not rules.payer_missing(
            i["payer"]["org_number"], i["payer"]["address"], i["payer"]["reference"], i["payer"]["name"]
        )
        and all(round(line["vat_rate"] * 100) in rules.VAT_RATES_BP for line in i["lines"])
    ]
    if not ready:
        return {}
    try:
        documents = einvoices.documents(session, ready)
    except RuleViolation:  # the seller lacks what Peppol requires: the PDFs go without
        return {}
    return {document.number: ubl.write(document) for document in documents}


def write_invoices(
    db: Database,
    folder: Path,
    numbers: Sequence[int] = (),
    year: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write one PDF per invoice and credit note (`faktura-N.pdf`, `kreditfaktura-N.pdf`) to `folder`.

    Refused before anything is written when there is nothing to write or the seller lacks what an invoice
    must carry (organisation number, address, a giro; a VAT number when VAT is charged)."""
    from steg2cli.documents import invoice as pdf
    from steg2cli.documents.common import seller_missing

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise BadInput(_("{folder} is a file; give a folder for the PDF invoices").format(folder=folder))
    if not folder.parent.is_dir():
        raise BadInput(
            _("cannot write to {folder}: the folder {parent} does not exist").format(
                folder=folder, parent=folder.parent
            )
        )
    written: list[str] = []
    summary: list[dict[str, Any]] = []
    with db.read() as session:
        current = settings.seller(session)
        days = settings.payment_days(session)
        charges_vat = session.scalar(select(Invoice.number).where(Invoice.vat_ore != 0).limit(1)) is not None
        lacking = seller_missing(seller_document(current), charges_vat)
        if lacking:
            raise RuleViolation(
                [
                    _("cannot write PDF invoices: the seller lacks {missing} (steg2 config set …)").format(
                        missing=", ".join(lacking)
                    )
                ]
            )
        with invoicing.each_invoice(db, year, numbers) as every:
            # An invoice taken over from the old system (rule 37) was issued there: no document of steg2's.
            found = (i for i in every if i["kind"] != "imported")
            for batch in _batches(found, BATCH):
                if not written:
                    make_folder(folder)
                attached = _einvoices(session, batch)
                dates = _credited_dates(session, batch)
                for invoice in batch:
                    seller = seller_document(invoice["seller"], current)
                    document = invoice_document(
                        invoice, seller, days, dates.get(invoice["credits"]), attached.get(invoice["number"])
                    )
                    target = folder / pdf.file_name(document)
                    write_bytes(target, pdf.invoice_pdf(document))
                    written.append(str(target))
                    summary.append({"number": invoice["number"], "kind": invoice["kind"], "file": str(target)})
                if progress is not None:
                    progress(len(batch))
    if not written:
        raise BadInput(_("no invoices to write") + (_(" in {year}").format(year=year) if year else ""))
    return {"folder": str(folder), "files": written, "invoices": summary}


def _batches(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _credited_dates(session: Session, invoices: Sequence[dict[str, Any]]) -> dict[int, date]:
    """The dates of the invoices these credit notes cancel."""
    wanted = [i["credits"] for i in invoices if i["credits"] is not None]
    if not wanted:
        return {}
    rows = session.execute(select(Invoice.number, Invoice.invoice_date).where(Invoice.number.in_(wanted)))
    return {row.number: row.invoice_date for row in rows}


def write_agreement(db: Database, agreement_id: int, path: Path, today: date) -> dict[str, Any]:
    """The agreement for signature as a PDF: its parties, trainer, scope, periods, fee and obligations."""
    from steg2cli.documents.agreement import Agreement as Document
    from steg2cli.documents.agreement import Trainer as TrainerDocument
    from steg2cli.documents.agreement import agreement_pdf
    from steg2cli.services.courses import certified_on

    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise BadInput(_("{path}: the agreement is written as a .pdf file").format(path=path))
    if not path.parent.is_dir():
        raise BadInput(
            _("cannot write {path}: the folder {parent} does not exist").format(path=path, parent=path.parent)
        )
    with db.read() as session:
        agreement = session.get(Agreement, agreement_id)
        if agreement is None:
            raise NotFound(_("unknown agreement '{agreement_id}'").format(agreement_id=agreement_id))
        trainer = session.get(Trainer, agreement.trainer_id)
        assert trainer is not None
        place = common.municipality_by_code(session, agreement.municipality_code)
        school = session.get(School, agreement.school_id) if agreement.school_id is not None else None
        payer_id = (school.payer_id if school is not None else None) or common.municipality_payers(session)[
            agreement.municipality_code
        ]
        payer = session.get(Payer, payer_id)
        assert payer is not None
        fee = rules.price_on(invoicing.price_list(session), "annual-fee", agreement.start)
        if fee is None:
            raise RuleViolation(
                [
                    _("no {code} price is valid on {day}; set one with `steg2 price set`").format(
                        code="annual-fee", day=agreement.start.isoformat()
                    )
                ]
            )
        trainer_place = common.municipality_by_code(session, trainer.municipality_code)
        document = Document(
            number=agreement.id,
            seller=seller_document(settings.seller(session)),
            payer=payer_document(
                {
                    "name": payer.name,
                    "address": rules.address_lines(payer.address),
                    "reference": payer.reference,
                    "org_number": payer.org_number,
                    "email": payer.email,
                }
            ),
            trainer=TrainerDocument(
                name=trainer.name,
                email=trainer.email,
                phone=trainer.phone or "",
                municipality=trainer_place.name if trainer_place else "",
                appointed_by=trainer.appointed_by,
                certified_on=certified_on(session, trainer.id),
            ),
            municipality=place.name if place else agreement.municipality_code,
            school=school.name if school is not None else "",
            start=agreement.start,
            end=agreement.end,
            printed_on=today,
            fee=fee.amount,
            fee_vat_rate=fee.vat_rate,
            fee_vat_note=fee.vat_note,
        )
    write_bytes(path, agreement_pdf(document))
    return {"file": str(path), "agreement": agreement_id}
