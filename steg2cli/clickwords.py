"""Click's own words in steg2's language.

Typer carries its own copy of Click, and that copy writes its usage errors ("Missing argument 'NUMBER'.",
"No such option: --foo", "Did you mean 'show'?"), the usage line's `[OPTIONS] COMMAND [ARGS]...`, a number
option's range (`x>=1`) and the answer of `--install-completion` in English, with no catalogue to look them
up in. steg2 recognises each of these sentences when it is shown and says it in the terminal's language; in
English it is left exactly as Click wrote it. The `Error:` prefix never changes (scripts read it).

Light: imported when a command runs, and by `--help`, with nothing but the standard library and Typer.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from steg2cli.i18n import N_, _, language

#: Click's sentences, each as a pattern and the English template marked for the catalogue. The first one
#: that matches the whole message wins.
_SENTENCES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Missing argument '(?P<name>[^']*)'\."), N_("Missing argument '{name}'.")),
    (re.compile(r"Missing option '(?P<name>[^']*)'\."), N_("Missing option '{name}'.")),
    (re.compile(r"Missing parameter: (?P<name>.*)"), N_("Missing parameter: {name}")),
    (re.compile(r"Missing (?P<kind>\w+) '(?P<name>[^']*)'\. (?P<rest>.*)"), N_("Missing '{name}'. {rest}")),
    (re.compile(r"No such option: (?P<name>\S+)"), N_("No such option: {name}")),
    (
        re.compile(r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)"),
        N_("No such option: {name} (possible options: {options})"),
    ),
    (re.compile(r"No such command '(?P<name>.*)'\."), N_("No such command '{name}'.")),
    (
        re.compile(r"Got unexpected extra argument \((?P<values>.*)\)"),
        N_("Got an unexpected extra argument ({values})"),
    ),
    (
        re.compile(r"Got unexpected extra arguments \((?P<values>.*)\)"),
        N_("Got unexpected extra arguments ({values})"),
    ),
    (
        re.compile(r"Got unexpected extra argument\(s\) \((?P<values>.*)\)"),
        N_("Got unexpected extra arguments ({values})"),
    ),
    (re.compile(r"Option '(?P<name>[^']*)' requires an argument\."), N_("Option '{name}' requires a value.")),
    (
        re.compile(r"Option '(?P<name>[^']*)' requires (?P<count>\d+) arguments\."),
        N_("Option '{name}' requires {count} values."),
    ),
    (re.compile(r"Option '(?P<name>[^']*)' does not take a value\."), N_("Option '{name}' does not take a value.")),
    (re.compile(r"Invalid value for (?P<name>.+?): (?P<reason>.*)", re.S), N_("Invalid value for {name}: {reason}")),
    (re.compile(r"Invalid value: (?P<reason>.*)", re.S), N_("Invalid value: {reason}")),
    (
        re.compile(r"Could not open file (?P<name>.+?): (?P<reason>.*)", re.S),
        N_("Could not open file {name}: {reason}"),
    ),
]
_SUGGESTION = re.compile(r"(?P<message>.*?)\.? Did you mean (?P<names>.+)\?", re.S)


def sentence(message: str) -> str:
    """One of Click's messages in the terminal's language (unchanged in English or when not recognised)."""
    if language() == "en":
        return message
    suggestion = _SUGGESTION.fullmatch(message)
    if suggestion is not None:
        names = suggestion["names"].replace(" or ", _(" or "))
        first = sentence(suggestion["message"]).rstrip(".")
        return first + ". " + _("Did you mean {names}?").format(names=names)
    for pattern, template in reversed(_SENTENCES):  # the more specific patterns come later
        found = pattern.fullmatch(message)
        if found is not None:
            return _(template).format(**found.groupdict())
    return message


def number_range(low: float | None, high: float | None) -> str | None:
    """A number option's allowed range as the help shows it (`x>=1` in English, `minst 1` in Swedish)."""
    if low is None and high is None:
        return None
    if language() == "en":
        if low is None:
            return f"x<={high}"
        return f"x>={low}" if high is None else f"{low}<=x<={high}"
    if low is None:
        return _("at most {high}").format(high=high)
    if high is None:
        return _("at least {low}").format(low=low)
    return _("{low} to {high}").format(low=low, high=high)


def localise_command(command: Any) -> None:
    """The usage line's placeholders and a number option's range in the terminal's language."""
    if language() == "en":
        return
    if getattr(command, "options_metavar", None) == "[OPTIONS]":
        command.options_metavar = _("[OPTIONS]")
    if getattr(command, "subcommand_metavar", None) in (
        "COMMAND [ARGS]...",
        "COMMAND1 [ARGS]... [COMMAND2 [ARGS]...]...",
    ):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    for param in getattr(command, "params", []):
        if hasattr(param, "_get_number_range_help_str") and (
            getattr(param, "min", None) is not None or getattr(param, "max", None) is not None
        ):
            low, high = param.min, param.max
            param._get_number_range_help_str = lambda low=low, high=high: number_range(low, high)
        if getattr(param, "name", None) == "install_completion":
            param.callback = _install_completion


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """`--install-completion`, answering in the terminal's language (Typer's own callback says it in English)."""
    if not value or ctx.resilient_parsing:
        return value
    import typer
    from typer._completion_shared import install

    shell, path = install(shell=value) if isinstance(value, str) else install()
    typer.secho(_("Completion for {shell} is installed in {path}").format(shell=shell, path=path), fg="green")
    typer.echo(_("It takes effect once you open a new terminal."))
    sys.exit(0)


_installed = False


def install() -> None:
    """Show Click's usage errors in the terminal's language (once per process; English stays as it was)."""
    global _installed
    if _installed:
        return
    _installed = True
    try:
        from typer._click import exceptions
    except ImportError:  # another Typer lays Click out differently: its words stay English
        return
    usage_error = exceptions.UsageError

    def show(self: Any, file: Any = None) -> None:
        if language() == "en":
            return original(self, file)
        import typer

        out = file if file is not None else sys.stderr
        ctx = self.ctx
        if ctx is not None:
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                hint = _("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]
                )
                hint += "\n"
            typer.echo(f"{ctx.get_usage()}\n{hint}", file=out, color=ctx.color)
        typer.echo(f"Error: {sentence(self.format_message())}", file=out, color=ctx.color if ctx else None)

    original = usage_error.show
    usage_error.show = show  # type: ignore[method-assign]  # a subclass with a `show` of its own (the help shown for no arguments) keeps it
