"""The database tables (SQLAlchemy 2.x). Schema changes go through a migration in `migrations/`.

Nothing that records what happened is ever deleted, so no foreign key cascades a delete.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
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
    programmes: Mapped[str] = mapped_column(String(40), default="")
    registered_on: Mapped[date] = mapped_column(Date)
    erased_on: Mapped[date | None] = mapped_column(Date)


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


class CourseParticipant(Base):
    """A trainer on a course; `municipality_code` is where they came from (the seat's payer)."""

    __tablename__ = "course_participants"
    __table_args__ = (UniqueConstraint("course_id", "trainer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))


class Agreement(Base):
    """The yearly agreement (överenskommelse) between MÄN and one trainer (rules 4-8)."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(400))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)


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
