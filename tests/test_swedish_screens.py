"""Swedish screens with no English left on them: Click's own usage errors, the usage line, the completion
answer, and the words of every table and line steg2 prints (STEG2_LANG=sv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run


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
    assert "Ogiltigt värde för '--limit': 0 är mindre än minsta värdet 1" in _error("trainer", "list", "--limit", "0")[1]
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
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SHELL", "/bin/bash")
    result = run("--install-completion", "bash")
    assert result.exit_code == 0, result.output
    assert "Komplettering för bash är installerad i" in result.stdout
    assert "Den gäller när du öppnar en ny terminal." in result.stdout
    assert "installed" not in result.stdout and "restart" not in result.stdout
