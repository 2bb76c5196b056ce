"""SMS: segment arithmetic, the gateway seam and its drivers, and inbound reply helpers.

gateway = open_gateway(settings.sms_gateway, mailer=mailer)
result = await gateway.send(SmsMessage(phone, fit(text, settings.sms_max_parts), key))
await gateway.aclose()
"""

from __future__ import annotations

from server.hardware.sms.gateway import (
    GatewayError,
    SendResult,
    SmsGateway,
    SmsMessage,
    open_gateway,
)
from server.hardware.sms.inbound import Reply, parse_reply, sign, verify_signature
from server.hardware.sms.segments import count_parts, encoding, fit, split_parts

__all__ = [
    "GatewayError",
    "Reply",
    "SendResult",
    "SmsGateway",
    "SmsMessage",
    "count_parts",
    "encoding",
    "fit",
    "open_gateway",
    "parse_reply",
    "sign",
    "split_parts",
    "verify_signature",
]
