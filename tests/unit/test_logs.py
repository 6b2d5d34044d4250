"""No log line carries what a client sent, however a validation error reaches the log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from pydantic import TypeAdapter, ValidationError

from chat.frames import MessageIn, VisitorFrame
from virtualcite.logs import JsonFormatter, redact

CANARY = "canary-7f3a9e"
NESTED = "[" * 300 + "]" * 300  # beyond pydantic's JSON nesting limit

# Frames a client can send, the canary where each rendering of the error would quote it.
REFUSED_FRAMES = {
    "too long": json.dumps({"type": "message", "text": "x" * 3000 + CANARY}),
    "wrong type": json.dumps({"type": "message", "text": 5, "client_id": [CANARY]}),
    "unknown type": json.dumps({"type": CANARY}),
    "unknown key": json.dumps({"type": "message", "text": "a", CANARY: 1}),
    "not JSON": "{" + CANARY,
    "not an object": json.dumps([CANARY]),
    "nested": f'{{"text": "{CANARY}", "type": "message", "x": {NESTED}, "z": "{CANARY}"}}',
}


# The route's union without the frames' own `hide_input_in_errors`: errors that do quote the
# input, as any other pydantic model's would, for the formatter to withhold.
QUOTING_FRAMES: TypeAdapter[VisitorFrame] = TypeAdapter(VisitorFrame)


def refusal(frame: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        QUOTING_FRAMES.validate_json(frame)
    return caught.value


@pytest.fixture
def log_output() -> Iterator[tuple[logging.Logger, Callable[[], str]]]:
    """A logger writing through the project's formatter, and what it wrote so far."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.unit.test_logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield logger, stream.getvalue
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


@pytest.mark.parametrize("frame", REFUSED_FRAMES.values(), ids=REFUSED_FRAMES.keys())
def test_a_validation_error_never_brings_the_frame_into_the_log(
    log_output: tuple[logging.Logger, Callable[[], str]], frame: str
) -> None:
    logger, written = log_output
    error = refusal(frame)
    assert CANARY in str(error) or "json_invalid" in str(error)  # pydantic would quote it

    try:
        raise RuntimeError("a handler failed") from error
    except RuntimeError as crash:
        # How daphne reports an exception inside an application: message argument + traceback.
        logger.error("Exception inside application: %s", crash, exc_info=crash)
    logger.error("while validating: %s", error, exc_info=error)
    logger.error(f"pre-formatted: {error}")  # a careless call, made safe
    logger.error("details: %s", error.errors())
    logger.warning("refused", extra={"error": error, "details": str(error.errors())})

    lines = written().splitlines()
    assert len(lines) == 5
    assert all(CANARY not in line and "input_value" not in line for line in lines)
    assert frame[:20] not in written() and frame[-20:] not in written()  # the start and the end
    kind = error.errors()[0]["type"]
    assert all(kind in line for line in lines[1:4])  # the summary still says what was wrong


def test_a_chained_traceback_keeps_its_frames_and_types(
    log_output: tuple[logging.Logger, Callable[[], str]],
) -> None:
    logger, written = log_output
    try:
        try:
            QUOTING_FRAMES.validate_json(REFUSED_FRAMES["too long"])
        except ValidationError as error:
            raise KeyError("conversation") from error
    except KeyError:
        logger.exception("desk maintenance failed")

    exception = json.loads(written())["exception"]
    assert exception.count("Traceback (most recent call last):") == 2
    assert "direct cause of the following exception" in exception
    assert "test_logs.py" in exception  # where it happened stays
    assert "ValidationError: 1 validation error(s)" in exception and "string_too_long" in exception
    assert exception.rstrip().endswith("KeyError: 'conversation'")
    assert CANARY not in exception


def test_ordinary_log_lines_are_left_as_they_are(
    log_output: tuple[logging.Logger, Callable[[], str]],
) -> None:
    logger, written = log_output
    logger.info("websocket %s", "connected", extra={"path": "/ws/visitor/"})

    entry = json.loads(written())
    assert (entry["message"], entry["path"], entry["level"]) == (
        "websocket connected", "/ws/visitor/", "INFO")


def test_redaction_withholds_a_fake_end_marker_with_the_rest_of_the_value() -> None:
    crafted = f"input_value='{CANARY}, input_type=str] then {CANARY}', input_type=str]"
    assert CANARY not in redact(crafted)
    assert CANARY not in redact(f"{{'type': 'x', 'loc': ('{CANARY}',), 'input': '{CANARY}'}}")


def test_a_frame_model_hides_its_input_in_its_own_errors() -> None:
    with pytest.raises(ValidationError) as caught:
        MessageIn.model_validate_json(json.dumps({"type": "message", "text": "x" * 3000 + CANARY}))
    assert CANARY not in str(caught.value)
