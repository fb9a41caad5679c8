"""`demo`: fill the database with a realistic sample."""

from __future__ import annotations

import typer

from steg2cli.commands import common


def demo(ctx: typer.Context) -> None:
    """Fill an empty database with realistic sample data (trainers, courses, agreements, schools, …)."""
    from steg2cli.services import demo as demo_service

    summary = demo_service.fill(common.database(ctx), common.today())
    common.done("Filled the database with sample data: " + ", ".join(f"{n} {what}" for what, n in summary.items()))
