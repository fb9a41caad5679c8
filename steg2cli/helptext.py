"""What `--help` shows beyond the commands' own texts: placeholders a person understands, an example for
every command, and the help in the terminal's language.

The commands' docstrings and option texts are written in English; `localise` looks each up in the
catalogue when the command is built, so they need no marking where they are written. Light: `--help`
imports this and nothing heavy.
"""

from __future__ import annotations

from typing import Any

from steg2cli.clickwords import localise_command
from steg2cli.i18n import N_, _

#: Placeholder shown for an option or argument, by parameter name (dates are always YYYY-MM-DD).
DATE = "YYYY-MM-DD"
METAVARS: dict[str, str] = {
    **dict.fromkeys(
        ("date", "start", "basic_training", "series_held", "in_force_on", "first", "last", "valid_from", "on"), DATE
    ),
    "year": N_("YEAR"),
    "years": "N",
    "limit": "N",
    "scale": "N",
    "schools": "N",
    "trainees": "N",
    "record": "ID",
    "email": N_("EMAIL"),
    "contact_email": N_("EMAIL"),
    "people": N_("EMAIL"),
    "name": N_("NAME"),
    "contact_name": N_("NAME"),
    "appointed_by": N_("NAME, ROLE"),
    "trainer": N_("TRAINER"),
    "trainers": N_("TRAINER"),
    "school": N_("SCHOOL"),
    "course": N_("COURSE"),
    "municipality": N_("MUNICIPALITY"),
    "programme": N_("PROGRAMME"),
    "reason": N_("REASON"),
    "note": N_("NOTE"),
    "phone": N_("PHONE"),
    "contact_phone": N_("PHONE"),
    "output": N_("FILE"),
    "file": N_("FILE"),
    "amount": N_("AMOUNT"),
    "amount_kr": N_("AMOUNT"),
    "invoice": N_("INVOICE"),
    "from_invoice": N_("INVOICE"),
    "to_invoice": N_("INVOICE"),
    "percent": N_("PERCENT"),
    "number": N_("NUMBER"),
    "payer": N_("PAYER"),
    "payment": N_("PAYMENT"),
    "meeting": N_("MEETING"),
    "agreement": N_("AGREEMENT"),
    "key": N_("KEY"),
    "value": N_("VALUE"),
    "address": N_("ADDRESS"),
    "org_number": N_("ORG-NUMBER"),
    "peppol_id": "SCHEME:ID",
    "reference": N_("REFERENCE"),
    "vat": N_("PERCENT"),
    "vat_note": N_("TEXT"),
    "title": N_("TITLE"),
    "place": N_("PLACE"),
    "code": N_("CODE"),
    "step": N_("STEP"),
    "kind": N_("KIND"),
    "db": N_("TARGET"),
    "target": N_("TARGET"),
    "level": N_("LEVEL"),
    "cohort": N_("COHORT"),
    "months": "N",
    "municipalities": N_("MUNICIPALITY"),
    "delivery": "peppol|email|print",
    "about": "lists|meetings|renewal",
}

#: One or two typical uses of every command, by command path.
EXAMPLES: dict[str, list[str]] = {
    "register-trainer": [
        "steg2 register-trainer 'Anna Berg' --email anna.berg@example.se --municipality Gävle"
        " --basic-training 2025-09-01 --series-held 2025-11-20 --appointed-by 'Eva Ek, rektor'"
    ],
    "sign-agreement": ["steg2 sign-agreement anna.berg@example.se --start 2026-01-01"],
    "start-school": [
        "steg2 start-school Ekskolan --municipality Gävle --programme mvp-hs --start 2026-02-01"
        " --trainer 1 --contact-name 'Karin Lund' --contact-email karin.lund@ekskolan.se"
    ],
    "report-trainees": [
        "steg2 report-trainees --file utbildade.xlsx --dry-run",
        "steg2 report-trainees 'Per Ek <per.ek@ekskolan.se>' --trainer 1 --school Ekskolan --programme mvp-hs"
        " --date 2026-03-10",
    ],
    "invoice run": ["steg2 invoice run --dry-run", "steg2 invoice run --date 2026-06-15", "steg2 invoice run --send"],
    "invoice send": [
        "steg2 invoice send --dry-run",
        "steg2 invoice send",
        "steg2 invoice send --again --number 1001",
    ],
    "invoice list": ["steg2 invoice list --year 2026", "steg2 invoice list --overdue"],
    "invoice show": ["steg2 invoice show 1001"],
    "invoice credit": ["steg2 invoice credit 1001 --reason 'fel kommun' --waive"],
    "invoice export": ["steg2 invoice export --year 2026 -o fakturaunderlag.xlsx"],
    "invoice einvoice": ["steg2 invoice einvoice --year 2026 -o e-fakturor/"],
    "invoice pdf": ["steg2 invoice pdf --year 2026 -o fakturor/", "steg2 invoice pdf --number 42 -o fakturor/"],
    "course add": ["steg2 course add --kind open --date 2026-09-14 --place Stockholm"],
    "course enrol": ["steg2 course enrol 3 anna.berg@example.se 7"],
    "course complete": ["steg2 course complete 3 --date 2026-09-16"],
    "course list": ["steg2 course list"],
    "course show": ["steg2 course show 3"],
    "course cancel": ["steg2 course cancel 3 --reason 'för få anmälda'"],
    "course unenrol": ["steg2 course unenrol 3 7 --reason 'sjuk'"],
    "trainer list": ["steg2 trainer list --municipality Gävle"],
    "trainer show": ["steg2 trainer show anna.berg@example.se"],
    "trainer move": ["steg2 trainer move 1 --municipality Sandviken --date 2026-08-01"],
    "trainer edit": [
        "steg2 trainer edit 1 --phone '070-123 45 67'",
        "steg2 trainer edit 1 --inactive --date 2026-08-01 --reason 'har gått i pension'",
    ],
    "agreement list": ["steg2 agreement list --in-force-on 2026-06-15"],
    "agreement end": ["steg2 agreement end 4 --date 2026-12-31 --reason 'slutar som utbildare'"],
    "agreement pdf": ["steg2 agreement pdf 4 -o overenskommelse-4.pdf"],
    "school list": ["steg2 school list --municipality Gävle"],
    "school show": ["steg2 school show Ekskolan --municipality Gävle"],
    "school step": ["steg2 school step Ekskolan kunskapshalvdag --programme mvp-hs --date 2026-03-02 --trainer 1"],
    "school stop": ["steg2 school stop Ekskolan --programme mvp-hs --date 2026-06-30 --reason 'ny rektor'"],
    "school problem": ["steg2 school problem Ekskolan --date 2026-04-01 --note 'svårt att samla personalen'"],
    "school add": ["steg2 school add Ekskolan --municipality Gävle"],
    "school edit": ["steg2 school edit 12 --name 'Ekskolan F-9'"],
    "school contact": [
        "steg2 school contact Ekskolan --programme mvp-hs --name 'Ola Sten' --email ola.sten@ekskolan.se"
        " --date 2026-08-15"
    ],
    "school lead": ["steg2 school lead Ekskolan --programme mvp-hs --trainer 2 --date 2026-08-15"],
    "school payer": ["steg2 school payer Friskolan 'Friskolan AB'"],
    "void": ["steg2 void step 41 --reason 'fel skola'"],
    "meeting add": [
        "steg2 meeting add --kind network --date 2026-10-05 --title 'Nätverksträff hösten'",
        "steg2 meeting add --kind national --date 2027-02-10 --cohort 'Pulje 1'",
    ],
    "programme list": ["steg2 programme list", "steg2 programme list --json"],
    "programme show": ["steg2 programme show mvp-hs"],
    "programme load": ["steg2 programme load forskolan.toml --dry-run", "steg2 programme load forskolan.toml"],
    "programme export": ["steg2 programme export -o program.toml"],
    "cohort add": ["steg2 cohort add 'Pulje 1' --programme pool-environment --start 2027-01-01 --months 24"],
    "cohort join": ["steg2 cohort join 'Pulje 1' Umeå Gävle"],
    "cohort list": ["steg2 cohort list"],
    "cohort show": ["steg2 cohort show 'Pulje 1'"],
    "meeting attend": ["steg2 meeting attend 2 1 anna.berg@example.se"],
    "meeting list": ["steg2 meeting list --year 2026"],
    "meeting show": ["steg2 meeting show 2"],
    "compliance": ["steg2 compliance --year 2026"],
    "status": ["steg2 status", "steg2 status --json"],
    "report": [
        "steg2 report --year 2026",
        "steg2 report --year 2026 -o årsrapport.xlsx",
        "steg2 report --year 2026 -o årsrapport.pdf",
    ],
    "export trainees": ["steg2 export trainees --year 2026 -o utbildade.xlsx"],
    "export trainers": ["steg2 export trainers -o utbildare.xlsx"],
    "export schools": ["steg2 export schools --municipality Gävle -o skolor.xlsx"],
    "export agreements": ["steg2 export agreements -o overenskommelser.xlsx"],
    "export courses": ["steg2 export courses -o kurser.xlsx"],
    "export meetings": ["steg2 export meetings --year 2026 -o narvaro.xlsx"],
    "export template": ["steg2 export template -o lista.xlsx"],
    "export register": ["steg2 export register -o register.xlsx"],
    "export register-template": ["steg2 export register-template -o register.xlsx"],
    "import register": ["steg2 import register register.xlsx --dry-run", "steg2 import register register.xlsx"],
    "export sie": ["steg2 export sie --year 2026 -o steg2-2026.se"],
    "price list": ["steg2 price list"],
    "price set": ["steg2 price set annual-fee 12000 --from 2027-01-01"],
    "payer set": [
        "steg2 payer set Gävle --org-number 212000-2080 --peppol-id 0007:2120002080",
        "steg2 payer set 'Friskolan AB' --email faktura@friskolan.example --delivery email",
    ],
    "payer add": ["steg2 payer add 'Friskolan AB' --org-number 556000-0001"],
    "payer list": ["steg2 payer list"],
    "payer show": ["steg2 payer show Gävle"],
    "payment add": ["steg2 payment add 1001 --date 2026-07-10 --amount 12000"],
    "payment import": ["steg2 payment import bgmax-20260710.txt --dry-run"],
    "payment list": ["steg2 payment list --unmatched"],
    "payment assign": ["steg2 payment assign 17 1001", "steg2 payment assign 17 1002 --amount 5500"],
    "payment unassign": ["steg2 payment unassign 17", "steg2 payment unassign 17 1002"],
    "payment offset": ["steg2 payment offset 1001 1002 --amount 5500"],
    "payment refund": ["steg2 payment refund 1001 --amount 5500 --date 2026-03-05 --note 'till Umeå kommun'"],
    "invoice remind": ["steg2 invoice remind -o paminnelser/", "steg2 invoice remind --number 1001 --dry-run"],
    "invoice block": ["steg2 invoice block 1001 --reason 'tvist om antal deltagare'"],
    "invoice unblock": ["steg2 invoice unblock 1001"],
    "invoice interest": ["steg2 invoice interest --date 2026-06-30", "steg2 invoice interest --dry-run"],
    "rate list": ["steg2 rate list"],
    "rate set": ["steg2 rate set reference 2,25 --from 2026-01-01", "steg2 rate set reference -0,5 --from 2016-01-01"],
    "config show": ["steg2 config show"],
    "config set": ["steg2 config set invoice.payment-days 30", "steg2 config set reminder.fee 60"],
    "demo": [
        "steg2 --db demo.db demo",
        "steg2 --db national.db demo --scale 300 --years 8 --schools 1500 --trainees 60000",
    ],
    "db init": ["steg2 --db register.db db init"],
    "db upgrade": ["steg2 db upgrade"],
    "db backup": ["steg2 db backup register-2026-11-25.db"],
    "db compact": ["steg2 db compact"],
    "db copy": [
        "steg2 db copy postgresql://steg2@db.man.example/steg2",
        "steg2 --db steg2.db db copy /backup/steg2-copy.db --json",
    ],
    "log": ["steg2 log --limit 20"],
    "person export": ["steg2 person export anna.berg@example.se", "steg2 person export anna.berg@example.se --json"],
    "person erase": ["steg2 person erase anna.berg@example.se --yes"],
    "mail trainers": [
        "steg2 mail trainers --about lists --dry-run",
        "steg2 mail trainers --about meetings --year 2026",
        "steg2 mail trainers --about renewal",
    ],
    "mail list": ["steg2 mail list", "steg2 mail list --json"],
}


def localise(command: Any, path: str) -> None:
    """Translate a built command's help (and its subcommands'), give every option and argument a readable
    placeholder, and add the command's examples below its options."""
    if command.help:
        command.help = _(command.help)
    if command.short_help:
        command.short_help = _(command.short_help)
    examples = EXAMPLES.get(path)
    if examples:
        lines = "\n".join(f"  {example}" for example in examples)
        lead = _("Examples:") if len(examples) > 1 else _("Example:")
        command.epilog = f"{lead}\n\n\b\n{lines}"
    _localise_help_option(command)
    localise_command(command)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
        if getattr(param, "is_flag", False) or getattr(param, "metavar", None):
            continue
        name = METAVARS.get(param.name or "")
        if name is None:
            continue
        shown = name if name in (DATE, "N", "ID", "SCHEME:ID") else _(name)
        if getattr(param, "param_type_name", "") == "argument":
            shown += "..." if getattr(param, "nargs", 1) == -1 else ""
            _plain_argument(param, shown)
        param.metavar = shown
    for name, sub in (getattr(command, "commands", None) or {}).items():
        localise(sub, f"{path} {name}".strip())


def _localise_help_option(command: Any) -> None:
    """Click writes `Usage:` and the --help option's own text itself: have them in the chosen language."""
    if getattr(command, "_steg2_localised", False):
        return
    command._steg2_localised = True
    make_help_option = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = make_help_option(ctx)
        if option is not None and option.help:
            option.help = _(option.help)
        return option

    def format_usage(ctx: Any, formatter: Any) -> None:
        pieces = command.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    command.get_help_option = get_help_option
    command.format_usage = format_usage
    N_("Show this message and exit.")


def _plain_argument(param: Any, shown: str) -> None:
    """Typer 0.29 shows an argument as `{name}` in the usage line and `name <str>` in the list: show the
    placeholder alone (a choice keeps its list of values)."""
    in_usage = shown if param.required else f"[{shown}]"
    param.get_usage_pieces = lambda ctx: [in_usage]  # Typer 0.28
    if hasattr(param, "_usage_display_name"):  # Typer 0.29
        param._usage_display_name = lambda: in_usage
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and not getattr(descriptor, "is_choice", False):
        param.display_type_rich = lambda ctx: None
