from __future__ import annotations

import logging

import pytest

from server.errors import ShebaError
from server.hardware.mail import Mailer
from server.hardware.sms import SendResult, SmsMessage, open_gateway
from server.hardware.sms.console import ConsoleGateway
from server.hardware.sms.email_to_sms import EmailGateway


def test_a_message_normalises_its_phone_to_e164():
    message = SmsMessage("০১৭১২-৩৪৫৬৭৮", "text", "evt-1")
    assert message.phone == "+8801712345678"
    assert message.phone_national == "01712345678"
    assert message.phone_digits == "8801712345678"


def test_a_message_refuses_a_non_mobile_number():
    with pytest.raises(ShebaError) as caught:
        SmsMessage("02-9556789", "text", "evt-1")
    assert caught.value.code == "invalid_phone"


def test_a_message_needs_an_idempotency_key():
    with pytest.raises(ValueError):
        SmsMessage("01712345678", "text", "")


async def test_console_gateway_logs_a_masked_phone_and_the_text(caplog):
    gateway = open_gateway("console")
    assert isinstance(gateway, ConsoleGateway)
    with caplog.at_level(logging.INFO, logger="sheba.sms"):
        result = await gateway.send(SmsMessage("01712345678", "আপনার টোকেন ক-০২৩", "evt-7"))
    await gateway.aclose()
    assert result == SendResult(gateway_message_id=None, parts=1, supports_idempotency=False)
    assert "017••••5678" in caplog.text
    assert "01712345678" not in caplog.text
    assert "আপনার টোকেন ক-০২৩" in caplog.text


def test_email_gateway_needs_a_mailer():
    with pytest.raises(ValueError, match="Mailer"):
        open_gateway("email:sms.example.com.bd")
    gateway = open_gateway("email:sms.example.com.bd", mailer=Mailer("smtp://127.0.0.1:25"))
    assert isinstance(gateway, EmailGateway)
    assert gateway.domain == "sms.example.com.bd"


@pytest.mark.parametrize("spec", ["", "carrier-pigeon", "http:", "email:", "console:x"])
def test_unknown_gateway_specs_are_refused(spec):
    with pytest.raises(ValueError):
        open_gateway(spec)


def test_unknown_shipped_http_gateway_names_the_shipped_ones():
    with pytest.raises(ValueError, match="bulksmsbd"):
        open_gateway("http:no-such-provider")
