"""Spoken calls for the hall display: WAV clips from espeak-ng, and a chime made in Python.

A clip's text is never taken from the request: the route names a token (`A-023`) and a
counter, both checked against the office's configuration, and the phrase is built here.
Clips are cached on disk per phrase in the data dir and made off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import math
import os
import re
import shutil
import struct
import wave
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from server.bengali import to_bn_digits
from server.errors import ShebaError
from server.queue.office import Office
from server.queue.store import QueueStore

ESPEAK = "espeak-ng"
VOICES = {"bn": "bn", "en": "en"}
TOKEN_DISPLAY = re.compile(r"([A-Z]{1,2})-(\d{1,4})")
# espeak-ng makes a call phrase in ~30 ms; anything near this means it is stuck.
SYNTH_TIMEOUT_SECS = 10.0
# A busy office calls a few hundred tokens a day at ~120 KB a clip: keep about a week.
MAX_CACHED_CLIPS = 2000
CHIME_RATE_HZ = 22050
CLIP_CACHE_HEADERS = {"Cache-Control": "public, max-age=86400"}


def espeak_path() -> str | None:
    return shutil.which(ESPEAK)


def phrase(office: Office, token_display: str, counter: int, lang: str) -> str:
    """The words spoken for one call; numbers without leading zeros (espeak-ng reads
    "০২৩" as "শূন্য তেইশ")."""
    match = TOKEN_DISPLAY.fullmatch(token_display)
    if match is None:
        raise ShebaError("not_found", field="token")
    prefix, digits = match.group(1), int(match.group(2))
    service = office.services.get(prefix)
    if service is None:
        raise ShebaError("not_found", field="token")
    office.counter(counter)
    if lang == "en":
        return f"Token number {prefix} {digits}, counter {counter}."
    return f"টোকেন নম্বর {service.prefix_bn} {to_bn_digits(digits)}, কাউন্টার {to_bn_digits(counter)}।"


class ClipCache:
    """WAV files named by a digest of voice and phrase, made at most once per process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._locks: dict[str, asyncio.Lock] = {}
        self._made = 0

    def path_for(self, voice: str, text: str) -> Path:
        digest = hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()[:24]
        return self.folder / f"{digest}.wav"

    async def clip(self, voice: str, text: str) -> Path:
        path = self.path_for(voice, text)
        if path.exists():
            return path
        lock = self._locks.setdefault(path.name, asyncio.Lock())
        try:
            async with lock:
                if not path.exists():
                    await self._synthesise(voice, text, path)
        finally:
            if not lock.locked():
                self._locks.pop(path.name, None)
        return path

    async def _synthesise(self, voice: str, text: str, path: Path) -> None:
        binary = espeak_path()
        if binary is None:
            raise ShebaError(
                "unavailable", "Speech synthesis is not installed.", "কণ্ঠস্বর তৈরির ব্যবস্থা নেই।"
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        # Another worker may write the same clip: each writes its own file, then renames.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        proc = await asyncio.create_subprocess_exec(
            binary,
            "-v",
            voice,
            "-s",
            "140",
            "-w",
            str(tmp),
            text,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            async with asyncio.timeout(SYNTH_TIMEOUT_SECS):
                code = await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()
            code = -1
        if code != 0 or not tmp.exists():
            tmp.unlink(missing_ok=True)
            raise ShebaError("unavailable")
        os.replace(tmp, path)
        self._made += 1
        if self._made % 50 == 0:
            await asyncio.to_thread(self.prune)

    def prune(self) -> None:
        """Drop the oldest clips beyond the cap; a dropped clip is simply made again."""
        clips = sorted(self.folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        for old in clips[: max(0, len(clips) - MAX_CACHED_CLIPS)]:
            with contextlib.suppress(OSError):
                old.unlink()


@cache
def chime_wav() -> bytes:
    """A two-note ding-dong (E6 then C6) that fades out: 16-bit mono PCM."""
    frames = bytearray()
    for freq, secs in ((1318.5, 0.45), (1046.5, 0.85)):
        count = int(CHIME_RATE_HZ * secs)
        for i in range(count):
            t = i / CHIME_RATE_HZ
            envelope = math.exp(-4.0 * t) * min(1.0, i / 200)
            sample = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            frames += struct.pack("<h", int(12000 * envelope * sample))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(CHIME_RATE_HZ)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


@cache
def _cache_for(folder: Path) -> ClipCache:
    return ClipCache(folder)


async def announcement(request: Request) -> Response:
    store: QueueStore = request.state.store
    office = await store.office(request.path_params["office"])
    lang = request.query_params.get("lang", "bn")
    if lang not in VOICES:
        raise ShebaError("invalid_input", field="lang")
    text = phrase(office, request.path_params["token"], request.path_params["counter"], lang)
    clips = _cache_for(request.state.settings.data_path() / "announce")
    path = await clips.clip(VOICES[lang], text)
    return FileResponse(path, media_type="audio/wav", headers=CLIP_CACHE_HEADERS)


async def chime(request: Request) -> Response:
    return Response(chime_wav(), media_type="audio/wav", headers=CLIP_CACHE_HEADERS)


routes = [
    Route("/api/v1/announce/chime.wav", chime, methods=["GET"]),
    Route(
        "/api/v1/offices/{office}/announce/{token}/{counter:int}.wav",
        announcement,
        methods=["GET"],
    ),
]
