"""The database tables (SQLAlchemy 2.x). Schema changes go through a migration in `migrations/`.

Nothing that records what happened is ever deleted, so no foreign key cascades a delete.
"""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Voidable:
    """A record of something that happened, which can be voided (rule 24): it stays, marked with the
    day it was voided and why, and stops counting everywhere."""

    void_on: Mapped[date | None] = mapped_column(Date, default=None)
    void_reason: Mapped[str | None] = mapped_column(String(400), default=None)


class Municipality(Base):
    """One of Sweden's 290 municipalities (reference data, loaded by the first migration)."""

    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    county_code: Mapped[str] = mapped_column(String(2))
    county: Mapped[str] = mapped_column(String(80))


class Trainer(Base):
    """A Steg 2 trainer (Steg 2:are): a local person trained by MÄN to start programmes."""

    __tablename__ = "trainers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    basic_training: Mapped[date] = mapped_column(Date)
    series_held: Mapped[date] = mapped_column(Date)
    appointed_by: Mapped[str] = mapped_column(String(200))
    programmes: Mapped[str] = mapped_column(Text, default="")  # codes separated by commas
    registered_on: Mapped[date] = mapped_column(Date)
    erased_on: Mapped[date | None] = mapped_column(Date)
    # Rule 46: the trainer's level (a level of the definition) decides their yearly obligations.
    level: Mapped[str] = mapped_column(String(40), default="steg2", server_default="steg2")
    # No longer active from this day (left, retired): follow-up stops asking about them.
    inactive_from: Mapped[date | None] = mapped_column(Date)
    inactive_reason: Mapped[str | None] = mapped_column(String(400))


class TrainerMove(Base):
    """A trainer's move to another municipality (rule 8), kept as history."""

    __tablename__ = "trainer_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    moved_on: Mapped[date] = mapped_column(Date)
    from_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))
    to_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))


class Course(Base):
    """A Steg 2 course: open (Stockholm, anyone) or purchased (one municipality, at most 10)."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    course_date: Mapped[date] = mapped_column(Date, index=True)
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    place: Mapped[str | None] = mapped_column(String(200))
    completed_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date, default=None)
    cancel_reason: Mapped[str | None] = mapped_column(String(400), default=None)
    #: The course owes nothing more itself: a purchased course whose fee is on a live invoice or waived,
    #: as the invoice run left it, or an open course (its seats owe, see `CourseParticipant.billed`).
    #: The run and the dashboard read only what is not billed (issue 17); a credit note that frees a
    #: fee clears the mark again.
    billed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)


class CourseParticipant(Base):
    """A trainer on a course; `municipality_code` is where they came from (the seat's payer)."""

    __tablename__ = "course_participants"
    __table_args__ = (UniqueConstraint("course_id", "trainer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))
    unenrolled_on: Mapped[date | None] = mapped_column(Date, default=None)
    unenrol_reason: Mapped[str | None] = mapped_column(String(400), default=None)
    #: The seat owes nothing more: its charge is on a live invoice or waived, as the invoice run left it
    #: (see `Course.billed`), or it is a seat on a purchased course, which is billed whole.
    billed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)


class Agreement(Base):
    """The yearly agreement (överenskommelse) between MÄN and one trainer (rules 4-8)."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(400))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    #: The start of the first agreement year whose annual fee is neither on a live invoice nor waived,
    #: counted past the end, as the last invoice run left it; NULL until a run has looked. The run and
    #: the dashboard read only agreements with a fee that may be due (issue 17). It may lie too early,
    #: never too late: a credit note that frees a fee sets it back to NULL.
    fees_from: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    #: The day up to which the yearly fees were invoiced before steg2 (rule 37, `Fakturerat t.o.m.`): an
    #: agreement year starting on or before it is never billed by steg2. NULL: nothing billed outside.
    billed_until: Mapped[date | None] = mapped_column(Date, default=None)


class School(Base):
    """A school; its name is unique within its municipality. Its own payer, if it has one, pays its
    school-scoped agreements (else its municipality does)."""

    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("municipality_code", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"), default=None, index=True)


class SchoolProgramme(Base):
    """One run of a programme at a school (implementering), from its start to an optional stop."""

    __tablename__ = "school_programmes"
    __table_args__ = (
        Index("ix_school_programmes_activity", "stopped_on", "last_activity_on"),
        Index("ix_school_programmes_reports", "stopped_on", "last_report_on"),
    )
    # Rule 10: a programme runs at most once at a time per school. The partial unique index
    # uq_school_programmes_running (school_id, programme) WHERE stopped_on IS NULL lives in migration
    # 0002 only: declaring it here would load the PostgreSQL dialect on every command (about 20 ms).

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    programme: Mapped[str] = mapped_column(String(40))
    start: Mapped[date] = mapped_column(Date)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    stopped_on: Mapped[date | None] = mapped_column(Date)
    stop_reason: Mapped[str | None] = mapped_column(String(400))
    # When something last happened (issue 17, migration 0014), kept exact by every write that adds or voids
    # a step or a trainee (services.common.refresh_activity): the start or the latest live step, and the
    # start or the latest report of a live trainee of this school and programme.
    last_activity_on: Mapped[date | None] = mapped_column(Date, default=None)
    last_report_on: Mapped[date | None] = mapped_column(Date, default=None)


class Step(Voidable, Base):
    """An implementation step (insats) led by a trainer: forankring, kunskapshalvdag, grundutbildning 1-3,
    handledning."""

    __tablename__ = "steps"
    # Rule 11: a once-only step happens once per run: the partial unique index uq_steps_once
    # (run_id, once_key) WHERE once_key IS NOT NULL AND void_on IS NULL lives in migration 0017; once_key is
    # the step's code for a once-only step (rules.once_key) and NULL for a repeatable one.

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("school_programmes.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    once_key: Mapped[str | None] = mapped_column(String(40))
    step_date: Mapped[date] = mapped_column(Date)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)


class SchoolProblem(Voidable, Base):
    """A dated note about a problem at a school (rule 12)."""

    __tablename__ = "school_problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)


class Trainee(Voidable, Base):
    """A member of a school's staff trained by a trainer (an MVP/AT leader), as reported (rules 13-14)."""

    __tablename__ = "trainees"
    # Rule 14: the same person, school, programme and day is one report however often it is sent: the
    # partial unique index uq_trainees_report (email, name_key, school_id, programme, trained_on)
    # WHERE void_on IS NULL lives in migration 0007 (see SchoolProgramme).
    __table_args__ = (
        Index("ix_trainees_trained_on", "trained_on"),
        # The dashboard's "no trainee list for a year" reads only the last year's reports, and of them
        # only these columns: the index answers it alone (issue 17).
        Index("ix_trainees_reported", "reported_on", "school_id", "programme", "void_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))  # looked up through uq_trainees_report
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    programme: Mapped[str] = mapped_column(String(40))
    trained_on: Mapped[date] = mapped_column(Date)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    reported_on: Mapped[date] = mapped_column(Date)


class Meeting(Base):
    """A network meeting (nätverksträff, two a year) or the yearly conference (rule 21)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    meeting_date: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"))


class Attendance(Voidable, Base):
    """A trainer at a meeting. Attending twice counts once: the partial unique index uq_attendance_once
    (meeting_id, trainer_id) WHERE void_on IS NULL lives in migration 0007."""

    __tablename__ = "attendance_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)


class ProgrammeContact(Base):
    """A programme's new contact person from a date on (rule 25); the run keeps the first one."""

    __tablename__ = "programme_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("school_programmes.id"), index=True)
    from_date: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))


class ProgrammeLead(Base):
    """Another trainer leads a programme from a date on (rule 25); the run keeps the first one."""

    __tablename__ = "programme_leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("school_programmes.id"), index=True)
    from_date: Mapped[date] = mapped_column(Date)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)


class Price(Base):
    """A price valid from a day on (rule 16): whole öre and a VAT rate in basis points."""

    __tablename__ = "prices"
    __table_args__ = (UniqueConstraint("code", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(30))
    valid_from: Mapped[date] = mapped_column(Date)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    vat_bp: Mapped[int] = mapped_column(Integer, default=0)
    vat_note: Mapped[str] = mapped_column(String(400), default="")


class Payer(Base):
    """The party an invoice goes to (rule 27): every municipality (`code` set), or another body such as an
    independent school's company. `peppol_id` None means `0007:` + the organisation number."""

    __tablename__ = "payers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(10))
    peppol_id: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    #: Where a payer that is not a municipality is (for finding it; its invoices do not depend on it).
    located_in: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"), default=None)
    #: The channel it chose (rule 43): peppol, email or print; None: peppol, else email, else print.
    delivery: Mapped[str | None] = mapped_column(String(10), default=None)


class Charge(Base):
    """Something a payer owes (rule 17). `key` names it for ever (`annual-fee:AGREEMENT:YEAR`, …), so the
    same agreement year or course seat can never become two charges."""

    __tablename__ = "charges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    due_date: Mapped[date] = mapped_column(Date)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    vat_bp: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(400))
    who: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(60))
    #: The credit note that waived this charge (rule 26): it is never invoiced again.
    waived_by: Mapped[int | None] = mapped_column(ForeignKey("invoices.number"), default=None)
    #: A charge written before it is billed (a reminder fee, late-payment interest: rules 40-41), waiting for
    #: the next invoice run; the run clears it, a credit note that frees the charge sets it again.
    to_bill: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)


class ChargeBilling(Base):
    """A charge that is on a live (not credited) invoice. The primary key makes a second live
    invoicing of the same charge impossible; a credit note removes the row, freeing the charge."""

    __tablename__ = "charge_billings"

    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id"), primary_key=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)


class Invoice(Base):
    """An issued invoice or credit note (rules 19-20). Never changed once written."""

    __tablename__ = "invoices"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(10))
    invoice_date: Mapped[date] = mapped_column(Date, index=True)
    due_date: Mapped[date] = mapped_column(Date)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    # The payer as it was when the invoice was issued (rule 27): later changes do not touch it.
    payer_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"), index=True)
    payer_name: Mapped[str] = mapped_column(String(200))
    payer_address: Mapped[str] = mapped_column(Text)
    payer_reference: Mapped[str] = mapped_column(String(200))
    payer_org_number: Mapped[str | None] = mapped_column(String(10))
    payer_peppol_id: Mapped[str | None] = mapped_column(String(60))
    payer_email: Mapped[str] = mapped_column(String(254), default="")
    #: The payment reference (rule 31): the number, a length digit and a check digit.
    ocr: Mapped[str] = mapped_column(String(30), unique=True)
    seller: Mapped[str] = mapped_column(Text)
    net_ore: Mapped[int] = mapped_column(BigInteger)
    vat_ore: Mapped[int] = mapped_column(BigInteger)
    total_ore: Mapped[int] = mapped_column(BigInteger)
    vat_note: Mapped[str] = mapped_column(Text)
    credits_number: Mapped[int | None] = mapped_column(ForeignKey("invoices.number"), unique=True)
    reason: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    waived: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: An invoice taken over from the old system (kind `imported`, rule 37) keeps its own number here; its
    #: internal `number` is negative, outside steg2's gapless series.
    old_number: Mapped[str | None] = mapped_column(String(40), default=None, unique=True)


class InvoiceLine(Base):
    """One charge on an invoice, as issued: what, who, period or course, amount, VAT rate."""

    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_number", "charge_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"))
    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(400))
    who: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(60))
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    vat_bp: Mapped[int] = mapped_column(Integer)


class Setting(Base):
    """The coordinator's settings: seller details, payment terms, the invoice number series start."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Who changed what, when: the command and the ids it touched, never the personal data itself."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(60))
    touched: Mapped[str] = mapped_column(Text, default="")
    #: Old and new values of edited fields, `{"trainer": {"1": {"name": ["old", "new"]}}}`; erasing a
    #: person scrubs theirs.
    changes: Mapped[str | None] = mapped_column(Text, default=None)


class PaymentImport(Base):
    """A bank file taken in by `payment import` (rule 32): which, when, and how many payments it held."""

    __tablename__ = "payment_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(10))
    file_name: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    payments: Mapped[int] = mapped_column(Integer)


class Payment(Base):
    """Money received (rule 32): by hand or from the bank's file, on an invoice or waiting to be assigned.
    `bank_key` names a bank transaction for ever, so importing a file again adds nothing."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100), default="")
    invoice_number: Mapped[int | None] = mapped_column(ForeignKey("invoices.number"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    bank_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    payer_name: Mapped[str] = mapped_column(String(200), default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("payment_imports.id"))
    recorded_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(400), default="")
    #: What is on no invoice yet (rule 42): the whole amount of an unmatched payment, what is left of one
    #: spread in parts, 0 for one put whole on `invoice_number`.
    unallocated_ore: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


# ---- money owed and money back (rules 40-42) ------------------------------------------------------


class PaymentPart(Base):
    """Part of a payment spread over several invoices (rule 42). A payment in parts has no
    `invoice_number` of its own: its parts say where its money is, the rest is `unallocated_ore`."""

    __tablename__ = "payment_parts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)
    amount_ore: Mapped[int] = mapped_column(BigInteger)


class PaymentOffset(Base):
    """An overpayment on one invoice set off against another open invoice of the same payer (rule 42)."""

    __tablename__ = "payment_offsets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_invoice: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)
    to_invoice: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)
    offset_on: Mapped[date] = mapped_column(Date)
    amount_ore: Mapped[int] = mapped_column(BigInteger)


class Refund(Base):
    """Money paid back to a payer from what it paid on an invoice (rule 42)."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)
    refunded_on: Mapped[date] = mapped_column(Date, index=True)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(400), default="")
    recorded_on: Mapped[date] = mapped_column(Date)


class InvoiceBlock(Base):
    """An invoice that must not be reminded (a dispute), with the reason; unblocking keeps the record."""

    __tablename__ = "invoice_blocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)
    blocked_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(400))
    unblocked_on: Mapped[date | None] = mapped_column(Date, default=None)


class Reminder(Base):
    """A reminder sent of an overdue invoice (rule 40): its level, date, new due date and fee."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("invoice_number", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"))
    level: Mapped[int] = mapped_column(Integer)
    reminded_on: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    fee_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"), default=None)


class LateInterest(Base):
    """Late-payment interest charged on an invoice for the days `from_date` to `through_date` (rule 41)."""

    __tablename__ = "late_interest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)
    from_date: Mapped[date] = mapped_column(Date)
    through_date: Mapped[date] = mapped_column(Date)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id"))
    charged_on: Mapped[date] = mapped_column(Date)


class Rate(Base):
    """A rate valid from a day on, in basis points: the Riksbank's reference rate (`reference`)."""

    __tablename__ = "rates"
    __table_args__ = (UniqueConstraint("kind", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[date] = mapped_column(Date)
    rate_bp: Mapped[int] = mapped_column(Integer)


class Receivable(Base):
    """What rules 40-42 add to an invoice, summed: one row only for an invoice that has any of it, kept
    exact by every write that changes it (services.receivables.refresh). The invoice list and the dashboard
    read this one sparse row instead of six tables."""

    __tablename__ = "receivables"

    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), primary_key=True, autoincrement=False)
    #: Payment parts on it, plus set-offs to it, less set-offs from it.
    moved_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_on: Mapped[date | None] = mapped_column(Date, default=None)
    blocked_on: Mapped[date | None] = mapped_column(Date, default=None)
    block_reason: Mapped[str | None] = mapped_column(String(400), default=None)


class OpenInvoice(Base):
    """The open-items mark: one row for each payable invoice still owed (not credited, money received
    short of its total), kept exact by every write that changes what is owed on an invoice
    (services.openitems.reopen). Reminders, interest and the overdue list start here, through the
    due-date index, instead of reading every invoice ever written."""

    __tablename__ = "open_invoices"

    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), primary_key=True, autoincrement=False)
    due_date: Mapped[date] = mapped_column(Date, index=True)


class InterestPending(Base):
    """A payable invoice paid in full (not credited) whose late-payment interest an interest run has not
    settled yet: set by services.openitems.reopen, taken away by the interest run once nothing more can be
    charged on it (rule 41). The run reads these few rows, not every payment ever received."""

    __tablename__ = "interest_pending"

    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), primary_key=True, autoincrement=False)


# ---- programmes as data (rules 45-46) ---------------------------------------------------------


class ProgrammeRow(Base):
    """A programme of the definition."""

    __tablename__ = "programmes"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[str] = mapped_column(String(400), default="")  # separated by "|"
    position: Mapped[int] = mapped_column(Integer)


class StepKindRow(Base):
    """A step of the definition: once only or repeatable, and the step that must come first."""

    __tablename__ = "step_kinds"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    once: Mapped[bool] = mapped_column(Boolean)
    after: Mapped[str | None] = mapped_column(ForeignKey("step_kinds.code"))
    position: Mapped[int] = mapped_column(Integer)


class ProgrammeStepRow(Base):
    """A step of a programme, in its place."""

    __tablename__ = "programme_steps"

    programme_code: Mapped[str] = mapped_column(ForeignKey("programmes.code"), primary_key=True)
    step_code: Mapped[str] = mapped_column(ForeignKey("step_kinds.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class GatheringKindRow(Base):
    """A kind of gathering (meeting) trainers attend: network meeting, conference, a level's gathering."""

    __tablename__ = "gathering_kinds"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class LevelRow(Base):
    """A trainer level."""

    __tablename__ = "levels"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class ObligationRow(Base):
    """A level's yearly obligation from a year on (the latest version starting in or before a year holds)."""

    __tablename__ = "obligations"

    level_code: Mapped[str] = mapped_column(ForeignKey("levels.code"), primary_key=True)
    kind: Mapped[str] = mapped_column(ForeignKey("gathering_kinds.code"), primary_key=True)
    from_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class DefinitionLoad(Base):
    """A definition file loaded into the register (what, when, its checksum and what it changed)."""

    __tablename__ = "definition_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)


class Cohort(Base):
    """A cohort (pool) of municipalities that start a programme together and run a fixed number of months."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    programme_code: Mapped[str] = mapped_column(ForeignKey("programmes.code"))
    start: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)


class CohortMunicipality(Base):
    """A municipality taking part in a cohort."""

    __tablename__ = "cohort_municipalities"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), primary_key=True)


class Delivery(Base):
    """One attempt to deliver an invoice, credit note, reminder or letter (rules 43-44). Written `started`
    before the file or message leaves, `sent` or `failed` after; a `started` row no run finished is
    uncertain. `key` names the thing delivered (`invoice:12`, `reminder:12:1`, `letter:lists:2026:7`);
    its newest attempt is its state. `channel` `manual`: delivered before steg2 delivered anything."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_key", "key", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    invoice_number: Mapped[int | None] = mapped_column(ForeignKey("invoices.number"), index=True, default=None)
    level: Mapped[int | None] = mapped_column(Integer, default=None)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("trainers.id"), index=True, default=None)
    about: Mapped[str | None] = mapped_column(String(20), default=None)
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    #: The file written or the message's Message-ID.
    reference: Mapped[str] = mapped_column(String(400), default="")
    reason: Mapped[str] = mapped_column(String(400), default="")
