"""Inline keyboards built from the bot's buttons (real Redis keeps the payloads behind the tokens)."""
import pytest
import pytest_asyncio

from conftest import REDIS_URL
from connectors.formatting import Button, ReplyPart
from connectors.store import ChannelStore
from connectors.telegram import TelegramDelivery


@pytest_asyncio.fixture
async def store(redis_prefix):
    s = ChannelStore.from_url(REDIS_URL, redis_prefix + "kb:")
    yield s
    await s.close()


@pytest.mark.asyncio
async def test_short_choices_share_a_row_and_long_ones_get_their_own(store):
    delivery = TelegramDelivery(api=None, store=store)  # keyboards need no Bot API call
    short = await delivery.keyboard("tg:1", ReplyPart("고르세요", [Button(t, t) for t in ("1", "2", "3", "4", "전부")]))
    assert [[k["text"] for k in row] for row in short["inline_keyboard"]] == [["1", "2", "3", "4"], ["전부"]]
    long = await delivery.keyboard("tg:1", ReplyPart("?", [Button("1. 카드 결제 링크", "1"), Button("2. 가상계좌 입금", "2")]))
    assert [[k["text"] for k in row] for row in long["inline_keyboard"]] == [["1. 카드 결제 링크"], ["2. 가상계좌 입금"]]


@pytest.mark.asyncio
async def test_callback_tokens_resolve_only_for_their_own_chat(store):
    delivery = TelegramDelivery(api=None, store=store)
    payload = '/choose{"choice": "전부를 선택합니다 — 아주 긴 한국어 페이로드가 64바이트를 넘어도 괜찮습니다"}'
    keyboard = await delivery.keyboard("tg:1", ReplyPart("?", [Button("전부", payload)]))
    token = keyboard["inline_keyboard"][0][0]["callback_data"]
    assert len(token.encode()) <= 64 < len(payload.encode())
    assert await store.resolve_button("tg:1", token) == payload
    assert await store.resolve_button("tg:2", token) is None


@pytest.mark.asyncio
async def test_contact_request_becomes_a_reply_keyboard(store):
    delivery = TelegramDelivery(api=None, store=store)
    keyboard = await delivery.keyboard("tg:1", ReplyPart("번호를 알려주세요", [Button("내 번호 보내기", "__request_contact__")]))
    assert keyboard == {"keyboard": [[{"text": "내 번호 보내기", "request_contact": True}]],
                        "one_time_keyboard": True, "resize_keyboard": True}
