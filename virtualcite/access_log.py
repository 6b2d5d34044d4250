"""Daphne's access log without client addresses (anonymity is in the charter)."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("virtualcite.access")


class AnonymousAccessLog:
    """Daphne `action_logger`: logs what was asked and how it went, never who asked."""

    def __call__(self, protocol: str, action: str, details: dict[str, Any]) -> None:
        if protocol == "http" and action == "complete":
            logger.info(
                "http request",
                extra={"method": details.get("method"), "path": details.get("path"),
                       "status": details.get("status"),
                       "duration_ms": round(1000 * float(details.get("time_taken", 0.0)), 1)},
            )
        elif protocol == "websocket" and action in {"connected", "disconnected", "rejected"}:
            logger.info("websocket " + action, extra={"path": details.get("path")})
