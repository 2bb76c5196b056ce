"""HTTP routes for tokens and counters: thin around the queue store."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.actions import Call, Handler, run_action
from server.api.auth import authorise
from server.api.http import int_field, json_response, read_json, text_field
from server.errors import ShebaError
from server.queue import domain
from server.queue.phone import normalise_phone
from server.queue.store import Actor, CommandResult, QueueStore

ISSUERS = ("kiosk", "counter", "admin")
COUNTER_STAFF = ("counter", "admin")


def _store(request: Request) -> QueueStore:
    return request.state.store


async def _actor(request: Request, office: str, roles: tuple[str, ...]) -> Actor:
    return authorise(await request.state.sessions.actor(request), office, roles)


async def _token_response(request: Request, result: CommandResult, status: int = 200) -> Response:
    store = _store(request)
    if result.event_type == "token.issued" or result.replay:
        token = await store.issued_view(result)
    else:
        token = await store.token_view(result.data["token"])
    token["tracking_url"] = f"{request.state.settings.base_url()}/t/{token['id']}"
    return json_response(token, status)


async def issue_token(request: Request) -> Response:
    office = request.path_params["office"]
    actor = await _actor(request, office, ISSUERS)
    body = await read_json(request)
    service = text_field(body, "service", max_len=2)
    phone = normalise_phone(body.get("phone"))
    priority = body.get("priority", False)
    if not isinstance(priority, bool) or (priority and actor.role == "kiosk"):
        raise ShebaError("invalid_input", field="priority")
    lang = body.get("lang", "bn")
    if lang not in ("bn", "en"):
        raise ShebaError("invalid_input", field="lang")
    key = request.headers.get("idempotency-key", "")[:100]
    result = await _store(request).issue(
        office, service, phone, actor=actor, idempotency_key=key, priority=priority, lang=lang
    )
    return await _token_response(request, result, 200 if result.replay else 201)


async def get_token(request: Request) -> Response:
    store = _store(request)
    raw = await store.find_token(request.path_params["token_id"])
    if raw is None:
        raise ShebaError("not_found", "No such token.", "এমন কোনো টোকেন নেই।", field="token")
    token = await store.token_view(raw)
    token.pop("phone_masked", None)
    return json_response(token)


async def call_next(request: Request) -> Response:
    office = request.path_params["office"]
    actor = await _actor(request, office, COUNTER_STAFF)
    counter = int_field(request.path_params, "counter")
    result = await _store(request).call(office, counter, actor=actor)
    if result.data.get("empty"):
        return Response(status_code=204)
    return await _token_response(request, result)


async def _transition(call: Call[QueueStore]) -> CommandResult:
    outcome = text_field(call.body, "outcome", required=False, max_len=500)
    return await call.store.transition(
        call.office, call.target, call.action, outcome=outcome, actor=call.actor
    )


async def _recall(call: Call[QueueStore]) -> CommandResult:
    return await call.store.recall(call.office, call.target, actor=call.actor)


async def _unpark(call: Call[QueueStore]) -> CommandResult:
    return await call.store.unpark(call.office, call.target, actor=call.actor)


async def _prioritise(call: Call[QueueStore]) -> CommandResult:
    return await call.store.prioritise(call.office, call.target, actor=call.actor)


async def _call_out_of_order(call: Call[QueueStore]) -> CommandResult:
    # Out of order: where favouritism hides, so a reason is required and audited.
    counter = int_field(call.body, "counter")
    reason = text_field(call.body, "reason", max_len=300)
    return await call.store.call(
        call.office, counter, token_id=call.target, reason=reason, actor=call.actor
    )


async def _transfer(call: Call[QueueStore]) -> CommandResult:
    body, store = call.body, call.store
    if ("service" in body) == ("counter" in body):
        raise ShebaError(
            "invalid_input",
            "Give either 'service' or 'counter'.",
            "হয় 'service' নয়তো 'counter' দিন।",
        )
    if "service" in body:
        service = text_field(body, "service", max_len=2)
        return await store.transfer(call.office, call.target, service=service, actor=call.actor)
    counter = int_field(body, "counter")
    return await store.transfer(call.office, call.target, counter=counter, actor=call.actor)


# One handler for each of domain.TOKEN_ACTIONS.
TOKEN_ACTIONS: dict[str, Handler[QueueStore]] = {
    **dict.fromkeys(domain.TRANSITIONS, _transition),
    "recall": _recall,
    "unpark": _unpark,
    "prioritise": _prioritise,
    "call": _call_out_of_order,
    "transfer": _transfer,
}


async def token_action(request: Request) -> Response:
    result = await run_action(request, TOKEN_ACTIONS, COUNTER_STAFF, "token_id", _store)
    return await _token_response(request, result)


async def counter_state(request: Request) -> Response:
    office = request.path_params["office"]
    state = request.path_params["state"]
    if state not in domain.COUNTER_STATES:
        raise ShebaError("not_found", field="state")
    actor = await _actor(request, office, COUNTER_STAFF)
    counter = int_field(request.path_params, "counter")
    result = await _store(request).set_counter_state(office, counter, state, actor=actor)
    return json_response({"counter": counter, "state": result.data["state"]})


async def get_office(request: Request) -> Response:
    store = _store(request)
    office = await store.office(request.path_params["office"])
    from server.queue import hours

    now = store.clock.now()
    waiting = await store.queue_lengths(office.slug)
    return json_response(
        {
            "slug": office.slug,
            "name_bn": office.name_bn,
            "name_en": office.name_en,
            "policy": office.policy,
            "services": [
                {
                    "code": s.code,
                    "prefix_bn": s.prefix_bn,
                    "name_bn": s.name_bn,
                    "name_en": s.name_en,
                    "kind": s.kind,
                    "section_bn": s.section_bn,
                    "section_en": s.section_en,
                    "open": hours.is_open(office, s, now),
                    "waiting": waiting.get(s.code, 0),
                    **s.charter(),
                    "icon": s.icon,
                }
                for s in office.services.values()
            ],
            "counters": await store.counters(office.slug),
            "officials": [
                {
                    "slug": o.slug,
                    "name_bn": o.name_bn,
                    "name_en": o.name_en,
                    "title_bn": o.title_bn,
                    "title_en": o.title_en,
                }
                for o in office.officials.values()
            ],
        }
    )


routes = [
    Route("/api/v1/offices/{office}", get_office, methods=["GET"]),
    Route("/api/v1/offices/{office}/tokens", issue_token, methods=["POST"]),
    Route("/api/v1/tokens/{token_id}", get_token, methods=["GET"]),
    Route("/api/v1/offices/{office}/counters/{counter}/call-next", call_next, methods=["POST"]),
    Route("/api/v1/offices/{office}/counters/{counter}/{state}", counter_state, methods=["POST"]),
    Route("/api/v1/offices/{office}/tokens/{token_id}/{action}", token_action, methods=["POST"]),
]
