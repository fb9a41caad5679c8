"""What every document shares: the seller and the payer, how numbers are printed, and the one call that
turns a Typst template and its data into a PDF/A file.

The templates in `templates/` draw; this module only hands them plain strings, already formatted the
Swedish way (money as `10 000,00 kr`, dates as `2026-06-15`), so a figure reads the same in every
document and in the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from steg2cli.rules import format_kr

#: The PDF standard every document is written to: PDF/A-3b (ISO 19005-3; archival, fonts embedded, and
#: able to carry the invoice's e-invoice as an attached file).
PDF_STANDARD = "a-3b"
SELLER_DEFAULT_NAME = "Män för jämställdhet"


@dataclass(frozen=True)
class Seller:
    """MÄN as the seller (rule 28): name, organisation number (10 digits), postal address lines, VAT number
    (empty when not registered for VAT), F-skatt, e-mail, bankgiro and plusgiro (digits)."""

    name: str
    org_number: str = ""
    address: tuple[str, ...] = ()
    vat_number: str = ""
    f_skatt: bool = False
    email: str = ""
    bankgiro: str = ""
    plusgiro: str = ""


@dataclass(frozen=True)
class Payer:
    """Who a document goes to (rule 27): name, postal address lines, the reference it asks for, its
    organisation number (10 digits) and e-mail."""

    name: str
    address: tuple[str, ...] = ()
    reference: str = ""
    org_number: str = ""
    email: str = ""


class DocumentError(ValueError):
    """A document cannot be drawn from what it was given (the message names what is wrong)."""


def kr(ore: int) -> str:
    """Money as on every document and screen: `10 000,00 kr`."""
    return format_kr(ore)


def percent(basis_points: int) -> str:
    """A VAT rate as printed: `25 %`, `0 %`, `12,5 %`."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole} %" if not rest else f"{whole},{rest:02d}".rstrip("0") + " %"


def day(value: date) -> str:
    """A date as printed: ISO 8601, as Swedes write it (2026-06-15)."""
    return value.isoformat()


def org_number_text(digits: str) -> str:
    """`8020001239` → `802000-1239`."""
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 and digits.isdigit() else digits


def bankgiro_text(digits: str) -> str:
    """`50501055` → `5050-1055`, `1234567` → `123-4567` (as Bankgirot prints them)."""
    return f"{digits[:-4]}-{digits[-4:]}" if digits.isdigit() and len(digits) in (7, 8) else digits


def plusgiro_text(digits: str) -> str:
    """`4711234` → `471123-4` (the check digit after a dash)."""
    return f"{digits[:-1]}-{digits[-1]}" if digits.isdigit() and len(digits) >= 2 else digits


def seller_data(seller: Seller) -> dict[str, Any]:
    """The seller as the templates print it (header, payment box and footer)."""
    return {
        "name": seller.name or SELLER_DEFAULT_NAME,
        "address": list(seller.address),
        "org_number": org_number_text(seller.org_number),
        "vat_number": seller.vat_number,
        "f_skatt": seller.f_skatt,
        "email": seller.email,
        "bankgiro": bankgiro_text(seller.bankgiro),
        "plusgiro": plusgiro_text(seller.plusgiro),
    }


def payer_data(payer: Payer) -> dict[str, Any]:
    """The payer as the templates print it (the address block)."""
    return {
        "name": payer.name,
        "address": list(payer.address),
        "reference": payer.reference,
        "org_number": org_number_text(payer.org_number),
        "email": payer.email,
    }


def payment_data(seller: Seller, amount: int, due: date, ocr: str) -> dict[str, Any]:
    """The payment box every document that asks for money prints: the amount, the last day, the giro(s)
    and the OCR reference, with a line saying why the reference matters."""
    giro = [("Bankgiro", bankgiro_text(seller.bankgiro))] if seller.bankgiro else []
    if seller.plusgiro:
        giro.append(("Plusgiro", plusgiro_text(seller.plusgiro)))
    return {
        "fields": [("Att betala", kr(amount)), ("Senast", day(due)), *giro, ("OCR-nummer", ocr)],
        "text": f"Ange OCR-numret {ocr} när ni betalar, så hamnar betalningen rätt.",
    }


def seller_missing(seller: Seller, charges_vat: bool) -> list[str]:
    """What a seller lacks for a document that asks for payment (rules 28, 30, 31): organisation number,
    address, a giro to pay to, and a VAT number when VAT is charged."""
    missing = []
    if not seller.org_number:
        missing.append("seller.org-number")
    if not seller.address:
        missing.append("seller.address")
    if not (seller.bankgiro or seller.plusgiro):
        missing.append("seller.bankgiro / seller.plusgiro")
    if charges_vat and not seller.vat_number:
        missing.append("seller.vat-number")
    return missing


# ---- drawing -------------------------------------------------------------------------------------------


TEMPLATES = "templates"
FONTS = "fonts"


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("steg2cli.documents") / name))


@lru_cache(maxsize=1)
def _compiler() -> Any:
    """One Typst compiler for the process: the templates' folder is its root, and the fonts it may use are
    the ones shipped with steg2 (never the machine's, so every machine draws the same document)."""
    import typst

    return typst.Compiler(
        root=str(_package_dir(TEMPLATES)), font_paths=[str(_package_dir(FONTS))], ignore_system_fonts=True
    )


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the PDF (PDF/A-3 associated file): name, bytes, MIME type, description."""

    name: str
    data: bytes
    mime_type: str
    description: str


def render(
    template: str,
    data: Mapping[str, Any],
    when: date,
    attachments: Sequence[Attachment] = (),
    images: Mapping[str, bytes] = {},  # noqa: B006  (read only)
) -> bytes:
    """The PDF/A-3b file that `template` (a file in `templates/`) draws from `data`.

    `data` reaches the template as JSON, so a name such as `Bo [/] Berg` or `#set` is printed as typed,
    never read as markup. `when` is the document's own date, written as its creation date (so the same
    document is the same file, whenever it is drawn). `images` are SVG pictures (charts) by name.
    """
    import typst

    inputs = {"data": json.dumps(data, ensure_ascii=False)}
    inputs["attachments"] = json.dumps(
        [
            {"name": a.name, "key": f"file-{n}", "mime": a.mime_type, "description": a.description}
            for n, a in enumerate(attachments)
        ]
    )
    for n, attachment in enumerate(attachments):
        inputs[f"file-{n}"] = attachment.data.decode("utf-8")
    inputs["images"] = json.dumps(sorted(images))
    for name, svg in images.items():
        inputs[f"image-{name}"] = svg.decode("utf-8")
    try:
        pdf = _compiler().compile(
            input=str(_package_dir(TEMPLATES) / template),
            format="pdf",
            sys_inputs=inputs,
            pdf_standards=PDF_STANDARD,
            timestamp=datetime(when.year, when.month, when.day, 12, tzinfo=UTC),
        )
    except typst.TypstError as exc:  # a defect in a template, never the user's data
        raise DocumentError(f"{template}: {exc.message}") from None
    assert isinstance(pdf, bytes)
    return pdf
