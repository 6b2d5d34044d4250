"""The nginx the topology test runs is the shipped deploy/nginx.conf, edited only where a test
machine needs it (tests/nginx_server.py): nothing else may drift between the two."""

from __future__ import annotations

from pathlib import Path

from tests.nginx_server import SHIPPED, render


def test_the_rendered_config_differs_from_the_shipped_one_only_in_addresses_and_paths() -> None:
    shipped = SHIPPED.read_text().splitlines()
    rendered = render([8101, 8102], 8100, Path("/run/test-nginx")).splitlines()

    removed = {line.strip() for line in shipped} - {line.strip() for line in rendered}
    added = {line.strip() for line in rendered} - {line.strip() for line in shipped}

    assert removed == {"pid /tmp/nginx.pid;", "listen 80;",
                       "server app:8000 resolve max_fails=2 fail_timeout=10s;"}
    assert added == {
        "pid /run/test-nginx/nginx.pid;", "listen 127.0.0.1:8100;",
        "server 127.0.0.1:8101 max_fails=2 fail_timeout=10s;",
        "server 127.0.0.1:8102 max_fails=2 fail_timeout=10s;",
        "add_header X-Upstream $upstream_addr always;",
        *(f"{kind}_temp_path /run/test-nginx/{kind};"
          for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))}
