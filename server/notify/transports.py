"""What the sender sends through: an SMS gateway or a mailer, behind one small protocol."""

from __future__ import annotations

from typing import Protocol

from server.hardware.mail import Mailer, MailError
from server.hardware.sms import GatewayError, SmsGateway, SmsMessage
from server.store.models import Outbox


class Transport(Protocol):
    """One gateway of one channel. `idempotent`: it drops a repeated idempotency key."""

    channel: str
    name: str
    idempotent: bool

    async def send(self, row: Outbox) -> tuple[str | None, int]:
        """(gateway message id, parts) or GatewayError."""
        ...

    async def aclose(self) -> None: ...


def gateway_idempotent(gateway: SmsGateway) -> bool:
    """Known before sending (the recovery of an interrupted send depends on it): only an
    HTTP gateway configured with an idempotency header drops duplicates."""
    config = getattr(gateway, "config", None)
    return bool(getattr(config, "idempotency_header", None))


class SmsTransport:
    channel = "sms"

    def __init__(self, gateway: SmsGateway) -> None:
        self.gateway = gateway
        self.name = gateway.name
        self.idempotent = gateway_idempotent(gateway)

    async def send(self, row: Outbox) -> tuple[str | None, int]:
        result = await self.gateway.send(SmsMessage(row.phone, row.text, row.key))
        return result.gateway_message_id, result.parts

    async def aclose(self) -> None:
        await self.gateway.aclose()


class MailTransport:
    channel = "email"
    idempotent = False

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self.name = f"smtp:{mailer.config.host}"

    async def send(self, row: Outbox) -> tuple[str | None, int]:
        message_id = f"<outbox-{row.id}@sheba>"
        try:
            await self.mailer.send([row.email], row.subject, row.text, message_id=message_id)
        except MailError as exc:
            raise GatewayError(str(exc), exc.retryable, status=exc.code) from exc
        return message_id, 0

    async def aclose(self) -> None:
        return None
