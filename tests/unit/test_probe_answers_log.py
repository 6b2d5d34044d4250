"""Django's error line for `/readyz` answered 503 is dropped; every other error line stays."""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response

from virtualcite.logs import ProbeAnswers


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(ProbeAnswers())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def logged(path: str, status: int) -> list[str]:
    """What Django's request logger, through the filter, keeps of one answer."""
    handler = Kept()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        log_response("%s: %s", "Answered", path, response=HttpResponse(status=status),
                     request=RequestFactory().get(path))
    finally:
        logger.removeHandler(handler)
    return [record.getMessage() for record in handler.records]


def test_a_not_ready_probe_answer_leaves_no_error_line() -> None:
    assert logged("/readyz", 503) == []


def test_other_server_errors_are_still_logged() -> None:
    assert logged("/fr/", 503) == ["Answered: /fr/"]
    assert logged("/readyz", 500) == ["Answered: /readyz"]
