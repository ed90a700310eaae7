"""bot/metrics.py: any aiohttp service gets request latencies by route template and a /metrics page."""
import pytest
from aiohttp import web

from bot.metrics import attach_metrics, counter

pytestmark = pytest.mark.asyncio


def an_app() -> web.Application:
    app = web.Application()

    async def case(request: web.Request) -> web.Response:
        if request.match_info["number"] == "missing":
            raise web.HTTPNotFound()
        return web.json_response({"ok": True})

    app.router.add_get("/v1/cases/{number}", case)
    attach_metrics(app, service="demo")
    counter(app, "minwon_demo_things_total", "Things.").inc(3)
    return app


async def test_metrics_name_the_route_template_never_the_case_number(aiohttp_client):
    client = await aiohttp_client(an_app())
    assert (await client.get("/v1/cases/AP-2026-000123")).status == 200
    assert (await client.get("/v1/cases/missing")).status == 404
    page = await (await client.get("/metrics")).text()
    assert 'route="/v1/cases/{number}"' in page
    assert 'minwon_http_request_seconds_count{method="GET",route="/v1/cases/{number}",service="demo",status="200"} 1.0' in page
    assert 'status="404"' in page
    assert "minwon_demo_things_total 3.0" in page
    assert "AP-2026-000123" not in page
