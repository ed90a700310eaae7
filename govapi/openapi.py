"""The OpenAPI 3 document served at /openapi.json. tests/govapi/test_openapi.py keeps it in step
with the routes; the fuzz test drives every operation from it.
"""
from __future__ import annotations

from typing import Any

from . import labels
from .fees import __doc__ as LATE_FEE_RULE

S = dict[str, Any]


def ref(name: str) -> S:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(props: S, required: list[str] | None = None, **extra: Any) -> S:
    schema: S = {"type": "object", "properties": props, **extra}
    if required:
        schema["required"] = required
    return schema


STR = {"type": "string"}
INT = {"type": "integer"}
DATE = {"type": "string", "format": "date", "example": "2026-12-01"}
DATETIME = {"type": "string", "format": "date-time"}
LABEL = ref("Label")
NULLABLE_LABEL = {"oneOf": [ref("Label"), {"type": "null"}]}

ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "404": {"$ref": "#/components/responses/NotFound"},
}


def json_body(schema: S, required: bool = True) -> S:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def answer(schema: S, description: str = "OK") -> S:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def path_param(name: str, pattern: str | None = None) -> S:
    schema: S = {"type": "string", "maxLength": 64}
    if pattern:
        schema["example"] = pattern
    return {"name": name, "in": "path", "required": True, "schema": schema}


IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": True,
               "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
               "description": "Same key + same body answers the first result (200); other body: 409."}
CITIZEN = [{"bearer": [], "citizen": []}]
SERVICE = [{"bearer": []}]
PUBLIC: list[S] = []


def op(summary: str, responses: S, *, security: list[S] = SERVICE, params: list[S] | None = None,
       body: S | None = None, tag: str = "") -> S:
    operation: S = {"summary": summary, "security": security, "responses": {**responses, **ERRORS}}
    if tag:
        operation["tags"] = [tag]
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = body
    return operation


SCHEMAS: S = {
    "Error": obj({"code": STR, "message": STR}, ["code", "message"]),
    "Label": obj({"ko": STR, "en": STR}, ["ko", "en"]),
    "Address": obj({"id": STR, "road_address": STR, "road_address_en": STR, "district": STR, "district_en": STR,
                    "city": STR, "postal_code": STR}, ["id", "road_address", "road_address_en", "district", "city",
                                                       "postal_code"]),
    "Member": obj({"id": STR, "name": STR, "relation": STR, "relation_label": LABEL}, ["id", "name", "relation"]),
    "Me": obj({"id": STR, "name": STR, "birth_date": DATE, "phone_masked": STR, "address": ref("Address"),
               "household_id": STR, "relation": STR, "language": {"type": "string", "enum": ["ko", "en"]}},
              ["id", "name", "birth_date", "phone_masked", "address", "household_id", "language"]),
    "Application": obj({
        "number": {"type": "string", "pattern": r"^AP-\d{4}-\d{6}$"},
        "kind": {"type": "string", "enum": list(labels.APPLICATION_KINDS)}, "kind_label": LABEL,
        "status": {"type": "string", "enum": list(labels.APPLICATION_STATUSES)}, "status_label": LABEL,
        "submitted_at": DATETIME, "expected_completion": DATE, "office": LABEL,
        "missing_documents": {"type": "array", "items": LABEL},
        "rejection_reason": NULLABLE_LABEL, "appeal": NULLABLE_LABEL,
        "history": {"type": "array", "items": obj({"status": STR, "status_label": LABEL, "at": DATETIME,
                                                   "office": LABEL, "note": NULLABLE_LABEL})},
    }, ["number", "kind", "status", "submitted_at", "expected_completion", "office", "history"]),
    "Fine": obj({
        "id": STR, "notice_number": STR, "kind": {"type": "string", "enum": list(labels.FINE_KINDS)},
        "kind_label": LABEL, "plate": STR, "place": LABEL, "occurred_at": DATETIME, "base_amount": INT,
        "late_fee": INT, "amount_due": INT, "due_date": DATE, "overdue": {"type": "boolean"},
        "status": {"type": "string", "enum": ["unpaid", "paid"],
                   "description": "A fine held by a pending payment is still unpaid: see pending_payment."},
        "status_label": LABEL, "paid_at": {"type": ["string", "null"]},
        "pending_payment": {"oneOf": [obj({
            "payment_id": STR, "method": {"type": "string", "enum": ["card", "virtual_account"]},
            "expires_at": DATETIME}, ["payment_id", "method", "expires_at"]), {"type": "null"}],
            "description": "The pending (unpaid, unexpired) payment holding this fine; a new payment for the "
                           "fine cancels it."},
    }, ["id", "notice_number", "kind", "base_amount", "late_fee", "amount_due", "due_date", "overdue", "status",
        "pending_payment"]),
    "Payment": obj({
        "payment_id": STR, "status": {"type": "string", "enum": list(labels.PAYMENT_STATUSES)},
        "status_label": LABEL, "method": {"type": "string", "enum": ["card", "virtual_account"]}, "total": INT,
        "created_at": DATETIME, "expires_at": DATETIME, "receipt_number": {"type": ["string", "null"]},
        "paid_at": {"type": ["string", "null"]}, "checkout_url": {"type": ["string", "null"]},
        "virtual_account": {"oneOf": [obj({"bank": STR, "account": STR, "holder": STR}), {"type": "null"}]},
        "fines": {"type": "array", "items": ref("Fine")},
        "replaced_payments": {"type": "array", "items": STR,
                              "description": "On creation: the citizen's pending payments for these fines that "
                                             "this one cancelled (their links and accounts no longer pay)."},
    }, ["payment_id", "status", "total", "expires_at"]),
    "Delivery": obj({"id": INT, "agency": {"type": "string", "enum": list(labels.AGENCIES)}, "agency_label": LABEL,
                     "status": {"type": "string", "enum": list(labels.DELIVERY_STATUSES)}, "status_label": LABEL,
                     "attempts": INT, "delivered_at": {"type": ["string", "null"]}},
                    ["agency", "status"]),
    "AddressChange": obj({
        "tracking_number": STR, "status": {"type": "string", "enum": list(labels.ADDRESS_CHANGE_STATUSES)},
        "status_label": LABEL, "effective_date": DATE, "address": ref("Address"),
        "members": {"type": "array", "items": ref("Member")}, "submitted_at": DATETIME,
        "deliveries": {"type": "array", "items": ref("Delivery")},
    }, ["tracking_number", "status", "effective_date", "address", "members", "deliveries"]),
    "Complaint": obj({
        "tracking_number": STR, "category": {"type": "string", "enum": list(labels.COMPLAINT_CATEGORIES)},
        "category_label": LABEL, "text": STR, "place": {"type": "object"}, "district": STR, "department": LABEL,
        "status": {"type": "string", "enum": list(labels.COMPLAINT_STATUSES)}, "status_label": LABEL,
        "deadline": DATE, "submitted_at": DATETIME, "photo_id": {"type": ["string", "null"]},
        "answer": NULLABLE_LABEL, "answered_at": {"type": ["string", "null"]},
    }, ["tracking_number", "category", "department", "status", "deadline", "submitted_at"]),
    "Event": obj({"id": STR, "type": STR, "case_type": STR, "case_number": STR,
                  "citizen_id": {"type": ["string", "null"]}, "data": {"type": "object"}, "created_at": DATETIME},
                 ["id", "type", "case_type", "case_number", "data", "created_at"]),
    "Text": {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 2000}, ref("Label")]},
}

PLACE = {"oneOf": [
    obj({"address": {"type": "string", "minLength": 1, "maxLength": 300}}, ["address"]),
    obj({"lat": {"type": "number", "minimum": 33, "maximum": 39}, "lon": {"type": "number", "minimum": 124,
                                                                        "maximum": 132}}, ["lat", "lon"]),
]}


def build_document() -> S:
    paths: S = {
        "/healthz": {"get": op("Liveness", {"200": answer(obj({"status": STR}))}, security=PUBLIC, tag="operations")},
        "/readyz": {"get": op("Readiness (database reachable)",
                              {"200": answer(obj({"status": STR})), "503": answer(ref("Error"), "Not ready")},
                              security=PUBLIC, tag="operations")},
        "/openapi.json": {"get": op("This document", {"200": answer({"type": "object"})}, security=PUBLIC,
                                    tag="operations")},
        "/metrics": {"get": op("Prometheus metrics (text format; internal, not exposed by the ingress)",
                               {"200": {"description": "Prometheus text exposition format",
                                        "content": {"text/plain": {"schema": {"type": "string"}}}}},
                               security=PUBLIC, tag="operations")},
        "/v1/verifications": {"post": op(
            "Send a one-time code to the registered mobile",
            {"202": answer(obj({"verification_id": STR, "expires_at": DATETIME, "masked_phone": STR})),
             "429": answer(ref("Error"), "Rate limited")},
            body=json_body(obj({"phone": {"type": "string", "example": "+821012345678"}, "birth_date": DATE,
                                "conversation_id": {"type": "string", "minLength": 1, "maxLength": 200}},
                               ["phone", "birth_date", "conversation_id"])), tag="verification")},
        "/v1/verifications/{verification_id}/verify": {"post": op(
            "Exchange the code for a citizen token (5 attempts, 5 minutes)",
            {"200": answer(obj({"access_token": STR, "expires_at": DATETIME, "citizen": obj(
                {"id": STR, "name": STR, "language": STR})})),
             "410": answer(ref("Error"), "Expired or used"), "423": answer(ref("Error"), "Locked")},
            params=[path_param("verification_id")],
            body=json_body(obj({"code": {"type": "string", "pattern": r"^\d{6}$"}}, ["code"])), tag="verification")},
        "/v1/verifications/{verification_id}/resend": {"post": op(
            "Send a new code (3 sends, 30 s apart)",
            {"202": answer(obj({"verification_id": STR, "expires_at": DATETIME})),
             "410": answer(ref("Error"), "Finished"), "423": answer(ref("Error"), "Locked"),
             "429": answer(ref("Error"), "Rate limited")},
            params=[path_param("verification_id")], tag="verification")},
        "/v1/me": {"get": op("The verified citizen", {"200": answer(ref("Me"))}, security=CITIZEN, tag="citizen")},
        "/v1/me/household": {"get": op("Others in the household", {"200": answer(obj(
            {"household_id": STR, "members": {"type": "array", "items": ref("Member")}}))},
            security=CITIZEN, tag="citizen")},
        "/v1/me/applications": {"get": op("My applications", {"200": answer(obj(
            {"applications": {"type": "array", "items": ref("Application")}}))}, security=CITIZEN,
            tag="applications")},
        "/v1/applications/{number}": {"get": op("One application with history", {"200": answer(ref("Application"))},
                                                security=CITIZEN, params=[path_param("number", "AP-2026-000001")],
                                                tag="applications")},
        "/v1/me/fines": {"get": op(
            "My fines, amounts as of today. " + " ".join((LATE_FEE_RULE or "").split()),
            {"200": answer(obj({"fines": {"type": "array", "items": ref("Fine")}, "as_of": DATE}))},
            security=CITIZEN, tag="fines",
            params=[{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["unpaid", "paid", "all"]}}])},
        "/v1/fines/{notice_number}": {"get": op("One fine", {"200": answer(ref("Fine"))}, security=CITIZEN,
                                                params=[path_param("notice_number", "FN-2026-000001")], tag="fines")},
        "/v1/payments": {"post": op(
            "Pay one or several of my fines. A fine held by my pending payment is not blocked: that payment "
            "is cancelled (listed in replaced_payments) and this one made, in one transaction. A paid fine, or "
            "one whose pending payment is paid meanwhile, answers 409 fine_not_payable.",
            {"201": answer(ref("Payment"), "Created"), "200": answer(ref("Payment"), "Replay of the same key"),
             "409": answer(ref("Error"), "Fine not payable (fine_not_payable) or key reused with another body")},
            security=CITIZEN, params=[IDEMPOTENCY],
            body=json_body(obj({"fine_ids": {"type": "array", "minItems": 1, "maxItems": 20, "uniqueItems": True,
                                             "items": {"type": "string", "minLength": 1, "maxLength": 64}},
                                "method": {"type": "string", "enum": ["card", "virtual_account"]}}, ["fine_ids"])),
            tag="payments")},
        "/v1/payments/{payment_id}": {"get": op("One payment", {"200": answer(ref("Payment"))}, security=CITIZEN,
                                                params=[path_param("payment_id", "PY-2026-000001")], tag="payments")},
        "/v1/payments/{payment_id}/cancel": {"post": op(
            "Cancel a pending payment (its fines become payable again)",
            {"200": answer(ref("Payment")), "409": answer(ref("Error"), "Already paid")}, security=CITIZEN,
            params=[path_param("payment_id", "PY-2026-000001")], tag="payments")},
        "/v1/me/payments": {"get": op("My payments, newest first", {"200": answer(obj(
            {"payments": {"type": "array", "items": ref("Payment")}}))}, security=CITIZEN, tag="payments")},
        "/v1/provider/confirmations": {"post": op(
            "Payment provider's confirmation (X-Provider-Signature: hex HMAC-SHA256 of the raw body)",
            {"200": answer(obj({"payment_id": STR, "status": STR, "receipt_number": {"type": ["string", "null"]}})),
             "409": answer(ref("Error"), "Payment no longer pending")},
            security=PUBLIC, tag="payments",
            params=[{"name": "X-Provider-Signature", "in": "header", "required": True, "schema": STR}],
            body=json_body(obj({"payment_id": STR, "status": {"type": "string", "enum": ["paid", "cancelled"]},
                                "amount": INT, "provider_ref": STR}, ["payment_id", "status"])))},
        "/checkout/{payment_id}": {
            "get": op("Sandbox provider's hosted checkout page (HTML)",
                      {"200": {"description": "HTML page", "content": {"text/html": {"schema": STR}}},
                       "429": {"description": "Too many wrong links from this address lately (Retry-After)"}},
                      security=PUBLIC, tag="sandbox provider",
                      params=[path_param("payment_id"), {"name": "t", "in": "query", "schema": STR},
                              {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["ko", "en"]}}]),
            "post": op("Pay or cancel on the checkout page (HTML form)",
                       {"303": {"description": "Back to the page"},
                        "429": {"description": "Too many wrong links from this address lately (Retry-After)"}},
                       security=PUBLIC, tag="sandbox provider",
                       params=[path_param("payment_id")],
                       body={"required": True, "content": {"application/x-www-form-urlencoded": {"schema": obj(
                           {"t": STR, "lang": STR, "action": {"type": "string", "enum": ["pay", "cancel"]},
                            "card_number": STR})}}}),
        },
        "/v1/addresses": {"get": op(
            "Search the address register by partial text. When no address holds every word (a building number "
            "whole), near matches instead: road names a few letters off (Korean compared by jamo, romanised names "
            "case-, hyphen- and space-blind), a wrong or missing district; the building number must be one typed. "
            "Each result says which (match: exact|near); near ones are closest first.",
            {"200": answer(obj({"addresses": {"type": "array", "items": {"allOf": [ref("Address"), obj(
                {"match": {"type": "string", "enum": ["exact", "near"]}}, ["match"])]}}}))},
            tag="address change",
            params=[{"name": "q", "in": "query", "required": True,
                     "schema": {"type": "string", "minLength": 1, "maxLength": 100}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20}}])},
        "/v1/address-changes": {"post": op(
            "File a move-in report (전입신고)",
            {"201": answer(ref("AddressChange"), "Created"), "200": answer(ref("AddressChange"), "Replay"),
             "409": answer(ref("Error"), "Same address or key reused")},
            security=CITIZEN, params=[IDEMPOTENCY], tag="address change",
            body=json_body(obj({"address_id": {"type": "string", "minLength": 1, "maxLength": 32},
                                "effective_date": DATE,
                                "member_ids": {"type": "array", "maxItems": 20, "uniqueItems": True,
                                               "items": {"type": "string", "minLength": 1, "maxLength": 64}}},
                               ["address_id", "effective_date"])))},
        "/v1/address-changes/{tracking_number}": {"get": op(
            "One move-in report with its deliveries", {"200": answer(ref("AddressChange"))}, security=CITIZEN,
            params=[path_param("tracking_number", "MV-2026-000001")], tag="address change")},
        "/v1/complaints/categories": {"get": op("Complaint categories and departments", {"200": answer(obj(
            {"categories": {"type": "array", "items": obj({"code": STR, "label": LABEL, "department": LABEL,
                                                          "deadline_business_days": INT})}}))}, tag="complaints")},
        "/v1/uploads": {"post": op(
            "Upload a photo (image/jpeg or image/png, at most 5 MB)",
            {"201": answer(obj({"photo_id": STR, "content_type": STR, "size": INT}), "Stored"),
             "413": answer(ref("Error"), "Too large"), "415": answer(ref("Error"), "Not JPEG/PNG")},
            security=CITIZEN, tag="complaints",
            body={"required": True, "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                                                "image/png": {"schema": {"type": "string", "format": "binary"}}}})},
        "/v1/complaints": {"post": op(
            "File a complaint or proposal",
            {"201": answer(ref("Complaint"), "Created"), "200": answer(ref("Complaint"), "Replay")},
            security=CITIZEN, params=[IDEMPOTENCY], tag="complaints",
            body=json_body(obj({"category": {"type": "string", "enum": list(labels.COMPLAINT_CATEGORIES)},
                                "text": {"type": "string", "minLength": 1, "maxLength": 4000}, "place": PLACE,
                                "photo_id": {"type": ["string", "null"], "maxLength": 40}},
                               ["category", "text", "place"])))},
        "/v1/complaints/{tracking_number}": {"get": op(
            "One complaint with its answer", {"200": answer(ref("Complaint"))}, security=CITIZEN,
            params=[path_param("tracking_number", "CP-2026-000001")], tag="complaints")},
        "/v1/me/complaints": {"get": op("My complaints", {"200": answer(obj(
            {"complaints": {"type": "array", "items": ref("Complaint")}}))}, security=CITIZEN, tag="complaints")},
        "/v1/cases/{number}": {"get": op(
            "Any of my cases by its number (AP, CP, MV, PY, RC, FN)",
            {"200": answer(obj({"type": {"type": "string", "enum": ["application", "complaint", "address_change",
                                                                    "payment", "fine"]},
                                "case": {"type": "object"}}))},
            security=CITIZEN, params=[path_param("number", "AP-2026-000001")], tag="cases")},
        "/v1/events": {"get": op(
            "Events after a cursor (admin)", {"200": answer(obj({"events": {"type": "array", "items": ref("Event")},
                                                                 "next_cursor": STR}))}, tag="events",
            params=[{"name": "after", "in": "query", "schema": {"type": "string", "pattern": r"^\d{1,18}$"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}])},
        "/v1/admin/sms-outbox": {"get": op(
            "SMS kept by the outbox backend (development)", {"200": answer(obj({"messages": {"type": "array"}}))},
            tag="admin", params=[{"name": "phone", "in": "query", "schema": STR},
                                 {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                             "maximum": 200}}])},
        "/v1/admin/citizens/{citizen_id}": {"get": op(
            "A citizen's contact record (for notifications)", {"200": answer(obj(
                {"id": STR, "name": STR, "phone": STR, "language": STR, "birth_date": DATE, "household_id": STR,
                 "address_id": STR}))},
            tag="admin", params=[path_param("citizen_id", "ct_000001")])},
        "/v1/admin/citizens/{citizen_id}/applications": {"get": op(
            "A citizen's applications (for the call-centre packet)", {"200": answer(obj(
                {"applications": {"type": "array", "items": ref("Application")}}))},
            tag="admin", params=[path_param("citizen_id", "ct_000001")])},
        "/v1/admin/citizens/{citizen_id}/fines": {"get": op(
            "A citizen's fines, amounts as of today (for the call-centre packet)",
            {"200": answer(obj({"fines": {"type": "array", "items": ref("Fine")}, "as_of": DATE}))},
            tag="admin", params=[path_param("citizen_id", "ct_000001"),
                                 {"name": "status", "in": "query",
                                  "schema": {"type": "string", "enum": ["unpaid", "paid", "all"]}}])},
        "/v1/admin/applications/{number}/status": {"post": op(
            "Move an application to a new status", {"200": answer(ref("Application")),
                                                    "409": answer(ref("Error"), "Not allowed from the current status")},
            tag="admin", params=[path_param("number", "AP-2026-000001")],
            body=json_body(obj({"status": {"type": "string", "enum": list(labels.APPLICATION_STATUSES)},
                                "note": ref("Text"), "missing_documents": {"type": "array", "items": ref("Text")},
                                "rejection_reason": ref("Text")}, ["status"])))},
        "/v1/admin/complaints/{tracking_number}/answer": {"post": op(
            "Answer a complaint", {"200": answer(ref("Complaint")), "409": answer(ref("Error"), "Already answered")},
            tag="admin", params=[path_param("tracking_number", "CP-2026-000002")],
            body=json_body(obj({"answer": ref("Text")}, ["answer"])))},
        "/v1/admin/complaints/{tracking_number}/status": {"post": op(
            "Mark a complaint in progress", {"200": answer(ref("Complaint")), "409": answer(ref("Error"), "Not allowed")},
            tag="admin", params=[path_param("tracking_number", "CP-2026-000002")],
            body=json_body(obj({"status": {"type": "string", "enum": ["in_progress"]}}, ["status"])))},
        "/v1/admin/fines": {"post": op(
            "Issue a fine notice", {"201": answer(ref("Fine"), "Issued")}, tag="admin",
            body=json_body(obj({"citizen_id": STR, "kind": {"type": "string", "enum": list(labels.FINE_KINDS)},
                                "plate": {"type": "string", "minLength": 1, "maxLength": 20}, "place": ref("Text"),
                                "base_amount": {"type": "integer", "minimum": 1000, "maximum": 10000000},
                                "due_date": DATE},
                               ["citizen_id", "kind", "plate", "place", "base_amount", "due_date"])))},
        "/v1/admin/deliveries": {"get": op(
            "Agency deliveries by status", {"200": answer(obj({"deliveries": {"type": "array"}}))}, tag="admin",
            params=[{"name": "status", "in": "query",
                     "schema": {"type": "string", "enum": list(labels.DELIVERY_STATUSES)}}])},
        "/v1/admin/deliveries/{delivery_id}/retry": {"post": op(
            "Retry a failed delivery", {"200": answer(ref("Delivery")), "409": answer(ref("Error"), "Not failed")},
            tag="admin", params=[path_param("delivery_id", "1")])},
        "/v1/admin/jobs/run": {"post": op(
            "Run the background jobs once (expire payments, announce late fees, deliver to agencies)",
            {"200": answer(obj({"expired_payments": INT, "late_fees_announced": INT,
                                "deliveries": {"type": "object"}}))}, tag="admin")},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "govapi: shared government services API (minwon)", "version": "1.0.0",
                 "description": "Citizens, verification, applications, fines and payments, move-in reports, "
                                "complaints and the event outbox. Errors are {code, message} with a 4xx status."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "GOVAPI_SERVICE_TOKEN (or GOVAPI_ADMIN_TOKEN; admin routes need the latter)"},
                "citizen": {"type": "apiKey", "in": "header", "name": "X-Citizen-Token",
                            "description": "access_token from POST /v1/verifications/{id}/verify"},
            },
            "responses": {
                "BadRequest": answer(ref("Error"), "Invalid input"),
                "Unauthorized": answer(ref("Error"), "Missing or wrong token"),
                "NotFound": answer(ref("Error"), "Unknown, or not yours"),
            },
        },
    }
