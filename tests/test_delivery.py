"""Delivery and letters (rules 43-44): every channel, exactly once under faults, against a real SMTP server on
localhost (aiosmtpd), what arrives read back with the standard library's own `email` parser."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import SERVER, nothing_written, ok, query, refused, run, trainer_under_agreement
from tests.test_einvoices import seller

PLACES = ["Gävle", "Umeå", "Uppsala", "Lund", "Malmö", "Kiruna"]


class Inbox:
    """An SMTP server's handler that keeps every message, refuses some recipients, and can stop taking
    messages after a number of them (`421`, closing the connection) or vanish after reading one."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()
        self.stop_after: int | None = None
        self.vanish_after: int | None = None

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if self.stop_after is not None and len(self.messages) >= self.stop_after:
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address in self.refuse:  # as real servers do, naming the address refused
            return f"550 5.1.1 <{address}>: Recipient address rejected: Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.vanish_after is not None and len(self.messages) >= self.vanish_after:
            server.transport.close()  # the message is taken, and the answer never comes
        return "250 2.0.0 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _mail_to(port: int) -> None:
    ok("config", "set", "smtp.host", "127.0.0.1")
    ok("config", "set", "smtp.port", str(port))
    ok("config", "set", "smtp.security", "none")


def _register(count: int, channel: str = "email", without_reference: int | None = None) -> list[int]:
    """`count` municipalities, each with a trainer under agreement and one invoice, delivered by `channel`."""
    seller()
    for i, place in enumerate(PLACES[:count]):
        trainer_under_agreement(email=f"t{i}@example.se", municipality=place, start="2024-04-01")
        ok(
            "payer",
            "set",
            place,
            "--org-number",
            ["212000-2528", "212000-2460", "212000-3005", "212000-1249", "212000-1124", "212000-2759"][i],
            "--address",
            rf"Fakturaservice\nBox {i + 1}\n801 84 {place}",
            "--reference",
            "" if i == without_reference else f"REF-{i}",
            "--email",
            f"faktura{i}@kommun.example",
            "--delivery",
            channel,
        )
    invoices = ok("invoice", "run", "--date", "2024-04-01", "--json")["invoices"]
    return [i["number"] for i in invoices]


def _number_to(peppol_or_email: str) -> int:
    """The invoice number of the payer with this e-mail or Peppol address."""
    (number,) = [
        i["number"]
        for i in ok("invoice", "list", "--json")
        if peppol_or_email in (i["payer"]["email"], i["payer"]["peppol_id"])
    ]
    return int(number)


def _statuses(fresh_db: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, status in query(fresh_db, "SELECT key, status FROM deliveries ORDER BY id"):
        found.setdefault(key, []).append(status)
    return found


# ---- e-mail through SMTP -----------------------------------------------------------------------------


def test_invoices_are_emailed_once_in_swedish_with_the_pdf_attached(smtp_server: Any, fresh_db: Any) -> None:
    inbox, port = smtp_server
    numbers = _register(3)
    _mail_to(port)
    result = ok("invoice", "send", "--json")
    assert sorted(d["number"] for d in result["delivered"]) == numbers
    assert {d["channel"] for d in result["delivered"]} == {"email"}
    assert result["failed"] == [] and result["dry_run"] is False
    assert len(inbox.messages) == 3
    first = next(m for m in inbox.messages if f"Faktura {numbers[0]} " in str(m["Subject"]))
    assert str(first["From"]).endswith("<faktura@man.example>") and "Män för jämställdhet" in str(first["From"])
    body = first.get_body(preferencelist=("plain",))
    assert body is not None and "Här kommer faktura" in body.get_content()
    (attachment,) = list(first.iter_attachments())
    assert attachment.get_filename() == f"faktura-{numbers[0]}.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    # A second send delivers nothing.
    again = ok("invoice", "send", "--json")
    assert again["delivered"] == [] and again["failed"] == []
    assert len(inbox.messages) == 3
    shown = ok("invoice", "show", str(numbers[0]), "--json")
    assert [(d["channel"], d["status"], d["date"]) for d in shown["deliveries"]] == [("email", "sent", "2026-06-15")]
    assert shown["deliveries"][0]["to"] == str(first["To"])
    assert shown["deliveries"][0]["reference"] == str(first["Message-ID"])
    # --again with a number sends that one again.
    ok("invoice", "send", "--again", "--number", str(numbers[1]))
    assert len(inbox.messages) == 4
    listed = ok("mail", "list", "--json")
    assert [m["status"] for m in listed] == ["sent"] * 4 and listed[0]["number"] == numbers[1]


def test_a_refused_recipient_fails_and_waits_while_the_rest_go(smtp_server: Any, fresh_db: Any) -> None:
    inbox, port = smtp_server
    numbers = _register(3)
    _mail_to(port)
    inbox.refuse.add("faktura1@kommun.example")
    result = run("invoice", "send", "--json")
    assert result.exit_code == 1 and result.stderr.strip().splitlines()[-1].startswith("Error: 1 not delivered")
    import json

    document = json.loads(result.stdout)
    refused_number = _number_to("faktura1@kommun.example")
    assert sorted(d["number"] for d in document["delivered"]) == sorted(set(numbers) - {refused_number})
    assert [f["number"] for f in document["failed"]] == [refused_number]
    assert "550" in document["failed"][0]["reason"]
    # The server named the address it refused; that stays out of the record and the screen (rule 44).
    assert "faktura1@kommun.example" not in document["failed"][0]["reason"] + result.stderr
    assert "faktura1@kommun.example" not in str(query(fresh_db, "SELECT reason FROM deliveries"))
    assert _statuses(fresh_db)[f"invoice:{refused_number}"] == ["failed"]
    inbox.refuse.clear()
    second = ok("invoice", "send", "--json")
    assert [d["number"] for d in second["delivered"]] == [refused_number]
    assert len(inbox.messages) == 3
    assert sorted(rcpt[0] for _f, rcpt in inbox.envelopes) == [f"faktura{i}@kommun.example" for i in range(3)]


def test_a_server_that_stops_leaves_the_rest_waiting_and_a_rerun_sends_only_those(
    smtp_server: Any, fresh_db: Any
) -> None:
    inbox, port = smtp_server
    numbers = _register(5)
    _mail_to(port)
    inbox.stop_after = 2
    result = run("invoice", "send", "--json")
    assert result.exit_code == 1
    assert len(inbox.messages) == 2
    states = _statuses(fresh_db)
    assert sorted(k for k, v in states.items() if v == ["sent"]) == sorted(
        f"invoice:{n}" for n in numbers if any(f"Faktura {n} " in str(m["Subject"]) for m in inbox.messages)
    )
    assert not any(v[-1] == "started" for v in states.values())
    inbox.stop_after = None
    second = ok("invoice", "send", "--json")
    assert len(second["delivered"]) == 3
    subjects = sorted(str(m["Subject"]) for m in inbox.messages)
    assert len(subjects) == 5 and len(set(subjects)) == 5  # nothing twice
    assert ok("invoice", "send", "--json")["delivered"] == []


def test_a_crash_between_sending_and_recording_is_uncertain_and_not_sent_again_by_itself(
    smtp_server: Any, fresh_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from steg2cli.services import delivery

    inbox, port = smtp_server
    numbers = _register(3)
    _mail_to(port)
    real_finish = delivery._finish
    calls = []

    def crash_on_second(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_finish(*args, **kwargs)

    monkeypatch.setattr(delivery, "_finish", crash_on_second)
    result = run("invoice", "send")
    assert result.exit_code == 130
    monkeypatch.setattr(delivery, "_finish", real_finish)
    assert len(inbox.messages) == 2
    states = _statuses(fresh_db)
    unsure = [k for k, v in states.items() if v == ["started"]]
    assert len(unsure) == 1
    number = int(unsure[0].split(":")[1])
    assert ok("invoice", "show", str(number), "--json")["deliveries"][0]["status"] == "uncertain"
    status = ok("status", "--json")
    assert [d["number"] for d in status["uncertain_deliveries"]] == [number]
    screen = ok("status").stdout
    assert "Deliveries uncertain" in screen and f"invoice {number} by e-mail" in screen
    # The rerun sends the one never tried, not the uncertain one, and says so.
    rerun = run("invoice", "send", "--json")
    assert rerun.exit_code == 1
    import json

    document = json.loads(rerun.stdout)
    assert [d["number"] for d in document["delivered"]] == [n for n in numbers if f"invoice:{n}" not in states]
    assert [u["number"] for u in document["uncertain"]] == [number]
    assert len(inbox.messages) == 3
    # --again sends the uncertain one again.
    ok("invoice", "send", "--again", "--json")
    assert len(inbox.messages) == 4
    assert ok("status", "--json")["uncertain_deliveries"] == []


def test_a_connection_lost_before_the_servers_answer_is_uncertain(smtp_server: Any, fresh_db: Any) -> None:
    inbox, port = smtp_server
    numbers = _register(3)
    _mail_to(port)
    inbox.vanish_after = 2
    result = run("invoice", "send", "--json")
    assert result.exit_code == 1
    import json

    document = json.loads(result.stdout)
    assert len(document["delivered"]) == 1 and len(document["uncertain"]) == 1
    unsure = document["uncertain"][0]["number"]
    assert document["uncertain"][0]["message_id"] == str(inbox.messages[1]["Message-ID"])
    states = _statuses(fresh_db)
    assert states[f"invoice:{unsure}"] == ["started"]
    waiting = [n for n in numbers if f"invoice:{n}" not in states]
    assert len(waiting) == 1 and [f["number"] for f in document["failed"]] == waiting
    inbox.vanish_after = None
    rerun = run("invoice", "send", "--json")
    assert [d["number"] for d in json.loads(rerun.stdout)["delivered"]] == waiting
    assert len(inbox.messages) == 3


def test_no_server_at_all_is_a_clear_refusal_and_nothing_is_recorded(fresh_db: Any) -> None:
    _register(2)
    _mail_to(_free_port())
    with nothing_written(fresh_db):
        refused("invoice", "send", contains="cannot reach the mail server 127.0.0.1")


def test_a_dry_run_tries_the_server_and_sends_nothing(smtp_server: Any, fresh_db: Any) -> None:
    inbox, port = smtp_server
    numbers = _register(2)
    _mail_to(port)
    with nothing_written(fresh_db):
        result = ok("invoice", "send", "--dry-run", "--json")
    assert result["dry_run"] is True and sorted(d["number"] for d in result["delivered"]) == numbers
    assert inbox.messages == []
    ok("config", "set", "smtp.security", "starttls")
    refused("invoice", "send", "--dry-run", contains="does not offer STARTTLS")


def test_the_password_comes_from_the_environment_only(smtp_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _inbox, port = smtp_server
    _register(1)
    _mail_to(port)
    ok("config", "set", "smtp.user", "man")
    monkeypatch.delenv("STEG2_SMTP_PASSWORD", raising=False)
    refused("invoice", "send", "--dry-run", contains="STEG2_SMTP_PASSWORD")
    assert "password" not in {s["key"] for s in ok("config", "show", "--json") if "password" in s["key"]}
    refused("config", "set", "smtp.password", "hemligt", contains="unknown setting")


# ---- the other channels ------------------------------------------------------------------------------


def test_without_a_server_email_goes_to_the_outbox_as_eml_files(tmp_path: Path, fresh_db: Any) -> None:
    numbers = _register(2)
    ok("config", "set", "delivery.mail-outbox", str(tmp_path / "utkorg"))
    result = ok("invoice", "send", "--json")
    assert sorted(d["number"] for d in result["delivered"]) == numbers
    files = sorted((tmp_path / "utkorg").iterdir())
    assert [f.name for f in files] == [f"faktura-{n}.eml" for n in numbers]
    mail = message_from_bytes(files[0].read_bytes(), policy=default)
    assert str(mail["To"]).startswith("faktura") and f"Faktura {numbers[0]}" in str(mail["Subject"])
    assert [a.get_filename() for a in mail.iter_attachments()] == [f"faktura-{numbers[0]}.pdf"]  # type: ignore[attr-defined]
    assert all(m["outbox"] for m in ok("mail", "list", "--json"))
    assert ok("invoice", "send", "--json")["delivered"] == []


def test_a_letter_sent_again_to_the_outbox_never_overwrites_the_one_not_yet_collected(
    tmp_path: Path, fresh_db: Any
) -> None:
    seller()
    trainer_under_agreement(email="kort@example.se", start="2024-04-01")
    ok("config", "set", "delivery.mail-outbox", str(tmp_path / "utkorg"))
    first = ok("mail", "trainers", "--about", "meetings", "--date", "2026-06-01", "--json")["sent"]
    again = ok("mail", "trainers", "--about", "meetings", "--date", "2026-06-02", "--again", "--json")["sent"]
    assert len(first) == len(again) == 1
    names = sorted(f.name for f in (tmp_path / "utkorg").iterdir())
    assert len(names) == 2 and names[0].endswith("-2.eml"), names
    assert {n.removesuffix("-2.eml").removesuffix(".eml") for n in names} == {names[1].removesuffix(".eml")}
    texts = [message_from_bytes(f.read_bytes(), policy=default)["Message-ID"] for f in (tmp_path / "utkorg").iterdir()]
    assert len(set(texts)) == 2  # both letters kept


def test_without_a_server_or_an_outbox_email_waits_named(fresh_db: Any) -> None:
    _register(1)
    with nothing_written(fresh_db):
        result = run("invoice", "send", "--json")
    assert result.exit_code == 1
    assert "no mail server and no outbox" in result.stdout


def test_peppol_invoices_go_to_the_access_points_outbox_whole(tmp_path: Path, fresh_db: Any) -> None:
    numbers = _register(2, channel="peppol")
    outbox = tmp_path / "peppol"
    ok("config", "set", "delivery.peppol-outbox", str(outbox))
    result = ok("invoice", "send", "--json")
    assert [(d["number"], d["channel"], d["to"]) for d in result["delivered"]] == [
        (numbers[0], "peppol", "0007:2120002528"),
        (numbers[1], "peppol", "0007:2120002460"),
    ]
    assert sorted(p.name for p in outbox.iterdir()) == [f"faktura-{n}.xml" for n in numbers]  # no temporary left
    assert (outbox / f"faktura-{numbers[0]}.xml").read_bytes().startswith(b"<?xml")


def test_a_payer_lacking_what_its_channel_needs_waits_while_the_rest_go(tmp_path: Path, fresh_db: Any) -> None:
    numbers = _register(2, channel="peppol", without_reference=1)
    numbers = [_number_to("0007:2120002528"), _number_to("0007:2120002460")]
    ok("config", "set", "delivery.peppol-outbox", str(tmp_path / "peppol"))
    result = run("invoice", "send", "--json")
    assert result.exit_code == 1
    import json

    document = json.loads(result.stdout)
    assert [d["number"] for d in document["delivered"]] == [numbers[0]]
    assert [f["number"] for f in document["failed"]] == [numbers[1]]
    assert "Umeå" in document["failed"][0]["reason"] and "reference" in document["failed"][0]["reason"]


def test_print_puts_the_pdf_in_the_print_folder_and_the_default_channel_is_peppol_email_print(
    tmp_path: Path, fresh_db: Any
) -> None:
    numbers = _register(1, channel="print")
    ok("config", "set", "delivery.print-folder", str(tmp_path / "post"))
    result = ok("invoice", "send", "--json")
    assert result["delivered"][0]["channel"] == "print"
    assert (tmp_path / "post" / f"faktura-{numbers[0]}.pdf").read_bytes().startswith(b"%PDF-")
    assert ok("payer", "show", "Gävle", "--json")["delivery"] == "print"
    ok("payer", "set", "Gävle", "--delivery", "")
    assert ok("payer", "show", "Gävle", "--json")["delivery"] == "peppol"
    refused("payer", "set", "Gävle", "--delivery", "fax", contains="unknown delivery channel")


def test_invoice_run_send_bills_then_delivers(tmp_path: Path, fresh_db: Any) -> None:
    seller()
    trainer_under_agreement(start="2024-04-01")
    ok("payer", "set", "Gävle", "--email", "faktura@gavle.example", "--delivery", "email")
    ok("config", "set", "delivery.mail-outbox", str(tmp_path / "ut"))
    result = ok("invoice", "run", "--date", "2024-04-01", "--send", "--json")
    assert [d["number"] for d in result["send"]["delivered"]] == [i["number"] for i in result["invoices"]]


def test_person_erase_scrubs_the_address_from_the_delivery_records(tmp_path: Path, fresh_db: Any) -> None:
    seller()
    ok("config", "set", "delivery.mail-outbox", str(tmp_path / "ut"))
    trainer_under_agreement(email="anna@example.se", start="2025-07-01")
    ok("mail", "trainers", "--about", "renewal", "--date", "2026-06-15")
    assert [m["to"] for m in ok("mail", "list", "--json")] == ["anna@example.se"]
    held = ok("person", "export", "anna@example.se", "--json")["messages"]
    assert [(m["kind"], m["about"], m["to"]) for m in held] == [("letter", "renewal", "anna@example.se")]
    ok("agreement", "end", "1", "--date", "2026-06-15", "--reason", "slutar")
    ok("person", "erase", "anna@example.se", "--yes", "--json")
    assert [m["to"] for m in ok("mail", "list", "--json")] == [""]
    assert "anna@example.se" not in str(query(fresh_db, "SELECT * FROM deliveries"))


def test_a_refused_letter_is_reported_as_refused_and_erasure_reaches_the_servers_answer(
    smtp_server: Any, fresh_db: Any
) -> None:
    inbox, port = smtp_server
    seller()
    _mail_to(port)
    trainer_under_agreement(email="anna@example.se", start="2025-07-01")
    inbox.refuse.add("anna@example.se")
    result = run("mail", "trainers", "--about", "renewal", "--date", "2026-06-15", "--json")
    assert result.exit_code == 1 and "Error: 1 not delivered" in result.stderr
    assert "anna@example.se" not in result.stdout + result.stderr
    screen = run("mail", "trainers", "--about", "renewal", "--date", "2026-06-15")
    assert screen.exit_code == 1 and "No trainer to write to" not in screen.stdout
    assert "trainer 1 waits" in screen.stderr and "anna@example.se" not in screen.stderr
    # A refusal stored before servers' answers were cleaned may still name the address: erasure reaches it.
    import sqlite3

    if isinstance(fresh_db, Path):
        with sqlite3.connect(fresh_db) as connection:
            connection.execute("UPDATE deliveries SET reason = reason || ' <anna@example.se>'")
        ok("agreement", "end", "1", "--date", "2026-06-15", "--reason", "slutar")
        ok("person", "erase", "anna@example.se", "--yes")
        assert "anna@example.se" not in str(query(fresh_db, "SELECT * FROM deliveries"))


def test_a_credit_note_is_delivered_as_a_credit_note(smtp_server: Any, fresh_db: Any) -> None:
    inbox, port = smtp_server
    (number,) = _register(1)
    _mail_to(port)
    ok("invoice", "send")
    note = ok("invoice", "credit", str(number), "--reason", "Fel belopp", "--date", "2024-04-02", "--json")
    result = ok("invoice", "send", "--json")
    assert result["delivered"] == [
        {
            "number": note["number"],
            "kind": "credit",
            "channel": "email",
            "to": "faktura0@kommun.example",
            "message_id": result["delivered"][0]["message_id"],
        }
    ]
    mail = inbox.messages[-1]
    assert str(mail["Subject"]).startswith(f"Kreditfaktura {note['number']} ")
    assert [a.get_filename() for a in mail.iter_attachments()] == [f"kreditfaktura-{note['number']}.pdf"]  # type: ignore[attr-defined]
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None and f"Den krediterar faktura {number}." in body.get_content()
    screen = ok("invoice", "send", "--again", "--number", str(note["number"]))
    assert f"credit note {note['number']}" in screen.stdout


def test_a_delivery_folder_under_a_missing_folder_is_refused(tmp_path: Path, fresh_db: Any) -> None:
    with nothing_written(fresh_db):
        refused("config", "set", "delivery.mail-outbox", str(tmp_path / "saknas" / "ut"), contains="does not exist")
    ok("config", "set", "delivery.mail-outbox", str(tmp_path / "ut"))  # the folder itself is made when needed


def test_a_dry_run_of_the_cron_job_says_the_new_invoices_would_be_delivered_too(tmp_path: Path, fresh_db: Any) -> None:
    seller()
    trainer_under_agreement(start="2024-04-01")
    ok("config", "set", "delivery.mail-outbox", str(tmp_path / "ut"))
    result = ok("invoice", "run", "--date", "2024-04-01", "--send", "--dry-run")
    assert "would issue 1 invoice" in result.stdout
    assert "The invoice this run would issue is delivered too" in result.stdout
    assert "Nothing to deliver" not in result.stdout
    assert not (tmp_path / "ut").exists()


# ---- letters to trainers -----------------------------------------------------------------------------


def test_renewal_letters_reach_exactly_the_trainers_renewing_in_swedish_with_the_fee(
    smtp_server: Any, fresh_db: Any
) -> None:
    inbox, port = smtp_server
    seller()
    _mail_to(port)
    soon, _a = trainer_under_agreement(email="snart@example.se", start="2025-07-01")
    trainer_under_agreement(email="sent@example.se", municipality="Umeå", start="2025-10-01")
    result = ok("mail", "trainers", "--about", "renewal", "--json")
    assert result["sent"] == [
        {
            "trainer_id": soon,
            "about": "renewal",
            "channel": "email",
            "message_id": result["sent"][0]["message_id"],
        }
    ]
    (mail,) = inbox.messages
    assert inbox.envelopes[0][1] == ["snart@example.se"]  # the address is in the message, not the answer
    assert "snart@example.se" not in str(result)
    assert str(mail["Subject"]) == "Din överenskommelse förnyas 2026-07-01"
    text = mail.get_content()  # type: ignore[attr-defined]
    assert "förnyas den 2026-07-01" in text and "Årsavgiften för det nya året är" in text and " kr" in text
    again = ok("mail", "trainers", "--about", "renewal", "--json")
    assert again["sent"] == [] and again["skipped"] == [{"trainer_id": soon, "about": "renewal", "status": "sent"}]
    ok("mail", "trainers", "--about", "renewal", "--again")
    assert len(inbox.messages) == 2


def test_meeting_letters_say_what_was_attended_and_what_is_left(smtp_server: Any) -> None:
    inbox, port = smtp_server
    seller()
    _mail_to(port)
    short, _a = trainer_under_agreement(email="kort@example.se", start="2024-04-01")
    done, _b = trainer_under_agreement(email="klar@example.se", municipality="Umeå", start="2024-04-01")
    meetings = [
        ok("meeting", "add", "--kind", kind, "--date", day, "--json")["id"]
        for kind, day in (("network", "2026-02-01"), ("network", "2026-04-01"), ("conference", "2026-05-01"))
    ]
    for meeting in meetings:
        ok("meeting", "attend", str(meeting), str(done))
    ok("meeting", "attend", str(meetings[0]), str(short))
    ok("meeting", "add", "--kind", "network", "--date", "2026-10-01", "--title", "Höstträffen")
    result = ok("mail", "trainers", "--about", "meetings", "--json")
    assert [s["trainer_id"] for s in result["sent"]] == [short]
    (mail,) = inbox.messages
    text = mail.get_content()  # type: ignore[attr-defined]
    assert "deltagit i 1 nätverksträff och 0 konferenser" in text  # 0 takes the plural
    assert "deltar du varje år i 2 nätverksträffar och 1 konferens." in text
    assert "Kvar att delta i: 1 nätverksträff och 1 konferens." in text
    assert "2026-10-01 nätverksträff: Höstträffen" in text
    again = ok("mail", "trainers", "--about", "meetings", "--json")
    assert again["sent"] == [] and [s["trainer_id"] for s in again["skipped"]] == [short]
    assert len(inbox.messages) == 1
    assert [s["trainer_id"] for s in ok("mail", "trainers", "--about", "meetings", "--again", "--json")["sent"]] == [
        short
    ]


def test_list_letters_name_the_programme_and_school_without_a_list_this_year(smtp_server: Any) -> None:
    inbox, port = smtp_server
    seller()
    _mail_to(port)
    trainer, _a = trainer_under_agreement(email="lead@example.se", start="2024-04-01")
    ok(
        "start-school",
        "Norrskolan",
        "--municipality",
        "Gävle",
        "--programme",
        "mvp-hs",
        "--start",
        "2025-01-10",
        "--trainer",
        str(trainer),
        "--contact-name",
        "Rektor Ek",
        "--contact-email",
        "ek@skola.example",
    )
    # A second trainer whose programme has a list this year is not written to.
    other, _b = trainer_under_agreement(email="other@example.se", municipality="Umeå", start="2024-04-01")
    ok(
        "start-school",
        "Söderskolan",
        "--municipality",
        "Umeå",
        "--programme",
        "at",
        "--start",
        "2025-01-10",
        "--trainer",
        str(other),
        "--contact-name",
        "Rektor Al",
        "--contact-email",
        "al@skola.example",
    )
    ok(
        "report-trainees",
        "Per Ek <per.ek@skola.example>",
        "--trainer",
        str(other),
        "--school",
        "Söderskolan",
        "--programme",
        "at",
        "--date",
        "2026-03-10",
    )
    result = ok("mail", "trainers", "--about", "lists", "--dry-run", "--json")
    assert [s["trainer_id"] for s in result["sent"]] == [trainer] and inbox.messages == []
    ok("mail", "trainers", "--about", "lists")
    (mail,) = inbox.messages
    assert str(mail["Subject"]) == "Lista över utbildade 2026"
    assert "MVP högstadiet på Norrskolan, Gävle" in mail.get_content()  # type: ignore[attr-defined]
    again = ok("mail", "trainers", "--about", "lists", "--json")
    assert again["sent"] == [] and [s["trainer_id"] for s in again["skipped"]] == [trainer]
    assert len(inbox.messages) == 1


def test_an_unknown_letter_is_refused() -> None:
    refused("mail", "trainers", "--about", "weather", contains="unknown letter")


# ---- reminders: through the seam with the reminders' own service -----------------------------------------


def test_reminders_go_by_email_never_peppol_once_each(
    smtp_server: Any, fresh_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`invoice send --reminders` delivers each reminder issued (read through `issued_reminders`), drawn by
    `reminders.letter` (here a stand-in: the reminders' service is built beside this one)."""
    from datetime import date

    from steg2cli.documents.common import Payer, Seller
    from steg2cli.documents.reminder import Reminder
    from steg2cli.services import delivery

    inbox, port = smtp_server
    numbers = _register(2, channel="peppol")
    ok("config", "set", "delivery.peppol-outbox", str(tmp_path / "peppol"))
    ok("invoice", "send")
    _mail_to(port)
    seller_doc = Seller(
        name="Män för jämställdhet",
        org_number="8020001239",
        address=("Box 1234", "118 20 Stockholm"),
        f_skatt=True,
        email="faktura@man.example",
        bankgiro="50501055",
    )

    def letter(db: Any, number: int, level: int) -> Reminder:
        return Reminder(
            seller=seller_doc,
            payer=Payer("Kommunen", ("Box 1", "801 84 Gävle"), "REF", "2120002528"),
            invoice_number=number,
            invoice_date=date(2024, 4, 1),
            original_due_date=date(2024, 5, 1),
            total=1_000_000,
            paid=0,
            balance=1_000_000,
            level=level,
            reminder_date=date(2026, 6, 15),
            due_date=date(2026, 6, 25),
            ocr="12345",
        )

    monkeypatch.setattr(delivery, "issued_reminders", lambda db, wanted=(): [(n, 1) for n in sorted(wanted or numbers)])
    monkeypatch.setattr(delivery, "reminder_document", letter)
    result = ok("invoice", "send", "--reminders", "--json")
    assert sorted((d["number"], d["level"], d["channel"]) for d in result["delivered"]) == [
        (n, 1, "email") for n in sorted(numbers)
    ]
    assert len(inbox.messages) == 2
    mail = inbox.messages[0]
    assert str(mail["Subject"]).startswith("Påminnelse: faktura ")
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename().startswith("paminnelse-") and attachment.get_filename().endswith("-1.pdf")
    assert ok("invoice", "send", "--reminders", "--json")["delivered"] == []
    assert len(inbox.messages) == 2
    # `invoice remind --send` hands its new reminders to send_reminders.
    from steg2cli.db import Database

    url = fresh_db if SERVER else f"sqlite:///{fresh_db}"
    again = delivery.send_reminders(Database(url), date(2026, 6, 15), [(numbers[0], 2)])
    assert [(d["number"], d["level"]) for d in again["delivered"]] == [(numbers[0], 2)]


def test_invoice_remind_send_delivers_the_real_reminder_letter_once(smtp_server: Any, fresh_db: Any) -> None:
    """`invoice remind --send`: the reminders' own service records the reminder and draws its letter, delivery
    e-mails it with the PDF attached; a second run has nothing new to remind or deliver."""
    from pypdf import PdfReader

    inbox, port = smtp_server
    numbers = _register(2)
    _mail_to(port)
    ok("invoice", "send")
    assert len(inbox.messages) == 2
    result = ok("invoice", "remind", "--date", "2024-06-15", "--send", "--json")
    assert sorted(r["invoice"] for r in result["reminders"]) == numbers
    assert sorted((d["number"], d["level"]) for d in result["send"]["delivered"]) == [(n, 1) for n in numbers]
    reminders = inbox.messages[2:]
    assert len(reminders) == 2
    assert all(str(m["Subject"]).startswith("Påminnelse: faktura ") for m in reminders)
    (attachment,) = list(reminders[0].iter_attachments())
    from io import BytesIO

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(attachment.get_content())).pages)
    assert "Påminnelse" in text
    again = ok("invoice", "remind", "--date", "2024-06-16", "--send", "--json")
    assert again["reminders"] == [] and again["send"]["delivered"] == []
    assert len(inbox.messages) == 4
    assert ok("invoice", "send", "--reminders", "--json")["delivered"] == []


def test_a_reminder_whose_delivery_failed_goes_with_the_next_reminder_run(smtp_server: Any, fresh_db: Any) -> None:
    """The cron line `invoice remind --send`: a reminder that could not be delivered (the server refused it)
    waits, and the next run delivers it although it has no new reminder to write."""
    inbox, port = smtp_server
    numbers = _register(2)
    _mail_to(port)
    ok("invoice", "send")
    inbox.refuse.add("faktura1@kommun.example")
    first = run("invoice", "remind", "--date", "2024-06-15", "--send")
    assert first.exit_code == 1 and "1 not delivered" in first.stderr
    assert len(inbox.messages) == 3
    inbox.refuse.clear()
    again = ok("invoice", "remind", "--date", "2024-06-16", "--send", "--json")
    assert again["reminders"] == []
    assert [(d["number"], d["level"]) for d in again["send"]["delivered"]] == [
        (_number_to("faktura1@kommun.example"), 1)
    ]
    assert len(inbox.messages) == 4 and len(numbers) == 2
    assert ok("invoice", "remind", "--date", "2024-06-17", "--send", "--json")["send"]["delivered"] == []


# ---- a protected server: STARTTLS or TLS, and a login ------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, trusted by this test's Python (SSL_CERT_FILE)."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return cert, key


PASSWORD = "s3cret-Lösen-42"


def _protected(certificate: tuple[Path, Path], implicit: bool) -> tuple[Inbox, int, Any]:
    import ssl

    from aiosmtpd.smtp import AuthResult, LoginPassword

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (b"man", PASSWORD.encode())
        return AuthResult(success=good)

    inbox = Inbox()
    port = _free_port()
    options: dict[str, Any] = {"authenticator": authenticate, "auth_require_tls": True}
    if implicit:  # aiosmtpd offers AUTH on an implicit TLS connection only without auth_require_tls
        options.update(ssl_context=context, auth_require_tls=False)
    else:
        options.update(tls_context=context, require_starttls=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return inbox, port, controller


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_protected_server_with_a_login_and_the_password_only_in_the_environment(
    certificate: tuple[Path, Path], security: str, fresh_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port, controller = _protected(certificate, implicit=security == "tls")
    try:
        numbers = _register(2)
        ok("config", "set", "smtp.host", "127.0.0.1")
        ok("config", "set", "smtp.port", str(port))
        ok("config", "set", "smtp.security", security)
        ok("config", "set", "smtp.user", "man")
        monkeypatch.delenv("STEG2_SMTP_PASSWORD", raising=False)
        with nothing_written(fresh_db):
            refused("invoice", "send", "--dry-run", contains="STEG2_SMTP_PASSWORD")
        monkeypatch.setenv("STEG2_SMTP_PASSWORD", PASSWORD)
        ok("invoice", "send", "--dry-run")
        result = run("invoice", "send", "--json")
        assert result.exit_code == 0, result.stderr
        assert len(inbox.messages) == len(numbers)
        assert PASSWORD not in result.stdout + result.stderr
        dump = str(query(fresh_db, "SELECT * FROM settings")) + str(query(fresh_db, "SELECT * FROM audit_log"))
        assert PASSWORD not in dump and "STEG2_SMTP_PASSWORD" not in dump
    finally:
        controller.stop()
