"""Seed data is deterministic and holds the demo citizens the docs and other parts rely on."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from govapi.clock import Clock
from govapi.db import Database
from govapi.migrate import upgrade
from govapi.seed import DEMO_CITIZENS, seed
from govapi.tables import Address, Application, Citizen, Complaint, Fine
from govapi_testkit import TODAY


async def _dump(url: str) -> dict:
    db = Database(url)
    try:
        first = await seed(db, Clock(TODAY))
        again = await seed(db, Clock(TODAY))
        async with db.session() as s:
            dump = {
                "citizens": [(c.id, c.name, c.phone, c.birth_date, c.address_id, c.household_id)
                             for c in (await s.execute(select(Citizen).order_by(Citizen.id))).scalars()],
                "applications": [(a.number, a.citizen_id, a.kind, a.status, a.expected_completion)
                                 for a in (await s.execute(select(Application).order_by(Application.number))).scalars()],
                "fines": [(f.notice_number, f.citizen_id, f.base_amount, f.due_date, f.status)
                          for f in (await s.execute(select(Fine).order_by(Fine.notice_number))).scalars()],
                "addresses": [(a.id, a.road_address) for a in (await s.execute(select(Address).order_by(Address.id))).scalars()],
                "complaints": [c.tracking_number for c in (await s.execute(select(Complaint))).scalars()],
            }
        return {"first": first, "again": again, **dump}
    finally:
        await db.close()


def seeded(tmp_path, name: str) -> dict:
    url = f"sqlite+aiosqlite:///{tmp_path}/{name}.sqlite3"
    upgrade(url)
    return asyncio.run(_dump(url))


def test_seeding_twice_gives_the_same_data_and_a_second_run_changes_nothing(tmp_path) -> None:
    a, b = seeded(tmp_path, "a"), seeded(tmp_path, "b")
    assert (a["first"], a["again"]) == (True, False)
    assert a == b


def test_seed_has_demo_citizens_many_others_and_both_languages(tmp_path) -> None:
    data = seeded(tmp_path, "c")
    citizens = {c[0]: c for c in data["citizens"]}
    for demo in DEMO_CITIZENS:
        assert citizens[demo.id][1:3] == (demo.name, demo.phone)
    assert len(citizens) >= 200
    assert any(c[1].isascii() for c in data["citizens"]) and any(not c[1].isascii() for c in data["citizens"])
    assert {a[3] for a in data["applications"]} == {"received", "under_review", "supplement_requested",
                                                    "approved", "rejected", "completed"}
    overdue = [f for f in data["fines"] if f[4] == "unpaid" and f[3] < TODAY]
    assert overdue and len(data["addresses"]) >= 300
    assert {c[5] for c in data["citizens"] if c[5] == "hh_000001"} and \
        sum(1 for c in data["citizens"] if c[5] == "hh_000001") == 3
