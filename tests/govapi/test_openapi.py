"""The OpenAPI document served at /openapi.json lists exactly the routes the app serves."""
from __future__ import annotations

import re

import pytest

from govapi.app import create_app
from govapi_testkit import Api, settings_for_tests

pytestmark = pytest.mark.asyncio


def served_operations() -> set[tuple[str, str]]:
    app = create_app(settings_for_tests("sqlite+aiosqlite:///:memory:"), background_jobs=False)
    operations = set()
    for route in app.router.routes():
        if route.method in ("HEAD", "*"):
            continue
        path = route.resource.canonical
        operations.add((route.method.lower(), path))
    return operations


async def test_document_and_routes_match(api: Api) -> None:
    status, document = await api.call("GET", "/openapi.json", token=None)
    assert status == 200 and document["openapi"].startswith("3.")
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert documented == served_operations()


async def test_every_path_parameter_is_declared(api: Api) -> None:
    _, document = await api.call("GET", "/openapi.json", token=None)
    for path, item in document["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, f"{method.upper()} {path}"


async def test_late_fee_rule_is_documented_with_the_fines(api: Api) -> None:
    _, document = await api.call("GET", "/openapi.json", token=None)
    summary = document["paths"]["/v1/me/fines"]["get"]["summary"]
    assert "3%" in summary and "1.2%" in summary and "60 months" in summary
