"""report-trainees by hand and from files, and the Excel lists (rules 13-15)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import nothing_written, ok, query, refused, run, trainer_under_agreement

HEADER = ["Namn", "E-post", "Skola", "Kommun", "Program", "Datum", "Utbildare"]


@pytest.fixture
def school() -> None:
    """Anna (trainer 1, Gävle, agreement from 2023-04-01) started MVP högstadiet at Nordhemsskolan."""
    trainer_under_agreement(start="2023-04-01")
    ok(
        "start-school",
        "Nordhemsskolan",
        "--municipality",
        "Gävle",
        "--programme",
        "mvp-hs",
        "--start",
        "2024-01-10",
        "--trainer",
        "1",
        "--contact-name",
        "Lisa Berg",
        "--contact-email",
        "lisa@skola.se",
    )


def by_hand(*people: str, date: str = "2024-02-01", **change: str) -> list[str]:
    args = {"trainer": "1", "school": "Nordhemsskolan", "programme": "mvp-hs", "date": date, **change}
    return ["report-trainees", *[f"--{k}={v}" for k, v in args.items()], *people]


def count(target: Any) -> int:
    return int(query(target, "SELECT count(*) FROM trainees")[0][0])


def write_xlsx(path: Path, rows: list[list[Any]], header: list[str] = HEADER, sheet: str = "Utbildade") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], header: list[str] = HEADER, sep: str = ",", bom: bool = False) -> Path:
    text = "\n".join(sep.join(str(v) for v in row) for row in [header, *rows]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


GOOD = ["Kim Ek", "kim@skola.se", "Nordhemsskolan", "Gävle", "mvp-hs", "2024-02-01", "anna@example.se"]


def test_by_hand_adds_people_and_counts_repeats_case_insensitively(school: None, fresh_db: Path) -> None:
    first = ok(*by_hand("Kim Ek <kim@skola.se>", "Bo Holm <bo@skola.se>"), "--json")
    assert (first["added"], first["already_reported"]) == (2, 0)
    again = ok(*by_hand("KIM EK <Kim@Skola.se>", "Eva Berg <eva@skola.se>"), "--json")
    assert (again["added"], again["already_reported"]) == (1, 1)
    assert count(fresh_db) == 3
    other_day = ok(*by_hand("Kim Ek <kim@skola.se>", date="2024-02-02"), "--json")
    assert other_day["added"] == 1


def test_by_hand_refuses_a_programme_not_running_that_day(school: None, fresh_db: Path) -> None:
    with nothing_written(fresh_db):
        refused(*by_hand("Kim Ek <kim@skola.se>", date="2024-01-09"), contains="not running at the school")
        refused(*by_hand("Kim Ek <kim@skola.se>", programme="at"), contains="never run")
    ok("school", "stop", "1", "--programme", "mvp-hs", "--date", "2024-05-01", "--reason", "slut")
    with nothing_written(fresh_db):
        refused(*by_hand("Kim Ek <kim@skola.se>", date="2024-05-01"), contains="not running")
    assert ok(*by_hand("Kim Ek <kim@skola.se>", date="2024-04-30"), "--json")["added"] == 1


def test_by_hand_refuses_a_trainer_outside_the_agreement(school: None, fresh_db: Path) -> None:
    trainer_under_agreement(email="u@x.se", municipality="Umeå", start="2023-04-01")
    ok("agreement", "end", "1", "--date", "2025-01-01", "--reason", "slut")
    with nothing_written(fresh_db):
        refused(*by_hand("Kim Ek <kim@skola.se>", trainer="u@x.se"), contains="outside the scope")
        refused(*by_hand("Kim Ek <kim@skola.se>", date="2025-01-01"), contains="no agreement in force")
        refused(*by_hand("Kim Ek <kim@skola.se>", date="2026-06-16"), contains="after today")


def test_by_hand_refuses_a_malformed_person_and_writes_none(school: None, fresh_db: Path) -> None:
    with nothing_written(fresh_db):
        result = run(*by_hand("Kim Ek <kim@skola.se>", "Bo Holm bo@skola.se"))
    assert result.exit_code == 1
    assert "Bo Holm bo@skola.se" in result.stderr and result.stderr.strip().splitlines()[-1].startswith("Error:")
    with nothing_written(fresh_db):
        refused("report-trainees", "--trainer", "1", "Kim <k@s.se>", contains="--school")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_list_is_taken_whole(school: None, fresh_db: Path, tmp_path: Path, kind: str) -> None:
    rows = [GOOD, ["Bo Holm", "bo@skola.se", "Nordhemsskolan", "2180", "MVP högstadiet", "2024-02-01", "1"]]
    path = (write_xlsx if kind == "xlsx" else write_csv)(tmp_path / f"list.{kind}", rows)
    result = ok("report-trainees", "--file", str(path), "--json")
    assert (result["added"], result["already_reported"]) == (2, 0)
    assert ok("report-trainees", "--file", str(path), "--json")["already_reported"] == 2


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("Skola", "Okändaskolan", "no school of that name"),
        ("Utbildare", "nobody@x.se", "unknown trainer"),
        ("Program", "schack", "unknown programme"),
        ("Datum", "2023-03-01", "not running"),
        ("Datum", "2026-07-01", "after today"),
        ("Datum", "1 feb", "not a date"),
        ("Kommun", "Gavle", "unknown municipality"),
        ("E-post", "kim(at)skola.se", "not an e-mail address"),
        ("Namn", "", "name is empty"),
    ],
)
def test_one_bad_row_refuses_the_whole_list(
    school: None, fresh_db: Path, tmp_path: Path, kind: str, column: str, value: str, reason: str
) -> None:
    bad = list(GOOD)
    bad[HEADER.index(column)] = value
    bad[1] = "bad@skola.se" if column != "E-post" else bad[1]
    path = (write_xlsx if kind == "xlsx" else write_csv)(tmp_path / f"list.{kind}", [GOOD, bad, GOOD])
    with nothing_written(fresh_db):
        result = run("report-trainees", "--file", str(path))
    assert result.exit_code == 1
    assert reason in result.stderr and column in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "row 3" in last


def test_every_bad_row_is_reported(school: None, fresh_db: Path, tmp_path: Path) -> None:
    rows = [GOOD, [*GOOD[:2], "Okänd", *GOOD[3:]], GOOD, [*GOOD[:4], "chess", *GOOD[5:]]]
    with nothing_written(fresh_db):
        result = run("report-trainees", "--file", str(write_xlsx(tmp_path / "l.xlsx", rows)))
    assert result.exit_code == 1
    assert "2 bad rows" in result.stderr
    table = result.stderr
    assert "│ 3 " in table and "│ 5 " in table


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_file_refusals(fresh_db: Path, tmp_path: Path, kind: str) -> None:
    writer = write_xlsx if kind == "xlsx" else write_csv
    with nothing_written(fresh_db):
        refused("report-trainees", "--file", str(tmp_path / f"missing.{kind}"), contains="no such file")
        wrong = writer(tmp_path / f"wrong.{kind}", [GOOD], header=["Name", "Email", "School"])
        refused("report-trainees", "--file", str(wrong), contains="header row must be Namn | E-post")
        empty = writer(tmp_path / f"empty.{kind}", [])
        refused("report-trainees", "--file", str(empty), contains="no data rows")
        blank = writer(tmp_path / f"blank.{kind}", [["", "", "", "", "", "", ""]])
        refused("report-trainees", "--file", str(blank), contains="no data rows")


def test_not_a_workbook_and_not_utf8_are_refused(fresh_db: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("hello")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(";".join(HEADER).encode() + "\nÅsa;å@x.se;Skola;Gävle;at;2024-01-01;1\n".encode("latin-1"))
    with nothing_written(fresh_db):
        refused("report-trainees", "--file", str(fake), contains="not an Excel workbook")
        refused("report-trainees", "--file", str(latin), contains="not a UTF-8")
        refused("report-trainees", "--file", str(tmp_path), contains="folder")
        other = tmp_path / "list.pdf"
        other.write_text("x")
        refused("report-trainees", "--file", str(other), contains=".xlsx or .csv")


def test_excel_quirks_are_taken_in_stride(fresh_db: Path, tmp_path: Path) -> None:
    trainer_under_agreement(email="s@x.se", municipality="Stockholm", start="2023-04-01")
    ok(
        "start-school",
        "Enskedefältets skola",
        "--municipality",
        "0180",
        "--programme",
        "at",
        "--start",
        "2024-01-10",
        "--trainer",
        "1",
        "--contact-name",
        "Jon",
        "--contact-email",
        "jon@s.se",
    )
    rows = [
        [
            "  Kim  Ek ",
            " kim@skola.se ",
            "enskedefältets skola ",
            180,
            "Agera tillsammans",
            datetime(2024, 2, 1),
            "S@X.se",
        ],
        ["Bo Holm", "bo@skola.se", "Enskedefältets skola", "0180", "at", "2024-02-01 00:00:00", 1],
        [None] * 7,
        ["", "", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "quirks.xlsx", rows, sheet="Blad1")
    assert ok("report-trainees", "--file", str(path), "--json")["added"] == 2


def test_csv_with_bom_and_semicolons(school: None, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "semi.csv", [GOOD], sep=";", bom=True)
    assert ok("report-trainees", "--file", str(path), "--json")["added"] == 1


def test_dry_run_checks_everything_and_writes_nothing(school: None, fresh_db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [GOOD])
    with nothing_written(fresh_db):
        result = ok("report-trainees", "--file", str(path), "--dry-run", "--json")
    assert (result["added"], result["dry_run"]) == (1, True)
    assert "would add 1" in ok("report-trainees", "--file", str(path), "--dry-run").stdout


def test_a_long_list_goes_in_bulk(school: None, fresh_db: Path, tmp_path: Path) -> None:
    rows = [
        [f"Person {i}", f"p{i}@skola.se", "Nordhemsskolan", "Gävle", "mvp-hs", "2024-02-01", "1"] for i in range(4500)
    ]
    path = write_csv(tmp_path / "long.csv", rows)
    assert ok("report-trainees", "--file", str(path), "--json")["added"] == 4500
    assert count(fresh_db) == 4500


def test_template_filled_imported_and_exported_round_trip(school: None, tmp_path: Path) -> None:
    template = tmp_path / "mall.xlsx"
    ok("export", "template", "-o", str(template))
    book = load_workbook(template)
    assert book.sheetnames == ["Utbildade", "Instruktioner"]
    ws = book["Utbildade"]
    assert [c.value for c in ws[1]] == HEADER
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 20
    ws.append(GOOD)
    ws.append(["Bo Holm", "bo@skola.se", "Nordhemsskolan", "Gävle", "mvp-hs", datetime(2024, 3, 1), "1"])
    filled = tmp_path / "ifylld.xlsx"
    book.save(filled)
    assert ok("report-trainees", "--file", str(filled), "--json")["added"] == 2

    out = tmp_path / "export.xlsx"
    ok("export", "trainees", "-o", str(out))
    exported = load_workbook(out)["Utbildade"]
    rows = list(exported.iter_rows(values_only=True))
    assert list(rows[0][:7]) == HEADER
    assert [(r[0], r[1], r[2], r[3], r[5].date().isoformat(), r[6]) for r in rows[1:]] == [
        ("Kim Ek", "kim@skola.se", "Nordhemsskolan", "Gävle", "2024-02-01", "anna@example.se"),
        ("Bo Holm", "bo@skola.se", "Nordhemsskolan", "Gävle", "2024-03-01", "anna@example.se"),
    ]
    assert exported["F2"].number_format == "yyyy-mm-dd"
    assert exported["A1"].font.bold
    assert exported.auto_filter.ref == "A1:J3"
    assert ok("report-trainees", "--file", str(out), "--json")["already_reported"] == 2


def test_export_filters(school: None, tmp_path: Path) -> None:
    ok(*by_hand("Kim Ek <kim@skola.se>", date="2024-02-01"))
    ok(*by_hand("Bo Holm <bo@skola.se>", date="2025-02-01"))
    out = tmp_path / "x.xlsx"
    ok(
        "export",
        "trainees",
        "-o",
        str(out),
        "--year",
        "2025",
        "--municipality",
        "Gävle",
        "--trainer",
        "1",
        "--programme",
        "mvp-hs",
    )
    rows = list(load_workbook(out)["Utbildade"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Bo Holm"]
    ok("export", "trainees", "-o", str(out), "--programme", "at")
    assert len(list(load_workbook(out)["Utbildade"].iter_rows(values_only=True))) == 1
    refused("export", "trainees", "-o", str(out), "--municipality", "Gavle", contains="did you mean Gävle")
    refused("export", "trainees", "-o", str(tmp_path / "nowhere" / "x.xlsx"), contains="does not exist")


FORMULAS = ['=HYPERLINK("http://evil","klicka")', "=1+1", "=cmd|' /C calc'!A0"]


def test_no_user_text_ever_becomes_a_formula(tmp_path: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    ok(
        "register-trainer",
        FORMULAS[0],
        "--email",
        "f@x.se",
        "--municipality",
        "Gävle",
        "--basic-training",
        "2022-01-01",
        "--series-held",
        "2022-02-01",
        "--appointed-by",
        f"{FORMULAS[1]}, rektor",
    )
    ok(
        "start-school",
        FORMULAS[2],
        "--municipality",
        "Gävle",
        "--programme",
        "mvp-hs",
        "--start",
        "2024-01-10",
        "--trainer",
        "1",
        "--contact-name",
        FORMULAS[1],
        "--contact-email",
        "c@s.se",
    )
    ok(
        "report-trainees",
        "--trainer",
        "1",
        "--school",
        FORMULAS[2],
        "--programme",
        "mvp-hs",
        "--date",
        "2024-02-01",
        f"{FORMULAS[0]} <k@s.se>",
    )
    ok("school", "stop", "1", "--programme", "mvp-hs", "--date", "2024-03-01", "--reason", FORMULAS[1])
    for what in ("trainees", "trainers", "schools"):
        out = tmp_path / f"{what}.xlsx"
        ok("export", what, "-o", str(out))
        cells = [cell for ws in load_workbook(out).worksheets for row in ws.iter_rows() for cell in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], what
        texts = {c.value for c in cells}
        assert any(str(t).startswith("=") for t in texts), f"{what}: the formula-like text is missing"


def test_trainers_and_schools_exports_carry_the_register(school: None, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    ok("export", "trainers", "-o", str(out))
    rows = list(load_workbook(out)["Utbildare"].iter_rows(values_only=True))
    assert rows[0][0] == "Namn" and rows[1][0] == "Anna Lind" and rows[1][-1] == "överenskommelse"
    ok("export", "trainers", "-o", str(out), "--year", "2022")
    assert len(list(load_workbook(out)["Utbildare"].iter_rows(values_only=True))) == 1
    ok("export", "schools", "-o", str(out), "--year", "2024", "--programme", "mvp-hs")
    rows = list(load_workbook(out)["Skolor"].iter_rows(values_only=True))
    assert rows[1][0] == "Nordhemsskolan" and rows[1][6] == "Lisa Berg"
