"""Delivery and letters (rules 43-44): every invoice, credit note and reminder reaches its payer once, by
the payer's channel, and trainers hear from the register.

Exactly once, under faults: each attempt is recorded as `started` in its own committed transaction before
the file or the message leaves, and as `sent` (or `failed`) in another after. A run that dies in between
leaves the attempt `started`: shown as uncertain (on the dashboard too) and never repeated by itself, only
with `--again`. What failed, or was never tried because the server went away, waits for the next run.

The channels: `peppol` (the e-invoice into the folder MÄN's access point collects), `email` (the PDF
attached, through SMTP or, without a server, as an `.eml` file in an outbox folder) and `print` (the PDF into
a folder to post). Files are written under a hidden temporary name, then renamed.

Personal data: addresses appear in the messages, in the delivery records (which `person erase` scrubs) and
in `mail list`; the audit trail holds the ids of the delivery records only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, touched
from steg2cli.errors import BadInput, RuleViolation
from steg2cli.i18n import N_, _
from steg2cli.models import Delivery, Invoice, Payer
from steg2cli.services import common, mailer, settings

#: What the coordinator reads for a kind of document, as shown.
KIND_NAMES = {"invoice": "Faktura", "credit": "Kreditfaktura"}
#: The delivery channels, as a person reads them (as `commands.sending.CHANNELS`).
CHANNELS = {"peppol": N_("Peppol"), "email": N_("e-mail"), "print": N_("print"), "manual": N_("by hand")}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass
class Item:
    """One thing to deliver: an invoice, a credit note, a reminder or a letter."""

    key: str
    kind: str  # invoice, reminder, letter
    channel: str
    recipient: str
    subject: str = ""
    body: str = ""
    number: int | None = None
    #: The invoice as a person sees it (rule 37: one from before steg2 by its old number); None: `number`.
    shown: int | str | None = None
    level: int | None = None
    trainer_id: int | None = None
    about: str | None = None
    year: int | None = None
    #: Why it cannot go now (it waits), or "".
    problem: str = ""
    #: Makes the document: (file name, bytes). None: a letter, text only.
    make: Callable[[], tuple[str, bytes]] | None = None
    payer: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: An invoice item's document: `invoice` or `credit` (a credit note).
    document: str = "invoice"

    def label(self) -> dict[str, Any]:
        if self.kind == "letter":
            return {"trainer_id": self.trainer_id, "about": self.about}
        found: dict[str, Any] = {"number": self.number if self.shown is None else self.shown}
        if self.shown is not None and self.shown != self.number:
            found["internal_number"] = self.number
        if self.level is not None:
            found["level"] = self.level
        elif self.document == "credit":
            found["kind"] = "credit"
        return found


@dataclass
class Outcome:
    delivered: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    uncertain: list[dict[str, Any]] = field(default_factory=list)
    stopped: str = ""


# ---- the state of what was delivered ----------------------------------------------------------------------


def states(session: Session, keys: Iterable[str] | None = None) -> dict[str, tuple[str | None, Delivery]]:
    """Each key's state (rule 43) and its newest attempt."""
    attempts: dict[str, list[Delivery]] = defaultdict(list)
    query = select(Delivery).order_by(Delivery.id)
    if keys is not None:
        wanted = list(keys)
        rows: list[Delivery] = []
        for chunk in common.chunks(wanted):
            rows += session.scalars(query.where(Delivery.key.in_(chunk)))
        rows.sort(key=lambda d: d.id)
    else:
        rows = list(session.scalars(query))
    for row in rows:
        attempts[row.key].append(row)
    return {key: (rules.delivery_state([a.status for a in found]), found[-1]) for key, found in attempts.items()}


def delivery_json(row: Delivery) -> dict[str, Any]:
    """An attempt as `invoice show --json` lists it under `deliveries`."""
    return {
        "channel": row.channel,
        "date": common.iso(row.on_date),
        "to": row.recipient,
        "status": "uncertain" if row.status == "started" else row.status,
        "reference": row.reference,
        "reason": row.reason,
    }


def uncertain(session: Session) -> list[dict[str, Any]]:
    """The attempts started and never confirmed, for the dashboard: ids, never addresses."""
    rows = session.scalars(select(Delivery).where(Delivery.status == "started").order_by(Delivery.id))
    found = []
    for row in rows:
        newest = session.scalar(select(Delivery.id).where(Delivery.key == row.key).order_by(Delivery.id.desc()))
        if newest == row.id:
            found.append(
                {
                    "kind": row.kind,
                    "number": row.invoice_number,
                    "level": row.level,
                    "trainer_id": row.trainer_id,
                    "about": row.about,
                    "channel": row.channel,
                    "date": common.iso(row.on_date),
                    "reference": row.reference,
                }
            )
    return found


def not_delivered(session: Session) -> int:
    """How many invoices and credit notes were never delivered (nor tried)."""
    tried = select(Delivery.invoice_number).where(Delivery.kind == "invoice", Delivery.invoice_number.is_not(None))
    from sqlalchemy import func

    return int(
        session.scalar(
            select(func.count())
            .select_from(Invoice)
            .where(Invoice.kind.in_(("invoice", "credit")), Invoice.number.not_in(tried))
        )
        or 0
    )


# ---- recording attempts ----------------------------------------------------------------------------


class Recorder:
    """Writes the attempts (rule 43) over one connection of their own, each write its own short transaction.
    An outcome is kept until the next attempt starts and both are written in one transaction: one commit per
    message instead of two, and still every start is on disk before its message leaves (what a crash can
    lose is an outcome, never a start). The audit trail gets one entry for the run, naming the records."""

    def __init__(self, db: Database, today: date, command: str) -> None:
        self.db = db
        self.today = today
        self.command = command
        self.pending: tuple[int, str, str, str] | None = None
        self.ids: list[int] = []
        self._connection: Connection | None = None

    def _write(self, work: Callable[[Connection], Any]) -> Any:
        from sqlalchemy.exc import DBAPIError

        from steg2cli.db import translate

        try:
            if self._connection is None:
                self._connection = self.db.engine.execution_options(steg2_write=True).connect()
            with self._connection.begin():
                result = work(self._connection)
        except DBAPIError as exc:
            raise translate(exc, self.db.url) from None
        self.db.committed = True
        return result

    def _flush(self, connection: Connection) -> None:
        if self.pending is None:
            return
        delivery_id, status, reference, reason = self.pending
        values: dict[str, Any] = {"status": status, "finished_at": _now(), "reason": reason[:400]}
        if reference:
            values["reference"] = reference[:400]
        connection.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))
        self.pending = None

    def start(self, item: Item, reference: str) -> int:
        def work(connection: Connection) -> int:
            self._flush(connection)
            return int(
                connection.execute(
                    insert(Delivery)
                    .values(
                        key=item.key,
                        kind=item.kind,
                        invoice_number=item.number,
                        level=item.level,
                        trainer_id=item.trainer_id,
                        about=item.about,
                        year=item.year,
                        channel=item.channel,
                        recipient=item.recipient[:254],
                        subject=item.subject[:200],
                        status="started",
                        on_date=self.today,
                        started_at=_now(),
                        reference=reference[:400],
                        reason="",
                    )
                    .returning(Delivery.id)
                ).scalar_one()
            )

        delivery_id: int = self._write(work)
        self.ids.append(delivery_id)
        return delivery_id

    def close(self) -> None:
        try:
            if self.pending is not None:
                self._write(self._flush)
        finally:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
        if self.ids:
            with self.db.write(self.command) as session:
                touched(session, "delivery", *self.ids)


def _start(recorder: Recorder, item: Item, reference: str = "") -> int:
    """Record an attempt as started, on disk, before anything leaves."""
    return recorder.start(item, reference)


def _finish(recorder: Recorder, delivery_id: int, status: str, reference: str = "", reason: str = "") -> None:
    """Note an attempt's outcome; written with the next start, or when the run ends."""
    recorder.pending = (delivery_id, status, reference, reason)


# ---- delivering ------------------------------------------------------------------------------------


@dataclass
class Channels:
    """Where each channel delivers, from the settings."""

    mail: mailer.Settings
    peppol_outbox: str
    print_folder: str

    def missing(self, channel: str) -> str:
        if channel == "peppol" and not self.peppol_outbox:
            return _("no Peppol outbox: steg2 config set delivery.peppol-outbox FOLDER")
        if channel == "print" and not self.print_folder:
            return _("no print folder: steg2 config set delivery.print-folder FOLDER")
        if channel == "email":
            return mailer.missing(self.mail) or ""
        return ""


def channels(session: Session) -> Channels:
    values = settings.all_settings(session)
    return Channels(
        mail=mailer.settings_from(values),
        peppol_outbox=values["delivery.peppol-outbox"],
        print_folder=values["delivery.print-folder"],
    )


def deliver(
    db: Database,
    items: Sequence[Item],
    where: Channels,
    today: date,
    command: str,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Deliver each item that is ready by its channel, recording every attempt (rule 43). Files first, then
    e-mail over one connection; the connection is opened before anything is recorded, so a server that
    cannot be reached leaves nothing recorded."""
    outcome = Outcome()
    ready: list[Item] = []
    for item in items:
        problem = item.problem or where.missing(item.channel)
        if problem:
            outcome.failed.append({**item.label(), "channel": item.channel, "reason": problem})
        else:
            ready.append(item)
    smtp = [i for i in ready if i.channel == "email" and where.mail.host]
    connection = mailer.Connection(where.mail) if smtp else None
    if connection is not None:
        try:
            connection.open()
        except BadInput as exc:
            if dry_run or len(smtp) == len(items):
                raise
            outcome.stopped = str(exc)
            for item in smtp:
                outcome.failed.append({**item.label(), "channel": item.channel, "reason": str(exc)})
            ready = [i for i in ready if i not in smtp]
            connection = None
    if dry_run:
        if connection is not None:
            connection.close()
        outcome.delivered = [{**i.label(), "channel": i.channel, "to": i.recipient} for i in ready]
        return outcome
    recorder = Recorder(db, today, command)
    ordered = sorted(ready, key=lambda i: i.channel == "email" and bool(where.mail.host))
    try:
        for item, prepared in _ahead(ordered, where):
            if outcome.stopped and item.channel == "email" and where.mail.host:
                outcome.failed.append({**item.label(), "channel": item.channel, "reason": outcome.stopped})
                continue
            _deliver_one(recorder, item, prepared, where, connection, outcome)
            if progress is not None:
                progress(1)
    finally:
        if connection is not None:
            connection.close()
        recorder.close()
    return outcome


@dataclass
class Prepared:
    """An item's document, and for e-mail its message and the message's bytes; or why it could not be made."""

    document: tuple[str, bytes] | None = None
    mail: EmailMessage | None = None
    data: bytes = b""
    error: str = ""


#: How many items are prepared ahead of the one being sent.
AHEAD = 4


def _prepare(item: Item, where: Channels) -> Prepared:
    try:
        document = item.make() if item.make is not None else None
    except (RuleViolation, BadInput) as exc:
        return Prepared(error=str(exc))
    if item.channel != "email":
        return Prepared(document=document)
    mail = mailer.message(where.mail, item.recipient, item.subject, item.body, document)
    return Prepared(document=document, mail=mail, data=mailer.as_bytes(mail))


def _ahead(items: Sequence[Item], where: Channels) -> Iterator[tuple[Item, Prepared]]:
    """Each item with its document and message, drawn by a worker thread a few items ahead, so that drawing
    the next PDF overlaps recording and sending this one (the disk's and the server's waits). A reminder is
    drawn in this thread: its document is read from the register."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="steg2-prepare") as pool:
        window: deque[tuple[Item, Future[Prepared] | None]] = deque()
        rest = iter(items)

        def submit() -> None:
            item = next(rest, None)
            if item is not None:
                window.append((item, None if item.kind == "reminder" else pool.submit(_prepare, item, where)))

        for _i in range(AHEAD):
            submit()
        while window:
            item, future = window.popleft()
            submit()
            yield item, (future.result() if future is not None else _prepare(item, where))


def _deliver_one(
    recorder: Recorder,
    item: Item,
    prepared: Prepared,
    where: Channels,
    connection: mailer.Connection | None,
    outcome: Outcome,
) -> None:
    label = {**item.label(), "channel": item.channel}
    if prepared.error:
        outcome.failed.append({**label, "reason": prepared.error})
        return
    document = prepared.document
    if item.channel in ("peppol", "print"):
        assert document is not None
        folder = Path(where.peppol_outbox if item.channel == "peppol" else where.print_folder)
        delivery_id = _start(recorder, item, str(folder / document[0]))
        try:
            target = mailer.write_atomically(folder, document[0], document[1])
        except BadInput as exc:
            _finish(recorder, delivery_id, "failed", reason=str(exc))
            outcome.failed.append({**label, "reason": str(exc)})
            return
        _finish(recorder, delivery_id, "sent", reference=str(target))
        outcome.delivered.append({**label, "to": item.recipient, "file": str(target)})
        return
    mail = prepared.mail
    assert mail is not None
    message_id = str(mail["Message-ID"])
    if connection is None:  # no server: the outbox
        name = (document[0].rsplit(".", 1)[0] if document else item.key.replace(":", "-")) + ".eml"
        delivery_id = _start(recorder, item, message_id)
        try:
            target = mailer.write_atomically(Path(where.mail.outbox), name, prepared.data, keep_existing=True)
        except BadInput as exc:
            _finish(recorder, delivery_id, "failed", reason=str(exc))
            outcome.failed.append({**label, "reason": str(exc)})
            return
        _finish(recorder, delivery_id, "sent", reference=str(target))
        outcome.delivered.append({**label, "to": item.recipient, "file": str(target)})
        return
    delivery_id = _start(recorder, item, message_id)
    try:
        connection.send(mail, prepared.data)
    except mailer.Uncertain:
        outcome.uncertain.append({**label, "to": item.recipient, "message_id": message_id})
        outcome.stopped = _("the mail server stopped answering")
        return
    except mailer.NotSent as exc:
        _finish(recorder, delivery_id, "failed", reason=exc.reason)
        outcome.failed.append({**label, "reason": exc.reason})
        if exc.stopped:
            outcome.stopped = exc.reason
        return
    _finish(recorder, delivery_id, "sent", reference=message_id)
    outcome.delivered.append({**label, "to": item.recipient, "message_id": message_id})


# ---- invoices and credit notes ------------------------------------------------------------------------


def _body(kind: str, number: int | str, seller: dict[str, str], lines: Sequence[str]) -> str:
    contact = seller.get("email", "")
    text = ["Hej,", "", *lines, ""]
    if contact:
        text += [f"Frågor om {kind.lower()}n besvaras på {contact}.", ""]
    text += ["Vänliga hälsningar", seller.get("name", "")]
    return "\n".join(text) + "\n"


def _invoice_items(db: Database, session: Session, invoices: Sequence[dict[str, Any]]) -> list[Item]:
    """One item per invoice or credit note, by its payer's channel, with what keeps it waiting."""
    from steg2cli.documents import invoice as pdf
    from steg2cli.documents.common import seller_missing
    from steg2cli.formats import ubl
    from steg2cli.services import documents, einvoices
    from steg2cli.services.payers import effective_peppol_id

    current = settings.seller(session)
    days = settings.payment_days(session)
    payers = {
        p.id: p
        for p in session.scalars(select(Payer).where(Payer.id.in_(sorted({i["payer"]["id"] for i in invoices}))))
    }
    credited = documents._credited_dates(session, invoices)
    attached = documents._einvoices(session, invoices)
    items = []
    for invoice in invoices:
        payer = payers[invoice["payer"]["id"]]
        snapshot = invoice["payer"]
        peppol_id = effective_peppol_id(payer) or snapshot["peppol_id"]
        email = payer.email or snapshot["email"] or ""
        channel = rules.delivery_channel(payer.delivery, peppol_id, email)
        address = snapshot["address"] or rules.address_lines(payer.address)
        lacking = rules.channel_missing(channel, peppol_id, email, address)
        number = invoice["number"]
        name = KIND_NAMES.get(invoice["kind"], "Faktura")
        seller = documents.seller_document(invoice["seller"], current)
        problem = ""
        make: Callable[[], tuple[str, bytes]]
        if lacking:
            problem = _("payer {id} ({name}) lacks {missing} for {channel}").format(
                id=payer.id, name=payer.name, missing=", ".join(map(_, lacking)), channel=_(CHANNELS[channel])
            )
        if channel == "peppol":
            try:
                (ubl_document,) = einvoices.documents(session, [invoice])
            except RuleViolation as exc:
                problem = problem or str(exc)
                ubl_document = None

            def make_xml(document: Any = ubl_document) -> tuple[str, bytes]:
                return ubl.file_name(document), ubl.write(document)

            make = make_xml
        else:
            lacking_seller = seller_missing(seller, invoice["vat"] != 0)
            if lacking_seller:
                problem = problem or _(
                    "cannot write PDF invoices: the seller lacks {missing} (steg2 config set …)"
                ).format(missing=", ".join(lacking_seller))
            document = documents.invoice_document(
                invoice, seller, days, credited.get(invoice["credits"]), attached.get(number)
            )

            def make_pdf(document: Any = document) -> tuple[str, bytes]:
                return pdf.file_name(document), pdf.invoice_pdf(document)

            make = make_pdf
        recipient = {"peppol": peppol_id or "", "email": email, "print": payer.name}[channel]
        subject = f"{name} {number} från {seller.name}"
        body = _body(
            name,
            number,
            current,
            [
                f"Här kommer {name.lower()} {number} från {seller.name}, som PDF i bifogad fil.",
                *(
                    [
                        f"Att betala: {rules.format_kr(invoice['total'])} senast {invoice['due_date']}, "
                        f"OCR-nummer {invoice['ocr']}."
                    ]
                    if invoice["kind"] == "invoice"
                    else [f"Den krediterar faktura {invoice['credits']}."]
                ),
            ],
        )
        items.append(
            Item(
                key=f"invoice:{number}",
                kind="invoice",
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                number=number,
                problem=problem,
                make=make,
                payer=payer.name,
                document="credit" if invoice["kind"] == "credit" else "invoice",
            )
        )
    return items


def send(
    db: Database,
    today: date,
    numbers: Sequence[int] = (),
    with_reminders: bool = False,
    again: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    command: str = "invoice send",
) -> dict[str, Any]:
    """Deliver every invoice and credit note not yet delivered (or the ones named), and with
    `with_reminders` every reminder not yet delivered, each by its payer's channel (rule 43)."""
    from steg2cli.services import invoicing

    with db.read() as session:
        where = channels(session)
        wanted = list(numbers)
        if wanted:
            invoicing._select_invoices(session, None, wanted)  # an unknown number is refused
            candidates = wanted
        else:
            candidates = list(
                session.scalars(
                    select(Invoice.number).where(Invoice.kind.in_(("invoice", "credit"))).order_by(Invoice.number)
                )
            )
        known = states(session, [f"invoice:{n}" for n in candidates])
        skipped = []
        chosen = []
        for number in candidates:
            state, newest = known.get(f"invoice:{number}", (None, None))
            if rules.to_deliver(state, again, bool(wanted)):
                chosen.append(number)
            elif state == "uncertain" and newest is not None:
                skipped.append({"number": number, **delivery_json(newest)})
    items: list[Item] = []
    for batch in common.chunks(chosen, 100):
        with invoicing.each_invoice(db, None, batch) as found:
            loaded = [i for i in found if i["kind"] in ("invoice", "credit")]
            with db.read() as session:
                items += _invoice_items(db, session, loaded)
    if with_reminders:
        reminder_items, reminder_skipped = _reminder_items(
            db, today, issued_reminders(db, numbers), again, bool(wanted)
        )
        items += reminder_items
        skipped += reminder_skipped
    outcome = deliver(db, items, where, today, command, dry_run, progress)
    return {
        "delivered": outcome.delivered,
        "failed": outcome.failed,
        "uncertain": outcome.uncertain + skipped,
        "dry_run": dry_run,
        "stopped": outcome.stopped or None,
    }


# ---- reminders (rule 40): the seam with `steg2cli.services.reminders` ----------------------------------


def issued_reminders(db: Database, numbers: Sequence[int] = ()) -> list[tuple[int, int]]:
    """INTEGRATION POINT (reminders, rule 40): every reminder issued, as (invoice number, level).

    The reminders are recorded by `invoice remind` (steg2cli.services.reminders, table `reminders`, one row
    per invoice and level). Until that lands this finds none; once the model `Reminder` exists it is read."""
    from steg2cli import models

    reminder = getattr(models, "Reminder", None)
    if reminder is None:
        return []
    with db.read() as session:
        query = select(reminder.invoice_number, reminder.level).order_by(reminder.invoice_number, reminder.level)
        if numbers:
            query = query.where(reminder.invoice_number.in_(list(numbers)))
        return [(int(n), int(level)) for n, level in session.execute(query)]


def reminder_document(db: Database, number: int, level: int) -> Any:
    """INTEGRATION POINT: the reminder as `steg2cli.documents.reminder.Reminder`, made by the reminders'
    own service (`steg2cli.services.reminders.letter(db, number, level)`)."""
    import importlib

    try:
        reminders = importlib.import_module("steg2cli.services.reminders")
    except ImportError:
        raise BadInput(_("reminders cannot be delivered by this version of steg2")) from None
    return reminders.letter(db, number, level)


def _reminder_items(
    db: Database, today: date, reminders: Sequence[tuple[int, int]], again: bool, named: bool
) -> tuple[list[Item], list[dict[str, Any]]]:
    from steg2cli.documents import reminder as reminder_pdf

    items: list[Item] = []
    skipped: list[dict[str, Any]] = []
    if not reminders:
        return items, skipped
    with db.read() as session:
        known = states(session, [f"reminder:{n}:{level}" for n, level in reminders])
        current = settings.seller(session)
        invoices = {
            i.number: i
            for i in session.scalars(select(Invoice).where(Invoice.number.in_(sorted({n for n, _l in reminders}))))
        }
        payers = {
            p.id: p for p in session.scalars(select(Payer).where(Payer.id.in_({i.payer_id for i in invoices.values()})))
        }
        from steg2cli.services.payers import effective_peppol_id

        for number, level in reminders:
            key = f"reminder:{number}:{level}"
            state, newest = known.get(key, (None, None))
            if not rules.to_deliver(state, again, named):
                if state == "uncertain" and newest is not None:
                    shown_number = common.shown_number(number, invoices[number].old_number)
                    skipped.append({"number": shown_number, "level": level, **delivery_json(newest)})
                continue
            invoice = invoices[number]
            payer = payers[invoice.payer_id]
            email = payer.email or invoice.payer_email or ""
            channel = rules.delivery_channel(payer.delivery, effective_peppol_id(payer), email, reminder=True)
            address = rules.address_lines(invoice.payer_address) or rules.address_lines(payer.address)
            lacking = rules.channel_missing(channel, None, email, address)

            def make(number: int = number, level: int = level) -> tuple[str, bytes]:
                document = reminder_document(db, number, level)
                return reminder_pdf.file_name(document), reminder_pdf.reminder_pdf(document)

            title = reminder_pdf.title(level)
            shown = invoice.old_number or number  # an invoice from before steg2 keeps its own number
            items.append(
                Item(
                    key=key,
                    kind="reminder",
                    channel=channel,
                    recipient=email if channel == "email" else payer.name,
                    subject=f"{title}: faktura {shown} från {current.get('name', '')}",
                    body=_body(
                        "Påminnelse",
                        shown,
                        current,
                        [
                            f"Vi har ännu inte fått betalt för faktura {shown}. Påminnelsen finns som PDF i "
                            "bifogad fil.",
                            "Har ni redan betalat kan ni bortse från den.",
                        ],
                    ),
                    number=number,
                    shown=shown,
                    level=level,
                    problem=_("payer {id} ({name}) lacks {missing} for {channel}").format(
                        id=payer.id, name=payer.name, missing=", ".join(map(_, lacking)), channel=_(CHANNELS[channel])
                    )
                    if lacking
                    else "",
                    make=make,
                    payer=payer.name,
                )
            )
    return items, skipped


def send_reminders(
    db: Database, today: date, reminders: Sequence[tuple[int, int]], again: bool = False, dry_run: bool = False
) -> dict[str, Any]:
    """Deliver these reminders (invoice number, level): the call `invoice remind --send` makes."""
    with db.read() as session:
        where = channels(session)
    items, skipped = _reminder_items(db, today, reminders, again, named=True)
    outcome = deliver(db, items, where, today, "invoice remind", dry_run)
    return {
        "delivered": outcome.delivered,
        "failed": outcome.failed,
        "uncertain": outcome.uncertain + skipped,
        "dry_run": dry_run,
        "stopped": outcome.stopped or None,
    }


def mail_list(db: Database) -> list[dict[str, Any]]:
    """Every e-mail sent, tried or written to the outbox, newest first (rule 44)."""
    with db.read() as session:
        rows = session.scalars(select(Delivery).where(Delivery.channel == "email").order_by(Delivery.id.desc()))
        return [
            {
                "id": row.id,
                "date": common.iso(row.on_date),
                "kind": row.kind,
                "number": row.invoice_number,
                "level": row.level,
                "trainer_id": row.trainer_id,
                "about": row.about,
                "to": row.recipient,
                "subject": row.subject,
                "status": "uncertain" if row.status == "started" else row.status,
                "outbox": row.reference.endswith(".eml"),
                "reference": row.reference,
                "reason": row.reason,
            }
            for row in rows
        ]


def messages_to(session: Session, address: str, trainer_id: int | None) -> list[dict[str, Any]]:
    """`person export`: every message recorded as sent or tried to this address (or this trainer)."""
    condition = Delivery.recipient == address
    if trainer_id is not None:
        condition = condition | (Delivery.trainer_id == trainer_id)
    return [
        {
            "date": common.iso(row.on_date),
            "kind": row.kind,
            "about": row.about,
            "to": row.recipient,
            "subject": row.subject,
            "status": "uncertain" if row.status == "started" else row.status,
        }
        for row in session.scalars(select(Delivery).where(condition).order_by(Delivery.id))
    ]


def scrub(session: Session, address: str, trainer_id: int | None) -> int:
    """`person erase`: the person's address leaves every delivery record (the record itself stays, by id)."""
    condition = Delivery.recipient == address
    if trainer_id is not None:
        condition = condition | (Delivery.trainer_id == trainer_id)
    from sqlalchemy import func

    # A server's refusal stored before addresses were taken out of it may still name the address.
    result = session.execute(
        update(Delivery).where(condition).values(recipient="", reason=func.replace(Delivery.reason, address, "<…>"))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
