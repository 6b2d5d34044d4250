"""The desk's load collector and the offer counter, without I/O."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from chat.core import events as ev
from chat.core.model import DeskState
from chat.core.queries import PoleLoad
from chat.metrics import DeskLoadCollector, OfferMetrics


def load(pole: str, *, waiting: int = 0, longest_wait: float = 0.0, counsellors_online: int = 0,
         counsellors_available: int = 0, conversations: int = 0) -> PoleLoad:
    return PoleLoad(pole=pole, waiting=waiting, longest_wait=longest_wait,
                    counsellors_online=counsellors_online,
                    counsellors_available=counsellors_available, conversations=conversations,
                    estimate_seconds=None)


def exposed(collector: DeskLoadCollector) -> dict[tuple[str, str], float]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    text = generate_latest(registry).decode()
    return {(sample.name, sample.labels["pole"]): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_the_collector_exposes_each_poles_load_as_gauges_labelled_by_the_pole_only() -> None:
    samples = exposed(DeskLoadCollector({
        "find-a-job": load("find-a-job", waiting=3, longest_wait=125.5, counsellors_online=2,
                           counsellors_available=1, conversations=4),
        "find-training": load("find-training"),
    }, open_poles={"find-a-job"}))
    assert samples[("virtualcite_pole_queue_length", "find-a-job")] == 3
    assert samples[("virtualcite_pole_longest_wait_seconds", "find-a-job")] == 125.5
    assert samples[("virtualcite_pole_counsellors_online", "find-a-job")] == 2
    assert samples[("virtualcite_pole_counsellors_available", "find-a-job")] == 1
    assert samples[("virtualcite_pole_conversations", "find-a-job")] == 4
    assert samples[("virtualcite_pole_queue_length", "find-training")] == 0
    assert samples[("virtualcite_pole_open", "find-a-job")] == 1
    assert samples[("virtualcite_pole_open", "find-training")] == 0
    assert len(samples) == 12


def test_a_desk_without_poles_exposes_the_gauges_without_samples() -> None:
    assert exposed(DeskLoadCollector({})) == {}


async def test_offers_made_are_counted_by_pole_from_the_committed_events() -> None:
    handler = OfferMetrics()
    offer = ev.OfferMade(token="t" * 32, counsellor_id="7", pole="unit-pole", pseudonym="Ana",
                         expires_at=0.0, handover_note=None, transferred_from=None)
    def made() -> float:
        return REGISTRY.get_sample_value("virtualcite_offers_made_total",
                                         {"pole": "unit-pole"}) or 0.0

    before = made()
    captured = handler.capture("cite", DeskState(), [offer], 0.0)
    await handler.handle("cite", [offer], captured)
    assert made() == before + 1
