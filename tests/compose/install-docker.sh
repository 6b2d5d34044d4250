#!/usr/bin/env bash
# What tests/e2e/test_compose_stack.py needs, on Debian, as root (bash .ci/run calls it):
# Debian's docker.io (the daemon and a CLI) and debootstrap (the stand-in images' base), the
# compose plugin, and a running daemon. Each step is skipped when already there.
#
# The compose plugin: bookworm packages only the end-of-life docker-compose 1.x, which refuses
# the Compose Specification (deploy/compose.yaml's top-level `name`), so the plugin binary is
# taken from Debian's newer docker-compose package (trixie: Go, needs only libc >= 2.34), found
# in trixie's package index and checked against the SHA-256 the index gives.
set -euo pipefail

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PLUGINS=/usr/local/lib/docker/cli-plugins

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v xz >/dev/null || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-docker: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! docker compose version >/dev/null 2>&1; then
  work="$(mktemp -d)"
  trap 'rm -rf "${work}"' EXIT
  curl -fsSL "${MIRROR}/dists/trixie/main/binary-$(dpkg --print-architecture)/Packages.xz" \
    | xz -dc | awk '/^Package: docker-compose$/,/^$/' > "${work}/stanza"
  file="$(awk '/^Filename:/ {print $2}' "${work}/stanza")"
  sum="$(awk '/^SHA256:/ {print $2}' "${work}/stanza")"
  [ -n "${file}" ] && [ -n "${sum}" ] || { echo "install-docker: no docker-compose in trixie's index" >&2; exit 1; }
  echo "install-docker: the compose plugin from ${file}"
  curl -fsSL -o "${work}/compose.deb" "${MIRROR}/${file}"
  echo "${sum}  ${work}/compose.deb" | sha256sum --check --quiet
  dpkg-deb -x "${work}/compose.deb" "${work}/root"
  install -D -m 0755 "${work}/root/usr/libexec/docker/cli-plugins/docker-compose" \
    "${PLUGINS}/docker-compose"
  docker compose version
fi

if ! docker info >/dev/null 2>&1; then
  echo "install-docker: starting dockerd (its log: /var/log/virtualcite-dockerd.log)"
  nohup dockerd >/var/log/virtualcite-dockerd.log 2>&1 &
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "install-docker: dockerd did not start" >&2; tail -20 /var/log/virtualcite-dockerd.log >&2; exit 1; }
fi
