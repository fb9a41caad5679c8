"""The terminal in Swedish or English (issue 15): the catalogue is complete, the language follows
STEG2_LANG and the locale, and what scripts read (JSON, exit codes, `Error:`) never changes."""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from steg2cli import i18n
from tests.conftest import ok, run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import i18n as catalogue_tool  # noqa: E402  (tools/i18n.py: Babel extraction and the checks)


def swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEG2_LANG", "sv")


def test_the_swedish_catalogue_covers_every_message_and_help_text() -> None:
    assert catalogue_tool.problems() == []


def test_the_catalogue_check_names_a_missing_translation_a_wrong_placeholder_and_a_stale_mo(tmp_path: Path) -> None:
    po = tmp_path / "steg2.po"
    text = catalogue_tool.PO.read_text(encoding="utf-8")
    shutil.copy(catalogue_tool.MO, tmp_path / "steg2.mo")
    assert catalogue_tool.problems(po) == [f"{po} is missing: run python tools/i18n.py extract"]
    broken = text.replace("msgstr \"okänd kurs '{text}'\"", "msgstr \"okänd kurs '{kurs}'\"")
    broken = broken.replace('msgstr "Kommandon"', 'msgstr ""')
    assert broken != text
    po.write_text(broken, encoding="utf-8")
    found = catalogue_tool.problems(po)
    assert "no Swedish translation: 'Commands'" in found
    assert "placeholders differ: \"unknown course '{text}'\" → \"okänd kurs '{kurs}'\"" in found
    assert "steg2.mo is not compiled from steg2.po: run make i18n" in found


#: Calls whose first argument is a message a person reads: it must go through `_()`.
MESSAGE_CALLS = {
    "BadInput",
    "NotFound",
    "Conflict",
    "DatabaseError",
    "Steg2Error",
    "ValueError",
    "MissingPrice",
    "done",
    "_fail",
    "_emit",
    "bad",
}


def test_no_message_reaches_a_person_without_going_through_the_catalogue() -> None:
    """A refusal or confirmation written as a bare string (or f-string) would stay English in Swedish."""
    bare = []
    for path in sorted((ROOT / "steg2cli").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[-1] if name in ("_emit", "bad") else node.args[0]
            if name in MESSAGE_CALLS and isinstance(first, ast.Constant | ast.JoinedStr):
                parts = [first] if isinstance(first, ast.Constant) else first.values
                words = "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
                # Words, not option names (`--year: {reason}` joins translated parts to an option).
                if re.search(r"[^\W\d_]", re.sub(r"--[a-z-]+", "", words)):
                    bare.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(first)[:60]}")
    assert bare == []


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "en"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LC_MESSAGES": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),
        ({"LC_ALL": "C", "LANG": "sv_SE.UTF-8"}, "en"),
        ({"LC_ALL": "sv_FI.UTF-8"}, "sv"),
        ({"STEG2_LANG": "en", "LANG": "sv_SE.UTF-8"}, "en"),
        ({"STEG2_LANG": "sv", "LC_ALL": "C"}, "sv"),
    ],
)
def test_the_language_follows_steg2_lang_then_the_locale(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    for name in ("STEG2_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == expected


def test_a_refusal_reads_swedish_and_keeps_the_error_prefix_and_exit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    english = run("trainer", "show", "anna@example.se")
    assert english.exit_code == 1 and english.stderr == "Error: unknown trainer 'anna@example.se'\n"
    swedish(monkeypatch)
    result = run("trainer", "show", "anna@example.se")
    assert result.exit_code == 1 and result.stderr == "Error: okänd utbildare 'anna@example.se'\n"
    result = run("sign-agreement", "1", "--start", "2026-13-01")
    assert result.exit_code == 1 and result.stderr == "Error: --start: '2026-13-01' är inget datum (dagen finns inte)\n"


def test_tables_and_confirmations_read_swedish_and_json_is_the_same_in_both(monkeypatch: pytest.MonkeyPatch) -> None:
    ok("demo")
    english = ok("trainer", "list").stdout
    assert "Trainers" in english and "under-agreement" in english
    english_json = ok("trainer", "list", "--json")
    english_status = ok("status", "--json")
    swedish(monkeypatch)
    listing = ok("trainer", "list").stdout
    assert "Utbildare" in listing and "har överenskommelse" in listing and "certifierad" in listing
    assert "under-agreement" not in listing
    assert ok("trainer", "list", "--json") == english_json
    status = ok("status", "--json")
    assert status.keys() == english_status.keys() and status["trainers"] == english_status["trainers"]
    dashboard = ok("status").stdout
    assert "Certifierade utbildare utan överenskommelse" in dashboard and "Fakturering" in dashboard
    assert "Certified" not in dashboard
    added = ok("school", "add", "Ekskolan", "--municipality", "Gävle").stdout
    assert added.startswith("Lade till skola ") and "Gävle (2180)" in added


def test_help_reads_swedish_with_swedish_placeholders(monkeypatch: pytest.MonkeyPatch) -> None:
    swedish(monkeypatch)
    text = ok("school", "step", "--help").stdout
    assert text.startswith("Användning: steg2 school step [FLAGGOR] SKOLA INSATS")
    assert "Registrera en insats som hållits på en skola" in text
    assert "--date YYYY-MM-DD" in text and "--trainer UTBILDARE" in text and "[obligatorisk]" in text
    assert "Visa den här hjälpen och avsluta." in text and "Exempel:" in text
    top = ok("--help").stdout
    assert "Kommandon:" in top and "Samordnarens översikt" in top


def test_a_move_is_stored_as_a_code_and_shown_in_each_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_db: object
) -> None:
    from openpyxl import load_workbook

    ok("demo")
    moved = ok("trainer", "move", "1", "--municipality", "Sandviken", "--date", "2026-06-01", "--json")
    assert moved["ended_agreements"]
    assert "moved to Sandviken" in [a["end_reason"] for a in ok("agreement", "list", "--json")]
    from tests.conftest import query

    assert ("moved:Sandviken",) in query(fresh_db, "SELECT end_reason FROM agreements")
    show_en = ok("trainer", "show", "1").stdout
    assert "moved to Sandviken" in show_en
    swedish(monkeypatch)
    assert "flyttade till Sandviken" in ok("trainer", "show", "1").stdout
    out = tmp_path / "overenskommelser.xlsx"
    ok("export", "agreements", "-o", str(out))
    rows = list(load_workbook(out, read_only=True).worksheets[0].values)
    assert any("flyttade till Sandviken" in row for row in rows)
    json_text = json.dumps(ok("agreement", "list", "--json"))
    assert "moved to Sandviken" in json_text and "flyttade" not in json_text


def test_row_errors_read_swedish(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ok("demo")
    listing = tmp_path / "lista.csv"
    listing.write_text(
        "Namn,E-post,Skola,Kommun,Program,Datum,Utbildare\n,a@b.se,Ingen skola,Gävel,mvp-hs,2026-01-01,x@y.se\n",
        encoding="utf-8",
    )
    swedish(monkeypatch)
    result = run("report-trainees", "--file", str(listing))
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "Error: 1 felaktig rad i listan, 3 fel; ingenting skrevs (första: rad 2, Kommun: okänd kommun"
    )
    assert "menade du Gävle?" in result.stderr


def test_every_translated_template_gets_exactly_its_placeholders() -> None:
    """`_("… {name} …").format(name=…)`: a placeholder without its value (or a value without its place)
    would fail only when that message is shown, in either language."""
    import string

    wrong = []
    for path in sorted((ROOT / "steg2cli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"):
                continue
            inner = node.func.value
            name = getattr(getattr(inner, "func", None), "id", None)
            if not (isinstance(inner, ast.Call) and name in ("_", "ngettext")):
                continue
            texts = [a.value for a in inner.args[: 2 if name == "ngettext" else 1] if isinstance(a, ast.Constant)]
            wanted = {field for text in texts for _, field, _, _ in string.Formatter().parse(text) if field}
            given = {keyword.arg for keyword in node.keywords}
            if None not in given and (wanted != given or node.args):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {sorted(wanted)} ≠ {sorted(given)}")
    assert wrong == []
