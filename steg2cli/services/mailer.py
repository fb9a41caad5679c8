"""E-mail (rule 44) with Python's own `smtplib` and `email`: one connection for a whole batch (STARTTLS by
default, TLS, or none for a local relay), the password only from STEG2_SMTP_PASSWORD, or `.eml` files in an
outbox folder when no server is named.

Sending is split where the exactly-once bookkeeping needs it (rule 43): anything that goes wrong before the
message's text has gone to the server leaves the message certainly unsent (`NotSent`: it waits, or
`Refused`: the server said no to it); only a connection lost after the text went and before the server's
answer leaves it `Uncertain`.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path

from steg2cli.errors import BadInput
from steg2cli.files import user_mode
from steg2cli.i18n import _

PASSWORD_VARIABLE = "STEG2_SMTP_PASSWORD"
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
TIMEOUT_SECONDS = 30


class NotSent(Exception):  # noqa: N818 - an outcome, not a programming error
    """The message certainly did not reach the server; the connection is gone (`stopped`) or not."""

    def __init__(self, reason: str, stopped: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stopped = stopped


class Refused(NotSent):
    """The server refused this message (a recipient, the sender, its content); the next may go."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, stopped=False)


class Uncertain(Exception):  # noqa: N818
    """The message's text went to the server and no answer came: it may or may not have been taken."""


@dataclass(frozen=True)
class Settings:
    """Where e-mail goes: a server (host set) or the outbox folder."""

    host: str
    port: int
    security: str
    user: str
    sender: str
    sender_name: str
    outbox: str

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}" if self.host else self.outbox


def settings_from(values: dict[str, str]) -> Settings:
    """The mail settings out of `settings.all_settings`."""
    security = values.get("smtp.security") or "starttls"
    port = values.get("smtp.port") or ""
    return Settings(
        host=values.get("smtp.host", ""),
        port=int(port) if port else DEFAULT_PORTS[security],
        security=security,
        user=values.get("smtp.user", ""),
        sender=values.get("smtp.from") or values.get("seller.email", ""),
        sender_name=values.get("seller.name", ""),
        outbox=values.get("delivery.mail-outbox", ""),
    )


def missing(config: Settings) -> str | None:
    """Why e-mail cannot go at all, or None."""
    if not config.sender:
        return _("no sender address: steg2 config set smtp.from ADDRESS (or seller.email)")
    if not config.host and not config.outbox:
        return _(
            "no mail server and no outbox: steg2 config set smtp.host HOST, or steg2 config set "
            "delivery.mail-outbox FOLDER"
        )
    return None


def message(
    config: Settings,
    to: str,
    subject: str,
    body: str,
    attachment: tuple[str, bytes] | None = None,
) -> EmailMessage:
    """A Swedish e-mail from MÄN (UTF-8), with its PDF attached, and its own Message-ID."""
    mail = EmailMessage(policy=SMTP)
    mail["From"] = formataddr((config.sender_name, config.sender)) if config.sender_name else config.sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    mail["Content-Language"] = "sv"
    mail.set_content(body, charset="utf-8")
    if attachment is not None:
        name, data = attachment
        mail.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return mail


def as_bytes(mail: EmailMessage) -> bytes:
    """The message as it is sent and as an `.eml` file holds it (CRLF line ends)."""
    return mail.as_bytes(policy=SMTP)


def write_atomically(folder: Path, name: str, data: bytes, keep_existing: bool = False) -> Path:
    """Write `data` as `folder/name` so that whoever collects the folder never sees half a file: it is
    written under a hidden name without the file's extension, flushed to disk, then renamed. With
    `keep_existing` a file already there (not collected yet) is never replaced: the new one gets a suffix
    (`letter-meetings-2026-5-2.eml`), and the path written is returned."""
    target = folder / name
    try:
        folder.mkdir(exist_ok=True)  # the folder itself, never a mistyped path above it
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise BadInput(_("cannot write {path}: {strerror}").format(path=target, strerror=exc.strerror)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, user_mode())
        if keep_existing:
            target = _link_new(Path(temporary), folder, name)
        else:
            os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BadInput(_("cannot write {path}: {strerror}").format(path=target, strerror=exc.strerror)) from None
    return target


def _link_new(temporary: Path, folder: Path, name: str) -> Path:
    """Give the written file the first free name of `name`, `stem-2.ext`, `stem-3.ext`…: a hard link
    fails rather than replace a file already there, so two runs never take the same name."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    for number in range(1, 10_000):
        target = folder / (name if number == 1 else f"{stem}-{number}{dot}{extension}")
        try:
            os.link(temporary, target)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: take a free name as the folder shows it
            if target.exists():
                continue
            os.replace(temporary, target)
            return target
        temporary.unlink()
        return target
    raise OSError(17, os.strerror(17))


_LEADING_DOT = re.compile(rb"(?m)^\.")


class Connection:
    """One SMTP connection for a batch of messages."""

    def __init__(self, config: Settings) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect, say hello, secure the connection and log in, or BadInput saying what failed (never the
        password)."""
        config = self.config
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if config.user and not password:
            raise BadInput(
                _("smtp.user is set but {variable} is not: put the password in the environment").format(
                    variable=PASSWORD_VARIABLE
                )
            )
        where = f"{config.host}:{config.port}"
        try:
            if config.security == "tls":
                self.smtp = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
                )
            else:
                self.smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
            self.smtp.ehlo()
            if config.security == "starttls":
                if not self.smtp.has_extn("starttls"):
                    self.close()
                    raise BadInput(
                        _(
                            "the mail server {where} does not offer STARTTLS; for a relay on this machine set "
                            "smtp.security none, else ask for its TLS port"
                        ).format(where=where)
                    )
                self.smtp.starttls(context=ssl.create_default_context())
                self.smtp.ehlo()
            if config.user:
                self._login(config.user, password)
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise BadInput(
                _("the mail server {where} refused the login of {user} ({code})").format(
                    where=where, user=config.user, code=exc.smtp_code
                )
            ) from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise BadInput(
                _(
                    "the mail server {where} answered but offers no login (AUTH) here: ask for the port that takes "
                    "a login, or clear smtp.user for a server that needs none"
                ).format(where=where)
            ) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise BadInput(
                _("the mail server {where} answered but refused: {reason}").format(where=where, reason=_reason(exc))
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise BadInput(
                _("cannot reach the mail server {where}: {reason}").format(where=where, reason=_reason(exc))
            ) from None

    def _login(self, user: str, password: str) -> None:
        """Log in; a user name or password beyond ASCII (which smtplib's own login cannot send) goes as AUTH
        PLAIN in UTF-8 (RFC 4616)."""
        assert self.smtp is not None
        if (user + password).isascii():
            self.smtp.login(user, password)
            return
        import base64

        if not self.smtp.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
        code, answer = self.smtp.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, answer)

    def send(self, mail: EmailMessage, data: bytes = b"") -> None:
        """Hand one message to the server (`data`: its bytes, if made already). Raises Refused, NotSent or
        Uncertain as the module says."""
        smtp = self.smtp
        if smtp is None:
            raise NotSent(_("not connected"))
        sender = self.config.sender
        recipient = str(mail["To"])
        try:
            code, answer = smtp.mail(sender)
            if code != 250:
                self._give_up(code, answer, _("the server refused the sender"))
            code, answer = smtp.rcpt(recipient)
            if code not in (250, 251):
                self._give_up(code, answer, _("the server refused the recipient"))
            code, answer = smtp.docmd("data")
            if code != 354:
                self._give_up(code, answer, _("the server refused the message"))
            data = _LEADING_DOT.sub(b"..", data or as_bytes(mail))
            if not data.endswith(b"\r\n"):
                data += b"\r\n"
            smtp.send(data + b".\r\n")
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.smtp = None
            raise NotSent(_("the mail server stopped answering: {reason}").format(reason=_reason(exc))) from None
        try:
            code, answer = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, OSError):
            self.smtp = None
            raise Uncertain() from None
        if code != 250:
            self._give_up(code, answer, _("the server refused the message"))

    def _give_up(self, code: int, answer: bytes, what: str) -> None:
        reason = f"{what} ({code} {without_addresses(answer.decode(errors='replace').strip())})"
        if code == 421 or self.smtp is None:  # the server is closing the connection
            self.close()
            raise NotSent(reason)
        try:
            assert self.smtp is not None
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.smtp = None
            raise NotSent(reason) from None
        raise Refused(reason)

    def close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            try:
                self.smtp.close()
            except OSError:
                pass
        self.smtp = None


_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>]+>?")


def without_addresses(text: str) -> str:
    """A server's answer with every e-mail address in it replaced: servers often name the recipient they
    refuse, and the answer goes on the screen and into the delivery record (rule 44: personal data stays
    in the messages themselves)."""
    return _ADDRESS.sub("<…>", text)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {without_addresses(text)}"
    return _failure(exc) or getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _failure(exc: BaseException) -> str | None:
    """A common connection failure said in the terminal's language, with the system's code kept
    (`errno 111`); None for any other."""
    import errno
    import socket

    code = getattr(exc, "errno", None)
    if isinstance(exc, socket.gaierror):
        return _("no such server name ({code})").format(code=code)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _("its certificate could not be verified: {reason}").format(reason=exc.verify_message)
    if isinstance(exc, ssl.SSLError):
        return _("the encrypted connection failed: {reason}").format(reason=exc.reason or exc)
    if isinstance(exc, TimeoutError | socket.timeout):
        return _("no answer within {seconds} seconds").format(seconds=TIMEOUT_SECONDS)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("the server closed the connection")
    words = {
        errno.ECONNREFUSED: _("the connection was refused: nothing answers on that port"),
        errno.ECONNRESET: _("the server broke off the connection"),
        errno.EHOSTUNREACH: _("the server's network cannot be reached"),
        errno.ENETUNREACH: _("the network cannot be reached"),
        errno.ETIMEDOUT: _("no answer within {seconds} seconds").format(seconds=TIMEOUT_SECONDS),
    }
    if code in words:
        return f"{words[code]} (errno {code})"
    return None
