"""What the edge logs about a request: the route pattern, never the path, the query, a phone number or the
citizen's words (minwon_logs' request line)."""
import uuid

import httpx

from support import wait_until, web_post


def test_request_lines_carry_the_route_pattern_only(edge, edge_logs, sms, phone):
    secret_words = "my private words " + uuid.uuid4().hex[:6]
    session = str(uuid.uuid4())
    start = len(edge_logs.lines)
    httpx.get(edge.url + "/s/nope12", params={"phone": phone})
    web_post(edge.url, {"session": session, "text": secret_words})
    sms.send(phone, secret_words)
    lines = wait_until(lambda: (new := edge_logs.lines[start:]) and sum("'route'" in line for line in new) >= 3
                       and new, 10, "request lines")
    requests = [line for line in lines if "'route'" in line]
    assert any("/s/{code}" in line for line in requests)
    assert any("/webhooks/webchat/messages" in line for line in requests)
    joined = "\n".join(lines)
    assert phone not in joined and phone[1:] not in joined and "nope12" not in joined
    assert secret_words not in joined and session not in joined
