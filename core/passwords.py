"""bcrypt password hashing (the same $2b$ hashes streamlit-authenticator's Hasher produces)."""
from __future__ import annotations

import os
import re
from functools import cache

import bcrypt

MIN_LENGTH = 8
# Tests may lower the cost (never below bcrypt's minimum of 4); production uses 12.
_ROUNDS = max(4, int(os.environ.get("FJLD_BCRYPT_ROUNDS", "12")))
MAX_BYTES = 72  # bcrypt reads no further


@cache
def _dummy_hash() -> bytes:
    """Checked for unknown usernames, at the same cost as real hashes, so timing does not tell
    (made at the first such sign-in, not when a process starts: it takes a quarter second)."""
    return bcrypt.hashpw(b"timing-equaliser", bcrypt.gensalt(_ROUNDS))


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(_ROUNDS)).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    raw = password.encode("utf-8")[:MAX_BYTES]
    if not password_hash:
        bcrypt.checkpw(raw, _dummy_hash())
        return False
    try:
        return bcrypt.checkpw(raw, password_hash.encode("ascii"))
    except ValueError:
        return False


def weak_password(password: str) -> bool:
    """At least 8 characters with both letters and digits, and at most 72 bytes (bcrypt's limit)."""
    return (len(password or "") < MIN_LENGTH or not re.search(r"[A-Za-z]", password)
            or not re.search(r"\d", password) or len(password.encode("utf-8")) > MAX_BYTES)
