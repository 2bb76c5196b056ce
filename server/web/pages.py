"""Page routes: each renders a Jinja2 shell that embeds what the page needs to paint at once.

The browser code lives in `web/` (served under `/static`); the shell carries the office, the
language and a version so that an unattended screen can reload itself after an upgrade.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from server.errors import ShebaError
from server.queue.store import QueueStore

WEB_DIR = Path(__file__).resolve().parent.parent.parent / "web"
templates = Jinja2Templates(directory=str(WEB_DIR))
# JSON for a <script type="application/json"> block: marked safe, or autoescape would turn
# its quotes into &#34; and JSON.parse would fail; "</" is escaped so it cannot end the block.
templates.env.filters["tojson_safe"] = lambda value: Markup(
    json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
)


@cache
def page_version() -> str:
    """A digest of every file under web/: changes whenever a page, script or style does."""
    digest = hashlib.sha256()
    for path in sorted(WEB_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(WEB_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def office_summary(store: QueueStore, slug: str) -> dict[str, Any]:
    office = await store.office(slug)
    return {"slug": office.slug, "name_bn": office.name_bn, "name_en": office.name_en}


def not_found_page(request: Request) -> Response:
    """The friendly not-found page (Bengali, English below it), with status 404."""
    return templates.TemplateResponse(
        request, "common/not_found.html", {"version": page_version()}, status_code=404
    )


async def render(
    request: Request, template: str, *, office: str | None = None, **context: Any
) -> Response:
    """Render a page shell; an unknown office is a friendly page, not a stack trace."""
    store: QueueStore = request.state.store
    summary = None
    if office is not None:
        try:
            summary = await office_summary(store, office)
        except ShebaError:
            return not_found_page(request)
    return templates.TemplateResponse(
        request,
        template,
        {"office": summary, "version": page_version(), **context},
    )


def page(template: str) -> Route:
    """A route for a role's page at `/{role}/{office}`."""
    role = template.split("/", 1)[0]

    async def endpoint(request: Request) -> Response:
        return await render(request, template, office=request.path_params["office"], role=role)

    return Route(f"/{role}/{{office}}", endpoint, name=f"{role}_page")


async def version(request: Request) -> Response:
    return JSONResponse({"version": page_version()})


async def bengali_font(request: Request) -> Response:
    """The ticket's Bengali font, also served to every page: a TV or kiosk browser without
    Bengali fonts still renders correctly."""
    from server.hardware.printing import font_path

    weight = "bold" if request.path_params["weight"] == "bold" else "regular"
    return FileResponse(font_path(weight), headers={"Cache-Control": "public, max-age=86400"})


routes: list[Route | Mount] = [
    Route("/api/v1/version", version),
    Route("/static/fonts/bengali-{weight}.ttf", bengali_font),
    Mount("/static", StaticFiles(directory=str(WEB_DIR)), name="static"),
]
