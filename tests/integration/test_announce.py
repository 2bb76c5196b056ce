"""Spoken calls: the phrase is built server-side from the office's own data, and espeak-ng
clips are cached on disk."""

from __future__ import annotations

import io
import wave

import httpx
import pytest

from server.errors import ShebaError
from server.queue.office import Office
from server.store.offices import demo_office
from server.web.announce import chime_wav, espeak_path, phrase


def test_phrase_speaks_numbers_without_leading_zeros() -> None:
    office = demo_office()
    assert phrase(office, "A-023", 2, "bn") == "টোকেন নম্বর ক ২৩, কাউন্টার ২।"
    assert phrase(office, "B-100", 4, "en") == "Token number B 100, counter 4."


@pytest.mark.parametrize(
    ("token", "counter"), [("Z-001", 1), ("A-001", 9), ("A-1-2", 1), ("a-001", 1), ("A-12345", 1)]
)
def test_phrase_refuses_what_the_office_does_not_have(token: str, counter: int) -> None:
    with pytest.raises(ShebaError):
        phrase(demo_office(), token, counter, "bn")


def test_chime_is_a_short_valid_wav() -> None:
    with wave.open(io.BytesIO(chime_wav())) as clip:
        assert clip.getnchannels() == 1 and 0.5 < clip.getnframes() / clip.getframerate() < 2


async def test_chime_and_refusals_over_http(client: httpx.AsyncClient, office: Office) -> None:
    chime = await client.get("/api/v1/announce/chime.wav")
    assert chime.status_code == 200 and chime.headers["content-type"] == "audio/wav"
    base = f"/api/v1/offices/{office.slug}/announce"
    assert (await client.get(f"{base}/Q-001/1.wav")).status_code == 404
    assert (await client.get(f"{base}/A-001/99.wav")).status_code == 404
    assert (await client.get(f"{base}/A-001/1.wav?lang=xx")).status_code == 400
    assert (await client.get(f"{base}/..%2F..%2Fetc/1.wav")).status_code == 404


@pytest.mark.skipif(espeak_path() is None, reason="espeak-ng is not installed")
async def test_espeak_clip_is_made_once_and_cached(
    client: httpx.AsyncClient, office: Office, backend: dict[str, str]
) -> None:
    from pathlib import Path

    url = f"/api/v1/offices/{office.slug}/announce/B-007/3.wav"
    first = await client.get(url)
    assert first.status_code == 200, first.text
    assert first.content[:4] == b"RIFF"
    with wave.open(io.BytesIO(first.content)) as clip:
        assert clip.getnframes() / clip.getframerate() > 1.0
    folder = Path(backend["data_dir"]) / "announce"
    made = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.wav")}
    again = await client.get(url)
    assert again.content == first.content
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("*.wav")} == made
    english = await client.get(url + "?lang=en")
    assert english.status_code == 200 and english.content != first.content
