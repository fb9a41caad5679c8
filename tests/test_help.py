"""Help that teaches (issue 15): readable placeholders, an example for every command, the terminal's
width, the README's command reference generated from the help, and shell completion."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from steg2cli.helptext import EXAMPLES
from tests.conftest import ok, run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import readme  # noqa: E402  (tools/readme.py)


def leaf_commands() -> list[list[str]]:
    every = readme.commands()
    return [path for path in every if path and not any(other[: len(path)] == path and other != path for other in every)]


@pytest.mark.parametrize("path", leaf_commands(), ids=lambda path: " ".join(path))
def test_every_command_has_plain_placeholders_and_an_example(path: list[str]) -> None:
    text = ok(*path, "--help").stdout
    assert not re.search(r"<(str|int|list\[str\]|int range|path)>|\{[a-z_]+\}", text), text
    assert "Example:" in text or "Examples:" in text
    for example in EXAMPLES[" ".join(path)]:
        assert example.startswith(f"steg2 {' '.join(path)}") or example.startswith("steg2 --db"), example


def test_dates_are_shown_as_yyyy_mm_dd_and_arguments_by_their_meaning() -> None:
    text = ok("course", "enrol", "--help").stdout
    assert text.startswith("Usage: steg2 course enrol [OPTIONS] COURSE TRAINER...")
    assert ok("school", "stop", "--help").stdout.count("--date YYYY-MM-DD") == 1
    assert "--email EMAIL" in ok("register-trainer", "--help").stdout
    void = ok("void", "--help").stdout
    assert void.startswith(
        "Usage: steg2 void [OPTIONS] KIND ID"
    ) and "step, attendance, trainee or problem" in " ".join(void.split())


def test_help_uses_the_terminal_width() -> None:
    command = [sys.executable, "-m", "steg2cli", "start-school", "--help"]
    wide = subprocess.run(command, env={**os.environ, "COLUMNS": "200"}, capture_output=True, text=True, check=True)
    narrow = subprocess.run(command, env={**os.environ, "COLUMNS": "80"}, capture_output=True, text=True, check=True)
    assert max(map(len, wide.stdout.splitlines())) > 120
    assert max(len(line) for line in narrow.stdout.splitlines() if not line.startswith("    steg2")) <= 80


def _locked(package: str) -> str:
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{package}=="):
            return line.split("==", 1)[1].strip()
    return ""


@pytest.mark.skipif(
    importlib.metadata.version("typer") != _locked("typer"),
    reason="the reference is generated with the locked Typer; another Typer lays help out differently",
)
def test_the_manuals_command_reference_is_the_help_itself() -> None:
    """`make reference` regenerates it; this fails when a help text changed and docs/reference.md did not."""
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "-I", str(ROOT), str(ROOT / "docs" / "reference.md")],
        env={**os.environ, "STEG2_LANG": "en"},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="MkDocs is a test dependency")
def test_the_manual_builds_with_every_link_and_page_in_place(tmp_path: Path) -> None:
    """`mkdocs build --strict`: a link to a missing page or anchor, or a page left out of the navigation,
    fails (mkdocs.yml turns each into a warning, --strict into an error)."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_is_short_and_sends_the_reader_on() -> None:
    """The README is what a newcomer reads first: what steg2 is, the two set-up commands, a session, and
    links into the manual, each to a page that exists; no team-internal words."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) < 150
    assert "make demo" in text and "make test" in text
    links = re.findall(r"\]\((docs/[^)#]+)", text)
    assert len(links) >= 5
    for link in links:
        assert (ROOT / link).exists(), link
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        assert not re.search(r"\bissue \d+", page.read_text(encoding="utf-8"), re.IGNORECASE), page.name


def test_shell_completion_offers_municipalities_programmes_and_steps() -> None:
    def complete(words: str) -> str:
        """What bash gets when it asks steg2 to complete the last word (as the installed script does)."""
        env = {
            **os.environ,
            "_STEG2_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        code = "from steg2cli.cli import app; app(prog_name='steg2')"
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout

    assert complete("steg2 trainer list --municipality Gäv").split() == ["Gävle"]
    assert complete("steg2 school add X --municipality Sandv").split() == ["Sandviken"]
    assert set(complete("steg2 school list --programme mvp").split()) == set()
    assert set(complete("steg2 start-school X --programme mvp").split()) == {"mvp-ms", "mvp-hs", "mvp-gy"}
    assert complete("steg2 school step Ekskolan grund").split() == [
        "grundutbildning-1",
        "grundutbildning-2",
        "grundutbildning-3",
    ]
    assert "--install-completion" in ok("--help").stdout


def test_help_stays_light(tmp_path: Path) -> None:
    """Translated help and completion do not pull the database layer into `steg2 --help`."""
    code = (
        "import sys; sys.argv = ['steg2', 'school', 'step', '--help']\n"
        "from steg2cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'openpyxl', 'alembic', 'babel') if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "STEG2_LANG": "sv"}, capture_output=True, text=True
    )
    assert result.stderr.strip() == "[]", result.stderr
    assert "Registrera en insats" in result.stdout


def test_limit_shows_the_first_rows_and_says_how_many_more() -> None:
    ok("demo")
    every = ok("trainer", "list", "--json")
    result = ok("trainer", "list", "--limit", "2")
    lines = result.stdout.splitlines()
    assert lines[0] == "Trainers" and len(lines) == 4  # title, header, two rows: tab-separated when piped
    assert lines[2].split("\t")[0] == str(every[0]["id"])
    assert result.stderr.strip() == f"… and {len(every) - 2} more (without --limit: all of them)"
    assert ok("trainer", "list", "--limit", "2", "--json") == every[:2]
    assert len(ok("invoice", "list", "--limit", "1", "--json")) == 1
    assert ok("school", "list", "--limit", "100").stderr == ""  # fewer rows than the limit: no note


@pytest.mark.parametrize(
    ("args", "service", "worker"),
    [
        (["school", "list"], "steg2cli.services.schools", "schools_json"),
        (["school", "list", "--json"], "steg2cli.services.schools", "schools_json"),
        (["invoice", "list"], "steg2cli.services.invoicing", "_load_invoices"),
        (["invoice", "list", "--json"], "steg2cli.services.invoicing", "_load_invoices"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_piped_list_writes_its_first_rows_before_it_reads_the_rest(
    monkeypatch: pytest.MonkeyPatch, args: list[str], service: str, worker: str
) -> None:
    """Issue 17: the list is worked out a slice at a time as it is written, not built whole first. With
    slices of one, the first row must be out before the second slice is read."""
    import functools
    import importlib
    import json

    from steg2cli.services import common as service_common

    ok("demo")
    ok("invoice", "run", "--date", "2026-06-15")
    whole = run(*args).stdout
    events: list[str] = []
    module = importlib.import_module(service)
    original = getattr(module, worker)

    def reading(*a: object, **k: object) -> object:
        events.append("read")
        return original(*a, **k)

    real_dumps = json.dumps
    monkeypatch.setattr(module, worker, reading)
    monkeypatch.setattr(service_common, "chunks", functools.partial(service_common.chunks, size=1))
    monkeypatch.setattr(
        "steg2cli.commands.common._cell", lambda value: events.append("write") or ("" if value is None else str(value))
    )
    monkeypatch.setattr(json, "dumps", lambda *a, **k: events.append("write") or real_dumps(*a, **k))
    result = run(*args)
    assert result.exit_code == 0 and result.stdout == whole  # the same bytes as when built whole
    assert events.count("read") > 2 and events.index("write") < events.index("read", 1), events[:6]


def test_the_suite_needs_nothing_beside_the_checkout() -> None:
    """A fresh clone without ../shared runs every test: the Peppol kit and the bank samples are vendored
    (tests/peppol, tests/payments), so no test reaches for the folder beside the checkout."""
    beside = re.compile(r"parents\[2\]\s*/\s*.shared.|\.\./shared/\w+/validate")
    for path in sorted((ROOT / "tests").glob("*.py")):
        assert not beside.search(path.read_text(encoding="utf-8")), path.name
