"""bcrypt password hashing (the same $2b$ hashes streamlit-authenticator's Hasher produces)."""
from __future__ import annotations

import os
import re

import bcrypt

MIN_LENGTH = 8
# Tests may lower the cost (never below bcrypt's minimum of 4); production uses 12.
_ROUNDS = max(4, int(os.environ.get("FJLD_BCRYPT_ROUNDS", "12")))
_DUMMY_HASH = bcrypt.hashpw(b"timing-equaliser", bcrypt.gensalt(4))


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(_ROUNDS)).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        bcrypt.checkpw(password.encode("utf-8"), _DUMMY_HASH)
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def weak_password(password: str) -> bool:
    """At least 8 characters with both letters and digits."""
    return (len(password or "") < MIN_LENGTH or not re.search(r"[A-Za-z]", password)
            or not re.search(r"\d", password))
