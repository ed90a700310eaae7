"""Topics a citizen can subscribe to, and which outbox events belong to which topic."""
from __future__ import annotations

from typing import Any

APPLICATION_STATUS = "application_status"
FINE_DUE = "fine_due"
COMPLAINT_ANSWERED = "complaint_answered"
PAYMENT_RECEIPT = "payment_receipt"
ADDRESS_DELIVERIES = "address_deliveries"
TOPICS = (APPLICATION_STATUS, FINE_DUE, COMPLAINT_ANSWERED, PAYMENT_RECEIPT, ADDRESS_DELIVERIES)

# Which topic an identifier belongs to (a subscription for one case number).
TOPIC_OF_PREFIX = {"AP": APPLICATION_STATUS, "CP": COMPLAINT_ANSWERED, "MV": ADDRESS_DELIVERIES,
                   "FN": FINE_DUE, "PY": PAYMENT_RECEIPT, "RC": PAYMENT_RECEIPT}

def topic_of_event(event: dict[str, Any]) -> str | None:
    """Map a govapi outbox event to a topic; events nobody subscribes to (verifications...) give None."""
    case_type = (event.get("case_type") or "").lower()
    kind = (event.get("type") or "").lower()
    if case_type == "application":
        return APPLICATION_STATUS
    if case_type == "complaint":
        # Only the answer is news worth a message; "received" was already told in the chat.
        return COMPLAINT_ANSWERED if "answer" in kind else None
    if case_type == "payment":
        # payment.paid carries the receipt; created/expired/cancelled were told in the chat already.
        return PAYMENT_RECEIPT if kind.endswith(".paid") else None
    if case_type == "address_change":
        # The final outcome, or an agency that could not be told; five "delivered" lines would be noise.
        data = event.get("data") or {}
        if kind.endswith("status_changed") or (kind.endswith("delivery_updated") and data.get("status") == "failed"):
            return ADDRESS_DELIVERIES
        return None
    if case_type == "fine":
        # A new notice or a late fee is news; fine.status_changed (held, paid, released) is not: the
        # payment's own receipt tells that, and the due-date reminder is cancelled by it.
        return FINE_DUE if ("late" in kind or "issued" in kind or "created" in kind) else None
    return None


# The status after which a case moves no more (an approved application still becomes completed; a partly
# failed move-in report can still complete when the office retries an agency).
FINAL_STATUSES = {"application": {"rejected", "completed"}, "complaint": {"answered", "closed"},
                  "payment": {"paid", "expired", "cancelled"}, "address_change": {"completed"},
                  "fine": {"paid"}}


def is_final(event: dict[str, Any]) -> bool:
    """Whether the event puts its case in a final state (a delivery update carries one agency's status)."""
    case_type = (event.get("case_type") or "").lower()
    if case_type == "address_change" and not (event.get("type") or "").endswith("status_changed"):
        return False
    status = str((event.get("data") or {}).get("status") or "")
    return status in FINAL_STATUSES.get(case_type, ())
