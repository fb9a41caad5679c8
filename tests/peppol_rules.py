"""The official Peppol BIS Billing 3.0 rules, run on our e-invoices: UBL 2.1 schema (lxml), CEN EN 16931
and OpenPeppol schematron (Saxon-HE via saxonche). The rule files are vendored in tests/peppol/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent / "peppol"
XSD = {
    "Invoice": HERE / "xsd" / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "CreditNote": HERE / "xsd" / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "CreditNote",
}
SCHEMATRONS = (
    ("EN16931", HERE / "schematron" / "CEN-EN16931-UBL.xslt"),
    ("PEPPOL", HERE / "schematron" / "PEPPOL-EN16931-UBL.xslt"),
)
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass(frozen=True)
class Finding:
    """One failed rule: its id, `fatal` or `warning`, and its text."""

    rule: str
    flag: str
    text: str

    @property
    def fatal(self) -> bool:
        return self.flag not in ("warning", "information")


class PeppolRules:
    """The three layers, compiled once; `check(path)` lists every failed rule."""

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor

        self._processor = PySaxonProcessor(license=False)
        compiler = self._processor.new_xslt30_processor()
        self._rules = [(name, compiler.compile_stylesheet(stylesheet_file=str(path))) for name, path in SCHEMATRONS]
        self._schemas: dict[str, object] = {}

    def _schema(self, kind: str) -> object:
        from lxml import etree

        if kind not in self._schemas:
            self._schemas[kind] = etree.XMLSchema(etree.parse(str(XSD[kind])))
        return self._schemas[kind]

    def check(self, path: Path) -> list[Finding]:
        """Every failed rule of the file (empty: it passes with no finding at all)."""
        from lxml import etree

        try:
            document = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            return [Finding("XML", "fatal", str(exc))]
        kind = ROOTS.get(document.getroot().tag)
        if kind is None:
            return [Finding("ROOT", "fatal", f"not a UBL 2.1 Invoice or CreditNote: {document.getroot().tag}")]
        findings = []
        schema = self._schema(kind)
        if not schema.validate(document):  # type: ignore[attr-defined]
            findings += [Finding("XSD", "fatal", f"line {e.line}: {e.message}") for e in schema.error_log]  # type: ignore[attr-defined]
        node = self._processor.parse_xml(xml_file_name=str(path.resolve()))
        for name, executable in self._rules:
            try:
                report = executable.transform_to_string(xdm_node=node)
            except Exception as exc:  # a value that breaks the rules' own casts
                findings.append(Finding("SCHEMATRON-ERROR", "fatal", f"{name}: {exc}"))
                continue
            svrl = etree.fromstring(report.encode("utf-8"))
            for failed in svrl.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
                rule = failed.get("id") or "?"
                text = " ".join(" ".join("".join(t.itertext()) for t in failed.findall(f"{SVRL}text")).split())
                findings.append(
                    Finding(rule, (failed.get("flag") or "fatal").lower(), text.removeprefix(f"[{rule}]-").strip())
                )
        return findings
