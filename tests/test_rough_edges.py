"""Rough edges a new user hit (from issue 15), each fixed and kept fixed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import certify, ok, register, run, trainer_under_agreement
from tests.test_schools import start


def test_trainer_list_says_under_agreement_as_the_readme_and_json_do() -> None:
    trainer_under_agreement(start="2023-04-01")
    text = ok("trainer", "list").stdout
    assert "under-agreement" in text
    assert ok("trainer", "list", "--json")[0]["state"] == "under-agreement"


def test_a_move_to_another_school_confirms_the_school() -> None:
    anna = register()
    certify(anna["id"], date="2023-03-01")
    ok("school", "add", "Nordhemsskolan", "--municipality", "Gävle")
    ok("school", "add", "Sätraskolan", "--municipality", "Gävle")
    ok("sign-agreement", "1", "--start", "2023-04-01", "--school", "Nordhemsskolan")
    text = ok("trainer", "move", "1", "--school", "Sätraskolan", "--date", "2025-01-01").stdout
    assert "moved to Sätraskolan in Gävle (2180)" in text


def test_a_stop_is_confirmed_with_the_programmes_name() -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    text = ok("school", "stop", "1", "--programme", "mvp-hs", "--date", "2025-01-01", "--reason", "x").stdout
    assert "stopped MVP högstadiet on 2025-01-01" in text


def test_a_misspelled_municipality_in_a_list_gets_the_same_hint_as_on_the_command_line(tmp_path: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    listing = tmp_path / "lista.csv"
    listing.write_text(
        "Namn,E-post,Skola,Kommun,Program,Datum,Utbildare\n"
        "Kim Ek,kim@skola.se,Nordhemsskolan,Gavle,mvp-hs,2024-03-01,1\n",
        encoding="utf-8",
    )
    result = run("report-trainees", "--file", str(listing))
    assert result.exit_code == 1 and "did you mean Gävle" in result.stderr


def test_dates_in_row_errors_are_days_not_midnights(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    trainer_under_agreement(start="2023-04-01")
    start()
    book = Workbook()
    sheet = book.active
    sheet.title = "Utbildade"
    sheet.append(["Namn", "E-post", "Skola", "Kommun", "Program", "Datum", "Utbildare"])
    sheet.append(["Kim Ek", "kim@skola.se", "Nordhemsskolan", "Gävle", "mvp-hs", datetime(2023, 3, 1), "1"])
    path = tmp_path / "lista.xlsx"
    book.save(path)
    result = run("report-trainees", "--file", str(path))
    assert result.exit_code == 1 and "2023-03-01" in result.stderr and "00:00:00" not in result.stderr


def test_row_errors_come_as_json_when_json_is_asked_for(tmp_path: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    listing = tmp_path / "lista.csv"
    listing.write_text(
        "Namn,E-post,Skola,Kommun,Program,Datum,Utbildare\n,kim@skola.se,Nordhemsskolan,Gävle,mvp-hs,2024-03-01,1\n",
        encoding="utf-8",
    )
    result = run("report-trainees", "--file", str(listing), "--json")
    assert result.exit_code == 1 and result.stderr.startswith("Error: 1 bad row")
    document = json.loads(result.stdout)
    assert document["rows"] == [{"row": 2, "column": "Namn", "value": "", "reason": "the name is empty"}]


def test_moves_name_the_municipalities() -> None:
    trainer_under_agreement(start="2023-04-01")
    ok("trainer", "move", "1", "--municipality", "Sandviken", "--date", "2025-01-01")
    text = ok("trainer", "show", "1").stdout
    assert "Gävle (2180)" in text and "Sandviken (2181)" in text


def test_a_formula_cell_in_a_list_is_called_a_formula(tmp_path: Path) -> None:
    from openpyxl import Workbook

    trainer_under_agreement(start="2023-04-01")
    start()
    book = Workbook()
    sheet = book.active
    sheet.title = "Utbildade"
    sheet.append(["Namn", "E-post", "Skola", "Kommun", "Program", "Datum", "Utbildare"])
    sheet.append(["=CONCAT(H2,I2)", "kim@skola.se", "Nordhemsskolan", "Gävle", "mvp-hs", "2024-03-01", "1"])
    path = tmp_path / "lista.xlsx"
    book.save(path)  # openpyxl stores no calculated value: the cell reads as empty
    result = run("report-trainees", "--file", str(path))
    assert result.exit_code == 1
    assert "holds a formula" in result.stderr and "the name is empty" not in result.stderr


def test_a_credit_note_is_headed_by_its_own_number_first() -> None:
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("invoice", "credit", "1", "--reason", "fel", "--date", "2024-04-02")
    assert ok("invoice", "show", "2").stdout.startswith("Credit note 2 (cancels invoice 1)")


# ---- issue 27: a coordinator's year, smoothed ---------------------------------------------------------


def test_invoice_list_keeps_number_payer_total_balance_and_state_at_80_columns(monkeypatch: Any, capsys: Any) -> None:
    """Point 3: at 80 columns the least needed columns are left out (and named), never the payer squeezed
    to a letter a line; wide enough, every column shows."""
    import sys

    from steg2cli.commands import invoices as invoice_commands

    ok("payer", "add", "Friskolan Norrlands Utbildningsaktiebolag", "--org-number", "556000-0019")
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    listed = ok("invoice", "list", "--json")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for width, hidden in ((80, True), (200, False)):
        monkeypatch.setenv("COLUMNS", str(width))
        invoice_commands._summary(listed, "Invoices")
        text = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
        header = text.splitlines()[1]
        for column in ("number", "payer", "total", "balance", "state"):
            assert column in header, (width, header)
        assert "Gävle kommun" in text and max(len(line) for line in text.splitlines()) <= width
        assert ("not shown at this width" in text) is hidden
        assert ("credited" in header) is not hidden


def test_an_unknown_school_name_suggests_the_one_meant() -> None:
    """Point 5: school names get "did you mean", accents and case aside, as municipalities do."""
    ok("school", "add", "Ålidhemsskolan", "--municipality", "Umeå")
    assert "did you mean Ålidhemsskolan?" in run("school", "show", "alidhemsskolan").stderr
    assert "did you mean" not in run("school", "show", "Centralskolan").stderr


def test_a_trainee_reports_id_shows_where_it_can_be_voided_from() -> None:
    """Point 6: the id `void trainee` takes is in report-trainees' result, school show and person export."""
    trainer_under_agreement(start="2023-04-01")
    start()
    result = ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "1",
        "--programme",
        "mvp-hs",
        "--date",
        "2024-03-01",
        "Eva Ek <eva@example.se>",
        "--json",
    )
    [report] = result["reports"]
    assert report["id"] == 1 and report["email"] == "eva@example.se"
    text = ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        "1",
        "--programme",
        "mvp-hs",
        "--date",
        "2024-03-01",
        "Jan Ro <jan@example.se>",
    ).stdout
    assert "The report's id is 2" in text
    shown = ok("school", "show", "1", "--json")
    assert [t["id"] for t in shown["trainees"]] == [1, 2]
    assert "Eva Ek" in ok("school", "show", "1").stdout
    assert ok("person", "export", "eva@example.se", "--json")["as_trainee"][0]["id"] == 1
    ok("void", "trainee", "1", "--reason", "fel person")


def test_config_set_goes_into_the_audit_trail_with_the_old_and_new_value() -> None:
    """Point 14."""
    ok("config", "set", "seller.bankgiro", "5050-1055")
    ok("config", "set", "seller.bankgiro", "5050-1055")  # the same again changes nothing
    ok("config", "set", "invoice.payment-days", "20")
    entries = ok("log", "--json")
    assert entries[0]["changes"] == {"setting": {"invoice.payment-days": {"value": ["30", "20"]}}}
    assert entries[-1]["changes"] == {"setting": {"seller.bankgiro": {"value": ["", "50501055"]}}}
    assert "setting seller.bankgiro value: — → '50501055'" in ok("log").stdout


def test_the_person_summary_ends_with_what_is_kept_and_the_help_is_not_cut() -> None:
    """Point 15: the summary is for the person, so no command line; `person --help` shows whole lines."""
    register(email="anna@example.se")
    summary = ok("person", "export", "anna@example.se").stdout
    assert "steg2" not in summary and "--json" not in summary
    assert "bokföringslagen" in summary.strip().splitlines()[-1] or "sju år" in summary
    helped = ok("person", "--help").stdout
    assert "(GDPR art." not in helped and "GDPR Article 15" in helped
