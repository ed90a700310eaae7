"""Canned replies the agent can insert and edit, in Korean and English."""
from __future__ import annotations

CANNED = [
    {"id": "greeting", "ko": "안녕하세요, 민원 상담원입니다. 무엇을 도와드릴까요?",
     "en": "Hello, this is the civil service call centre. How can I help?"},
    {"id": "checking", "ko": "확인해 보겠습니다. 잠시만 기다려 주세요.",
     "en": "Let me check that for you. One moment, please."},
    {"id": "verify", "ko": "개인 정보를 안내하려면 본인인증이 필요합니다. 챗봇에서 인증을 진행해 주세요.",
     "en": "To see personal records you need to verify first. The assistant will guide you."},
    {"id": "payment_retry", "ko": "결제가 완료되지 않았습니다. 챗봇으로 돌려드리면 결제를 이어서 진행할 수 있습니다.",
     "en": "The payment did not go through. I will pass you back to the assistant to finish it."},
    {"id": "handback", "ko": "상담을 마칩니다. 챗봇이 이어서 도와드리겠습니다. 감사합니다.",
     "en": "I am handing you back to the assistant now. Thank you."},
]
