"""Secrets that OKRA must use later (a data source's header value, DSN or signing secret),
stored encrypted.

They are sealed with Fernet (AES-128-CBC with an HMAC-SHA256, from ``cryptography``)
under a key derived from ``OKRA_SECRET_KEY``, before any event holds them: the log, the
views, backups and exports carry ciphertext only. Losing the key loses the secrets
(the sources then fail until someone gives them again), never the history.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    """Seals and opens secrets with one key (any long random text)."""

    def __init__(self, key: str) -> None:
        digest = hashlib.sha256(key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str | None:
        """The secret, or None when it was sealed under another key."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None


def signing_secret() -> str:
    """A new Standard Webhooks signing secret: ``whsec_`` and 24 random bytes, base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
