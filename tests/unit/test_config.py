"""The configuration refuses unsafe or broken environments with one clear line."""

from pathlib import Path

import pytest

from virtualcite.config import ConfigError, load_config

GOOD_KEY = "k" * 60


def test_embedded_default_generates_and_keeps_a_local_secret_key(tmp_path: Path) -> None:
    env = {"DEBUG": "1", "VIRTUALCITE_DATA_DIR": str(tmp_path)}
    first = load_config(env)
    second = load_config(env)
    assert len(first.secret_key) >= 50
    assert first.secret_key == second.secret_key
    assert first.database_url == f"sqlite:///{tmp_path / 'virtualcite.sqlite3'}"
    assert first.redis_url is None
    assert first.language_code == "fr"
    assert first.time_zone == "Europe/Paris"


def test_production_without_secret_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY is required when DEBUG is off"):
        load_config({"VIRTUALCITE_DATA_DIR": str(tmp_path)})


def test_short_secret_key_in_production_is_refused() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY is too short"):
        load_config({"SECRET_KEY": "short"})


def test_wildcard_allowed_hosts_is_refused() -> None:
    with pytest.raises(ConfigError, match="ALLOWED_HOSTS must not contain"):
        load_config({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "cite.example.org,*"})


def test_allowed_hosts_are_split_on_commas() -> None:
    config = load_config({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "a.example, b.example"})
    assert config.allowed_hosts == ("a.example", "b.example")


def test_unparseable_debug_is_refused() -> None:
    with pytest.raises(ConfigError, match="DEBUG='maybe' is not a boolean"):
        load_config({"DEBUG": "maybe"})


def test_redis_url_must_be_a_redis_url() -> None:
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config({"SECRET_KEY": GOOD_KEY, "REDIS_URL": "http://localhost:6379"})


def test_error_messages_are_one_line(tmp_path: Path) -> None:
    for env in ({"VIRTUALCITE_DATA_DIR": str(tmp_path)}, {"SECRET_KEY": GOOD_KEY,
                                                         "ALLOWED_HOSTS": "*"}):
        with pytest.raises(ConfigError) as caught:
            load_config(env)
        assert "\n" not in str(caught.value)
