from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from server.hardware.mail import Mailer, MailError, SmtpConfig
from server.hardware.sms import GatewayError, SmsMessage, open_gateway
from tests.integration.smtp_stand_in import SmtpStandIn

SUBJECT = "সাক্ষাতের সময় নির্ধারিত: ২৯ নভেম্বর ২০২৬, সকাল ১০:৩০"
TEXT = (
    "প্রিয় নাগরিক,\n"
    "জেলা প্রশাসক মহোদয়ের সাথে আপনার সাক্ষাতের সময় সকাল ১০:৩০।\n"
    "অনুগ্রহ করে ১৫ মিনিট আগে আসুন। ক্ষমা স্ত্রী কৃষি — ধন্যবাদ।"
)
HTML = "<p>জেলা প্রশাসক মহোদয়ের সাথে আপনার সাক্ষাতের সময় <b>সকাল ১০:৩০</b>।</p>"


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpStandIn]:
    async with SmtpStandIn().running() as server:
        yield server


def _text_of(part) -> str:
    # E-mail travels with CRLF line ends; compare the text, not the transport's line ends.
    return part.get_content().replace("\r\n", "\n").rstrip("\n")


async def test_bengali_mail_arrives_intact(smtp):
    mailer = Mailer(f"smtp://127.0.0.1:{smtp.port}", sender="dc.magura@sheba.test")
    await mailer.send(["citizen@example.test"], SUBJECT, TEXT, HTML)

    received = await smtp.inbox.get()
    assert received.mail_from == "dc.magura@sheba.test"
    assert received.rcpt_tos == ["citizen@example.test"]
    message = received.message
    assert message["Subject"] == SUBJECT
    assert message["To"] == "citizen@example.test"
    assert _text_of(message.get_body(("plain",))) == TEXT
    assert _text_of(message.get_body(("html",))) == HTML
    assert message.get_body(("plain",)).get_content_charset() == "utf-8"
    assert not message.defects


def test_mail_headers_on_the_wire_are_seven_bit():
    # RFC 2047 encoded words: any relay carries them unchanged, SMTPUTF8 or not.
    mailer = Mailer("smtp://127.0.0.1:1", sender="dc@sheba.test")
    raw = mailer.build(["a@example.test"], SUBJECT, TEXT).as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert headers.isascii()
    assert b"=?utf-8?" in headers


async def test_login_is_used_when_the_url_has_one():
    async with SmtpStandIn(login=("sheba", "pässword")).running() as smtp:
        mailer = Mailer(f"smtp://sheba:p%C3%A4ssword@127.0.0.1:{smtp.port}", sender="s@x.test")
        await mailer.send(["a@example.test"], "hello", "ক")
        received = await smtp.inbox.get()
    assert smtp.logins == ["sheba"]
    assert _text_of(received.message.get_body(("plain",))) == "ক"


async def test_wrong_login_is_not_retryable():
    async with SmtpStandIn(login=("sheba", "right")).running() as smtp:
        mailer = Mailer(f"smtp://sheba:wrong@127.0.0.1:{smtp.port}")
        with pytest.raises(MailError) as caught:
            await mailer.send(["a@example.test"], "s", "t")
    assert caught.value.retryable is False
    assert caught.value.code == 535


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [("550 5.1.1 No such user", False), ("451 4.3.0 Try again later", True)],
)
async def test_refused_recipient_says_whether_to_retry(reply, retryable):
    async with SmtpStandIn(refuse_rcpt=reply).running() as smtp:
        mailer = Mailer(f"smtp://127.0.0.1:{smtp.port}")
        with pytest.raises(MailError) as caught:
            await mailer.send(["nobody@example.test"], "s", "t")
    assert caught.value.retryable is retryable
    assert caught.value.code == int(reply[:3])


async def test_unreachable_server_is_retryable():
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailer = Mailer(f"smtp://127.0.0.1:{port}?timeout=5")
    with pytest.raises(MailError) as caught:
        await mailer.send(["a@example.test"], "s", "t")
    assert caught.value.retryable is True


async def test_starttls_against_a_server_without_it_is_a_configuration_error(smtp):
    mailer = Mailer(f"smtp://127.0.0.1:{smtp.port}?starttls=1")
    with pytest.raises(MailError) as caught:
        await mailer.send(["a@example.test"], "s", "t")
    assert caught.value.retryable is False


async def test_email_to_sms_goes_to_the_national_number_at_the_domain(smtp):
    mailer = Mailer(f"smtp://127.0.0.1:{smtp.port}", sender="sms@sheba.test")
    gateway = open_gateway("email:sms.operator.test", mailer=mailer)
    text = "আপনার সাক্ষাৎ সকাল ১০:৩০-এ। আসছেন? ১=হ্যাঁ ২=আরও সময় ৩=বাতিল"
    result = await gateway.send(SmsMessage("+880 1712-345678", text, "1732870000000-0"))
    await gateway.aclose()

    received = await smtp.inbox.get()
    assert received.rcpt_tos == ["01712345678@sms.operator.test"]
    assert received.message["Subject"] is None
    assert _text_of(received.message.get_body(("plain",))) == text
    assert received.message["Message-ID"] == "<1732870000000-0@sheba.sms>"
    assert result.gateway_message_id == "<1732870000000-0@sheba.sms>"
    assert result.parts == 1
    assert result.supports_idempotency is False


async def test_email_to_sms_refusal_becomes_a_gateway_error():
    async with SmtpStandIn(refuse_rcpt="550 unknown subscriber").running() as smtp:
        gateway = open_gateway(
            "email:sms.operator.test", mailer=Mailer(f"smtp://127.0.0.1:{smtp.port}")
        )
        with pytest.raises(GatewayError) as caught:
            await gateway.send(SmsMessage("01712345678", "ক", "evt-9"))
    assert caught.value.retryable is False
    assert caught.value.status == 550


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.bd", SmtpConfig("mail.example.bd", 25)),
        (
            "smtp://user:p%40ss@mail.example.bd?starttls=1&from=dc@magura.gov.bd",
            SmtpConfig(
                "mail.example.bd", 587, "user", "p@ss", starttls=True, sender="dc@magura.gov.bd"
            ),
        ),
        (
            "smtps://u:p@mail.example.bd?timeout=5&verify=0",
            SmtpConfig(
                "mail.example.bd",
                465,
                "u",
                "p",
                implicit_tls=True,
                timeout_secs=5.0,
                verify_certs=False,
            ),
        ),
        ("smtp://127.0.0.1:2525", SmtpConfig("127.0.0.1", 2525)),
    ],
)
def test_smtp_urls(url, expected):
    assert SmtpConfig.from_url(url) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example.bd", "smtp://", "smtps://h?starttls=1", "mail.example.bd"]
)
def test_bad_smtp_urls_are_refused(url):
    with pytest.raises(ValueError):
        SmtpConfig.from_url(url)


def test_smtp_password_stays_out_of_reprs():
    mailer = Mailer("smtp://user:hunter2@mail.example.bd")
    assert "hunter2" not in repr(mailer)
    assert "hunter2" not in repr(mailer.config)


def test_mailer_sender_comes_from_argument_url_or_login():
    assert Mailer("smtp://h", sender="a@b.bd").sender == "a@b.bd"
    assert Mailer("smtp://h?from=c@d.bd").sender == "c@d.bd"
    assert Mailer("smtp://me%40d.bd:pw@h").sender == "me@d.bd"
    assert Mailer("smtp://h").sender == "sheba@h"
