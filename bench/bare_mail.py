"""The baseline of `invoice send` in bench.py: the same invoices e-mailed bare. The PDFs are drawn as
bench/bare_pdf.py draws them (typst, steg2's own template), each put into a Swedish e-mail with Python's
`email` package and sent with a bare `smtplib` loop over one connection: what the libraries themselves cost
for these messages, without steg2 around them (its start-up, the services, the channel of each payer, and
the two records of every attempt that make delivery exactly once). Only the standard library and typst.

    python bench/bare_mail.py DATABASE PACKAGE_DOCUMENTS_FOLDER PORT NUMBER,NUMBER,...
"""

import smtplib
import sqlite3
import sys
import tempfile
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bare_pdf  # noqa: E402


def main() -> None:
    database, documents, port, numbers = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with tempfile.TemporaryDirectory() as out:
        sys.argv = [sys.argv[0], database, documents, out, numbers]
        bare_pdf.main()
        conn = sqlite3.connect(database)
        sender = dict(conn.execute("SELECT key, value FROM settings")).get("smtp.from", "faktura@man.example")
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for number in numbers.split(","):
                (to,) = conn.execute(
                    "SELECT payers.email FROM invoices JOIN payers ON payers.id = invoices.payer_id"
                    " WHERE invoices.number = ?",
                    (int(number),),
                ).fetchone()
                mail = EmailMessage(policy=SMTP)
                mail["From"] = f"Män för jämställdhet <{sender}>"
                mail["To"] = to
                mail["Subject"] = f"Faktura {number} från Män för jämställdhet"
                mail["Date"] = formatdate(localtime=True)
                mail["Message-ID"] = make_msgid(domain="man.example")
                mail.set_content(f"Hej,\n\nHär kommer faktura {number}, som PDF i bifogad fil.\n", charset="utf-8")
                pdf = (Path(out) / f"faktura-{number}.pdf").read_bytes()
                mail.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"faktura-{number}.pdf")
                smtp.send_message(mail)


if __name__ == "__main__":
    main()
