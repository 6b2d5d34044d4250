"""Failures of a state store, one class per failure.

The websocket layer maps them in one place: `StoreUnavailable` and `StoreBusy` become a
"try again" error frame, `StateCorrupt` is a bug or a bad deployment and is logged loudly.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every failure raised by a state store."""


class StoreUnavailable(StoreError):
    """The backing server stayed unreachable for longer than the store's retry budget."""


class StoreBusy(StoreError):
    """The store could not get exclusive access to the state within its deadline."""


class StateCorrupt(StoreError):
    """Stored data cannot be decoded into the current state type."""
