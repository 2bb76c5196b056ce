"""Sending e-mail through one SMTP server named by a URL.

    smtp://user:pass@host:587?starttls=1&from=sheba@example.gov.bd
    smtps://user:pass@host            (implicit TLS, port 465)
    smtp://127.0.0.1:2525             (no login, no TLS: a local relay)

Query options: `starttls=1` (smtp only), `from=` the sender address, `timeout=` seconds,
`verify=0` to accept a relay's self-signed certificate. User and password are
percent-decoded, so a password with `@` or `/` is written `%40`, `%2F`.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

DEFAULT_TIMEOUT_SECS = 15.0
_TRUE = ("1", "true", "yes", "on")


class MailError(Exception):
    """Mail could not be handed to the SMTP server.

    `retryable` says whether the same message may succeed later (connection trouble, a 4xx
    reply) or never will as it stands (a 5xx reply, bad credentials, a refused address).
    """

    def __init__(self, message: str, retryable: bool, *, code: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code


@dataclass(frozen=True)
class SmtpConfig:
    """What a `smtp://` or `smtps://` URL says."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    starttls: bool = False
    sender: str | None = None
    timeout_secs: float = DEFAULT_TIMEOUT_SECS
    verify_certs: bool = True

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("an SMTP URL starts with smtp:// or smtps://")
        if not parts.hostname:
            raise ValueError("an SMTP URL needs a host")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        implicit_tls = parts.scheme == "smtps"
        starttls = query.get("starttls", "0").lower() in _TRUE
        if implicit_tls and starttls:
            raise ValueError("smtps:// is already TLS; starttls=1 is for smtp://")
        default_port = 465 if implicit_tls else (587 if starttls else 25)
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit_tls,
            starttls=starttls,
            sender=query.get("from"),
            timeout_secs=float(query.get("timeout", DEFAULT_TIMEOUT_SECS)),
            verify_certs=query.get("verify", "1").lower() in _TRUE,
        )


class Mailer:
    """Sends UTF-8 e-mail (plain text, optionally with an HTML alternative) over SMTP.

    Each `send` opens its own connection: notifications are few, and a pooled connection
    that the server closed while idle would fail the next message for no good reason.
    """

    def __init__(self, url: str, *, sender: str | None = None) -> None:
        self.config = SmtpConfig.from_url(url)
        self.sender = sender or self.config.sender or _default_sender(self.config)

    def __repr__(self) -> str:
        return f"Mailer({self.config.host}:{self.config.port}, sender={self.sender!r})"

    def build(
        self,
        to: list[str],
        subject: str,
        text: str,
        html: str | None = None,
        *,
        message_id: str | None = None,
    ) -> EmailMessage:
        """The message `send` would hand over; headers are RFC 2047/2231-encoded as needed."""
        if not to:
            raise ValueError("an e-mail needs at least one recipient")
        message = EmailMessage()  # policy.default: UTF-8 headers are encoded for us
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        if subject:
            message["Subject"] = subject
        message["Date"] = email.utils.formatdate(localtime=True)
        message["Message-ID"] = message_id or email.utils.make_msgid(
            domain=self.sender.rpartition("@")[2] or None
        )
        message.set_content(text, charset="utf-8")
        if html is not None:
            message.add_alternative(html, subtype="html", charset="utf-8")
        return message

    async def send(
        self,
        to: list[str],
        subject: str,
        text: str,
        html: str | None = None,
        *,
        message_id: str | None = None,
    ) -> None:
        """Hand one message to the SMTP server for every address in `to`, or raise MailError.

        If the server takes the message for some recipients and refuses others, nothing
        can be undone: MailError(retryable=False) names the refused ones.
        """
        message = self.build(to, subject, text, html, message_id=message_id)
        config = self.config
        try:
            refused, _reply = await aiosmtplib.send(
                message,
                sender=self.sender,
                recipients=to,
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                use_tls=config.implicit_tls,
                # False, not None: None would try STARTTLS whenever offered, and a relay
                # configured as plain would then fail on its certificate.
                start_tls=config.starttls,
                validate_certs=config.verify_certs,
                timeout=config.timeout_secs,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            raise MailError(
                f"all recipients refused: {codes}",
                retryable=all(400 <= code < 500 for code in codes),
                code=codes[0] if codes else None,
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise MailError(
                f"SMTP server replied {exc.code}: {exc.message}",
                retryable=400 <= exc.code < 500,
                code=exc.code,
            ) from exc
        except OSError as exc:
            # Refused or dropped connections and timeouts (aiosmtplib's own are OSErrors too).
            raise MailError(f"SMTP connection failed: {exc}", retryable=True) from exc
        except aiosmtplib.SMTPException as exc:
            # What is left is configuration: STARTTLS or an AUTH method the server lacks.
            raise MailError(f"SMTP setup failed: {exc}", retryable=False) from exc
        if refused:
            raise MailError(f"some recipients refused: {sorted(refused)}", retryable=False)


def _default_sender(config: SmtpConfig) -> str:
    if config.username and "@" in config.username:
        return config.username
    return f"sheba@{config.host}"
