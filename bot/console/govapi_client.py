"""A verified citizen's details, applications and fines for the handoff packet, read with govapi's admin token.

govapi has `GET /v1/admin/citizens/{id}` (name, phone, language) and the per-citizen lists at
`/v1/admin/citizens/{id}/applications` and `/v1/admin/citizens/{id}/fines` (same
shapes as `/v1/me/applications` and `/v1/me/fines`). Whatever is missing is said plainly in the packet.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp

from bot.desk.texts import mask_phone


class GovapiClient:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, admin_token: str) -> None:
        self.http = http
        self.base = base_url.rstrip("/")
        self.token = admin_token

    async def _get(self, path: str) -> tuple[int, Any]:
        try:
            async with self.http.get(self.base + path, headers={"Authorization": f"Bearer {self.token}"}) as resp:
                return resp.status, (await resp.json(content_type=None) if resp.status == 200 else None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return 0, type(exc).__name__

    async def citizen_records(self, citizen_id: str) -> dict[str, Any]:
        base = f"/v1/admin/citizens/{quote(citizen_id, safe='')}"
        status, citizen = await self._get(base)
        if status != 200 or not isinstance(citizen, dict):
            return {"available": False, "why": f"govapi answered {status}" if status else f"govapi not reachable ({citizen})"}
        out: dict[str, Any] = {"available": True, "name": citizen.get("name"),
                               "phone_masked": mask_phone(citizen.get("phone")), "applications": [], "fines": [],
                               "phone": citizen.get("phone"),  # the desk drops it unless an agent reveals it
                               "missing": []}
        for kind, path in (("applications", "/applications"), ("fines", "/fines?status=all")):
            status, data = await self._get(base + path)
            if status == 200 and isinstance(data, dict):
                out[kind] = data.get(kind, [])
            else:
                out["missing"].append(kind)
        return out
