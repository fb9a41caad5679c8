"""Reading the PDFs steg2 writes with tools we did not write: pypdf extracts the text a person reads, qpdf
(through pikepdf) checks the file's structure and reads its PDF/A metadata, fonts and attachments."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pypdf import PdfReader


@dataclass
class Checked:
    """What a PDF holds: its pages' text, PDF/A part and conformance, fonts, attachments."""

    pages: list[str]
    pdfa: str
    fonts: dict[str, bool]  # font name → embedded
    attachments: dict[str, bytes]
    page_size: tuple[float, float]
    language: str

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def check(source: Path | bytes) -> Checked:
    """Open a PDF, assert that qpdf finds nothing wrong in it, and return what it holds."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        problems = pdf.check_pdf_syntax()
        assert not problems, problems
        metadata = pdf.open_metadata()
        fonts: dict[str, bool] = {}
        for page in pdf.pages:
            for _name, font in page.resources.get("/Font", {}).items():
                descendants = font.get("/DescendantFonts")
                described = descendants[0] if descendants is not None else font
                descriptor = described.get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                fonts[str(font.get("/BaseFont"))] = embedded
        attachments = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
        box = [float(v) for v in pdf.pages[0].mediabox]
        language = str(pdf.Root.get("/Lang", ""))
        pdfa = metadata.pdfa_status
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() or "" for page in reader.pages]
    return Checked(pages, pdfa, fonts, attachments, (box[2] - box[0], box[3] - box[1]), language)


A4 = (595.28, 841.89)


def assert_archival_a4(checked: Checked) -> None:
    """PDF/A-3b, A4, Swedish, every font embedded (rule 39)."""
    assert checked.pdfa == "3B"
    assert abs(checked.page_size[0] - A4[0]) < 1 and abs(checked.page_size[1] - A4[1]) < 1
    assert checked.language.startswith("sv")
    assert checked.fonts and all(checked.fonts.values()), checked.fonts


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (a cell may wrap)."""
    return " ".join(text.split())
