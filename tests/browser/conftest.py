"""Headless Chromium (Debian's package) driven by Playwright's async API, against the real
server of tests/conftest.py. Every test here is marked `browser` and skipped, with a reason,
where no Chromium is installed."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SHEBA_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# As root in a sandbox without a network, Chromium needs these to start quietly.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def browser_page(chromium: object) -> AsyncIterator[object]:
    """A fresh browser context (no shared storage) at a 1920×1080 viewport."""
    context = await chromium.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1920, "height": 1080}, locale="bn-BD", timezone_id="Asia/Dhaka"
    )
    page = await context.new_page()
    yield page
    await context.close()


def artifact(name: str) -> Path:
    """Where a test saves a screenshot for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


# The realtime client's own test uses these.
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"Debian's chromium is not installed at {CHROMIUM}"
)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """For pytest-playwright's sync fixtures, should a test use them."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
async def chromium_page(chromium: Any) -> AsyncIterator[Any]:
    """A fresh page in its own context of the session's Chromium."""
    context = await chromium.new_context()
    try:
        yield await context.new_page()
    finally:
        await context.close()
