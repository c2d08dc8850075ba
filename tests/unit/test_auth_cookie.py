"""The sign-in cookie is accepted only when signed with our key, naming a user and unexpired."""
from datetime import datetime, timedelta, timezone

import jwt

from ui.auth import decode_cookie

KEY = "k" * 40


def token(username="office", days=30, key=KEY, **extra):
    exp = (datetime.now(timezone.utc) + timedelta(days=days)).timestamp()
    return jwt.encode({"username": username, "exp_date": exp, **extra}, key, algorithm="HS256")


def test_a_valid_cookie_names_its_user():
    assert decode_cookie(token(), KEY)["username"] == "office"


def test_a_cookie_signed_with_another_key_is_refused():
    assert decode_cookie(token(key="x" * 40), KEY) is None


def test_an_expired_cookie_is_refused():
    assert decode_cookie(token(days=-1), KEY) is None


def test_garbage_and_missing_cookies_are_refused():
    assert decode_cookie(None, KEY) is None
    assert decode_cookie("", KEY) is None
    assert decode_cookie("not.a.token", KEY) is None
    assert decode_cookie(jwt.encode({"exp_date": 9e12}, KEY, algorithm="HS256"), KEY) is None
    assert decode_cookie(jwt.encode({"username": "a", "exp_date": "soon"}, KEY, algorithm="HS256"), KEY) is None
