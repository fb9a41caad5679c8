"""The terminal's language: Swedish or English, through the standard library's gettext.

Messages are written in English in the code and looked up in the Swedish catalogue
(`steg2cli/locale/sv/LC_MESSAGES/steg2.mo`, compiled from `steg2.po` with Babel, see `tools/i18n.py`).
The language is chosen on every look-up, so a test can switch it with an environment variable:

1. `STEG2_LANG`: `sv…` gives Swedish, anything else English;
2. otherwise the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set: `sv…` gives Swedish;
3. otherwise English.

Only what is shown at the terminal is translated. Stored data, JSON keys and values, exit codes, the
`Error:` prefix and the Excel files (always Swedish) never are.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "steg2"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "sv")

_catalogues: dict[str, gettext.NullTranslations] = {}
#: The catalogue of the command being run (set by `chosen`), so that a list of thousands of rows does not
#: read the environment once per word; None outside a command (each look-up then decides afresh).
_current: gettext.NullTranslations | None = None


def language() -> str:
    """`sv` or `en`, from STEG2_LANG or the locale (see the module's docstring)."""
    chosen = os.environ.get("STEG2_LANG")
    if chosen:
        return "sv" if chosen.lower().startswith("sv") else "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    return "en"


def catalogue(lang: str | None = None) -> gettext.NullTranslations:
    """The translations of one language (English is the messages as written)."""
    lang = lang or language()
    found = _catalogues.get(lang)
    if found is None:
        if lang == "en":
            found = gettext.NullTranslations()
        else:
            found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
        _catalogues[lang] = found
    return found


def _(message: str) -> str:
    """The message in the terminal's language."""
    return (_current or catalogue()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for `n`, in the terminal's language."""
    return (_current or catalogue()).ngettext(singular, plural, n)


@contextmanager
def chosen() -> Iterator[None]:
    """Decide the language once for the command that runs inside."""
    global _current
    _current = catalogue()
    try:
        yield
    finally:
        _current = None


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is written; it is translated (with `_`) where shown."""
    return message


def use_for_click() -> None:
    """Let Click's and Typer's own words (`Usage:`, `Options`, their usage errors) follow steg2's language.

    They call the standard library's `gettext.gettext`, which reads the default domain and the
    `LANGUAGE` variable: point both at steg2's catalogue and the chosen language. The `Error:` prefix
    is left as it is in every language (cron jobs and scripts read it).
    """
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language()
