"""Read the service's configuration from the environment, in one place.

Every variable is documented in the README. A broken or unsafe configuration raises
`ConfigError` with one line naming the variable and the fix: the settings module turns it
into a clean exit instead of a traceback.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})
DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# Django's own check (security.W009) asks for at least 50 characters.
MIN_SECRET_KEY_LENGTH = 50
# The operator's token is a bearer secret like SECRET_KEY: 32 characters of
# `secrets.token_urlsafe` carry 192 random bits, far out of reach of guessing.
MIN_OPERATOR_TOKEN_LENGTH = 32
# Anonymous visitor sockets one client address may hold open at once (docs/protocol.md,
# Limits): a family or a class room behind one address stays well below it, each person using
# one to three tabs; a single machine holding hundreds of queue places does not.
DEFAULT_MAX_SOCKETS_PER_CLIENT = 20
# The poles' load is snapshot once a minute for the managers' charts and reports; a test
# shortens it to watch several periods go by.
DEFAULT_SNAPSHOT_SECONDS = 60
# A stopping process closes its websockets over this many seconds (virtualcite/drain.py): at
# 10 s, 10,000 sockets come back to the other processes at 1,000 a second, and the sum with
# the pages' own delay stays far inside every lease (deploy/RUNBOOK.md, Upgrade).
DEFAULT_DRAIN_SECONDS = 10
MAX_DRAIN_SECONDS = 300

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Redis Sentinel's own port (redis.io, "High availability with Redis Sentinel").
DEFAULT_SENTINEL_PORT = 26379
# A Sentinel deployment needs a majority of three to elect a new primary without a split brain.
MIN_SENTINELS = 3


class ConfigError(Exception):
    """The environment describes a configuration the service must not start with."""


@dataclass(frozen=True)
class RedisUrl:
    """One Redis server, as REDIS_URL names it."""

    url: str

    def describe(self) -> str:
        """host:port, without the password a URL may carry."""
        parsed = urlparse(self.url)
        return f"{parsed.hostname or 'localhost'}:{parsed.port or 6379}"


@dataclass(frozen=True)
class RedisSentinel:
    """A primary found through Redis Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_MASTER): the
    client asks the sentinels where the primary is, so a promoted replica takes over."""

    sentinels: tuple[tuple[str, int], ...]
    master: str
    # The primary's and replica's `requirepass`; the sentinels' own `requirepass`. Out of repr:
    # a configuration printed in a log or a traceback must not carry them.
    password: str | None = field(default=None, repr=False)
    sentinel_password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        addresses = ",".join(f"{host}:{port}" for host, port in self.sentinels)
        return f"primary {self.master!r} of the sentinels {addresses}"


RedisTarget = RedisUrl | RedisSentinel


@dataclass(frozen=True)
class Config:
    """The validated configuration; settings.py maps it onto Django settings."""

    debug: bool
    secret_key: str
    allowed_hosts: tuple[str, ...]
    data_dir: Path
    database_url: str
    # None: the in-memory default, one process.
    redis: RedisTarget | None
    language_code: str
    time_zone: str
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (virtualcite/proxy.py).
    trusted_proxies: tuple[Network, ...] = ()
    # Bearer token that shows /readyz's details to the operator's probes (virtualcite/health.py).
    operator_token: str | None = None
    # 0: no cap (a benchmark driving thousands of sockets from one address).
    max_sockets_per_client: int = DEFAULT_MAX_SOCKETS_PER_CLIENT
    # Seconds between two snapshots of the poles' load (virtualcite/figures/minutes.py).
    snapshot_seconds: int = DEFAULT_SNAPSHOT_SECONDS
    # Networks whose clients may read /metrics without the token (virtualcite/metrics_view.py).
    metrics_allowed_networks: tuple[Network, ...] = ()
    # Seconds over which a stopping process closes its websockets (virtualcite/drain.py).
    drain_seconds: int = DEFAULT_DRAIN_SECONDS


def load_config(environ: Mapping[str, str]) -> Config:
    """Build the configuration from `environ`, or raise ConfigError naming what to fix."""
    debug = _read_bool(environ, "DEBUG", default=False)
    data_dir = Path(environ.get("VIRTUALCITE_DATA_DIR", ".data")).resolve()
    return Config(
        debug=debug,
        secret_key=_read_secret_key(environ, debug=debug, data_dir=data_dir),
        allowed_hosts=_read_allowed_hosts(environ),
        data_dir=data_dir,
        database_url=environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'virtualcite.sqlite3'}",
        redis=_read_redis(environ),
        language_code=environ.get("LANGUAGE_CODE", "fr"),
        time_zone=environ.get("TIME_ZONE", "Europe/Paris"),
        trusted_proxies=_read_trusted_proxies(environ),
        operator_token=_read_operator_token(environ),
        max_sockets_per_client=_read_count(environ, "MAX_SOCKETS_PER_CLIENT",
                                           default=DEFAULT_MAX_SOCKETS_PER_CLIENT),
        snapshot_seconds=_read_snapshot_seconds(environ),
        metrics_allowed_networks=_read_networks(environ, "METRICS_ALLOWED_NETWORKS",
                                                example="10.0.0.0/24,fd00::/64"),
        drain_seconds=_read_drain_seconds(environ),
    )


def _read_bool(environ: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use 1/true/yes/on or 0/false/no/off.")


def _read_secret_key(environ: Mapping[str, str], *, debug: bool, data_dir: Path) -> str:
    key = environ.get("SECRET_KEY", "").strip()
    if key:
        if not debug and len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY is too short ({len(key)} characters): set at least "
                f"{MIN_SECRET_KEY_LENGTH} random characters, e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
            )
        return key
    if not debug:
        raise ConfigError(
            "SECRET_KEY is required when DEBUG is off: set SECRET_KEY to 50+ random characters, "
            "or set DEBUG=1 to run the embedded default with a generated local key."
        )
    return _local_secret_key(data_dir)


def _local_secret_key(data_dir: Path) -> str:
    """The embedded default's key: generated once, kept in the data directory, never committed."""
    path = data_dir / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(MIN_SECRET_KEY_LENGTH)
        path.write_text(key)
        path.chmod(0o600)
        return key
    except OSError as error:
        raise ConfigError(
            f"VIRTUALCITE_DATA_DIR={data_dir} is not writable ({error.strerror}): "
            "point it at a writable directory."
        ) from None


def _read_allowed_hosts(environ: Mapping[str, str]) -> tuple[str, ...]:
    raw = environ.get("ALLOWED_HOSTS")
    if raw is None:
        return DEFAULT_ALLOWED_HOSTS
    hosts = tuple(host.strip() for host in raw.split(",") if host.strip())
    if "*" in hosts:
        raise ConfigError(
            "ALLOWED_HOSTS must not contain '*': list the host names the service answers to, "
            "comma-separated (e.g. ALLOWED_HOSTS=cite.example.org)."
        )
    if not hosts:
        raise ConfigError(
            "ALLOWED_HOSTS is empty: list the host names the service answers to, comma-separated."
        )
    return hosts


def _read_redis(environ: Mapping[str, str]) -> RedisTarget | None:
    url = environ.get("REDIS_URL", "").strip()
    sentinels = environ.get("REDIS_SENTINELS", "").strip()
    master = environ.get("REDIS_SENTINEL_MASTER", "").strip()
    passwords = {name: environ.get(name, "").strip() or None
                 for name in ("REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD")}
    if url and (sentinels or master):
        raise ConfigError(
            "REDIS_URL and REDIS_SENTINELS are both set: use REDIS_URL for one Redis server, "
            "or REDIS_SENTINELS with REDIS_SENTINEL_MASTER for Sentinel, not both."
        )
    if sentinels or master:
        return replace(_read_redis_sentinel(sentinels, master),
                       password=passwords["REDIS_PASSWORD"],
                       sentinel_password=passwords["REDIS_SENTINEL_PASSWORD"])
    for name, value in passwords.items():
        if value:
            raise ConfigError(
                f"{name} is for Redis Sentinel (REDIS_SENTINELS): with REDIS_URL put the "
                "password in the URL (redis://:PASSWORD@host:6379/0), or unset it."
            )
    if not url:
        return None
    if urlparse(url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(
            f"REDIS_URL={url!r} is not a Redis URL: use redis://host:6379/0 "
            "(or unset it for the in-memory default)."
        )
    return RedisUrl(url)


def _read_redis_sentinel(raw: str, master: str) -> RedisSentinel:
    if not master:
        raise ConfigError(
            "REDIS_SENTINEL_MASTER is required with REDIS_SENTINELS: set it to the primary's "
            "name in the sentinels' configuration (`sentinel monitor <name> ...`)."
        )
    if not raw:
        raise ConfigError(
            "REDIS_SENTINELS is required with REDIS_SENTINEL_MASTER: list the sentinels as "
            "host:port, comma-separated (e.g. s1:26379,s2:26379,s3:26379)."
        )
    addresses = tuple(_read_sentinel_address(item.strip()) for item in raw.split(",")
                      if item.strip())
    if len(set(addresses)) < MIN_SENTINELS:
        raise ConfigError(
            f"REDIS_SENTINELS lists {len(set(addresses))} distinct sentinel(s): list at least "
            f"{MIN_SENTINELS} (a majority of them elects a new primary), comma-separated."
        )
    return RedisSentinel(addresses, master)


def _read_sentinel_address(item: str) -> tuple[str, int]:
    host, _, port = item.rpartition(":") if ":" in item else (item, "", "")
    host, port = host.strip("[]"), port or str(DEFAULT_SENTINEL_PORT)
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(
            f"REDIS_SENTINELS: {item!r} is not host:port: list the sentinels comma-separated "
            f"(e.g. s1:26379,s2:26379,s3:26379; the port defaults to {DEFAULT_SENTINEL_PORT})."
        )
    return host, int(port)


def _read_trusted_proxies(environ: Mapping[str, str]) -> tuple[Network, ...]:
    """Addresses or networks (CIDR) of the reverse proxies in front of daphne."""
    return _read_networks(environ, "TRUSTED_PROXIES", what="the addresses of your reverse "
                          "proxies", example="127.0.0.1,10.0.0.0/24")


def _read_networks(environ: Mapping[str, str], name: str, *,
                   what: str = "addresses or networks", example: str) -> tuple[Network, ...]:
    """A comma-separated list of addresses or networks (CIDR)."""
    networks = []
    for item in (part.strip() for part in environ.get(name, "").split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"{name}: {item!r} is not an IP address or network: list {what}, "
                f"comma-separated (e.g. {example})."
            ) from None
    return tuple(networks)


def _read_operator_token(environ: Mapping[str, str]) -> str | None:
    token = environ.get("OPERATOR_TOKEN", "").strip()
    if not token:
        return None
    if len(token) < MIN_OPERATOR_TOKEN_LENGTH:
        raise ConfigError(
            f"OPERATOR_TOKEN is too short ({len(token)} characters): set at least "
            f"{MIN_OPERATOR_TOKEN_LENGTH} random characters, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`, or unset it."
        )
    return token


def _read_count(environ: Mapping[str, str], name: str, *, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name}={raw!r} is not a whole number: use e.g. {name}={default}.")
    return int(raw)


def _read_snapshot_seconds(environ: Mapping[str, str]) -> int:
    seconds = _read_count(environ, "SNAPSHOT_SECONDS", default=DEFAULT_SNAPSHOT_SECONDS)
    if not 1 <= seconds <= 3600:
        raise ConfigError(f"SNAPSHOT_SECONDS={seconds} is out of range: use 1 to 3600 "
                          f"(the default, {DEFAULT_SNAPSHOT_SECONDS}, snapshots every minute).")
    return seconds


def _read_drain_seconds(environ: Mapping[str, str]) -> int:
    seconds = _read_count(environ, "DRAIN_SECONDS", default=DEFAULT_DRAIN_SECONDS)
    if seconds > MAX_DRAIN_SECONDS:
        raise ConfigError(f"DRAIN_SECONDS={seconds} is out of range: use 0 to "
                          f"{MAX_DRAIN_SECONDS} (the default, {DEFAULT_DRAIN_SECONDS}, closes a "
                          "stopping process's sockets over 10 s); the orchestrator's grace "
                          "period must exceed it by 20 s (deploy/RUNBOOK.md, Upgrade).")
    return seconds
