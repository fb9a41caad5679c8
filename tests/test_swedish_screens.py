"""Swedish screens with no English left on them: Click's own usage errors, the usage line, the completion
answer, and the words of every table and line steg2 prints (STEG2_LANG=sv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import certify, ok, register, run, trainer_under_agreement


@pytest.fixture
def swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEG2_LANG", "sv")


def _error(*args: str) -> tuple[int, str]:
    result = run(*args)
    return result.exit_code, result.stderr


def test_clicks_usage_errors_read_swedish_and_keep_the_error_prefix(swedish: None) -> None:
    code, text = _error("invoice", "show")
    assert code == 2
    assert "Användning: steg2 invoice show [FLAGGOR] NUMMER" in text
    assert "Skriv 'steg2 invoice show -h' för hjälp." in text
    assert "Error: Argumentet 'NUMMER' saknas." in text
    assert "Error: Ingen flagga heter --yaer (möjliga flaggor: --year)" in _error("invoice", "list", "--yaer", "2")[1]
    assert "Error: Inget kommando heter 'shw'. Menade du 'show'?" in _error("invoice", "shw")[1]
    assert "Error: Flaggan '--date' behöver ett värde." in _error("payment", "add", "1", "--date")[1]
    assert "Error: Argument för mycket (extra)" in _error("trainer", "list", "extra")[1]
    assert (
        "Ogiltigt värde för '--limit': 0 är mindre än minsta värdet 1" in _error("trainer", "list", "--limit", "0")[1]
    )
    for english in ("Missing", "No such", "Did you mean", "Try '", "[OPTIONS]", "requires", "Invalid value"):
        for args in (("invoice", "show"), ("invoice", "shw"), ("payment", "add", "1", "--date")):
            assert english not in _error(*args)[1], (english, args)


def test_the_usage_line_and_number_ranges_read_swedish_in_help(swedish: None) -> None:
    text = run("meeting", "--help").stdout
    assert "Användning: steg2 meeting [FLAGGOR] KOMMANDO [ARGUMENT]..." in text
    listing = run("trainer", "list", "--help").stdout
    assert "[minst 1]" in listing and "x>=" not in listing


def test_usage_errors_stay_as_click_wrote_them_in_english() -> None:
    code, text = _error("invoice", "show")
    assert code == 2 and "Error: Missing argument 'NUMBER'." in text and "Usage: steg2 invoice show [OPTIONS]" in text
    assert "Error: No such command 'shw'. Did you mean 'show'?" in _error("invoice", "shw")[1]
    assert "[x>=1]" in run("trainer", "list", "--help").stdout


def test_install_completion_answers_in_swedish(swedish: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer._completion_shared

    monkeypatch.setenv("HOME", str(tmp_path))
    # Whatever shell runs the tests (make's sh, say): the user's shell here is bash.
    monkeypatch.setattr(typer._completion_shared, "_get_shell_name", lambda: "bash")
    result = run("--install-completion")
    assert result.exit_code == 0, result.output
    assert "Komplettering för bash är installerad i" in result.stdout
    assert "Den gäller när du öppnar en ny terminal." in result.stdout
    assert "installed" not in result.stdout and "restart" not in result.stdout


# ---- the register's own screens ---------------------------------------------------------------------


def _invoiced_and_credited() -> None:
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("invoice", "credit", "1", "--reason", "fel", "--date", "2024-04-02")


def test_a_credit_note_reads_kreditfaktura_in_list_and_show(swedish: None) -> None:
    _invoiced_and_credited()
    listing = ok("invoice", "list").stdout
    row = [line for line in listing.splitlines() if line.startswith("2\t")][0]
    assert "kreditfaktura" in row and "credit" not in row
    shown = ok("invoice", "show", "2").stdout
    assert "kreditfaktura" in shown and "credit\n" not in shown


def test_school_show_names_the_trainers_and_says_to_do_in_swedish(swedish: None) -> None:
    from tests.test_schools import start

    trainer_under_agreement(start="2023-04-01")
    start()
    bo = register(name="Bo Berg", email="bo@example.se")
    certify(bo["id"], date="2023-03-01")
    ok("sign-agreement", str(bo["id"]), "--start", "2023-04-01")
    ok("school", "lead", "1", "--programme", "mvp-hs", "--trainer", "bo@example.se", "--date", "2024-06-01")
    ok("school", "step", "1", "forankring", "--programme", "mvp-hs", "--date", "2024-02-01", "--trainer", "1")
    text = ok("school", "show", "1").stdout
    assert "leds av Bo Berg (utbildare 2)" in text
    assert "ledande utbildare: Anna Lind (utbildare 1) från" in text and "Bo Berg (utbildare 2) från 2024-06-01" in text
    assert "(Anna Lind, id 1)" in text
    assert "att göra" in text
    for english in ("leads:", "to do", "trainer 1", "led by"):
        assert english not in text, english


def test_the_lead_confirmation_names_the_trainer_not_what_was_typed(swedish: None) -> None:
    from tests.test_schools import start

    trainer_under_agreement(start="2023-04-01")
    start()
    text = ok("school", "lead", "1", "--programme", "mvp-hs", "--trainer", "anna@example.se", "--date", "2024-06-01")
    assert "Anna Lind (utbildare 1) leder mvp-hs på" in text.stdout and "anna@example.se" not in text.stdout


def test_config_show_describes_each_setting_in_swedish(swedish: None) -> None:
    text = ok("config", "show").stdout
    assert "bankgironummer för betalning" in text and "bankgiro number" not in text
    assert ok("config", "show", "--json")[0]["about"] == "the seller's name on invoices"  # JSON stays as it was


def test_row_errors_have_swedish_headers_and_count_rows_and_problems_apart(swedish: None, tmp_path: Path) -> None:
    listing = tmp_path / "lista.csv"
    listing.write_text(
        "Namn,E-post,Skola,Kommun,Program,Datum,Utbildare\n"
        ",a@b.se,Ingen skola,Gävel,mvp-hs,2026-01-01,x@y.se\n"
        "Eva Ek,eva@b.se,Ingen skola,Gävle,mvp-hs,2026-01-01,x@y.se\n",
        encoding="utf-8",
    )
    result = run("report-trainees", "--file", str(listing))
    assert result.exit_code == 1
    assert "rad" in result.stderr and "kolumn" in result.stderr and "värde" in result.stderr
    assert " row " not in result.stderr and "reason" not in result.stderr
    assert (
        result.stderr.strip().splitlines()[-1].startswith("Error: 2 felaktiga rader i listan, 5 fel; ingenting skrevs")
    )


def test_the_audit_trail_reads_swedish_with_no_python_none(swedish: None, tmp_path: Path) -> None:
    from tests.test_payments import bgmax_file, issue

    invoice = issue()
    file = tmp_path / "bg.txt"
    file.write_bytes(bgmax_file([("999999", 50_000, "1")]))
    ok("payment", "import", str(file))
    ok("payment", "assign", "1", str(invoice["number"]))
    text = ok("log").stdout
    assert "betalning 1 faktura: — → 1" in text and "importerad bankfil 1" in text
    assert "None" not in text and "payment-import" not in text


def test_plurals_read_as_swedish_counts(swedish: None, tmp_path: Path) -> None:
    from tests.test_payments import issue

    issue()
    two = ok("invoice", "list", "--unpaid", "--on", "2024-11-01").stdout
    assert "1 faktura, 30 000,00 kr att betala." in two
    status = ok("status", "--date", "2024-11-01").stdout
    assert "184 dagar sen" in status and "dag(ar)" not in status
    moved = ok("trainer", "move", "1", "--municipality", "Sandviken", "--date", "2024-11-01").stdout
    assert "avslutade överenskommelse 1 den 2024-11-01" in moved and "(r)" not in moved
    written = ok("export", "agreements", "-o", str(tmp_path / "a.xlsx")).stdout
    assert "Skrev 1 överenskommelse till" in written


def test_swedish_grammar_agrees_with_what_is_dated_and_an_agreement_is_tecknad(swedish: None) -> None:
    trainer = register()
    certify(trainer["id"], date="2023-03-01")
    assert "Tecknade överenskommelse 1" in ok("sign-agreement", "1", "--start", "2023-04-01").stdout
    from tests.test_schools import start

    start()
    line = run("school", "step", "1", "forankring", "--programme", "mvp-hs", "--date", "2027-01-01", "--trainer", "1")
    assert "datumet 2027-01-01 ligger efter dagens datum" in line.stderr and "daterad" not in line.stderr


def test_reference_rates_read_with_a_decimal_comma_in_swedish(swedish: None) -> None:
    """A rate reads `2,25 %` on a Swedish screen (as it is typed), never `2.25 %`."""
    said = ok("rate", "set", "reference", "2,25", "--from", "2026-01-01").stdout
    assert "2,25 %" in said and "10,25 %" in said and "2.25" not in said
    listing = ok("rate", "list").stdout
    assert "2,25" in listing and "10,25" in listing and "2.25" not in listing
