"""Writing the files that leave MÄN: whole or not at all, shared like any file the user writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from steg2cli.errors import BadInput
from steg2cli.i18n import _


def make_folder(folder: Path) -> None:
    """Make the output folder (its parent must exist), or refuse plainly when it cannot be made."""
    try:
        Path(folder).mkdir(exist_ok=True)
    except OSError as exc:
        raise BadInput(_("cannot write {path}: {strerror}").format(path=folder, strerror=exc.strerror)) from None


def user_mode() -> int:
    """The mode a new file of the user's gets: 0666 less the umask (mkstemp alone makes 0600)."""
    current = os.umask(0)
    os.umask(current)
    return 0o666 & ~current


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, so a reader never sees half a file."""
    if not path.parent.is_dir():
        raise BadInput(
            _("cannot write {path}: the folder {parent} does not exist").format(path=path, parent=path.parent)
        )
    try:
        handle, temporary = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise BadInput(_("cannot write {path}: {strerror}").format(path=path, strerror=exc.strerror)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, user_mode())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BadInput(_("cannot write {path}: {strerror}").format(path=path, strerror=exc.strerror)) from None
