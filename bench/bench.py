"""steg2's benchmark: a register at national scale, and every figure as a ratio to a baseline.

Run it with `make bench`. It builds the register through the product itself (`steg2 demo --scale`),
then times each command as a whole process against a baseline measured in the same run on the same
machine, alternating A B A B …, and prints the median ratio of each pair. Peak memory is the child's
own maximum resident set size (os.wait4). Only the standard library is used for measuring.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

TODAY = "2026-06-15"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STEG2 = [str(BIN / "steg2")] if (BIN / "steg2").exists() else [sys.executable, "-m", "steg2cli"]
PY = sys.executable
ENV = {**os.environ, "STEG2_TODAY": TODAY}
ENV.pop("STEG2_DB", None)


def run_once(command: Sequence[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one run of a command."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}\n{message}")
    return elapsed, usage.ru_maxrss


def pair(
    a: Sequence[str], b: Sequence[str], runs: int, setup: Callable[[], None] | None = None, memory: bool = False
) -> tuple[float, float, float]:
    """Median of A, median of B, median of the pairwise ratios A/B (wall time, or peak memory)."""
    for command in (a, b):  # warm-up: file caches, .pyc files
        if setup:
            setup()
        run_once(command)
    times_a, times_b, ratios = [], [], []
    for _ in range(runs):
        if setup:
            setup()
        ta, ma = run_once(a)
        if setup:
            setup()
        tb, mb = run_once(b)
        va, vb = (ma, mb) if memory else (ta, tb)
        times_a.append(va)
        times_b.append(vb)
        ratios.append(va / vb)
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def steg2(db: Path, *args: str) -> list[str]:
    return [*STEG2, "--db", str(db), *args]


def current(db: Path) -> Path:
    """A kept database brought to the newest schema once (a copy of an old one would be upgraded, and
    backed up, by every timed run), its backup removed."""
    result = subprocess.run(steg2(db, "db", "upgrade"), env=ENV, check=True, capture_output=True, text=True)
    if "upgrading" in result.stderr:
        for backup in db.parent.glob(f"{db.name}.schema-*.bak"):
            backup.unlink()
    return db


def build(work: Path, trainers: int) -> Path:
    db = work / f"register-{trainers}.db"
    if not db.exists():
        print(f"building a register of {trainers} trainers …", file=sys.stderr)
        subprocess.run(
            steg2(db, "demo", "--scale", str(trainers), "--years", "10"), env=ENV, check=True, stdout=subprocess.DEVNULL
        )
    return current(db)


def trainee_list(db: Path, path: Path, rows: int) -> None:
    """A list of `rows` new people, each valid: the school's programme and trainer from the register."""
    with sqlite3.connect(db) as conn:
        runs = conn.execute(
            "SELECT s.name, s.municipality_code, p.programme, p.start, t.email FROM school_programmes p"
            " JOIN schools s ON s.id = p.school_id JOIN trainers t ON t.id = p.trainer_id ORDER BY p.id"
        ).fetchall()
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Namn", "E-post", "Skola", "Kommun", "Program", "Datum", "Utbildare"])
        for i in range(rows):
            school, code, programme, start, trainer = runs[i % len(runs)]
            out.writerow([f"Ny Deltagare {i}", f"ny{i}@skola.example", school, code, programme, start, trainer])


# The least any importer must do with the same rows: find the school and trainer ids, then one
# executemany into the same trainees table (same indexes, same unique key), in one transaction.
BASELINE_IMPORT = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
schools = {(code, key): i for i, code, key in conn.execute("SELECT id, municipality_code, name_key FROM schools")}
trainers = {email: i for i, email in conn.execute("SELECT id, email FROM trainers")}
with open(sys.argv[2], newline="", encoding="utf-8") as handle:
    rows = list(csv.reader(handle))[1:]
data = [(name, name.lower(), email, schools[(code, school.lower())], programme, day, trainers[trainer], day)
        for name, email, school, code, programme, day, trainer in rows]
conn.execute("BEGIN IMMEDIATE")
conn.executemany("INSERT INTO trainees (name, name_key, email, school_id, programme, trained_on, trainer_id,"
                 " reported_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", data)
conn.execute("COMMIT")
"""

BASELINE_EXPORT = """
import sqlite3, sys, datetime
from openpyxl import Workbook
conn = sqlite3.connect(sys.argv[1])
book = Workbook(write_only=True)
sheet = book.create_sheet("Utbildade")
sheet.append(["Namn", "E-post", "Skola", "Kommun", "Program", "Datum", "Utbildare", "Utbildarens namn", "Kommunkod",
              "Id"])
query = ("SELECT e.name, e.email, s.name, m.name, e.programme, e.trained_on, t.email, t.name, m.code, e.id"
         " FROM trainees e JOIN schools s ON s.id = e.school_id JOIN municipalities m ON m.code = s.municipality_code"
         " JOIN trainers t ON t.id = e.trainer_id WHERE e.void_on IS NULL ORDER BY e.trained_on, e.id")
for row in conn.execute(query):
    row = list(row)
    row[5] = datetime.date.fromisoformat(row[5])
    sheet.append(row)
book.save(sys.argv[2])
"""


def bgmax_file(db: Path, path: Path, payments: int) -> None:
    """A BgMax file of `payments` payments built to Bankgirot's layout, paying the register's invoices by
    OCR, in sections of 500 payments."""
    with sqlite3.connect(db) as conn:
        ocrs = [row[0] for row in conn.execute("SELECT ocr FROM invoices WHERE kind = 'invoice' ORDER BY number")]
    lines = ["01BGMAX               0120260615120000000000P".ljust(80)]
    serial = 0
    for section in range(0, payments, 500):
        count = min(500, payments - section)
        lines.append("050050501055          SEK".ljust(80))
        total = 0
        for _ in range(count):
            serial += 1
            amount = 10_000 + serial
            total += amount
            reference = ocrs[serial % len(ocrs)] if ocrs else str(serial)
            lines.append(f"20{'0' * 10}{reference.rjust(25)}{amount:018d}21{serial:012d}0".ljust(80))
            lines.append(f"26Betalare {serial}".ljust(80))
        lines.append(f"15{'0' * 35}20260610{section // 500 + 1:05d}{total:018d}SEK{count:08d} ".ljust(80))
    lines.append(f"70{payments:08d}{0:08d}{0:08d}{(payments + 499) // 500:08d}".ljust(80))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))


# Parsing the same file with the standard library alone: split the records, slice the fields of every
# payment, check each section's total against its deposit record.
BASELINE_BGMAX = """
import sys
records = open(sys.argv[1], "rb").read().decode("latin-1").split("\\r\\n")
payments, total = [], 0
for record in records:
    kind = record[:2]
    if kind == "20":
        amount = int(record[37:55])
        payments.append((record[12:37].strip(), amount, record[57:69]))
        total += amount
    elif kind == "15":
        assert int(record[50:68]) == total
        total = 0
print(len(payments))
"""


SELLER = [
    ("seller.org-number", "802000-1239"),
    ("seller.address", r"Box 1234\n118 20 Stockholm"),
    ("seller.bankgiro", "5050-1055"),
    ("seller.f-skatt", "ja"),
]


def documents(
    work: Path, runs: int, record: Callable[[str, str, float, tuple[float, float, float], str], None]
) -> None:
    """The documents' figures (rule 39), at MÄN's size: 300 invoice PDFs against typst writing the same 300
    bare (bench/bare_pdf.py), their memory against 30, and the year report as a PDF against the workbook."""
    db = work / "documents.db"
    if not db.exists():
        shutil.copy(national(work, 1), db)
        for key, value in SELLER:
            subprocess.run(steg2(db, "config", "set", key, value), env=ENV, check=True, stdout=subprocess.DEVNULL)
    current(db)
    with sqlite3.connect(db) as conn:
        numbers = [row[0] for row in conn.execute("SELECT number FROM invoices ORDER BY number LIMIT 300")]
    package = ROOT / "steg2cli" / "documents"
    scratch = Path(tempfile.mkdtemp(prefix="steg2-documents-"))
    (scratch / "steg2").mkdir()
    (scratch / "bare").mkdir()
    chosen = [arg for number in numbers for arg in ("--number", str(number))]
    record(
        f"`invoice pdf` of {len(numbers)} invoices (national register)",
        "typst writing the same invoices bare, from the same template (`bench/bare_pdf.py`)",
        1.5,
        pair(
            steg2(db, "invoice", "pdf", "-o", str(scratch / "steg2"), *chosen),
            [
                PY,
                str(ROOT / "bench" / "bare_pdf.py"),
                str(db),
                str(package),
                str(scratch / "bare"),
                ",".join(map(str, numbers)),
            ],
            max(runs // 2, 3),
        ),
        "s",
    )
    record(
        f"peak memory, `invoice pdf` of {len(numbers)} invoices",
        f"the same of {len(numbers) // 10}",
        1.15,
        pair(
            steg2(db, "invoice", "pdf", "-o", str(scratch / "steg2"), *chosen),
            steg2(db, "invoice", "pdf", "-o", str(scratch / "steg2"), *chosen[: len(chosen) // 10]),
            max(runs // 2, 3),
            memory=True,
        ),
        "MiB",
    )
    record(
        "`report --year 2026 -o FILE.pdf` (national register)",
        "`report --year 2026 -o FILE.xlsx` of the same register",
        2,
        pair(
            steg2(db, "report", "--year", "2026", "-o", str(scratch / "report.pdf")),
            steg2(db, "report", "--year", "2026", "-o", str(scratch / "report.xlsx")),
            max(runs // 2, 3),
        ),
        "s",
    )
    shutil.rmtree(scratch, ignore_errors=True)


def delivery(work: Path, runs: int, record: Callable[[str, str, float, tuple[float, float, float], str], None]) -> None:
    """Delivery (rule 43): 300 invoices e-mailed by `invoice send` to an SMTP server on localhost (aiosmtpd,
    in this process, the same for both sides) against a bare `smtplib` loop sending the same 300 messages over
    one connection, their PDFs drawn bare as bench/bare_pdf.py draws them (bench/bare_mail.py)."""
    import socket

    from aiosmtpd.controller import Controller

    class Counter:
        received = 0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
            Counter.received += 1
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    source = work / "documents.db"
    if not source.exists():
        shutil.copy(national(work, 1), source)
        for key, value in SELLER:
            subprocess.run(steg2(source, "config", "set", key, value), env=ENV, check=True, stdout=subprocess.DEVNULL)
    current(source)
    scratch = Path(tempfile.mkdtemp(prefix="steg2-delivery-"))
    prepared, db = scratch / "prepared.db", scratch / "delivery.db"
    shutil.copy(source, prepared)
    with sqlite3.connect(prepared) as conn:
        numbers = [row[0] for row in conn.execute("SELECT number FROM invoices ORDER BY number LIMIT 300")]
        conn.execute("DELETE FROM deliveries")
        conn.execute("UPDATE payers SET email = 'faktura-' || id || '@kommun.example', delivery = 'email'")
        conn.executemany(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
            [
                ("smtp.host", "127.0.0.1"),
                ("smtp.port", str(port)),
                ("smtp.security", "none"),
                ("smtp.from", "faktura@man.example"),
                ("seller.email", "faktura@man.example"),
            ],
        )
    with sqlite3.connect(prepared) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copy(prepared, db)

    chosen = [arg for number in numbers for arg in ("--number", str(number))]
    try:
        before = Counter.received
        result = pair(
            steg2(db, "invoice", "send", *chosen),
            [
                PY,
                str(ROOT / "bench" / "bare_mail.py"),
                str(db),
                str(ROOT / "steg2cli" / "documents"),
                str(port),
                ",".join(map(str, numbers)),
            ],
            max(runs // 2, 3),
            setup=fresh,
        )
        sent = Counter.received - before
        if sent % (2 * len(numbers)):
            raise SystemExit(f"the SMTP server received {sent} messages, not a multiple of 2 × {len(numbers)}")
        record(
            f"`invoice send` of {len(numbers)} invoices by e-mail to a local SMTP server",
            "a bare `smtplib` loop sending the same messages over one connection, PDFs drawn bare "
            "(`bench/bare_mail.py`)",
            1.5,
            result,
            "s",
        )
    finally:
        controller.stop()
        shutil.rmtree(scratch, ignore_errors=True)


# ---- growth: MÄN's size (1×) and 10× / 100× the same shape --------------------------------------------

#: 1× is MÄN's realistic size: 290 municipalities, 300 trainers, 1 500 schools, 60 000 trainees and eight
#: years of yearly invoice runs.
NATIONAL = {"trainers": 300, "schools": 1_500, "trainees": 60_000, "years": 8}
FLOOR = [PY, "-c", "import typer, sqlalchemy.orm"]

#: (command, growth goal, held to the floor). Every read command a coordinator uses daily (and its --json)
#: must run within 1.5× the start-up floor at 1×. Growth: "bounded" = within 1.3× of its own 1× time at the
#: largest size; "linear" = grows at most linearly with the size; "" = a list, held to the floor only.
#: `status --json` lists every quiet programme and every trainer short on meetings (150 000 and 30 000 at
#: 100×), and one year's compliance every trainer under agreement (30 000 at 100×): where the register grows
#: in trainers and schools, not only in years, what they print grows too, so they are held to "linear"
#: (README, issue 17). The nightly `invoice run --dry-run` and `log` are not among the daily reads.
DAILY: list[tuple[str, str, bool]] = [
    ("status", "bounded", True),
    ("status --json", "linear", True),
    ("trainer list", "", True),
    ("trainer list --json", "", True),
    ("school list", "", True),
    ("school list --json", "", True),
    ("agreement list", "", True),
    ("invoice list", "", True),
    ("invoice list --json", "", True),
    ("compliance --year 2026", "linear", True),
    ("meeting list", "", True),
    ("trainer show 1", "bounded", True),
    ("school show 1", "bounded", True),
    ("invoice show 1", "bounded", True),
    ("log", "bounded", False),
    ("invoice run --dry-run", "bounded", False),
    # Rules 40-41 with nothing to do: every reminder and every day's interest due today was seen to by
    # `money_done` before the timing, as a coordinator's daily run would have.
    ("invoice remind --dry-run", "bounded", False),
    ("invoice interest --dry-run", "bounded", False),
]


def money_done(db: Path) -> None:
    """Bring a national register's reminders and interest up to today (idempotent: a second call writes
    nothing), so that the daily `invoice remind` and `invoice interest` find nothing to do."""
    for command in (
        ("rate", "set", "reference", "2", "--from", "2000-01-01"),
        ("invoice", "remind", "--date", TODAY),
        ("invoice", "interest", "--date", TODAY),
    ):
        subprocess.run(steg2(db, *command), env=ENV, check=True, stdout=subprocess.DEVNULL)


def national(work: Path, k: int) -> Path:
    """The national register at k× MÄN's size, built with steg2's own commands (and kept for the next run)."""
    db = work / f"national-{k}x.db"
    if db.exists():
        return current(db)
    print(f"building the national register at {k}× …", file=sys.stderr)
    partial = work / f"national-{k}x.partial.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    size = {key: value * (k if key != "years" else 1) for key, value in NATIONAL.items()}
    subprocess.run(
        steg2(
            partial,
            "demo",
            "--scale",
            str(size["trainers"]),
            "--years",
            str(size["years"]),
            "--schools",
            str(size["schools"]),
            "--trainees",
            str(size["trainees"]),
        ),
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for year in range(int(TODAY[:4]) - size["years"], int(TODAY[:4])):
        subprocess.run(
            steg2(partial, "invoice", "run", "--date", f"{year}-12-15"), env=ENV, check=True, stdout=subprocess.DEVNULL
        )
    subprocess.run(steg2(partial, "invoice", "run", "--date", TODAY), env=ENV, check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(partial) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.rename(db)
    return db


# SQLite's own copy of a whole database file, for `db copy` to be measured against.
BASELINE_VACUUM = """
import sqlite3, sys
sqlite3.connect(sys.argv[1]).execute("VACUUM INTO ?", (sys.argv[2],))
"""

# The workbook without one sheet (the register without its people trained, for the trainee-list baseline).
WITHOUT_SHEET = """
import sys
from openpyxl import Workbook, load_workbook
source = load_workbook(sys.argv[1], read_only=True)
book = Workbook(write_only=True)
for name in source.sheetnames:
    if (name == sys.argv[3]) == (sys.argv[4] == "without"):
        continue
    sheet = book.create_sheet(name)
    for row in source[name].iter_rows(values_only=True):
        sheet.append(row)
book.save(sys.argv[2])
"""


def moving_in(
    work: Path, runs: int, record: Callable[[str, str, float, tuple[float, float, float], str], None]
) -> None:
    """Rule 37-38 at MÄN's size: the register workbook in (against its `Utbildade` sheet alone as a trainee
    list), its memory, `db copy` against `VACUUM INTO`, and the 20 000-row trainee list against the bare
    csv + sqlite3 baseline (on this register)."""
    register = work / "man-register.db"
    if not register.exists():
        print("building MÄN's register (300 trainers, 1 500 schools, 60 000 people trained) …", file=sys.stderr)
        subprocess.run(
            steg2(register, "demo", "--scale", "300", "--schools", "1500", "--trainees", "60000", "--years", "10"),
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    current(register)
    scratch = Path(tempfile.mkdtemp(prefix="steg2-moving-in-"))
    book = scratch / "register.xlsx"
    subprocess.run(steg2(register, "export", "register", "-o", str(book)), env=ENV, check=True, capture_output=True)
    trained, rest = scratch / "utbildade.xlsx", scratch / "rest.xlsx"
    subprocess.run([PY, "-c", WITHOUT_SHEET, str(book), str(trained), "Utbildade", "only"], check=True)
    subprocess.run([PY, "-c", WITHOUT_SHEET, str(book), str(rest), "Utbildade", "without"], check=True)
    empty, before_trainees = scratch / "empty.db", scratch / "before-trainees.db"
    subprocess.run(steg2(empty, "db", "init"), env=ENV, check=True, capture_output=True)
    shutil.copy(empty, before_trainees)
    subprocess.run(steg2(before_trainees, "import", "register", str(rest)), env=ENV, check=True, capture_output=True)
    work_a, work_b = scratch / "a.db", scratch / "b.db"

    def fresh() -> None:
        for db, source in ((work_a, empty), (work_b, before_trainees)):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            shutil.copy(source, db)

    importing = steg2(work_a, "import", "register", str(book))
    as_list = steg2(work_b, "report-trainees", "--file", str(trained))
    record(
        "`import register`, MÄN's size (300 trainers, 1 500 schools, 60 000 people trained)",
        "its `Utbildade` sheet alone as a trainee list",
        2,
        pair(importing, as_list, max(runs // 2, 3), setup=fresh),
        "s",
    )
    record(
        "peak memory, `import register` at MÄN's size",
        "the `Utbildade` sheet alone as a trainee list",
        1.5,
        pair(importing, as_list, max(runs // 2, 3), setup=fresh, memory=True),
        "MiB",
    )
    target, vacuum = scratch / "copy.db", scratch / "vacuum.db"

    def no_copies() -> None:
        for path in (target, vacuum):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    record(
        "`db copy` SQLite → SQLite of that register",
        "SQLite's own `VACUUM INTO` of the same file",
        5,
        pair(
            steg2(register, "db", "copy", str(target)),
            [PY, "-c", BASELINE_VACUUM, str(register), str(vacuum)],
            runs,
            setup=no_copies,
        ),
        "s",
    )
    listing, work_db = scratch / "list.csv", scratch / "list.db"
    trainee_list(register, listing, 20_000)

    def fresh_list() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work_db}{suffix}").unlink(missing_ok=True)
        shutil.copy(register, work_db)

    record(
        "`report-trainees --file` with 20 000 rows (MÄN's register)",
        "csv + sqlite3 `executemany` of the same rows",
        5,
        pair(
            steg2(work_db, "report-trainees", "--file", str(listing)),
            [PY, "-c", BASELINE_IMPORT, str(work_db), str(listing)],
            runs,
            setup=fresh_list,
        ),
        "s",
    )
    shutil.rmtree(scratch, ignore_errors=True)


def median_time(command: Sequence[str], runs: int) -> float:
    run_once(command)  # warm-up
    return statistics.median(run_once(command)[0] for _ in range(runs))


def growth(work: Path, sizes: Sequence[int], runs: int) -> int:
    """Time the daily commands at each size; print the growth table and the bounded commands' plans."""
    import math

    databases = {k: national(work, k) for k in sizes}
    for db in databases.values():
        money_done(db)
    times: dict[tuple[str, int], float] = {}
    to_floor: dict[str, float] = {}
    floors = []
    for command, _goal, _floor in DAILY:
        # At 1×: alternating pairs against the floor (the ratio of each pair, then the median), as above.
        a, b, ratio = pair([*steg2(databases[sizes[0]], *command.split())], FLOOR, runs)
        times[(command, sizes[0])], to_floor[command] = a, ratio
        floors.append(b)
        for k in sizes[1:]:
            times[(command, k)] = median_time([*steg2(databases[k], *command.split())], runs)
    floor = statistics.median(floors)
    largest = max(sizes)
    print(
        f'\nGrowth: medians of {runs} runs; floor `python -c "import typer, sqlalchemy.orm"` = {floor:.3f} s'
        " (1× / floor: the median of alternating pairs).\n"
    )
    heads = " | ".join(f"{k}×" for k in sizes)
    print(f"| command | {heads} | 1× / floor | exponent | goals | met |")
    print("| --- | " + " | ".join("---" for _ in sizes) + " | --- | --- | --- | --- |")
    failed = 0
    for command, goal, held in DAILY:
        at = [times[(command, k)] for k in sizes]
        exponent = math.log(at[-1] / at[0]) / math.log(largest / sizes[0]) if len(sizes) > 1 else 0.0
        checks = []
        if held:
            checks.append((to_floor[command] <= 1.5, "≤ 1.5× floor at 1×"))
        if goal == "bounded":
            checks.append((at[-1] / at[0] <= 1.3, f"{largest}× ≤ 1.3 × 1×"))
        elif goal == "linear":
            checks.append((exponent <= 1.05, "linear"))
        unmet = [shown for met, shown in checks if not met]
        failed += bool(unmet)
        cells = " | ".join(f"{t:.2f} s" for t in at)
        goals = "; ".join(shown for _, shown in checks)
        verdict = "yes" if not unmet else "NO (" + "; ".join(unmet) + ")"
        print(f"| `{command}` | {cells} | {to_floor[command]:.2f} | {exponent:.2f} | {goals} | {verdict} |")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plans

    print(f"\nFull scans of growing tables by the bounded commands at {largest}× (EXPLAIN QUERY PLAN):\n")
    for command, goal, _held in DAILY:
        if goal == "bounded":
            found = plans.scans(databases[largest], command.split())
            print(f"- `{command}`: " + ("none" if not found else f"{len(found)}"))
            for line, statement in found:
                print(f"  - {line} — `{statement[:120]}`")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="counted runs of each pair (default 5)")
    parser.add_argument("--trainers", type=int, default=3000, help="size of the large register (default 3000)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out", help="where databases are kept")
    parser.add_argument("--hundred", action="store_true", help="also grow the national register to 100×")
    parser.add_argument("--growth-only", action="store_true", help="only the growth table (1×, 10×, 100×)")
    parser.add_argument("--no-growth", action="store_true", help="only the standard figures, no growth table")
    parser.add_argument("--documents-only", action="store_true", help="only the documents' figures (PDF)")
    parser.add_argument(
        "--moving-in-only", action="store_true", help="only moving in: register import, its memory, db copy, lists"
    )
    parser.add_argument("--delivery-only", action="store_true", help="only the delivery figure (e-mail, SMTP)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    # steg2 as installed: with its bytecode compiled (pip does so on install). Where PYTHONDONTWRITEBYTECODE
    # is set, as on the CI machine, an editable checkout would otherwise compile every module on every run
    # (about 60 ms), which the floor, importing installed packages, never pays.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "steg2cli")], check=True)
    runs = args.runs
    sizes = (1, 10, 100) if args.hundred else (1, 10)
    if args.growth_only:
        sys.exit(1 if growth(args.work, sizes, runs) else 0)

    rows: list[tuple[str, str, str, float, float, float, float]] = []

    def record(figure: str, baseline: str, target: float, result: tuple[float, float, float], unit: str) -> None:
        rows.append((figure, baseline, unit, result[0], result[1], result[2], target))
        print(f"  {figure}: {result[2]:.2f} (target ≤ {target})", file=sys.stderr)

    if args.documents_only:
        documents(args.work, runs, record)
        sys.exit(1 if table(rows, runs, args.trainers) else 0)
    if args.moving_in_only:
        moving_in(args.work, runs, record)
        sys.exit(1 if table(rows, runs, args.trainers) else 0)
    if args.delivery_only:
        delivery(args.work, runs, record)
        sys.exit(1 if table(rows, runs, args.trainers) else 0)

    small = args.work / "small.db"
    if not small.exists():
        subprocess.run(steg2(small, "demo"), env=ENV, check=True, stdout=subprocess.DEVNULL)
    current(small)
    large = build(args.work, args.trainers)
    tenth = build(args.work, max(args.trainers // 10, 30))
    scratch = Path(tempfile.mkdtemp(prefix="steg2-bench-"))

    print("measuring …", file=sys.stderr)
    record(
        "`steg2 --help`",
        '`python -c "import typer"`',
        1.3,
        pair([*STEG2, "--help"], [PY, "-c", "import typer"], runs),
        "s",
    )
    record(
        "`steg2 trainer list --json` (small database)",
        '`python -c "import typer, sqlalchemy.orm"`',
        1.4,
        pair(steg2(small, "trainer", "list", "--json"), [PY, "-c", "import typer, sqlalchemy.orm"], runs),
        "s",
    )

    listing = scratch / "list.csv"
    trainee_list(large, listing, 20_000)
    work_db = scratch / "import.db"

    def fresh_copy() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work_db}{suffix}").unlink(missing_ok=True)
        shutil.copy(large, work_db)

    record(
        "`report-trainees --file` with 20 000 rows",
        "csv + sqlite3 `executemany` of the same rows",
        5,
        pair(
            steg2(work_db, "report-trainees", "--file", str(listing)),
            [PY, "-c", BASELINE_IMPORT, str(work_db), str(listing)],
            runs,
            setup=fresh_copy,
        ),
        "s",
    )

    out = scratch / "export.xlsx"
    export_large = steg2(large, "export", "trainees", "-o", str(out))
    record(
        "`export trainees`, 200 000 rows",
        "bare openpyxl write-only of the same rows",
        1.2,
        pair(export_large, [PY, "-c", BASELINE_EXPORT, str(large), str(out)], max(runs // 2, 3)),
        "s",
    )

    record(
        "`invoice run` over 3 000 agreements × 10 years",
        "`steg2 trainer show 1`",
        3,
        pair(
            steg2(work_db, "invoice", "run", "--date", TODAY),
            steg2(work_db, "trainer", "show", "1"),
            runs,
            setup=fresh_copy,
        ),
        "s",
    )

    record(
        "`report --year 2026 -o` on the national register",
        "`export trainees` of the same register (200 000 rows)",
        1.5,
        pair(
            steg2(large, "report", "--year", "2026", "-o", str(scratch / "report.xlsx")),
            export_large,
            max(runs // 2, 3),
        ),
        "s",
    )

    invoiced = args.work / "invoiced.db"
    if not invoiced.exists():
        shutil.copy(large, invoiced)
        subprocess.run(
            steg2(invoiced, "invoice", "run", "--date", TODAY), env=ENV, check=True, stdout=subprocess.DEVNULL
        )
    current(invoiced)
    bank_file = scratch / "bgmax.txt"
    bgmax_file(invoiced, bank_file, 10_000)
    payments_db = scratch / "payments.db"

    def fresh_payments() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{payments_db}{suffix}").unlink(missing_ok=True)
        shutil.copy(invoiced, payments_db)

    record(
        "`payment import` of a BgMax file of 10 000 payments",
        "parsing the same file with the standard library",
        3,
        pair(
            steg2(payments_db, "payment", "import", str(bank_file)),
            [PY, "-c", BASELINE_BGMAX, str(bank_file)],
            runs,
            setup=fresh_payments,
        ),
        "s",
    )

    record(
        "peak memory, export of 200 000 rows",
        "the same export of 20 000 rows",
        1.1,
        pair(
            export_large,
            steg2(tenth, "export", "trainees", "-o", str(scratch / "small.xlsx")),
            max(runs // 2, 3),
            memory=True,
        ),
        "MiB",
    )
    shutil.rmtree(scratch, ignore_errors=True)
    documents(args.work, runs, record)
    moving_in(args.work, runs, record)
    delivery(args.work, runs, record)
    failed = table(rows, runs, args.trainers)
    if not args.no_growth:
        failed += growth(args.work, sizes, runs)
    sys.exit(1 if failed else 0)


def table(rows: Sequence[tuple[str, str, str, float, float, float, float]], runs: int, trainers: int) -> int:
    """Print the figures as a Markdown table; the number of targets missed."""
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.release()}; medians of {runs} alternating "
        f"pairs; large register: {trainers} trainers, 10 years.\n"
    )
    print("| figure | baseline | A | B | ratio A/B | target | met |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    failed = 0
    for figure, baseline, unit, a, b, ratio, target in rows:
        shown_a = f"{a / 1024:.0f} MiB" if unit == "MiB" else f"{a:.3f} s"
        shown_b = f"{b / 1024:.0f} MiB" if unit == "MiB" else f"{b:.3f} s"
        met = ratio <= target
        failed += not met
        verdict = "yes" if met else "NO"
        print(f"| {figure} | {baseline} | {shown_a} | {shown_b} | {ratio:.2f} | ≤ {target} | {verdict} |")
    return failed


if __name__ == "__main__":
    main()
