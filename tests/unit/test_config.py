"""The configuration refuses unsafe or broken environments with one clear line."""

from pathlib import Path

import pytest

from virtualcite.config import ConfigError, RedisSentinel, RedisUrl, load_config

GOOD_KEY = "k" * 60


def test_embedded_default_generates_and_keeps_a_local_secret_key(tmp_path: Path) -> None:
    env = {"DEBUG": "1", "VIRTUALCITE_DATA_DIR": str(tmp_path)}
    first = load_config(env)
    second = load_config(env)
    assert len(first.secret_key) >= 50
    assert first.secret_key == second.secret_key
    assert first.database_url == f"sqlite:///{tmp_path / 'virtualcite.sqlite3'}"
    assert first.redis is None
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


def test_redis_url_names_one_server() -> None:
    config = load_config({"SECRET_KEY": GOOD_KEY, "REDIS_URL": "redis://:pw@cache:6380/0"})
    assert config.redis == RedisUrl("redis://:pw@cache:6380/0")
    assert config.redis.describe() == "cache:6380"  # never the password


def test_sentinels_name_the_primary_to_follow() -> None:
    config = load_config({"SECRET_KEY": GOOD_KEY, "REDIS_SENTINEL_MASTER": "virtualcite",
                          "REDIS_SENTINELS": "s1:26380, s2 ,[fd00::3]:26379"})
    assert config.redis == RedisSentinel(
        (("s1", 26380), ("s2", 26379), ("fd00::3", 26379)), "virtualcite")


def test_sentinel_passwords_are_read_and_kept_out_of_repr() -> None:
    config = load_config({"SECRET_KEY": GOOD_KEY, "REDIS_SENTINELS": "a,b,c",
                          "REDIS_SENTINEL_MASTER": "m", "REDIS_PASSWORD": "p-primary",
                          "REDIS_SENTINEL_PASSWORD": "p-sentinel"})
    assert isinstance(config.redis, RedisSentinel)
    assert (config.redis.password, config.redis.sentinel_password) == ("p-primary", "p-sentinel")
    assert "p-primary" not in repr(config) and "p-sentinel" not in repr(config)


@pytest.mark.parametrize(("env", "message"), [
    ({"REDIS_URL": "redis://r:6379/0", "REDIS_PASSWORD": "p"},
     "REDIS_PASSWORD is for Redis Sentinel"),
    ({"REDIS_URL": "redis://r:6379/0", "REDIS_SENTINEL_PASSWORD": "p"},
     "REDIS_SENTINEL_PASSWORD is for Redis Sentinel"),
    ({"REDIS_PASSWORD": "p"}, "REDIS_PASSWORD is for Redis Sentinel"),
    ({"REDIS_URL": "redis://r:6379/0", "REDIS_SENTINELS": "a,b,c",
      "REDIS_SENTINEL_MASTER": "m"}, "REDIS_URL and REDIS_SENTINELS are both set"),
    ({"REDIS_SENTINELS": "a,b,c"}, "REDIS_SENTINEL_MASTER is required with REDIS_SENTINELS"),
    ({"REDIS_SENTINEL_MASTER": "m"}, "REDIS_SENTINELS is required with REDIS_SENTINEL_MASTER"),
    ({"REDIS_SENTINELS": "a,b", "REDIS_SENTINEL_MASTER": "m"}, "lists 2 distinct sentinel"),
    ({"REDIS_SENTINELS": "a,a:26379,b", "REDIS_SENTINEL_MASTER": "m"},
     "lists 2 distinct sentinel"),
    ({"REDIS_SENTINELS": "a,b,c:port", "REDIS_SENTINEL_MASTER": "m"}, "'c:port' is not host:port"),
    ({"REDIS_SENTINELS": "a,b,:26379", "REDIS_SENTINEL_MASTER": "m"}, "':26379' is not host"),
    ({"REDIS_SENTINELS": "a,b,c:70000", "REDIS_SENTINEL_MASTER": "m"}, "is not host:port"),
])
def test_a_broken_sentinel_configuration_is_refused_in_one_line(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_config({"SECRET_KEY": GOOD_KEY, **env})
    assert "\n" not in str(caught.value)


def test_error_messages_are_one_line(tmp_path: Path) -> None:
    for env in ({"VIRTUALCITE_DATA_DIR": str(tmp_path)}, {"SECRET_KEY": GOOD_KEY,
                                                         "ALLOWED_HOSTS": "*"}):
        with pytest.raises(ConfigError) as caught:
            load_config(env)
        assert "\n" not in str(caught.value)


def test_trusted_proxies_are_addresses_or_networks() -> None:
    config = load_config({"SECRET_KEY": GOOD_KEY, "TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/24,::1"})
    assert [str(network) for network in config.trusted_proxies] == [
        "127.0.0.1/32", "10.0.0.0/24", "::1/128"]
    assert load_config({"SECRET_KEY": GOOD_KEY}).trusted_proxies == ()


def test_a_trusted_proxy_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES: 'nginx' is not an IP address"):
        load_config({"SECRET_KEY": GOOD_KEY, "TRUSTED_PROXIES": "nginx"})


def test_metrics_are_opened_to_no_network_unless_one_is_listed() -> None:
    assert load_config({"SECRET_KEY": GOOD_KEY}).metrics_allowed_networks == ()
    config = load_config({"SECRET_KEY": GOOD_KEY, "METRICS_ALLOWED_NETWORKS": "10.1.0.0/16"})
    assert [str(network) for network in config.metrics_allowed_networks] == ["10.1.0.0/16"]
    with pytest.raises(ConfigError, match="METRICS_ALLOWED_NETWORKS: 'prometheus' is not"):
        load_config({"SECRET_KEY": GOOD_KEY, "METRICS_ALLOWED_NETWORKS": "prometheus"})


def test_a_short_operator_token_is_refused() -> None:
    with pytest.raises(ConfigError, match="OPERATOR_TOKEN is too short"):
        load_config({"SECRET_KEY": GOOD_KEY, "OPERATOR_TOKEN": "secret"})
    token = "t" * 32
    assert load_config({"SECRET_KEY": GOOD_KEY, "OPERATOR_TOKEN": token}).operator_token == token
    assert load_config({"SECRET_KEY": GOOD_KEY}).operator_token is None


def test_the_socket_cap_per_client_defaults_to_20_and_0_turns_it_off() -> None:
    assert load_config({"SECRET_KEY": GOOD_KEY}).max_sockets_per_client == 20
    assert load_config({"SECRET_KEY": GOOD_KEY,
                        "MAX_SOCKETS_PER_CLIENT": "0"}).max_sockets_per_client == 0
    with pytest.raises(ConfigError, match="MAX_SOCKETS_PER_CLIENT='many' is not a whole number"):
        load_config({"SECRET_KEY": GOOD_KEY, "MAX_SOCKETS_PER_CLIENT": "many"})


def test_the_snapshot_period_is_a_minute_unless_set_within_bounds() -> None:
    assert load_config({"SECRET_KEY": GOOD_KEY}).snapshot_seconds == 60
    assert load_config({"SECRET_KEY": GOOD_KEY, "SNAPSHOT_SECONDS": "5"}).snapshot_seconds == 5
    with pytest.raises(ConfigError, match="SNAPSHOT_SECONDS=0 is out of range"):
        load_config({"SECRET_KEY": GOOD_KEY, "SNAPSHOT_SECONDS": "0"})


def test_the_drain_window_is_10_seconds_unless_set_within_bounds() -> None:
    assert load_config({"SECRET_KEY": GOOD_KEY}).drain_seconds == 10
    assert load_config({"SECRET_KEY": GOOD_KEY, "DRAIN_SECONDS": "0"}).drain_seconds == 0
    with pytest.raises(ConfigError, match="DRAIN_SECONDS=301 is out of range"):
        load_config({"SECRET_KEY": GOOD_KEY, "DRAIN_SECONDS": "301"})
    with pytest.raises(ConfigError, match="DRAIN_SECONDS='soon' is not a whole number"):
        load_config({"SECRET_KEY": GOOD_KEY, "DRAIN_SECONDS": "soon"})


def _settings_in(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    """The Django settings a fresh process builds from `env` (settings.py runs at import)."""
    import json
    import os
    import subprocess
    import sys

    probe = ("import json; from django.conf import settings as s; print(json.dumps({name:"
             " getattr(s, name) for name in ('SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER',"
             " 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE')}))")
    clean = {key: value for key, value in os.environ.items()
             if key not in {"DEBUG", "SECRET_KEY", "REDIS_URL", "REDIS_SENTINELS",
                            "REDIS_SENTINEL_MASTER", "REDIS_PASSWORD",
                            "REDIS_SENTINEL_PASSWORD", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={**clean, "VIRTUALCITE_DATA_DIR": str(tmp_path),
                                 "DJANGO_SETTINGS_MODULE": "virtualcite.settings", **env},
                            check=True)
    settings: dict[str, object] = json.loads(result.stdout)
    return settings


def test_production_sends_hsts_trusts_the_proxy_scheme_and_keeps_cookies_on_https(
        tmp_path: Path) -> None:
    production = _settings_in({"SECRET_KEY": GOOD_KEY}, tmp_path)
    assert production == {"SECURE_HSTS_SECONDS": 31536000,
                          "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                          "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}


def test_debug_serves_plain_http_without_hsts(tmp_path: Path) -> None:
    assert _settings_in({"DEBUG": "1"}, tmp_path) == {
        "SECURE_HSTS_SECONDS": 0, "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False}
