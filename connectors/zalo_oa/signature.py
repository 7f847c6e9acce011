"""Checking the signature of Zalo OA webhook events."""

from __future__ import annotations

import hashlib
import hmac


def sign(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    """The hex signature Zalo computes: plain SHA-256 of app id + raw body + timestamp + key."""
    digest = hashlib.sha256()
    digest.update(app_id.encode())
    digest.update(body)
    digest.update(timestamp.encode())
    digest.update(secret_key.encode())
    return digest.hexdigest()


def signature_matches(
    header: str, app_id: str, body: bytes, timestamp: str, secret_key: str
) -> bool:
    """Whether an `X-ZEvent-Signature` header ("mac=<hex>") matches, in constant time."""
    provided = header.strip()
    if provided.lower().startswith("mac="):
        provided = provided[4:].strip()
    expected = sign(app_id, body, timestamp, secret_key)
    return hmac.compare_digest(provided.lower().encode(), expected.encode())
