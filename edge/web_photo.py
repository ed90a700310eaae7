"""A photo sent from the web chat page (a complaint's picture): checked here, then carried to Rasa as the same
metadata a Telegram photo gets ({"bytes_b64", "content_type"}), so the complaint form uploads it to govapi alike.

Only JPEG and PNG, at most MAX_PHOTO_BYTES once decoded, and the bytes must start as the type says: a page can be
forged, so the edge does not take its word for it."""
from __future__ import annotations

import base64
import binascii
from typing import Any, Dict, Tuple, Union

MAX_PHOTO_BYTES = 5 * 1024 * 1024  # as for Telegram: govapi keeps a complaint's photo up to this size
_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}

PhotoRefusal = Tuple[int, Dict[str, Any]]


def checked_photo(sent: Any) -> Union[Dict[str, str], PhotoRefusal]:
    """The photo's metadata, or (HTTP status, JSON body) saying why it is refused."""
    if not isinstance(sent, dict) or not isinstance(sent.get("data"), str) \
            or sent.get("content_type") not in _MAGIC:
        return 400, {"code": "bad_photo", "message": "a photo is {data: base64, content_type: image/jpeg or image/png}"}
    if len(sent["data"]) > (MAX_PHOTO_BYTES + 2) // 3 * 4 + 4:
        return 413, {"code": "photo_too_large", "limit": MAX_PHOTO_BYTES, "message": "a photo may have up to 5 MB"}
    try:
        raw = base64.b64decode(sent["data"], validate=True)
    except (binascii.Error, ValueError):
        return 400, {"code": "bad_photo", "message": "the photo is not valid base64"}
    if len(raw) > MAX_PHOTO_BYTES:
        return 413, {"code": "photo_too_large", "limit": MAX_PHOTO_BYTES, "message": "a photo may have up to 5 MB"}
    if not raw.startswith(_MAGIC[sent["content_type"]]):
        return 400, {"code": "bad_photo", "message": "the photo is not the image type it says"}
    return {"bytes_b64": sent["data"], "content_type": sent["content_type"]}
