set -e
export STEG2_TODAY=2025-06-15
DB=tests/data/release-0.1.0.db
rm -f $DB*
S=".venv/bin/steg2 --db $DB"
$S register-trainer "Anna Lind" --email anna@gavle.example --municipality Gävle --basic-training 2022-01-10 --series-held 2022-06-01 --appointed-by "Karin Ek, rektor" --phone "070-111 11 11"
$S register-trainer "Bo Berg" --email bo@gavle.example --municipality Gävle --basic-training 2022-01-10 --series-held 2022-06-01 --appointed-by "Karin Ek, rektor"
$S register-trainer "Cia Holm" --email cia@umea.example --municipality Umeå --basic-training 2022-01-10 --series-held 2022-06-01 --appointed-by "Per Ås, förvaltningschef"
$S course add --kind open --date 2023-03-01
$S course enrol 1 1 2 3
$S course complete 1
$S course add --kind purchased --date 2024-05-01 --municipality Umeå
$S course enrol 2 3
$S course add --kind open --date 2025-09-01
$S course enrol 3 2
$S sign-agreement 1 --start 2023-04-01
$S sign-agreement 3 --start 2023-05-01
$S start-school Nordhemsskolan --municipality Gävle --programme mvp-hs --start 2024-01-10 --trainer 1 --contact-name "Lisa Berg" --contact-email lisa@skola.example
$S sign-agreement 2 --start 2024-02-01 --school Nordhemsskolan
$S school step Nordhemsskolan forankring --programme mvp-hs --date 2024-01-15 --trainer 1
$S school step Nordhemsskolan kunskapshalvdag --programme mvp-hs --date 2024-02-15 --trainer 2
$S school step Nordhemsskolan grundutbildning-1 --programme mvp-hs --date 2024-03-15 --trainer 1
$S school step Nordhemsskolan handledning --programme mvp-hs --date 2024-04-15 --trainer 1
$S school problem Nordhemsskolan --date 2024-04-20 --note "Rektor byttes"
$S start-school Ålidhemsskolan --municipality Umeå --programme at --start 2024-02-01 --trainer 3 --contact-name "Ola Sten" --contact-email ola@skola.example
$S school stop Ålidhemsskolan --programme at --date 2025-01-10 --reason "Ingen personal"
$S report-trainees --trainer 1 --school Nordhemsskolan --programme mvp-hs --date 2024-03-15 "Eva Ek <eva@skola.example>" "Jan Ro <jan@skola.example>"
$S meeting add --kind network --date 2024-03-01
$S meeting add --kind conference --date 2024-11-20
$S meeting attend 1 1 2 3
$S meeting attend 2 1
$S payer set Gävle --address "Gävle kommun\nBox 1\n801 84 Gävle" --reference "GK-123" --email faktura@gavle.example
$S invoice run --date 2024-06-01
$S invoice credit 2 --reason "Fel mottagare" --date 2024-06-05
$S invoice run --date 2025-06-01
$S invoice list
$S trainer move 3 --municipality Gävle --date 2025-03-01
