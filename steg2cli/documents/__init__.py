"""Documents a person holds: invoices and credit notes, reminders, agreements, the year report, as PDF.

Each module takes plain frozen dataclasses and returns PDF bytes (A4, Swedish, fonts embedded, PDF/A-3b);
no database, no Typer, no clock (a document's own date is its timestamp). The layout lives in Typst
templates beside this file (`templates/`); user text reaches them as data (JSON through `sys.inputs`),
never as markup. The PDF library (typst) and the chart library (matplotlib) are imported only when a
document is drawn.
"""
