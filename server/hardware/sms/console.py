"""The console gateway: writes each SMS to the log instead of sending it."""

from __future__ import annotations

import logging

from server.hardware.sms.gateway import SendResult, SmsMessage
from server.hardware.sms.segments import count_parts
from server.queue.phone import mask_phone

log = logging.getLogger("sheba.sms")


class ConsoleGateway:
    """For development and demos: every message "succeeds" and nothing leaves the machine."""

    name = "console"

    async def send(self, message: SmsMessage) -> SendResult:
        parts = count_parts(message.text)
        # Masked like everywhere else: logs travel further than the staff screens do.
        log.info(
            "SMS to %s (%d part%s, key %s): %s",
            mask_phone(message.phone),
            parts,
            "" if parts == 1 else "s",
            message.idempotency_key,
            message.text,
        )
        return SendResult(gateway_message_id=None, parts=parts, supports_idempotency=False)

    async def aclose(self) -> None:
        return None
