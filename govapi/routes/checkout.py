"""The sandbox payment provider's hosted checkout page, served by govapi itself.

It behaves like a real provider: the citizen pays on the page, then the provider POSTs a signed
confirmation to govapi's confirmation route over HTTP. A real gateway replaces this page and
signs with its own key; nothing else changes. Test card 4000 0000 0000 0002 is declined.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import secrets

import aiohttp
from aiohttp import web
from sqlalchemy import select

from .. import payments
from ..clock import SEOUL
from ..errors import BadRequest, UnsupportedMediaType
from ..keys import CHECKOUT_GUARD, CLOCK, DB, HTTP, SETTINGS
from ..labels import FINE_KINDS, PAYMENT_STATUSES
from ..numbers import normalise_number
from ..security import same, sign
from ..tables import Fine, Payment, PaymentItem
from .payments import checkout_token

routes = web.RouteTableDef()
DECLINED_CARD = "4000000000000002"

T = {
    "title": {"ko": "민원 과태료 결제 (샌드박스)", "en": "minwon fine payment (sandbox)"},
    "sandbox": {"ko": "시험용 결제 화면입니다. 실제로 돈이 나가지 않습니다.",
                "en": "This is a test checkout. No real money moves."},
    "payment": {"ko": "결제번호", "en": "Payment"},
    "total": {"ko": "결제 금액", "en": "Total"},
    "expires": {"ko": "결제 기한", "en": "Pay before"},
    "status": {"ko": "상태", "en": "Status"},
    "card": {"ko": "카드 번호", "en": "Card number"},
    "card_hint": {"ko": "아무 번호나 됩니다. 4000 0000 0000 0002는 승인 거절됩니다.",
                  "en": "Any number works. 4000 0000 0000 0002 is declined."},
    "pay": {"ko": "결제하기", "en": "Pay"},
    "deposit": {"ko": "입금하기 (시험)", "en": "Make the deposit (test)"},
    "cancel": {"ko": "결제 취소", "en": "Cancel"},
    "account": {"ko": "입금 계좌", "en": "Deposit account"},
    "receipt": {"ko": "영수증 번호", "en": "Receipt number"},
    "paid": {"ko": "결제가 완료되었습니다. 채팅으로 돌아가셔도 됩니다.",
             "en": "Payment complete. You can go back to the chat."},
    "closed": {"ko": "이 결제는 더 이상 진행할 수 없습니다.", "en": "This payment can no longer be paid."},
    "declined": {"ko": "카드 승인이 거절되었습니다. 다른 카드로 시도하세요.",
                 "en": "The card was declined. Try another card."},
    "failed": {"ko": "결제 확인을 전달하지 못했습니다. 잠시 후 다시 시도하세요.",
               "en": "We could not pass on the confirmation. Try again shortly."},
    "not_found": {"ko": "결제를 찾을 수 없습니다.", "en": "Payment not found."},
    "too_many": {"ko": "잘못된 결제 링크가 너무 많이 열렸습니다. 1분 뒤에 채팅에서 받은 링크로 다시 열어 주세요.",
                 "en": "Too many wrong payment links were opened. Open the link from the chat again in a minute."},
    "late_fee": {"ko": "가산금", "en": "late fee"},
    "other_lang": {"ko": "English", "en": "한국어"},
}


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "ko"


def _won(amount: int, lang: str) -> str:
    return f"{amount:,}원" if lang == "ko" else f"₩{amount:,}"


def _page(lang: str, body: str, status: int = 200) -> web.Response:
    doc = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{T['title'][lang]}</title>
<style>
 body {{ font-family: system-ui, 'Apple SD Gothic Neo', 'Noto Sans KR', sans-serif; background:#f3f5f8; margin:0; }}
 main {{ max-width: 28rem; margin: 2rem auto; background:#fff; border-radius:12px; padding:1.5rem;
        box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
 h1 {{ font-size: 1.2rem; margin-top:0 }} .note {{ background:#fff7e0; padding:.5rem .75rem; border-radius:8px; font-size:.9rem }}
 table {{ width:100%; border-collapse: collapse; margin: 1rem 0 }} td {{ padding:.35rem 0; border-bottom:1px solid #eee }}
 td.amt {{ text-align:right; white-space:nowrap }} .total {{ font-weight:700; font-size:1.1rem }}
 label {{ display:block; margin-top:1rem; font-size:.9rem }} input[type=text] {{ width:100%; padding:.6rem; font-size:1rem;
        box-sizing:border-box; border:1px solid #ccc; border-radius:8px }}
 button {{ margin-top:1rem; width:100%; padding:.8rem; font-size:1rem; border:0; border-radius:8px; cursor:pointer }}
 .pay {{ background:#0b57d0; color:#fff }} .cancel {{ background:#eee; color:#333 }}
 .ok {{ color:#137333; font-weight:600 }} .err {{ color:#b3261e; font-weight:600 }} .lang {{ float:right; font-size:.85rem }}
</style></head><body><main>{body}</main></body></html>"""
    return web.Response(text=doc, status=status, content_type="text/html", charset="utf-8")


def _too_many(request: web.Request, lang: str) -> web.Response | None:
    """The answer to an address that opened too many wrong links lately (guess_guard.py), else None."""
    wait = request.app[CHECKOUT_GUARD].wait_s(request.remote or "")
    if wait is None:
        return None
    response = _page(lang, f"<h1>{T['too_many'][lang]}</h1>", status=429)
    response.headers["Retry-After"] = str(wait)
    return response


async def _load(request: web.Request, token: str | None):
    settings = request.app[SETTINGS]
    number = normalise_number(request.match_info["payment_id"])
    if number is None or not token or not same(token, checkout_token(settings, number)):
        request.app[CHECKOUT_GUARD].miss(request.remote or "")  # a wrong link: counted, no database lookup
        return None, []
    now = request.app[CLOCK].now()
    async with request.app[DB].session() as session:
        payment = await session.get(Payment, number)
        if payment is None:
            return None, []
        if payment.status == "pending" and payment.expires_at <= now:
            await payments.release(session, payment, "expired", now)
        items = (await session.execute(select(PaymentItem, Fine).join(Fine, Fine.id == PaymentItem.fine_id)
                                       .where(PaymentItem.payment_id == number).order_by(Fine.notice_number))).all()
    return payment, items


def _render(payment: Payment, items, lang: str, token: str, message: str = "", message_class: str = "") -> str:
    e = html.escape
    other = "en" if lang == "ko" else "ko"
    rows = "".join(
        f"<tr><td>{e(fine.notice_number)}<br><small>{e(FINE_KINDS[fine.kind][lang])}"
        + (f" · {T['late_fee'][lang]} {_won(item.late_fee, lang)}" if item.late_fee else "")
        + f"</small></td><td class='amt'>{_won(item.amount, lang)}</td></tr>"
        for item, fine in items)
    expires = payment.expires_at.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")
    parts = [
        f"<a class='lang' href='?t={e(token)}&lang={other}'>{T['other_lang'][lang]}</a>",
        f"<h1>{T['title'][lang]}</h1><p class='note'>{T['sandbox'][lang]}</p>",
        f"<p>{T['payment'][lang]}: <b>{e(payment.id)}</b><br>{T['status'][lang]}: "
        f"<b id='status'>{e(PAYMENT_STATUSES[payment.status][lang])}</b></p>",
        f"<table>{rows}<tr><td class='total'>{T['total'][lang]}</td>"
        f"<td class='amt total' id='total'>{_won(payment.total, lang)}</td></tr></table>",
    ]
    if message:
        parts.append(f"<p class='{message_class}' role='alert'>{e(message)}</p>")
    if payment.status == "pending":
        parts.append(f"<p>{T['expires'][lang]}: {expires}</p>")
        form = [f"<form method='post'><input type='hidden' name='t' value='{e(token)}'>",
                f"<input type='hidden' name='lang' value='{lang}'>"]
        if payment.method == "virtual_account" and payment.virtual_account:
            va = payment.virtual_account
            form.append(f"<p>{T['account'][lang]}: <b>{e(va['bank'])} {e(va['account'])}</b><br>{e(va['holder'])}</p>")
            form.append(f"<button class='pay' name='action' value='pay'>{T['deposit'][lang]}</button>")
        else:
            form.append(f"<label>{T['card'][lang]}<input type='text' name='card_number' inputmode='numeric' "
                        f"autocomplete='cc-number' value='4242 4242 4242 4242'></label>"
                        f"<small>{T['card_hint'][lang]}</small>")
            form.append(f"<button class='pay' name='action' value='pay'>{T['pay'][lang]}</button>")
        form.append(f"<button class='cancel' name='action' value='cancel'>{T['cancel'][lang]}</button></form>")
        parts.append("".join(form))
    elif payment.status == "paid":
        parts.append(f"<p class='ok'>{T['paid'][lang]}</p><p>{T['receipt'][lang]}: "
                     f"<b id='receipt'>{e(payment.receipt_number or '')}</b></p>")
    else:
        parts.append(f"<p class='err'>{T['closed'][lang]}</p>")
    return "".join(parts)


@routes.get("/checkout/{payment_id}")
async def checkout_page(request: web.Request) -> web.Response:
    lang = _lang(request.query.get("lang"))
    token = request.query.get("t")
    refused = _too_many(request, lang)
    if refused is not None:
        return refused
    payment, items = await _load(request, token)
    if payment is None:
        return _page(lang, f"<h1>{T['not_found'][lang]}</h1>", status=404)
    return _page(lang, _render(payment, items, lang, token))


@routes.post("/checkout/{payment_id}")
async def checkout_submit(request: web.Request) -> web.StreamResponse:
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise UnsupportedMediaType("Post the checkout form.")
    try:
        form = await request.post()
    except ValueError:  # e.g. multipart without a boundary
        raise BadRequest("The form could not be read.", code="invalid_form") from None
    lang = _lang(str(form.get("lang", "ko")))
    token = str(form.get("t", ""))
    refused = _too_many(request, lang)
    if refused is not None:
        return refused
    payment, items = await _load(request, token)
    if payment is None:
        return _page(lang, f"<h1>{T['not_found'][lang]}</h1>", status=404)
    action = form.get("action")
    if payment.status != "pending" or action not in ("pay", "cancel"):
        return _page(lang, _render(payment, items, lang, token, T["closed"][lang], "err"), status=409)
    card = "".join(ch for ch in str(form.get("card_number", "")) if ch.isdigit())
    if action == "pay" and card == DECLINED_CARD:
        return _page(lang, _render(payment, items, lang, token, T["declined"][lang], "err"), status=402)
    accepted = await _confirm(request, payment, "paid" if action == "pay" else "cancelled")
    if not accepted:
        payment, items = await _load(request, token)
        return _page(lang, _render(payment, items, lang, token, T["failed"][lang], "err"), status=502)
    raise web.HTTPSeeOther(f"/checkout/{payment.id}?t={token}&lang={lang}")


async def _confirm(request: web.Request, payment: Payment, outcome: str) -> bool:
    """What the provider does after the card is charged: POST a signed confirmation to govapi."""
    settings = request.app[SETTINGS]
    url = settings.provider_callback_url or f"{settings.public_url}/v1/provider/confirmations"
    body = json.dumps({
        "payment_id": payment.id, "status": outcome, "amount": payment.total,
        "provider_ref": "sbx_" + secrets.token_hex(8),
        "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }).encode()
    headers = {"Content-Type": "application/json", "X-Provider-Signature": sign(settings.provider_secret, body)}
    try:
        async with request.app[HTTP].post(url, data=body, headers=headers,
                                          timeout=aiohttp.ClientTimeout(total=10)) as resp:
            return resp.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False
