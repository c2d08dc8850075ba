"""Runtime settings: database URL, cookie key, demo mode. Read from the environment first,
then from `.streamlit/secrets.toml` (parsed here with tomllib, so no Streamlit needed)."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "data" / "fujian.db"
MIN_COOKIE_KEY_LENGTH = 32
# Demo mode without a configured key: one random key per server process, so every browser
# session of this process can read the cookies it signed (they do not survive a restart).
_PROCESS_DEMO_KEY = os.urandom(32).hex()


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo: bool
    cookie_key: str
    demo_city: bool = False  # FJLD_DEMO=city: two fictional districts beside 硚口区, and a city account
    cookie_name: str = "fjld_auth"
    cookie_expiry_days: float = 1.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _secrets(path: Path) -> dict:
    if path.exists():
        with path.open("rb") as f:
            return tomllib.load(f)
    return {}


def setting(name: str, default: str | None = None, secrets_path: Path | None = None) -> str | None:
    """One setting by name: the environment first, then .streamlit/secrets.toml (upper or lower
    case), else `default`; empty values count as unset."""
    secrets = _secrets(secrets_path or ROOT / ".streamlit" / "secrets.toml")
    value = os.environ.get(name, secrets.get(name, secrets.get(name.lower())))
    return default if value in (None, "") else str(value)


def load_settings(secrets_path: Path | None = None) -> Settings:
    secrets = _secrets(secrets_path or ROOT / ".streamlit" / "secrets.toml")

    def get(name: str, default=None):
        return os.environ.get(name, secrets.get(name, secrets.get(name.lower(), default)))

    url = get("DATABASE_URL")
    demo_raw = get("FJLD_DEMO")
    # Demo mode is the embedded default; pointing at a shared database means production,
    # unless demo mode is asked for explicitly.
    demo = str(demo_raw).lower() in ("1", "true", "yes", "city") if demo_raw is not None else url is None
    demo_city = str(demo_raw).lower() == "city"
    if url is None:
        DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    key = get("COOKIE_KEY") or ""
    if not demo and (len(key) < MIN_COOKIE_KEY_LENGTH or len(set(key)) < 10 or _placeholder(key)):
        raise ConfigError(
            f"COOKIE_KEY must be at least {MIN_COOKIE_KEY_LENGTH} random characters outside demo mode")
    if not key:
        key = _PROCESS_DEMO_KEY
    return Settings(database_url=normalize_url(url), demo=demo, cookie_key=key, demo_city=demo_city)


def _placeholder(key: str) -> bool:
    """A key copied from documentation is public: refuse it."""
    lowered = key.lower()
    return any(word in lowered for word in ("replace", "change-me", "changeme", "example", "secret-key"))


def normalize_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url
