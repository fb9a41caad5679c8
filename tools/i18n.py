"""The Swedish catalogue: extract the messages, check the translations, compile the .mo file.

    python tools/i18n.py extract   # update steg2cli/locale/sv/LC_MESSAGES/steg2.po from the code
    python tools/i18n.py compile   # write steg2.mo beside it (shipped in the package)
    python tools/i18n.py check     # list every missing, fuzzy or mismatched translation (exit 1)

`make i18n` runs extract and compile. The messages are those marked with `_`, `N_` or `ngettext` in
steg2cli/, every help text of every command and option (written in English where the command is
defined, translated when the command is built), and the few words of Typer's own that it marks for
gettext ("Arguments", "required", …). Babel is a development tool here: at run time the standard
library's gettext reads the compiled .mo file.
"""

from __future__ import annotations

import io
import os
import re
import string
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "steg2cli" / "locale" / "sv" / "LC_MESSAGES" / "steg2.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _typer_core() -> Path:
    import typer.core

    return Path(typer.core.__file__)


def help_texts() -> dict[str, str]:
    """Every help text of every command and parameter, in English, with where it is shown."""
    os.environ["STEG2_LANG"] = "en"
    import typer.main

    from steg2cli import cli

    found: dict[str, str] = {}
    root = typer.main.get_command(cli.app)

    def walk(command: Any, path: str) -> None:
        for text in (command.help, command.short_help):
            if text:
                found.setdefault(text, f"help of `steg2 {path}`".replace("  ", " "))
        for param in command.params:
            if getattr(param, "help", None):
                found.setdefault(param.help, f"help of `steg2 {path}` {param.opts[0]}")
        names = command.list_commands(None) if hasattr(command, "list_commands") else []
        for name in names:
            walk(command.get_command(None, name), f"{path} {name}".strip())

    walk(root, "")
    for name, spec in cli.COMMANDS.items():
        found.setdefault(spec[2], f"command list: {name}")
    return found


def extract() -> Any:
    """A fresh catalogue template of every message (Babel's Catalog, no translations)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir, extract_from_file

    template = Catalog(project="steg2", domain="steg2")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT / "steg2cli"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message, locations=[(f"steg2cli/{filename}", lineno)], auto_comments=comments, context=context)
    for lineno, message, comments, context in extract_from_file("python", str(_typer_core()), keywords=KEYWORDS):
        template.add(message, locations=[("typer/core.py", lineno)], context=context)
    for text, where in help_texts().items():
        template.add(text, auto_comments=[where])
    for key, (_default, about) in settings_descriptions().items():
        template.add(about, auto_comments=[f"config show: what {key} is"])
    return template


def settings_descriptions() -> dict[str, tuple[str, str]]:
    """Every setting's default and description (`config show` translates the description when it prints)."""
    from steg2cli.services.settings import KNOWN

    return dict(KNOWN)


def read(po: Path = PO) -> Any:
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        return read_po(handle, locale="sv", domain="steg2")


def write(catalog: Any) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, include_previous=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_bytes(buffer.getvalue())


def compiled(catalog: Any) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    """Bring the .po file up to date with the code: new messages added, gone ones dropped."""
    from babel.messages.catalog import Catalog

    template = extract()
    if PO.exists():
        catalog = read()
    else:
        catalog = Catalog(locale="sv", domain="steg2", project="steg2")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    write(catalog)


def fields(text: str) -> list[str]:
    """The `{name}` placeholders of a message (with conversion and format), in a stable order."""
    try:
        return sorted(
            f"{name}!{conversion or ''}:{spec or ''}"
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        )
    except ValueError as exc:
        return [f"unparsable: {exc}"]


MARKUP = re.compile(r"\[/?[a-z ]+\]")


def problems(po: Path = PO) -> list[str]:
    """Everything wrong with a Swedish catalogue (by default the project's), one line each; empty when it
    is complete and its .mo file is compiled from it."""
    if not po.exists():
        return [f"{po} is missing: run python tools/i18n.py extract"]
    catalog = read(po)
    mo = po.with_suffix(".mo")
    wanted = {message.id if isinstance(message.id, str) else message.id[0] for message in extract() if message.id}
    have = {message.id if isinstance(message.id, str) else message.id[0]: message for message in catalog if message.id}
    found = []
    for msgid in sorted(wanted - set(have)):
        found.append(f"not in the catalogue (run make i18n): {msgid!r}")
    for msgid in sorted(set(have) - wanted):
        found.append(f"in the catalogue but no longer in the code (run make i18n): {msgid!r}")
    for msgid, message in have.items():
        if msgid not in wanted:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strs = [message.string] if isinstance(message.string, str) else list(message.string)
        if not all(strs):
            found.append(f"no Swedish translation: {msgid!r}")
            continue
        if message.fuzzy:
            found.append(f"fuzzy (check it, then remove the flag): {msgid!r}")
        for translated in strs:
            if fields(translated) != fields(ids[0]) and not (len(ids) > 1 and fields(translated) == fields(ids[1])):
                found.append(f"placeholders differ: {msgid!r} → {translated!r}")
            if sorted(MARKUP.findall(translated)) != sorted(MARKUP.findall(ids[0])):
                found.append(f"markup differs: {msgid!r} → {translated!r}")
    if not mo.exists() or mo.read_bytes() != compiled(catalog):
        found.append(f"{mo.name} is not compiled from {po.name}: run make i18n")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        update()
    elif command == "compile":
        MO.write_bytes(compiled(read()))
    elif command == "check":
        found = problems()
        print("\n".join(found) or "the Swedish catalogue is complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
