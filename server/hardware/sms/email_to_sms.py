"""E-mail-to-SMS: some operators and resellers turn mail to `<number>@domain` into an SMS."""

from __future__ import annotations

from server.hardware.mail import Mailer, MailError
from server.hardware.sms.gateway import GatewayError, SendResult, SmsMessage
from server.hardware.sms.segments import count_parts


class EmailGateway:
    """Sends the text as the plain-text body of a mail to `01712345678@DOMAIN`.

    The subject is left out: such gateways commonly prepend it to the SMS. The Message-ID
    is derived from the idempotency key so that a relay's logs tie a mail to its event, and
    it is reported as the gateway message id. Relays do not deduplicate on it.
    """

    name = "email"

    def __init__(self, domain: str, mailer: Mailer) -> None:
        domain = domain.strip().lstrip("@")
        if not domain or "@" in domain or "/" in domain:
            raise ValueError(f"not a mail domain: {domain!r}")
        self.domain = domain
        self.mailer = mailer

    async def send(self, message: SmsMessage) -> SendResult:
        address = f"{message.phone_national}@{self.domain}"
        message_id = f"<{_safe(message.idempotency_key)}@sheba.sms>"
        try:
            await self.mailer.send([address], "", message.text, message_id=message_id)
        except MailError as exc:
            raise GatewayError(str(exc), retryable=exc.retryable, status=exc.code) from exc
        return SendResult(
            gateway_message_id=message_id,
            parts=count_parts(message.text),
            supports_idempotency=False,
        )

    async def aclose(self) -> None:
        return None


def _safe(key: str) -> str:
    # A Message-ID's left side must be an RFC 5322 dot-atom: keep it to letters, digits, - and _
    return "".join(
        char if char.isascii() and (char.isalnum() or char in "-_") else "-" for char in key
    )
