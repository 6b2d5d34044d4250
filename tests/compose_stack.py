"""The shipped compose stack (deploy/compose.yaml) run by Docker on this machine.

No registry is reachable here, so the images compose.yaml takes from Docker Hub (Python,
nginx, Redis, PostgreSQL) are replaced by stand-ins built from Debian's packages
(tests/compose/): a base debootstrapped from the Debian mirror and imported into Docker, then
one small image per service. `tests/compose/stand_ins.yaml` swaps only their names (and the
app's base, a build argument of deploy/Containerfile); every service, network, health check,
dependency, volume and setting is the shipped file's. Docker's cache makes every build after
the first one a no-op.

The stack needs a Docker daemon and the compose plugin: `.ci/run` installs and starts them
(Debian's docker.io, and the compose plugin from Debian's newer docker-compose package), and
`unavailable` says why a test is skipped without them.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.ws_client import login_cookie
from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
STAND_INS = ROOT / "tests" / "compose"
BASE_IMAGE = "virtualcite-test/debian:bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
SERVICES = ("python", "redis", "postgres", "nginx")
# Certificate authorities this machine adds to Debian's (a proxy's, say): the stand-ins trust
# them too, so that apt and pip inside a build reach the registries the host reaches.
LOCAL_AUTHORITIES = Path("/usr/local/share/ca-certificates")
BUILD_SECONDS = 900

# A counsellor account as a manager would make it in the admin: not a demo account, whose
# logins are refused with DEBUG off. Run inside an app container, Django set up.
CREATE_COUNSELLOR = """
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from virtualcite.models import PartnerInstitution, Pole, Role, StaffProfile
username, password = sys.argv[1:3]
user = get_user_model().objects.create_user(username, password=password)
user.groups.set([Group.objects.get(name=Role.COUNSELLOR.value)])
profile = StaffProfile.objects.create(user=user, display_name="Lou",
                                      institution=PartnerInstitution.objects.first())
profile.poles.set(Pole.objects.filter(slug="find-a-job"))
"""


def _run(*command: str, timeout: float = 120, check: bool = True,
         **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                            check=False, **kwargs)  # type: ignore[call-overload]
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}... exited {result.returncode}:\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result  # type: ignore[no-any-return]


def unavailable() -> str | None:
    """Why the stack cannot run here, or None when it can."""
    if shutil.which("docker") is None:
        return "no docker CLI: run `sudo apt-get install docker.io` (bash .ci/run does it)"
    if _run("docker", "info", check=False, timeout=30).returncode != 0:
        return "no Docker daemon answers: start it (`sudo dockerd &`; bash .ci/run does it)"
    if _run("docker", "compose", "version", check=False, timeout=30).returncode != 0:
        return "the docker CLI has no compose plugin (bash .ci/run installs Debian's)"
    if not _has_image(BASE_IMAGE) and shutil.which("debootstrap") is None:
        return "no debootstrap to build the stand-in images: `sudo apt-get install debootstrap`"
    return None


def _has_image(name: str) -> bool:
    return _run("docker", "image", "inspect", name, check=False, timeout=30).returncode == 0


def build_stand_ins() -> None:
    """The base (debootstrapped once), then each service's stand-in (cached by Docker)."""
    if not _has_image(BASE_IMAGE):
        with tempfile.TemporaryDirectory(prefix="virtualcite-rootfs-") as rootfs:
            _run("debootstrap", "--variant=minbase", "bookworm", rootfs, DEBIAN_MIRROR,
                 timeout=BUILD_SECONDS)
            authorities = Path(rootfs) / LOCAL_AUTHORITIES.relative_to("/")
            authorities.mkdir(parents=True, exist_ok=True)
            for authority in LOCAL_AUTHORITIES.glob("*.crt"):
                shutil.copy(authority, authorities / authority.name)
            tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
            try:
                _run("docker", "import", "-", BASE_IMAGE, stdin=tar.stdout, timeout=300)
            finally:
                assert tar.stdout is not None
                tar.stdout.close()
                tar.wait(timeout=60)
    for service in SERVICES:
        _run("docker", "build", "--quiet", "--file", str(STAND_INS / f"{service}.Containerfile"),
             "--tag", f"virtualcite-test/{service}:local", str(STAND_INS),
             timeout=BUILD_SECONDS)


def environment_file(directory: Path) -> tuple[Path, str]:
    """deploy/env.example filled in as the runbook says (Start, step 1): fresh secrets, the
    same database password in both places, `localhost` as the host name. Returns the file
    and the operator token."""
    text = (DEPLOY / "env.example").read_text()
    password = secrets.token_hex(24)
    token = secrets.token_urlsafe(32)
    filled = {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": password,
              "OPERATOR_TOKEN": token, "ALLOWED_HOSTS": "localhost"}
    for name, value in filled.items():
        text, count = re.subn(rf"^{name}=.*$", f"{name}={value}", text, flags=re.MULTILINE)
        assert count == 1, f"deploy/env.example has no single {name}= line"
    text = text.replace("virtualcite:CHANGE-ME@", f"virtualcite:{password}@")
    assert "CHANGE-ME@" not in text
    path = directory / "virtualcite.env"
    path.write_text(text)
    return path, token


@dataclass
class ComposeStack:
    """One project of deploy/compose.yaml over the stand-ins, on a free host port."""

    project: str
    port: int
    env_file: Path
    operator_token: str
    # deploy/compose.yaml, then these files of deploy/ over it (compose.sentinel.yaml), each
    # with its stand-ins file.
    overlays: tuple[str, ...] = ()

    def files(self) -> list[str]:
        names = ["compose.yaml", *self.overlays]
        stand_ins = ["stand_ins.yaml", *(f"stand_ins.{name.removeprefix('compose.')}"
                                         for name in self.overlays)]
        return [argument for deployed, stand_in in zip(names, stand_ins, strict=True)
                for argument in ("--file", str(DEPLOY / deployed),
                                 "--file", str(STAND_INS / stand_in))]

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://localhost:{self.port}"

    @staticmethod
    def docker(*arguments: str, timeout: float = 120) -> str:
        """A plain docker command (inspect, kill, stop) on one of the stack's containers."""
        return _run("docker", *arguments, timeout=timeout).stdout

    def compose(self, *arguments: str, timeout: float = 120,
                check: bool = True) -> subprocess.CompletedProcess[str]:
        return _run("docker", "compose", "--project-name", self.project, *self.files(),
                    *arguments,
                    timeout=timeout, check=check,
                    env={"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                         "HOME": str(Path.home()),
                         "VIRTUALCITE_ENV_FILE": str(self.env_file),
                         "VIRTUALCITE_HTTP_PORT": str(self.port)})

    def up(self) -> None:
        """The runbook's `up -d --build`, waiting until every service is healthy."""
        self.compose("up", "--detach", "--build", "--wait", "--wait-timeout", "300",
                     timeout=BUILD_SECONDS)

    def restore(self) -> None:
        """Every service running and healthy again (after a test killed or stopped some)."""
        self.compose("up", "--detach", "--wait", "--wait-timeout", "300", timeout=400)

    def containers(self, *services: str, stopped: bool = False) -> list[str]:
        """The running (or all) containers of `services`, by name, in a stable order."""
        listed = self.compose("ps", *(["--all"] if stopped else []), "--format", "json",
                              *services).stdout
        rows = [json.loads(line) for line in listed.splitlines() if line.strip()]
        return sorted(row["Name"] for row in rows)

    @staticmethod
    def inspect(container: str) -> dict[str, Any]:
        inspected: list[dict[str, Any]] = json.loads(ComposeStack.docker("inspect", container))
        return inspected[0]

    def counsellor_cookie(self) -> str:
        """A new counsellor of `find-a-job`, made as a manager would (not a demo account, whose
        logins are refused with DEBUG off), logged in through nginx: their Cookie header."""
        username, password = f"lou-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
        self.exec("app", "python", "-c", CREATE_COUNSELLOR, username, password)
        return login_cookie(self.url, username, password)

    def exec(self, service: str, *command: str, timeout: float = 120) -> str:
        return self.compose("exec", "-T", service, *command, timeout=timeout).stdout

    def logs(self) -> str:
        return self.compose("logs", "--no-color", "--no-log-prefix", timeout=60).stdout

    def down(self) -> None:
        self.compose("down", "--volumes", "--remove-orphans", "--timeout", "5",
                     timeout=180, check=False)


PROJECT_PREFIX = "virtualcite-test-"


def remove_leftovers() -> None:
    """Take down what an interrupted run left (containers, the network, the volume): the
    network's fixed range would make the next `up` fail."""
    labels = _run("docker", "ps", "--all", "--format",
                  '{{.Label "com.docker.compose.project"}}').stdout.split()
    networks = _run("docker", "network", "ls", "--format",
                    '{{.Label "com.docker.compose.project"}}').stdout.split()
    for project in sorted({*labels, *networks}):
        if project.startswith(PROJECT_PREFIX):
            _run("docker", "compose", "--project-name", project, "down", "--volumes",
                 "--remove-orphans", "--timeout", "1", timeout=180, check=False)


@contextlib.contextmanager
def compose_stack(directory: Path, overlays: tuple[str, ...] = ()) -> Iterator[ComposeStack]:
    """The stand-ins built, the stack up and healthy; taken down with its volume afterwards.
    One at a time: compose.yaml fixes its network's range."""
    remove_leftovers()
    build_stand_ins()
    env_file, token = environment_file(directory)
    stack = ComposeStack(project=f"{PROJECT_PREFIX}{secrets.token_hex(3)}", port=free_port(),
                         env_file=env_file, operator_token=token, overlays=overlays)
    try:
        stack.up()
        yield stack
    finally:
        stack.down()
