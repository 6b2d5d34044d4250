"""The Grafana dashboard and the Prometheus alert rules in deploy/ parse, and use only the
metrics the service exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import Counter, Gauge, Histogram

import chat.metrics
import virtualcite.realtime.metrics
from chat.metrics import DeskLoadCollector
from rooms.metrics import RoomLoadCollector

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
METRIC = re.compile(r"\bvirtualcite_[a-z_]+")


def exposed_names() -> set[str]:
    """Every metric family name the service exposes (counters with their `_total`)."""
    names = {family.name for collector in (DeskLoadCollector({}), RoomLoadCollector(()))
             for family in collector.collect()}
    for module in (chat.metrics, virtualcite.realtime.metrics):
        for value in vars(module).values():
            if isinstance(value, Counter | Gauge | Histogram):
                for family in value.describe():
                    names.update(sample_name for sample_name in (
                        family.name, family.name + "_total", family.name + "_bucket",
                        family.name + "_count", family.name + "_sum"))
    return names


def used_names(text: str) -> set[str]:
    return set(METRIC.findall(text))


def test_the_dashboard_is_json_with_panels_on_the_exposed_metrics() -> None:
    dashboard: dict[str, Any] = json.loads((DEPLOY / "grafana" / "virtualcite.json").read_text())
    assert dashboard["title"] and dashboard["panels"]
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert all(panel["title"] for panel in dashboard["panels"])
    assert used_names(" ".join(expressions)) <= exposed_names()
    assert {"virtualcite_pole_queue_length", "virtualcite_event_loop_lag_seconds",
            "virtualcite_store_mutation_seconds_bucket"} <= used_names(" ".join(expressions))


def test_every_alert_rule_parses_has_a_summary_and_uses_exposed_metrics() -> None:
    rules: dict[str, Any] = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    names = {alert["alert"] for alert in alerts}
    assert {"VirtualciteQueueGrowing", "VirtualciteLongestWaitOverTarget",
            "VirtualciteNobodyAvailable", "VirtualciteRedisErrors", "VirtualciteEventLoopLag",
            "VirtualciteHighFrameRejection"} <= names
    for alert in alerts:
        assert alert["annotations"]["summary"], alert["alert"]
        assert alert["labels"]["severity"] in {"info", "warning", "critical"}, alert["alert"]
        assert used_names(alert["expr"]) <= exposed_names(), alert["alert"]
        assert used_names(alert["expr"]), alert["alert"]
