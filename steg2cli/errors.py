"""The exceptions steg2 raises on purpose; the CLI turns each into one `Error: …` line and exit 1."""

from __future__ import annotations

from collections.abc import Iterable


class Steg2Error(Exception):
    """Anything steg2 refuses to do, with a message fit for the person at the terminal."""


class RuleViolation(Steg2Error):
    """One or more domain rules refuse the request."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


class NotFound(Steg2Error):
    """A reference (municipality, trainer, school, course, …) that matches nothing."""


class Conflict(Steg2Error):
    """The request collides with what is already recorded."""


class BadInput(Steg2Error):
    """A value that cannot be read: a bad date, e-mail address, amount or file."""


class DatabaseError(Steg2Error):
    """The database cannot be opened, read or written (corrupt, locked, unwritable)."""


class RowErrors(Steg2Error):
    """A list whose rows break rules; every bad row is reported (rule 15)."""

    def __init__(self, errors: list[tuple[int, str, str, str]], what: str = "list") -> None:
        #: (row number, column, value, reason)
        self.errors = errors
        from steg2cli.i18n import _, ngettext

        rows = len({error[0] for error in errors})
        first = {"row": errors[0][0], "column": errors[0][1], "reason": errors[0][3], "what": _(what)}
        if rows == len(errors):
            message = ngettext(
                "{count} bad row in the {what}; nothing was written (first: row {row}, {column}: {reason})",
                "{count} bad rows in the {what}; nothing was written (first: row {row}, {column}: {reason})",
                rows,
            ).format(count=rows, **first)
        else:
            # Several problems on one row: say how many rows, and how many problems in all.
            message = ngettext(
                "{count} bad row in the {what}, {problems}; nothing was written (first: row {row}, {column}: {reason})",
                "{count} bad rows in the {what}, {problems}; nothing was written "
                "(first: row {row}, {column}: {reason})",
                rows,
            ).format(
                count=rows,
                problems=ngettext("{count} problem", "{count} problems", len(errors)).format(count=len(errors)),
                **first,
            )
        super().__init__(message)


class SheetRowErrors(Steg2Error):
    """A workbook of several sheets whose rows break rules (rule 37): every bad row is reported with its sheet,
    row, column and reason, and nothing is written."""

    def __init__(self, errors: list[tuple[str, int, str, str, str]]) -> None:
        #: (sheet, row number, column, value, reason)
        self.errors = errors
        from steg2cli.i18n import ngettext

        rows = len({(error[0], error[1]) for error in errors})
        sheet, row, column, _value, reason = errors[0]
        message = ngettext(
            "{count} bad row in the workbook, {problems}; nothing was written (first: {sheet} row {row}, {column}: "
            "{reason})",
            "{count} bad rows in the workbook, {problems}; nothing was written (first: {sheet} row {row}, {column}: "
            "{reason})",
            rows,
        ).format(
            count=rows,
            problems=ngettext("{count} problem", "{count} problems", len(errors)).format(count=len(errors)),
            sheet=sheet,
            row=row,
            column=column,
            reason=reason,
        )
        super().__init__(message)
