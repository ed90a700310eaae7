"""The one client of Rasa's internal turn channel, against the real Rasa server: typed outcomes."""
import asyncio
import uuid

import aiohttp

from edge.rasa_client import AlreadyApplied, Invalid, RasaClient, Replies, TurnRequest, Unavailable, vouched
from support import TURN_TOKEN, free_port


async def turn(url: str, token: str, request: TurnRequest, timeout: float = 30):
    async with aiohttp.ClientSession() as session:
        return await RasaClient(session, url, token, timeout).turn(request)


def test_a_message_id_runs_once_and_a_resend_gets_the_saved_replies(rasa):
    conversation = f"web:{uuid.uuid4()}"
    request = TurnRequest(conversation, "web:" + uuid.uuid4().hex, text="count 7")
    first = asyncio.run(turn(rasa.url, TURN_TOKEN, request))
    assert isinstance(first, Replies) and first.replies[0]["text"] == "count 7"
    again = asyncio.run(turn(rasa.url, TURN_TOKEN, request))
    assert isinstance(again, AlreadyApplied) and again.replies == first.replies
    assert len(rasa.user_events(conversation)) == 1


def test_payloads_go_as_commands_and_plain_button_payloads_as_text(rasa):
    conversation = f"web:{uuid.uuid4()}"
    picked = asyncio.run(turn(rasa.url, TURN_TOKEN, vouched(conversation, "m1", '/pick{"color": "blue"}', {})))
    assert isinstance(picked, Replies) and picked.replies[0]["text"] == "you picked blue"
    assert vouched(conversation, "m2", "continue please", {}).text == "continue please"


def test_refusals_and_outages_are_typed(rasa):
    bad = TurnRequest("web:not-a-uuid", "m1", text="hi")
    assert isinstance(asyncio.run(turn(rasa.url, TURN_TOKEN, bad)), Invalid)
    ok = TurnRequest(f"web:{uuid.uuid4()}", "m1", text="hi")
    assert isinstance(asyncio.run(turn(rasa.url, "wrong-token", ok)), Unavailable)  # kept, not dropped
    closed = f"http://127.0.0.1:{free_port()}"
    outcome = asyncio.run(turn(closed, TURN_TOKEN, ok, timeout=3))
    assert isinstance(outcome, Unavailable) and outcome.reason
