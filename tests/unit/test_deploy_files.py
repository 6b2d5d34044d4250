"""The deploy files (deploy/) say what the code and the README say.

A compose file that names a missing service, an nginx that drops the websocket upgrade, an
example environment that forgot a variable or a probe on the wrong path breaks only on the
day someone deploys; these checks break in the commit instead. The Kubernetes manifests are
validated against a small JSON Schema per kind, written here: no cluster and no network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from chat.core.model import DeskConfig
from virtualcite.cli import APPLICATION_CLOSE_TIMEOUT_SECONDS, DEFAULT_PORT
from virtualcite.config import ConfigError, RedisSentinel, RedisUrl, load_config
from virtualcite.drain import DRAIN_MARGIN_SECONDS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
# What compose itself reads in env.example beyond the service's own variables.
COMPOSE_ONLY_VARIABLES = frozenset({"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"})


def readme_variables() -> list[str]:
    """The variables of README.md's Configuration table, in its order."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE)


def env_file(path: Path) -> dict[str, str]:
    """NAME=value lines, as compose's env_file reads them (no quoting used in ours)."""
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def compose(name: str = "compose.yaml") -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / name).read_text())
    return loaded


def nginx_directives() -> list[str]:
    """nginx.conf's directives, comments removed, whitespace collapsed."""
    lines = (line.split("#", 1)[0] for line in (DEPLOY / "nginx.conf").read_text().splitlines())
    text = " ".join(lines)
    return [" ".join(part.split()) for part in re.split(r"[;{}]", text) if part.strip()]


def manifests() -> list[tuple[str, dict[str, Any]]]:
    """Every Kubernetes object in deploy/k8s/, with the file it came from."""
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def manifest(kind: str, name: str | None = None) -> dict[str, Any]:
    matches = [doc for _, doc in manifests() if doc["kind"] == kind
               and (name is None or doc["metadata"]["name"] == name)]
    assert len(matches) == 1, f"expected one {kind} {name or ''}, found {len(matches)}"
    return matches[0]


def containerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (DEPLOY / "Containerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            pairs.append((instruction.upper(), " ".join(arguments.split())))
    return pairs


# --- compose -----------------------------------------------------------------------------


def test_compose_runs_nginx_in_front_of_two_replicas_with_redis_and_postgres() -> None:
    services = compose()["services"]

    assert {"nginx", "app", "redis", "postgres"} <= services.keys()
    assert services["app"]["deploy"]["replicas"] >= 2
    assert services["nginx"]["depends_on"]["app"]["condition"] == "service_healthy"
    assert any(volume.endswith(":/var/lib/postgresql/data")
               for volume in services["postgres"]["volumes"])
    assert "postgres-data" in compose()["volumes"]


def test_compose_configures_the_app_by_an_env_file_and_trusts_nginx_alone() -> None:
    services = compose()["services"]
    app = services["app"]
    nginx_address = services["nginx"]["networks"]["backend"]["ipv4_address"]

    assert app["env_file"] == ["${VIRTUALCITE_ENV_FILE:-virtualcite.env}"]
    assert app["environment"]["TRUSTED_PROXIES"] == nginx_address
    assert app["environment"]["DEBUG"] == "0"
    assert app["environment"]["REDIS_URL"].startswith("redis://redis:")


def test_compose_migrates_once_before_the_replicas_start() -> None:
    services = compose()["services"]

    assert services["migrate"]["entrypoint"][-2:] == ["migrate", "--noinput"]
    assert services["app"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"}


def test_compose_redis_writes_nothing_to_disk() -> None:
    redis = compose()["services"]["redis"]
    command = redis["command"]

    assert command[command.index("--save") + 1] == ""
    assert command[command.index("--appendonly") + 1] == "no"
    assert "volumes" not in redis


def redis_flags(command: list[str]) -> dict[str, str]:
    """`--name value` pairs of a redis-server command line."""
    return {flag: command[index + 1] for index, flag in enumerate(command)
            if flag.startswith("--")}


def test_compose_sentinel_runs_a_primary_a_replica_and_three_sentinels_without_disk() -> None:
    services = compose("compose.sentinel.yaml")["services"]
    base = compose()["services"]
    sentinels = [name for name in services if name.startswith("sentinel-")]

    assert len(sentinels) == 3
    for name in ("redis", "redis-replica"):
        flags = redis_flags(services[name]["command"])
        assert (flags["--save"], flags["--appendonly"]) == ("", "no"), name
        assert (flags["--repl-diskless-sync"], flags["--repl-diskless-load"]) == (
            "yes", "swapdb"), name
        assert "volumes" not in {**base.get(name, {}), **services[name]}, name
    assert services["redis-replica"]["command"][1:4] == ["--replicaof", "redis", "6379"]
    for name in sentinels:
        script = services[name]["command"][0]
        assert "sentinel monitor virtualcite redis 6379 2" in script  # quorum 2 of 3
        assert services[name]["tmpfs"] == ["/run/sentinel"] and "volumes" not in services[name]


def test_compose_sentinel_points_the_app_at_the_sentinels(tmp_path: Path) -> None:
    services = compose("compose.sentinel.yaml")["services"]
    environment = services["app"]["environment"]
    sentinels = sorted(name for name in services if name.startswith("sentinel-"))

    assert services["migrate"]["environment"] == environment
    assert environment["REDIS_URL"] == ""  # overrides compose.yaml's, which would conflict
    assert sorted(item.split(":")[0] for item in environment["REDIS_SENTINELS"].split(",")) == (
        sentinels)
    assert set(services["app"]["depends_on"]) == set(sentinels)
    config = load_config({**env_file(DEPLOY / "env.example"), **environment,
                          "SECRET_KEY": "k" * 50, "VIRTUALCITE_DATA_DIR": str(tmp_path)})
    assert isinstance(config.redis, RedisSentinel) and config.redis.master == "virtualcite"


def compose_client() -> list[str] | None:
    """The first compose client that answers `version` here, if any.

    Not the standalone `docker-compose` 1.x: end of life since 2023, it predates the Compose
    Specification (it refuses the top-level `name`).
    """
    for client in (["docker", "compose"], ["podman", "compose"]):
        if shutil.which(client[0]) is None:
            continue
        answered = subprocess.run([*client, "version"], capture_output=True, timeout=30,
                                  check=False)
        if answered.returncode == 0:
            return client
    return None


def test_compose_files_pass_compose_config() -> None:
    client = compose_client()
    if client is None:
        pytest.skip("no compose client here: neither `docker compose` nor `podman compose` "
                    "answers `version` (a docker CLI without its compose plugin does not)")
    for files in (["compose.yaml"], ["compose.yaml", "compose.sentinel.yaml"]):
        result = subprocess.run(
            [*client, *(arg for name in files for arg in ("-f", str(DEPLOY / name))),
             "config", "--quiet"],
            capture_output=True, text=True, timeout=60, check=False,
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "VIRTUALCITE_ENV_FILE": "env.example"})
        assert result.returncode == 0, (files, result.stderr)


# --- nginx -------------------------------------------------------------------------------


def test_nginx_upgrades_websockets_and_forwards_the_client_and_scheme() -> None:
    directives = nginx_directives()

    for expected in ("proxy_http_version 1.1",
                     "proxy_set_header Upgrade $http_upgrade",
                     "proxy_set_header Connection $connection_upgrade",
                     "proxy_set_header Host $host",
                     "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for",
                     "proxy_set_header X-Forwarded-Proto $scheme",
                     "proxy_pass http://virtualcite",
                     "map $http_upgrade $connection_upgrade",
                     "upstream virtualcite"):
        assert expected in directives, expected


def test_nginx_keeps_quiet_websockets_open_and_proxies_to_the_replicas() -> None:
    directives = nginx_directives()
    read_timeout = next(d for d in directives if d.startswith("proxy_read_timeout "))
    servers = [d for d in directives if d.startswith("server app:")]

    # Far above daphne's 11 s ping interval (virtualcite/cli.py): nginx never cuts a live socket.
    assert int(read_timeout.split()[1].removesuffix("s")) >= 3600
    assert servers and servers[0].split()[1] == f"app:{DEFAULT_PORT}"


def test_nginx_moves_a_reconnecting_page_past_a_dead_replica_within_a_lease() -> None:
    directives = nginx_directives()
    next_upstream = next(d for d in directives if d.startswith("proxy_next_upstream "))
    connect_timeout = next(d for d in directives if d.startswith("proxy_connect_timeout "))

    # A refused or unanswered connection goes to the next replica, in a fraction of the lease
    # a counsellor of the dead replica has left to come back (the end-to-end proof is
    # tests/e2e/test_nginx_topology.py, which cannot black-hole a replica).
    assert {"error", "timeout"} <= set(next_upstream.split()[1:])
    assert int(connect_timeout.split()[1].removesuffix("s")) * 3 <= DeskConfig().lease_ttl


def test_nginx_logs_name_no_client() -> None:
    directives = nginx_directives()
    log_formats = [d for d in directives if d.startswith("log_format ")]
    access_logs = [d for d in directives if d.startswith("access_log ")]

    assert log_formats, "nginx's default log format starts with the client's address"
    assert access_logs and all(d.split()[-1] == "anonymous" for d in access_logs)
    for variable in ("$remote_addr", "$http_x_forwarded_for", "$proxy_add_x_forwarded_for",
                     "$request ", "$args", "$request_uri", "$http_cookie"):
        assert all(variable not in d + " " for d in log_formats), variable


# --- the environment ---------------------------------------------------------------------


def test_readme_table_is_read() -> None:
    names = readme_variables()

    assert names[:2] == ["DEBUG", "SECRET_KEY"]
    assert "SNAPSHOT_SECONDS" in names


def test_env_example_lists_every_readme_variable_and_nothing_else() -> None:
    documented = set(readme_variables())
    listed = set(env_file(DEPLOY / "env.example"))

    assert documented - listed == set()
    assert listed - documented == COMPOSE_ONLY_VARIABLES


def test_env_example_as_it_is_cannot_start_the_service() -> None:
    example = {name: value for name, value in env_file(DEPLOY / "env.example").items()
               if name not in COMPOSE_ONLY_VARIABLES}

    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        load_config(example)
    assert env_file(DEPLOY / "env.example")["POSTGRES_PASSWORD"] == ""


def test_env_example_once_filled_in_is_a_valid_configuration(tmp_path: Path) -> None:
    example = env_file(DEPLOY / "env.example")
    example |= {"SECRET_KEY": "k" * 50, "VIRTUALCITE_DATA_DIR": str(tmp_path)}

    config = load_config(example)

    assert not config.debug
    assert config.redis == RedisUrl("redis://redis:6379/0")
    assert config.allowed_hosts == ("cite.example.org",)


def test_k8s_configuration_holds_every_readme_variable_once() -> None:
    config = manifest("ConfigMap", "virtualcite-config")["data"]
    secret = manifest("Secret", "virtualcite-secrets")["stringData"]

    assert sorted([*config, *secret]) == sorted(readme_variables())
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "REDIS_PASSWORD",
            "REDIS_SENTINEL_PASSWORD", "OPERATOR_TOKEN"} == set(secret)
    assert all(value == "" for value in secret.values()), "no secret in the repository"


# --- the image ---------------------------------------------------------------------------


def test_containerfile_runs_as_a_non_root_user_with_a_healthcheck() -> None:
    instructions = containerfile_instructions()
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    healthchecks = [arguments for instruction, arguments in instructions
                    if instruction == "HEALTHCHECK"]

    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert len(healthchecks) == 1 and "/healthz" in healthchecks[0]
    assert f"127.0.0.1:{DEFAULT_PORT}/healthz" in healthchecks[0]


def test_containerfile_pins_its_base_and_serves_with_virtualcite() -> None:
    instructions = dict(containerfile_instructions())

    # FROM names a build argument whose default is the pinned image (tests/compose/ overrides
    # it where no registry is reachable).
    assert instructions["FROM"] == "${PYTHON_IMAGE}"
    assert re.fullmatch(r"PYTHON_IMAGE=python:\d+\.\d+\.\d+-slim-\w+", instructions["ARG"])
    assert instructions["ENTRYPOINT"] == '["virtualcite"]'
    assert instructions["CMD"] == f'["serve", "--host", "0.0.0.0", "--port", "{DEFAULT_PORT}"]'


def test_containerfile_collects_static_files_and_bakes_in_no_secret() -> None:
    instructions = containerfile_instructions()
    runs = [arguments for instruction, arguments in instructions if instruction == "RUN"]
    environment = " ".join(arguments for instruction, arguments in instructions
                           if instruction in {"ENV", "ARG"})
    copied = [arguments.split()[0] for instruction, arguments in instructions
              if instruction == "COPY"]

    assert any("pip install --no-cache-dir ." in run for run in runs)
    assert any("collectstatic --noinput" in run and "DEBUG=0" in run for run in runs)
    for secret in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "REDIS_PASSWORD",
                   "REDIS_SENTINEL_PASSWORD", "OPERATOR_TOKEN"):
        assert secret not in environment, secret
    # Named folders only: never the whole tree with a developer's .data/ (its generated key).
    assert "." not in copied and ".data" not in copied


def test_image_user_is_the_one_kubernetes_runs_as() -> None:
    instructions = containerfile_instructions()
    created = next(arguments for instruction, arguments in instructions
                   if instruction == "RUN" and "useradd" in arguments)
    uid = int(re.search(r"--uid (\d+)", created).group(1))  # type: ignore[union-attr]
    pod = manifest("Deployment")["spec"]["template"]["spec"]

    assert pod["securityContext"]["runAsUser"] == uid != 0


# --- Kubernetes --------------------------------------------------------------------------


def _object(kind: str, api_version: str, spec: dict[str, Any] | None = None,
            **extra: dict[str, Any]) -> dict[str, Any]:
    """A schema for one kind: its apiVersion, a named metadata, and what it must carry."""
    properties: dict[str, Any] = {
        "apiVersion": {"const": api_version},
        "kind": {"const": kind},
        "metadata": {"type": "object", "required": ["name"],
                     "properties": {"name": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                                    "labels": {"$ref": "#/$defs/labels"},
                                    "annotations": {"$ref": "#/$defs/strings"}}},
    }
    if spec is not None:
        properties["spec"] = spec
    properties |= extra
    return {"type": "object", "required": ["apiVersion", "kind", "metadata", *extra,
                                           *(["spec"] if spec else [])],
            "properties": properties, "additionalProperties": False, "$defs": DEFINITIONS}


DEFINITIONS: dict[str, Any] = {
    "strings": {"type": "object", "additionalProperties": {"type": "string"}},
    "labels": {"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"}},
    "selector": {"type": "object", "required": ["matchLabels"],
                 "properties": {"matchLabels": {"$ref": "#/$defs/labels"}},
                 "additionalProperties": False},
    "probe": {
        "type": "object", "required": ["httpGet"], "additionalProperties": False,
        "properties": {
            "httpGet": {"type": "object", "required": ["path", "port"],
                        "additionalProperties": False,
                        "properties": {"path": {"type": "string", "pattern": "^/"},
                                       "port": {"type": ["string", "integer"]},
                                       "httpHeaders": {"type": "array", "items": {
                                           "type": "object", "required": ["name", "value"],
                                           "additionalProperties": False,
                                           "properties": {"name": {"type": "string"},
                                                          "value": {"type": "string"}}}}}},
            **{field: {"type": "integer", "minimum": 1}
               for field in ("periodSeconds", "timeoutSeconds", "failureThreshold",
                             "successThreshold", "initialDelaySeconds")},
        },
    },
    "quantities": {"type": "object", "additionalProperties": False,
                   "properties": {"cpu": {"type": "string", "pattern": r"^\d+m?$"},
                                  "memory": {"type": "string",
                                             "pattern": r"^\d+(Ki|Mi|Gi)$"}}},
    "envFrom": {"type": "array", "items": {
        "type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
        "properties": {"configMapRef": {"type": "object", "required": ["name"]},
                       "secretRef": {"type": "object", "required": ["name"]}}}},
    "container": {
        "type": "object", "required": ["name", "image", "resources", "securityContext"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "image": {"type": "string", "pattern": r"^[^:]+:[\w.-]+$"},
            "imagePullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
            "command": {"type": "array", "items": {"type": "string"}},
            "args": {"type": "array", "items": {"type": "string"}},
            "ports": {"type": "array", "items": {
                "type": "object", "required": ["containerPort"], "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "containerPort": {"type": "integer"},
                               "protocol": {"enum": ["TCP", "UDP"]}}}},
            "envFrom": {"$ref": "#/$defs/envFrom"},
            "startupProbe": {"$ref": "#/$defs/probe"},
            "readinessProbe": {"$ref": "#/$defs/probe"},
            "livenessProbe": {"$ref": "#/$defs/probe"},
            "lifecycle": {"type": "object", "additionalProperties": False, "properties": {
                "preStop": {"type": "object", "required": ["exec"], "properties": {
                    "exec": {"type": "object", "required": ["command"]}}}}},
            "resources": {"type": "object", "required": ["requests"],
                          "additionalProperties": False,
                          "properties": {"requests": {"$ref": "#/$defs/quantities"},
                                         "limits": {"$ref": "#/$defs/quantities"}}},
            "securityContext": {"type": "object", "additionalProperties": False,
                                "required": ["allowPrivilegeEscalation"],
                                "properties": {
                                    "allowPrivilegeEscalation": {"const": False},
                                    "readOnlyRootFilesystem": {"type": "boolean"},
                                    "capabilities": {"type": "object"}}},
            "volumeMounts": {"type": "array", "items": {
                "type": "object", "required": ["name", "mountPath"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "mountPath": {"type": "string"}}}},
        },
    },
    "podSpec": {
        "type": "object", "required": ["containers", "securityContext"],
        "additionalProperties": False,
        "properties": {
            "containers": {"type": "array", "minItems": 1,
                           "items": {"$ref": "#/$defs/container"}},
            "restartPolicy": {"enum": ["Always", "OnFailure", "Never"]},
            "terminationGracePeriodSeconds": {"type": "integer", "minimum": 1},
            "automountServiceAccountToken": {"type": "boolean"},
            "securityContext": {"type": "object", "required": ["runAsNonRoot"],
                                "additionalProperties": False,
                                "properties": {"runAsNonRoot": {"const": True},
                                               "runAsUser": {"type": "integer", "minimum": 1},
                                               "runAsGroup": {"type": "integer", "minimum": 1},
                                               "fsGroup": {"type": "integer"},
                                               "seccompProfile": {"type": "object"}}},
            "volumes": {"type": "array", "items": {
                "type": "object", "required": ["name"], "minProperties": 2,
                "properties": {"name": {"type": "string"}, "emptyDir": {"type": "object"}},
                "additionalProperties": False}},
        },
    },
    "template": {"type": "object", "required": ["metadata", "spec"],
                 "additionalProperties": False,
                 "properties": {"metadata": {"type": "object", "required": ["labels"],
                                             "properties": {"labels": {"$ref": "#/$defs/labels"}}},
                                "spec": {"$ref": "#/$defs/podSpec"}}},
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "ConfigMap": _object("ConfigMap", "v1", data={"$ref": "#/$defs/strings"}),
    "Secret": _object("Secret", "v1", type={"const": "Opaque"},
                      stringData={"$ref": "#/$defs/strings"}),
    "Deployment": _object("Deployment", "apps/v1", {
        "type": "object", "required": ["replicas", "selector", "template", "strategy"],
        "additionalProperties": False,
        "properties": {
            "replicas": {"type": "integer", "minimum": 2},
            "selector": {"$ref": "#/$defs/selector"},
            "strategy": {"type": "object", "properties": {
                "type": {"const": "RollingUpdate"},
                "rollingUpdate": {"type": "object", "additionalProperties": False,
                                  "properties": {"maxSurge": {"type": ["integer", "string"]},
                                                 "maxUnavailable": {"const": 0}}}}},
            "template": {"$ref": "#/$defs/template"},
        },
    }),
    "Job": _object("Job", "batch/v1", {
        "type": "object", "required": ["template"], "additionalProperties": False,
        "properties": {"backoffLimit": {"type": "integer"},
                       "ttlSecondsAfterFinished": {"type": "integer"},
                       "template": {"$ref": "#/$defs/template"}},
    }),
    "Service": _object("Service", "v1", {
        "type": "object", "required": ["selector", "ports"], "additionalProperties": False,
        "properties": {
            "type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
            "selector": {"$ref": "#/$defs/labels"},
            "ports": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["port", "targetPort"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "port": {"type": "integer"},
                               "targetPort": {"type": ["integer", "string"]},
                               "protocol": {"const": "TCP"}}}},
        },
    }),
    "Ingress": _object("Ingress", "networking.k8s.io/v1", {
        "type": "object", "required": ["rules"], "additionalProperties": False,
        "properties": {
            "ingressClassName": {"type": "string"},
            "tls": {"type": "array", "items": {"type": "object",
                                               "required": ["hosts", "secretName"]}},
            "rules": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["host", "http"], "properties": {
                    "host": {"type": "string"},
                    "http": {"type": "object", "required": ["paths"], "properties": {
                        "paths": {"type": "array", "items": {
                            "type": "object", "required": ["path", "pathType", "backend"],
                            "properties": {
                                "pathType": {"enum": ["Prefix", "Exact",
                                                      "ImplementationSpecific"]},
                                "backend": {"type": "object", "required": ["service"],
                                            "properties": {"service": {
                                                "type": "object", "required": ["name", "port"],
                                            }}}}}}}}}}},
        },
    }),
    "HorizontalPodAutoscaler": _object("HorizontalPodAutoscaler", "autoscaling/v2", {
        "type": "object", "required": ["scaleTargetRef", "minReplicas", "maxReplicas"],
        "additionalProperties": False,
        "properties": {
            "scaleTargetRef": {"type": "object", "required": ["apiVersion", "kind", "name"]},
            "minReplicas": {"type": "integer", "minimum": 2},
            "maxReplicas": {"type": "integer", "minimum": 2},
            "metrics": {"type": "array", "items": {"type": "object", "required": ["type"]}},
            "behavior": {"type": "object"},
        },
    }),
    "PodDisruptionBudget": _object("PodDisruptionBudget", "policy/v1", {
        "type": "object", "required": ["selector"], "additionalProperties": False,
        "minProperties": 2, "maxProperties": 2,
        "properties": {"selector": {"$ref": "#/$defs/selector"},
                       "minAvailable": {"type": ["integer", "string"]},
                       "maxUnavailable": {"type": ["integer", "string"]}},
    }),
    "Kustomization": _object("Kustomization", "kustomize.config.k8s.io/v1beta1",
                             resources={"type": "array", "items": {"type": "string"}}),
}
# A Kustomization needs no name; every other kind does.
SCHEMAS["Kustomization"]["required"].remove("metadata")


@pytest.mark.parametrize(("source", "document"), manifests(),
                         ids=[f"{name}:{doc['kind']}" for name, doc in manifests()])
def test_k8s_manifest_validates_against_its_kind(source: str, document: dict[str, Any]) -> None:
    schema = SCHEMAS.get(document["kind"])
    assert schema is not None, f"{source}: no schema for kind {document['kind']}"

    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


def test_schemas_refuse_a_misspelt_field() -> None:
    deployment = manifest("Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    broken = {**deployment, "spec": {**deployment["spec"], "template": {
        **deployment["spec"]["template"], "spec": {
            **deployment["spec"]["template"]["spec"],
            "containers": [{**container, "readynessProbe": container["readinessProbe"]}]}}}}

    with pytest.raises(jsonschema.ValidationError, match="readynessProbe"):
        jsonschema.validate(broken, SCHEMAS["Deployment"])


def test_kustomization_lists_every_manifest_but_the_secret_and_the_job() -> None:
    listed = set(manifest("Kustomization")["resources"])
    on_disk = {path.name for path in K8S.glob("*.yaml")}

    assert listed == on_disk - {"kustomization.yaml", "secret.example.yaml", "migrate-job.yaml"}


def test_k8s_probes_point_at_healthz_and_readyz_with_a_served_host() -> None:
    container = manifest("Deployment")["spec"]["template"]["spec"]["containers"][0]
    public_host = manifest("ConfigMap")["data"]["ALLOWED_HOSTS"].split(",")[0]

    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        # Django answers 400 to a Host outside ALLOWED_HOSTS: the kubelet's own would be refused.
        assert container[probe]["httpGet"]["httpHeaders"] == [
            {"name": "Host", "value": public_host}], probe
    assert manifest("Ingress")["spec"]["rules"][0]["host"] == public_host


def test_k8s_grace_period_covers_the_pre_stop_the_drain_and_the_consumers_cleanup() -> None:
    pod = manifest("Deployment")["spec"]["template"]["spec"]
    pre_stop = pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
    drain = int(manifest("ConfigMap")["data"]["DRAIN_SECONDS"])

    assert pre_stop[0] == "sleep"
    assert DRAIN_MARGIN_SECONDS >= APPLICATION_CLOSE_TIMEOUT_SECONDS
    assert pod["terminationGracePeriodSeconds"] > (
        int(pre_stop[1]) + drain + DRAIN_MARGIN_SECONDS)


def test_compose_grace_period_covers_the_drain_and_the_consumers_cleanup() -> None:
    grace = compose()["services"]["app"]["stop_grace_period"]
    drain = int(env_file(DEPLOY / "env.example")["DRAIN_SECONDS"])

    assert re.fullmatch(r"\d+s", grace), grace
    assert int(grace[:-1]) > drain + DRAIN_MARGIN_SECONDS


def test_k8s_objects_select_the_deployments_pods() -> None:
    deployment = manifest("Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    service = manifest("Service")
    backend = manifest("Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    target = manifest("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]

    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["selector"].items() <= labels.items()
    assert manifest("PodDisruptionBudget")["spec"]["selector"]["matchLabels"].items() \
        <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]
    assert container["ports"][0]["containerPort"] == DEFAULT_PORT
    assert backend["name"] == service["metadata"]["name"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert manifest("HorizontalPodAutoscaler")["spec"]["minReplicas"] >= 2


def test_ingress_keeps_websockets_open() -> None:
    annotations = manifest("Ingress")["metadata"]["annotations"]

    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(annotations[f"nginx.ingress.kubernetes.io/{timeout}"]) >= 3600


def test_filled_in_env_file_is_never_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    env_files = compose()["services"]["app"]["env_file"]

    assert "deploy/virtualcite.env" in ignored
    assert all(name.endswith(":-virtualcite.env}") for name in env_files)


def test_nginx_image_re_resolves_the_replicas() -> None:
    image = compose()["services"]["nginx"]["image"]
    version = tuple(int(part) for part in image.split(":")[1].split("-")[0].split("."))

    # `server ... resolve` in an upstream is in open-source nginx from 1.27.3 on.
    assert any(" resolve " in f" {d} " for d in nginx_directives() if d.startswith("server app"))
    assert version >= (1, 27, 3)
