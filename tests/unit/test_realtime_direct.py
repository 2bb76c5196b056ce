"""Pre-framed websocket messages: the bytes a client's own parser reads back."""

from __future__ import annotations

from collections.abc import Generator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from server.realtime.direct import frame


def parse(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser: Generator = Frame.parse(reader.read_exact, mask=False)  # type: ignore[type-arg]
    try:
        next(parser)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    raise AssertionError("incomplete frame")


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_every_length_encoding_parses_back(size: int) -> None:
    payload = ("ক" * size).encode()[:size]
    parsed = parse(frame(payload))
    assert parsed.fin and parsed.opcode == Opcode.TEXT and parsed.data == payload


@given(st.text(max_size=300))
def test_bengali_text_survives_framing(text: str) -> None:
    parsed = parse(frame(text.encode()))
    assert parsed.data.decode() == text
