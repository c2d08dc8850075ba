"""Settings: embedded demo default, PostgreSQL URLs, the cookie-key rule outside demo mode."""
import pytest

from core import config


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "FJLD_DEMO", "COOKIE_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "DEFAULT_SQLITE_PATH", tmp_path / "data" / "app.db")
    return tmp_path


def load(tmp_path, secrets: str = ""):
    path = tmp_path / "secrets.toml"
    path.write_text(secrets, encoding="utf-8")
    return config.load_settings(path)


def test_no_configuration_means_embedded_sqlite_in_demo_mode(tmp_path):
    s = load(tmp_path)
    assert s.demo and s.is_sqlite and s.database_url.endswith("data/app.db")
    assert len(s.cookie_key) >= 32


def test_database_url_means_production_and_needs_a_strong_cookie_key(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    with pytest.raises(config.ConfigError):
        load(tmp_path)
    monkeypatch.setenv("COOKIE_KEY", "a" * 40)  # long but not random
    with pytest.raises(config.ConfigError):
        load(tmp_path)
    monkeypatch.setenv("COOKIE_KEY", "Vq3x9LmP0aZk7RtY2wB5nC8dE1fG4hJ6sU")
    s = load(tmp_path)
    assert not s.demo and s.database_url == "postgresql+psycopg://u@h/db"


def test_secrets_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    s = load(tmp_path, 'DATABASE_URL = "postgres://a@b/c"\nCOOKIE_KEY = "Vq3x9LmP0aZk7RtY2wB5nC8dE1fG4hJ6sU"\n')
    assert s.database_url == "postgresql+psycopg://a@b/c" and not s.demo
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("FJLD_DEMO", "1")
    s = load(tmp_path, 'DATABASE_URL = "postgres://a@b/c"\n')
    assert s.database_url == "sqlite:///x.db" and s.demo


def test_demo_mode_can_be_switched_off_for_sqlite(tmp_path, monkeypatch):
    monkeypatch.setenv("FJLD_DEMO", "false")
    with pytest.raises(config.ConfigError):
        load(tmp_path)


def test_the_documented_example_key_is_refused(tmp_path, monkeypatch):
    example = (config.ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    with pytest.raises(config.ConfigError):
        load(tmp_path, example)
