"""The baseline of `invoice pdf` in bench.py: typst writing the same invoices bare. Each invoice and its lines
are read with sqlite3, formatted the Swedish way, and handed to steg2's own invoice template (the same
Typst source, fonts and PDF/A-3b standard), one PDF per invoice: what the library itself costs for these
documents, without steg2 around it (its start-up, SQLAlchemy, the services, the payer fill-in, the e-invoice
check). Only the standard library and typst.

    python bench/bare_pdf.py DATABASE PACKAGE_DOCUMENTS_FOLDER OUTPUT NUMBER,NUMBER,...
"""

import json
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import typst


def kr(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor:,}".replace(",", " ") + f",{rest:02d} kr"


def main() -> None:
    database, documents, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    numbers = [int(n) for n in sys.argv[4].split(",")]
    conn = sqlite3.connect(database)
    settings = dict(conn.execute("SELECT key, value FROM settings"))
    seller = {
        "name": settings.get("seller.name", "Män för jämställdhet"),
        "address": settings.get("seller.address", "").splitlines(),
        "org_number": settings.get("seller.org-number", ""),
        "vat_number": settings.get("seller.vat-number", ""),
        "f_skatt": settings.get("seller.f-skatt") == "ja",
        "email": settings.get("seller.email", ""),
        "bankgiro": settings.get("seller.bankgiro", ""),
        "plusgiro": settings.get("seller.plusgiro", ""),
    }
    compiler = typst.Compiler(
        root=str(documents / "templates"), font_paths=[str(documents / "fonts")], ignore_system_fonts=True
    )
    template = str(documents / "templates" / "invoice.typ")
    for number in numbers:
        number, day, due, ocr, name, address, reference, org, net, vat, total, note = conn.execute(
            "SELECT number, invoice_date, due_date, ocr, payer_name, payer_address, payer_reference,"
            " payer_org_number, net_ore, vat_ore, total_ore, vat_note FROM invoices WHERE number = ?",
            (number,),
        ).fetchone()
        lines = conn.execute(
            "SELECT description, who, period, amount_ore, vat_bp FROM invoice_lines WHERE invoice_number = ?"
            " ORDER BY id",
            (number,),
        ).fetchall()
        rates: dict[int, int] = {}
        for *_, amount, rate in lines:
            rates[rate] = rates.get(rate, 0) + amount
        data = {
            "title": "Faktura",
            "subtitle": None,
            "number": str(number),
            "seller": seller,
            "payer": {
                "name": name,
                "address": address.splitlines(),
                "reference": reference,
                "org_number": org or "",
                "email": "",
            },
            "facts": [
                ["Fakturanummer", str(number)],
                ["Fakturadatum", day],
                ["Förfallodatum", due],
                ["OCR-nummer", ocr],
                ["Betalningsvillkor", "30 dagar netto"],
                ["Er referens", reference],
            ],
            "intro": [],
            "lines": [
                {
                    "name": d,
                    "details": [f"Utbildare: {w}"] if w else [],
                    "period": p,
                    "vat": f"{v // 100} %",
                    "exempt": v == 0,
                    "amount": kr(a),
                }
                for d, w, p, a, v in lines
            ],
            "vat_rows": [
                {"rate": f"{r // 100} %", "base": kr(b), "vat": kr(b * r // 10000), "exempt": r == 0}
                for r, b in sorted(rates.items())
            ],
            "totals": [["Summa exkl. moms", kr(net)], ["Moms", kr(vat)], ["Att betala", kr(total)]],
            "exempt_note": f"Momsfritt (0 %): {note}" if note else "",
            "notes": [],
            "payment": {
                "fields": [
                    ["Att betala", kr(total)],
                    ["Senast", due],
                    ["Bankgiro", seller["bankgiro"]],
                    ["OCR-nummer", ocr],
                ],
                "text": f"Ange OCR-numret {ocr} när ni betalar, så hamnar betalningen rätt.",
            },
        }
        when = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
        pdf = compiler.compile(
            input=template,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False), "attachments": "[]", "images": "[]"},
            pdf_standards="a-3b",
            timestamp=when,
        )
        (out / f"faktura-{number}.pdf").write_bytes(pdf)


if __name__ == "__main__":
    main()
