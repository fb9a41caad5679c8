# Writes tests/data/release-0.2.0.db with steg2 as it was after the second build (schema 0014, commit
# 92a04da): payers, a school with its own payer, prices with VAT, seller details, invoices, a credit note and
# a waived one, payments by hand and from a BgMax file (one unmatched, then assigned), voids, contacts, leads.
# Run from the repository root with that release's .venv: sh tests/data/make-release-0.2.0.sh
set -e
export STEG2_TODAY=2026-03-15
DB=tests/data/release-0.2.0.db
rm -f $DB*
S=".venv/bin/steg2 --db $DB"
$S db init
$S config set seller.org-number 802000-1239
$S config set seller.address "Box 1\n111 11 Stockholm"
$S config set seller.bankgiro 5050-1055
$S config set seller.f-skatt ja
$S config set seller.email faktura@man.example
$S price set annual-fee 10000 --from 2020-01-01 --vat 0 --vat-note "Momsfri utbildningstjänst" --replace
$S price set annual-fee 11000 --from 2026-01-01
$S register-trainer "Anna Lind" --email anna@gavle.example --municipality Gävle --basic-training 2022-01-10 --series-held 2022-06-01 --appointed-by "Karin Ek, rektor" --phone "070-111 11 11"
$S register-trainer "Bo Berg" --email bo@gavle.example --municipality Gävle --basic-training 2022-01-10 --series-held 2022-06-01 --appointed-by "Karin Ek, rektor"
$S register-trainer "Cia Holm" --email cia@umea.example --municipality Umeå --basic-training 2022-01-10 --series-held 2022-06-01 --appointed-by "Per Ås, förvaltningschef"
$S register-trainer "Dan Öst" --email dan@umea.example --municipality Umeå --basic-training 2022-01-10 --series-held 2022-06-01 --appointed-by "Per Ås, förvaltningschef"
$S course add --kind open --date 2023-03-01
$S course enrol 1 1 2 3
$S course complete 1 --date 2023-03-01
$S course add --kind purchased --date 2024-05-01 --municipality Umeå --place "Umeå stadshus"
$S course enrol 2 4
$S course complete 2 --date 2024-05-01
$S course add --kind open --date 2025-09-01
$S course enrol 3 2
$S course cancel 3 --reason "För få anmälda"
$S sign-agreement 1 --start 2023-04-01
$S sign-agreement 3 --start 2023-05-01
$S sign-agreement 4 --start 2024-06-01
$S school add Friskolan --municipality Gävle
$S payer add "Friskolan AB" --org-number 556000-0019 --municipality Gävle --address "Skolvägen 2\n802 22 Gävle" --reference "FS-9" --email ekonomi@friskolan.example
$S school payer Friskolan 291
$S sign-agreement 2 --start 2024-02-01 --school Friskolan
$S start-school Nordhemsskolan --municipality Gävle --programme mvp-hs --start 2024-01-10 --trainer 1 --contact-name "Lisa Berg" --contact-email lisa@skola.example
$S school step Nordhemsskolan forankring --programme mvp-hs --date 2024-01-15 --trainer 1
$S school step Nordhemsskolan kunskapshalvdag --programme mvp-hs --date 2024-02-15 --trainer 1
$S school step Nordhemsskolan grundutbildning-1 --programme mvp-hs --date 2024-03-15 --trainer 1
$S school step Nordhemsskolan grundutbildning-2 --programme mvp-hs --date 2024-04-10 --trainer 1
$S school step Nordhemsskolan handledning --programme mvp-hs --date 2024-04-15 --trainer 1
$S void step 4 --reason "Fel datum"
$S school contact Nordhemsskolan --programme mvp-hs --name "Mia Sjö" --email mia@skola.example --date 2025-01-01
$S school problem Nordhemsskolan --date 2024-04-20 --note "Rektor byttes"
$S start-school Friskolan --municipality Gävle --programme mvp-gy --start 2024-03-01 --trainer 2 --contact-name "Nils Å" --contact-email nils@friskolan.example
$S school step Friskolan forankring --programme mvp-gy --date 2024-03-05 --trainer 2
$S start-school Ålidhemsskolan --municipality Umeå --programme at --start 2024-06-10 --trainer 4 --contact-name "Ola Sten" --contact-email ola@skola.example
$S school lead Ålidhemsskolan --programme at --trainer 3 --date 2024-09-01
$S school stop Ålidhemsskolan --programme at --date 2025-01-10 --reason "Ingen personal"
$S report-trainees --trainer 1 --school Nordhemsskolan --programme mvp-hs --date 2024-03-15 "Eva Ek <eva@skola.example>" "Jan Ro <jan@skola.example>"
$S report-trainees --trainer 2 --school Friskolan --programme mvp-gy --date 2024-03-20 "Åsa Öberg <asa@friskolan.example>"
$S void trainee 2 --reason "Dubbelrapporterad"
$S meeting add --kind network --date 2024-03-01 --title "Vårträff"
$S meeting add --kind conference --date 2024-11-20
$S meeting attend 1 1 2 3
$S meeting attend 2 1
$S void attendance 3 --reason "Var inte där"
$S payer set Gävle --address "Gävle kommun\nBox 1\n801 84 Gävle" --reference "GK-123" --email faktura@gavle.example
$S payer set Umeå --address "Box 2\n901 84 Umeå" --reference "UK-7"
$S invoice run --date 2024-06-01
$S invoice credit 2 --reason "Fel mottagare" --date 2024-06-05
$S invoice run --date 2024-06-10
$S invoice credit 5 --reason "Eftergift" --date 2024-06-12 --waive
$S invoice run --date 2025-06-01
$S invoice list
$S payment add 1 --date 2024-06-20 --amount 20000
$S payment add 3 --date 2024-07-20 --amount 5000 --reference "Delbetalning"
# A BgMax file: 10 000 kr on invoice 3 by its OCR reference, and 1 234,50 kr that matches nothing (then assigned).
python3 - "$(.venv/bin/steg2 --db $DB invoice show 3 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ocr"])')" <<'PY'
import sys
def record(text): return text.ljust(80)
payments = [(sys.argv[1], 1000000, "1"), ("999999", 123450, "2")]
lines = [record("01BGMAX               0120240801120000000000P"), record("05" + "50501055".zfill(10) + "          SEK")]
for reference, amount, serial in payments:
    lines.append(record(f"20{'0' * 10}{reference.rjust(25)}{str(amount).zfill(18)}21{serial.zfill(12)}0"))
    lines.append(record("26Friskolan AB"))
total = sum(a for _, a, _ in payments)
lines.append(record(f"15{'0' * 35}2024080100001{str(total).zfill(18)}SEK{str(len(payments)).zfill(8)} "))
lines.append(record(f"70{str(len(payments)).zfill(8)}{'0' * 8}{'0' * 8}00000001"))
open("/tmp/release-0.2.0-bgmax.txt", "wb").write(("\r\n".join(lines) + "\r\n").encode("latin-1"))
PY
$S payment import /tmp/release-0.2.0-bgmax.txt
$S payment assign 4 1
$S trainer move 3 --municipality Gävle --date 2025-03-01
$S invoice run --date 2026-03-01
$S invoice list
$S payment list
