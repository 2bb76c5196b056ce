from __future__ import annotations

import pytest

from server.hardware.sms import SmsMessage
from server.hardware.sms.http import HttpGateway
from server.hardware.sms.http_config import MISSING, from_dict, load_config, lookup, render

MINIMAL = {"url": "https://sms.example.bd/send", "params": {"to": "{phone}", "msg": "{text}"}}


def test_shipped_configs_load():
    bulk = load_config("bulksmsbd")
    assert bulk.method == "POST" and bulk.send_as == "form"
    assert bulk.success_json_path == "response_code" and bulk.success_equals == 202
    assert bulk.env == {"sender_id": "SHEBA_SMS_SENDER_ID", "api_key": "SHEBA_SMS_API_KEY"}
    json_api = load_config("json_api")
    assert json_api.send_as == "json" and json_api.idempotency_header == "Idempotency-Key"


def test_a_config_file_can_be_named_by_path(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('url = "https://x.bd/send"\n[params]\nmsg = "{text}"\n', encoding="utf-8")
    config = load_config(str(path))
    assert config.name == "mine" and config.params == {"msg": "{text}"}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"url": None}, "url"),
        ({"params": {"msg": "{txt}"}}, "placeholder"),
        ({"params": {"key": "{api_key}"}}, "placeholder"),
        ({"method": "PUT"}, "GET or POST"),
        ({"method": "GET", "send_as": "form"}, "query"),
        ({"params": {"a": {"b": "{text}"}}}, "nested"),
        ({"success": {"equals": 1}}, "json_path"),
        ({"succes": {}}, "succes"),
        ({"success": {"statuses": [200]}}, "statuses"),
    ],
)
def test_config_mistakes_are_caught_at_load(change, complaint):
    data = {**MINIMAL, **change}
    data = {key: value for key, value in data.items() if value is not None}
    with pytest.raises(ValueError, match=complaint):
        from_dict(data)


def test_a_missing_environment_variable_fails_when_the_gateway_opens(monkeypatch):
    monkeypatch.delenv("SHEBA_TEST_SMS_KEY", raising=False)
    config = from_dict(
        {**MINIMAL, "api_key_env": "SHEBA_TEST_SMS_KEY", "params": {"key": "{api_key}"}}
    )
    with pytest.raises(ValueError, match="SHEBA_TEST_SMS_KEY"):
        HttpGateway(config)


def test_render_substitutes_strings_and_keeps_other_values():
    template = {"to": ["{phone}"], "n": 1, "flag": True, "t": "{text}", "lit": "{{x}}"}
    assert render(template, {"phone": "+880", "text": "{phone} ক"}) == {
        "to": ["+880"],
        "n": 1,
        "flag": True,
        "t": "{phone} ক",
        "lit": "{x}",
    }


def test_lookup_walks_dicts_and_lists():
    document = {"data": [{"id": 7}], "code": "202"}
    assert lookup(document, "data.0.id") == 7
    assert lookup(document, "code") == "202"
    assert lookup(document, "data.1.id") is MISSING
    assert lookup(document, "nope") is MISSING
    assert lookup(MISSING, "x") is MISSING


async def test_request_parts_for_each_way_of_sending(monkeypatch):
    monkeypatch.setenv("SHEBA_TEST_SMS_KEY", "k-123")
    message = SmsMessage("01712345678", "আপনার টোকেন", "evt-1")
    base = {
        **MINIMAL,
        "api_key_env": "SHEBA_TEST_SMS_KEY",
        "params": {
            "key": "{api_key}",
            "to": "{phone_national}",
            "msg": "{text}",
            "enc": "{encoding}",
            "flash": False,
        },
    }
    query = HttpGateway(from_dict({**base, "method": "GET", "send_as": "query"}))
    form = HttpGateway(from_dict(base))
    as_json = HttpGateway(
        from_dict(
            {
                **base,
                "send_as": "json",
                "headers": {"Authorization": "Bearer {api_key}"},
                "idempotency_header": "Idempotency-Key",
            }
        )
    )
    expected = {"key": "k-123", "to": "01712345678", "msg": "আপনার টোকেন", "enc": "ucs2"}
    assert query.request_parts(message)["params"] == {**expected, "flash": "false"}
    assert form.request_parts(message)["data"] == {**expected, "flash": "false"}
    parts = as_json.request_parts(message)
    assert parts["json"] == {**expected, "flash": False}
    assert parts["headers"] == {"Authorization": "Bearer k-123", "Idempotency-Key": "evt-1"}
    for gateway in (query, form, as_json):
        await gateway.aclose()
