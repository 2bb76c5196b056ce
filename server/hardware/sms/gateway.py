"""The seam between the notifier and whatever carries an SMS: types, the protocol, the picker.

Drivers, chosen by `open_gateway(spec)`:

    console                    log the message (development, demos)
    http:bulksmsbd             a generic HTTP gateway, from a shipped TOML config by name...
    http:/etc/sheba/sms.toml   ...or from a TOML file of your own
    email:sms.example.com.bd   e-mail-to-SMS: mail to 01712345678@sms.example.com.bd

Every driver raises only `GatewayError`; its `retryable` flag is the whole retry contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from server.queue.phone import normalise_phone

if TYPE_CHECKING:
    from server.hardware.mail import Mailer


@dataclass(frozen=True)
class SmsMessage:
    """One text for one phone. `phone` is normalised to E.164 on construction.

    `idempotency_key` is stable across retries of the same notification (e.g. the event
    id), so a gateway that honours it delivers at most once.
    """

    phone: str
    text: str
    idempotency_key: str

    def __post_init__(self) -> None:
        # Raises ShebaError("invalid_phone") for anything that is not a Bangladeshi mobile.
        object.__setattr__(self, "phone", normalise_phone(self.phone))
        if not self.idempotency_key:
            raise ValueError("an SMS needs an idempotency key")

    @property
    def phone_national(self) -> str:
        """`+8801712345678` → `01712345678`"""
        return self.phone.removeprefix("+88")

    @property
    def phone_digits(self) -> str:
        """`+8801712345678` → `8801712345678`, the form many Bangladeshi gateways want."""
        return self.phone.removeprefix("+")


@dataclass(frozen=True)
class SendResult:
    """What a gateway said when it accepted a message.

    `gateway_message_id` is None when the gateway gives none (console, some HTTP APIs).
    `supports_idempotency` is True only if the gateway itself drops a repeated key: if
    False, a retry after an ambiguous failure (a timeout) may deliver the text twice.
    """

    gateway_message_id: str | None
    parts: int
    supports_idempotency: bool


class GatewayError(Exception):
    """The gateway did not accept the message. Retry later only if `retryable`."""

    def __init__(self, message: str, retryable: bool, *, status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class SmsGateway(Protocol):
    """Anything that can send an SMS. Open with `open_gateway`, close with `aclose`."""

    name: str

    async def send(self, message: SmsMessage) -> SendResult:
        """Hand the message over, or raise GatewayError."""
        ...

    async def aclose(self) -> None:
        """Release connections; the gateway is not used afterwards."""
        ...


def open_gateway(spec: str, *, mailer: Mailer | None = None) -> SmsGateway:
    """The gateway `spec` names (see the module docstring); ValueError if it names none."""
    kind, _, arg = spec.strip().partition(":")
    if kind == "console" and not arg:
        from server.hardware.sms.console import ConsoleGateway

        return ConsoleGateway()
    if kind == "http" and arg:
        from server.hardware.sms.http import HttpGateway, load_config

        return HttpGateway(load_config(arg))
    if kind == "email" and arg:
        from server.hardware.sms.email_to_sms import EmailGateway

        if mailer is None:
            raise ValueError("an email: SMS gateway needs a Mailer (set SHEBA_SMTP_URL)")
        return EmailGateway(arg, mailer)
    raise ValueError(f"unknown SMS gateway {spec!r}: use console, http:NAME or email:DOMAIN")
