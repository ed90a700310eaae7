"""A verified citizen's applications and fines for the handoff packet, read with govapi's admin token.

govapi has no admin route for a citizen's records yet; this asks for the one requested in the report
(`GET /v1/admin/citizens/{citizen_id}`) and says plainly when it is not there.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp


class GovapiClient:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, admin_token: str) -> None:
        self.http = http
        self.base = base_url.rstrip("/")
        self.token = admin_token

    async def citizen_records(self, citizen_id: str) -> dict[str, Any]:
        url = f"{self.base}/v1/admin/citizens/{quote(citizen_id, safe='')}"
        try:
            async with self.http.get(url, headers={"Authorization": f"Bearer {self.token}"}) as resp:
                if resp.status == 200:
                    data = await resp.json(content_type=None)
                    return {"available": True, "applications": data.get("applications", []),
                            "fines": data.get("fines", []), "phone_masked": (data.get("citizen") or {}).get("phone_masked")}
                return {"available": False, "why": f"govapi answered {resp.status}"}
        except (aiohttp.ClientError, TimeoutError) as exc:
            return {"available": False, "why": f"govapi not reachable ({type(exc).__name__})"}
