from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator, Iterator

import pytest

from server.hardware.sms import GatewayError, SmsMessage, count_parts, open_gateway
from server.hardware.sms.http import HttpGateway, load_config
from tests.integration.http_stand_in import GatewayStandIn

TEXT = "আপনার টোকেন ক-০২৩। কাউন্টার ২-এ যান, অনুগ্রহ করে অপেক্ষা করুন। ক্ষমা স্ত্রী কৃষি & 100% {ok}"
BULK_OK = {
    "response_code": 202,
    "message_id": 98765,
    "success_message": "SMS Submitted Successfully",
    "error_message": "",
}


@pytest.fixture(scope="module")
async def running_stand_in() -> AsyncIterator[GatewayStandIn]:
    async with GatewayStandIn().running() as server:
        yield server


@pytest.fixture
def stand_in(running_stand_in: GatewayStandIn) -> Iterator[GatewayStandIn]:
    running_stand_in.reset()
    yield running_stand_in
    running_stand_in.reset()


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEBA_SMS_API_KEY", "key-Ab12/+=")
    monkeypatch.setenv("SHEBA_SMS_SENDER_ID", "8809617600000")


def _gateway(name: str, stand_in: GatewayStandIn, **changes: object) -> HttpGateway:
    config = load_config(name)
    return HttpGateway(dataclasses.replace(config, url=f"{stand_in.url}/api/sms", **changes))


def _message(text: str = TEXT, key: str = "1732870000000-0") -> SmsMessage:
    return SmsMessage("01712-345678", text, key)


async def test_bulksmsbd_config_posts_form_fields_with_utf8_bengali(stand_in, secrets):
    stand_in.answer(200, BULK_OK)
    gateway = _gateway("bulksmsbd", stand_in)
    result = await gateway.send(_message())
    await gateway.aclose()

    (request,) = stand_in.requests
    assert request.method == "POST"
    assert request.path == "/api/sms"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.query == {}  # the key stays out of the URL
    assert request.form == {
        "api_key": "key-Ab12/+=",
        "type": "text",
        "number": "8801712345678",
        "senderid": "8809617600000",
        "message": TEXT,
    }
    assert result.gateway_message_id == "98765"
    assert result.parts == count_parts(TEXT) == 2
    assert result.supports_idempotency is False


@pytest.mark.parametrize(
    ("code", "retryable"), [(1007, False), (1001, False), ("1005", True), (1005, True)]
)
async def test_bulksmsbd_refusal_codes(stand_in, secrets, code, retryable):
    stand_in.answer(200, {"response_code": code, "error_message": "Balance Insufficient"})
    gateway = _gateway("bulksmsbd", stand_in)
    with pytest.raises(GatewayError) as caught:
        await gateway.send(_message())
    await gateway.aclose()
    assert caught.value.retryable is retryable
    assert "response_code" in str(caught.value)
    assert "key-Ab12" not in str(caught.value)


async def test_bulksmsbd_accepts_the_code_as_a_string(stand_in, secrets):
    stand_in.answer(200, {**BULK_OK, "response_code": "202"})
    gateway = _gateway("bulksmsbd", stand_in)
    assert (await gateway.send(_message())).gateway_message_id == "98765"
    await gateway.aclose()


async def test_json_api_config_posts_json_with_bearer_and_idempotency_key(stand_in, secrets):
    stand_in.answer(201, {"data": {"id": "msg_42", "status": "queued"}})
    gateway = _gateway("json_api", stand_in)
    result = await gateway.send(_message())
    await gateway.aclose()

    (request,) = stand_in.requests
    assert request.headers["authorization"] == "Bearer key-Ab12/+="
    assert request.headers["idempotency-key"] == "1732870000000-0"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {"to": "+8801712345678", "text": TEXT, "client_ref": "1732870000000-0"}
    assert result.gateway_message_id == "msg_42"
    assert result.supports_idempotency is True


async def test_json_api_unexpected_status_value_is_not_retryable(stand_in, secrets):
    stand_in.answer(200, {"data": {"id": "msg_43", "status": "rejected"}})
    gateway = _gateway("json_api", stand_in)
    with pytest.raises(GatewayError) as caught:
        await gateway.send(_message())
    await gateway.aclose()
    assert caught.value.retryable is False


async def test_get_query_gateway_with_a_body_regex(stand_in):
    stand_in.answer(200, "OK: 5521")
    gateway = HttpGateway(
        load_config(
            {
                "name": "plain",
                "url": f"{stand_in.url}/send",
                "method": "GET",
                "send_as": "query",
                "params": {"to": "{phone_national}", "sms": "{text}", "enc": "{encoding}"},
                "success": {"body_regex": "^OK"},
            }
        )
    )
    result = await gateway.send(_message())
    stand_in.answer(200, "ERR: no credit")
    with pytest.raises(GatewayError) as caught:
        await gateway.send(_message())
    await gateway.aclose()

    assert result.gateway_message_id is None
    first = stand_in.requests[0]
    assert first.method == "GET"
    assert first.query == {"to": "01712345678", "sms": TEXT, "enc": "ucs2"}
    assert caught.value.retryable is False


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retryable(stand_in, secrets, status):
    stand_in.answer(status, "upstream exploded")
    gateway = _gateway("bulksmsbd", stand_in)
    with pytest.raises(GatewayError) as caught:
        await gateway.send(_message())
    await gateway.aclose()
    assert caught.value.retryable is True
    assert caught.value.status == status


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (401, False), (429, True)])
async def test_client_errors_are_final_unless_the_config_says_otherwise(
    stand_in, secrets, status, retryable
):
    stand_in.answer(status, {"error": "no"})
    gateway = _gateway("bulksmsbd", stand_in)
    with pytest.raises(GatewayError) as caught:
        await gateway.send(_message())
    await gateway.aclose()
    assert caught.value.retryable is retryable
    assert caught.value.status == status


async def test_a_gateway_that_never_answers_times_out_retryably(stand_in, secrets):
    stand_in.hang()
    gateway = _gateway("bulksmsbd", stand_in, timeout_secs=0.3)
    with pytest.raises(GatewayError) as caught:
        await gateway.send(_message())
    await gateway.aclose()
    assert caught.value.retryable is True
    assert "timed out" in str(caught.value)
    assert len(stand_in.requests) == 1  # it did reach the gateway: a retry may duplicate


async def test_a_slow_answer_within_the_timeout_succeeds(stand_in, secrets):
    stand_in.answer(200, BULK_OK)
    stand_in.delay_secs = 0.2
    gateway = _gateway("bulksmsbd", stand_in, timeout_secs=5.0)
    result = await gateway.send(_message())
    await gateway.aclose()
    assert result.gateway_message_id == "98765"


async def test_connection_refused_is_retryable(secrets):
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = dataclasses.replace(load_config("bulksmsbd"), url=f"http://127.0.0.1:{port}/")
    gateway = HttpGateway(config)
    with pytest.raises(GatewayError) as caught:
        await gateway.send(_message())
    await gateway.aclose()
    assert caught.value.retryable is True


async def test_open_gateway_reads_a_toml_file(stand_in, tmp_path, monkeypatch):
    monkeypatch.setenv("SHEBA_TEST_TOKEN", "t0k")
    path = tmp_path / "office-sms.toml"
    path.write_text(
        f'url = "{stand_in.url}/v2/send"\n'
        'send_as = "json"\n'
        'api_key_env = "SHEBA_TEST_TOKEN"\n'
        'message_id_path = "messages.0.id"\n'
        "[headers]\n"
        'X-Api-Key = "{api_key}"\n'
        "[params]\n"
        'recipients = ["{phone_digits}"]\n'
        'body = "{text}"\n',
        encoding="utf-8",
    )
    stand_in.answer(200, {"messages": [{"id": 7}]})
    gateway = open_gateway(f"http:{path}")
    result = await gateway.send(_message("Token A-023"))
    await gateway.aclose()

    (request,) = stand_in.requests
    assert request.headers["x-api-key"] == "t0k"
    assert request.json == {"recipients": ["8801712345678"], "body": "Token A-023"}
    assert result.gateway_message_id == "7"
    assert result.parts == 1
    assert gateway.name == "http:office-sms"
