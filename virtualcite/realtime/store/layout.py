"""A state seen as named entries, and a mirror of the last committed state.

A desk state is mostly a few big dicts (tickets, counsellors, conversations) whose items change
one or two at a time. Splitting it into one entry per item (`tickets:<token>`) plus one entry
per other top-level field (`institution_day`) lets a store write only what a mutation changed
and decode only what another process changed. The split is derived from the state class's
type hints, so it needs no list of entities and serves any state class (the rooms' too).

Entry names: `<field>:<key>` for an item of a top-level dict field, `<field>` for any other
top-level field. Field names are identifiers, so the first `:` tells the two apart.
"""

from __future__ import annotations

import copy
import dataclasses
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from typing import Any, Generic, TypeVar

from virtualcite.realtime.store.codec import Converter, decode_as, decoder_for, encoder_for

S = TypeVar("S")
_ABSENT = object()


@dataclasses.dataclass(slots=True)
class Changes:
    """What differs between a state and the last committed entries."""

    changed: dict[str, Any] = dataclasses.field(default_factory=dict)  # name -> encoded value
    removed: list[str] = dataclasses.field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)

    def names(self) -> Iterator[str]:
        yield from self.changed
        yield from self.removed


@dataclasses.dataclass(frozen=True, slots=True)
class _SplitField:
    name: str
    encode_key: Converter
    decode_key: Converter
    encode: Converter
    decode: Converter


@dataclasses.dataclass(frozen=True, slots=True)
class _WholeField:
    name: str
    encode: Converter
    decode: Converter


class Layout(Generic[S]):
    """How one state class splits into entries, and how entries go back into a state."""

    def __init__(self, cls: type[S], state_factory: Callable[[], S]) -> None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"a stored state must be a dataclass, not {cls!r}")
        self.cls = cls
        self._factory = state_factory
        hints = typing.get_type_hints(cls)
        self._split: dict[str, _SplitField] = {}
        self._whole: dict[str, _WholeField] = {}
        for field in dataclasses.fields(cls):
            tp = hints[field.name]
            if typing.get_origin(tp) is dict:
                key_type, value_type = typing.get_args(tp)
                self._split[field.name] = _SplitField(
                    field.name,
                    _key_to_name(key_type),
                    _name_to_key(key_type),
                    encoder_for(value_type),
                    decoder_for(value_type),
                )
            else:
                self._whole[field.name] = _WholeField(
                    field.name, encoder_for(tp), decoder_for(tp)
                )

    def entries(self, state: S) -> Iterator[tuple[str, Any]]:
        """Yield every entry of `state` as (name, encoded value)."""
        for split in self._split.values():
            encode, encode_key, prefix = split.encode, split.encode_key, split.name + ":"
            for key, value in getattr(state, split.name).items():
                yield prefix + encode_key(key), encode(value)
        yield from self.whole_entries(state)

    def split_item(self, name: str) -> tuple[_SplitField, Any] | None:
        """The dict field and key an entry name stands for, or None for a whole field."""
        field_name, _, key = name.partition(":")
        split = self._split.get(field_name)
        if not key or split is None:
            return None
        return split, split.decode_key(key)

    @property
    def splits(self) -> Iterable[_SplitField]:
        """The top-level dict fields, stored one entry per item."""
        return self._split.values()

    def whole_entries(self, state: S) -> Iterator[tuple[str, Any]]:
        """Yield the entries of the top-level fields stored whole."""
        for whole in self._whole.values():
            yield whole.name, whole.encode(getattr(state, whole.name))

    def build(self, entries: Mapping[str, Any]) -> S:
        """A new state from entries; whole fields absent from `entries` keep the factory's value."""
        state = self._factory()
        for split in self._split.values():
            setattr(state, split.name, {})
        self.apply(state, Changes(dict(entries)))
        return state

    def apply(self, state: S, changes: Changes) -> None:
        """Write decoded `changes` into `state` in place."""
        for name, value in changes.changed.items():
            found = self.split_item(name)
            if found is not None:
                split, key = found
                getattr(state, split.name)[key] = decode_as(split.decode, value, name)
            elif (whole := self._whole.get(name)) is not None:
                setattr(state, name, decode_as(whole.decode, value, name))
            # Entries of fields this release does not know (written by a newer one) are ignored.
        for name in changes.removed:
            found = self.split_item(name)
            if found is not None:
                getattr(state, found[0].name).pop(found[1], None)


def _key_to_name(key_type: Any) -> Converter:
    if key_type is str or (isinstance(key_type, type) and issubclass(key_type, StrEnum)):
        # Already a str: `prefix + key` needs no conversion (a StrEnum adds as its value).
        return _same
    encode = encoder_for(key_type)
    return lambda key: str(encode(key))


def _same(key: Any) -> Any:
    return key


def _name_to_key(key_type: Any) -> Converter:
    if key_type is int:
        return int
    return decoder_for(key_type)


class Mirror(Generic[S]):
    """The last committed state, kept apart from the working state, and read snapshots.

    Both stores keep one: it finds what a mutation changed (the Redis store writes only that),
    puts back what a failed mutation touched, and gives readers a decoded copy that shares
    nothing with the working state.

    It holds the committed entries twice: encoded (what Redis holds, the source for restores
    and snapshots) and, for the items of dict fields, as private decoded copies. The copies
    make `diff` cheap: an unchanged entity costs one dataclass `==` (0.32 µs for a ticket)
    instead of an encoding and a dict comparison (0.67 µs); only changed entities are encoded.
    """

    def __init__(self, layout: Layout[S]) -> None:
        self.layout = layout
        self.entries: dict[str, Any] = {}
        self._copies: dict[str, dict[Any, Any]] = {split.name: {} for split in layout.splits}
        self._snapshot: S | None = None
        self._stale: set[str] = set()  # names changed since the snapshot was built

    def diff(self, state: S) -> Changes:
        """Compare `state` with the committed state: one `==` per entity, the hot cost."""
        changes = Changes()
        changed, removed = changes.changed, changes.removed
        for split in self.layout.splits:
            current: dict[Any, Any] = getattr(state, split.name)
            copies = self._copies[split.name]
            encode, encode_key, prefix = split.encode, split.encode_key, split.name + ":"
            for key, item in current.items():
                if copies.get(key, _ABSENT) != item:
                    changed[prefix + encode_key(key)] = encode(item)
            if len(copies) + len(changed) > len(current):  # cheap test: something may be gone
                removed += [prefix + encode_key(key) for key in copies.keys() - current.keys()]
        entries = self.entries
        for name, value in self.layout.whole_entries(state):
            if entries.get(name, _ABSENT) != value:
                changed[name] = value
        return changes

    def commit(self, changes: Changes) -> None:
        """Record `changes` as committed."""
        self.entries.update(changes.changed)
        for name in changes.removed:
            self.entries.pop(name, None)
        for name, value in changes.changed.items():
            found = self.layout.split_item(name)
            if found is not None:
                split, key = found
                self._copies[split.name][key] = decode_as(split.decode, value, name)
        for name in changes.removed:
            found = self.layout.split_item(name)
            if found is not None:
                self._copies[found[0].name].pop(found[1], None)
        self._stale.update(changes.names())

    def revert(self, state: S, changes: Changes) -> None:
        """Put back into `state` the committed value of every entry named in `changes`."""
        self._restore(state, changes.names())

    def _restore(self, state: S, names: Iterable[str]) -> None:
        restore = Changes()
        for name in names:
            if name in self.entries:
                restore.changed[name] = self.entries[name]
            else:
                restore.removed.append(name)
        self.layout.apply(state, restore)

    def reset(self, entries: dict[str, Any]) -> None:
        """Replace the committed entries wholesale (the first load)."""
        self.entries = {}
        self._copies = {split.name: {} for split in self.layout.splits}
        self.commit(Changes(entries))
        self._snapshot = None
        self._stale.clear()

    def snapshot(self) -> S:
        """A decoded copy of the committed state, shared by readers until the next change.

        Built once, then evolved: a new snapshot copies the previous one's dicts (pointer
        copies) and decodes only the entries changed since, so a read after each mutation
        costs far less than decoding the whole desk.
        """
        if self._snapshot is None:
            self._snapshot = self.layout.build(self.entries)
        elif self._stale:
            snapshot = copy.copy(self._snapshot)
            for field_name in {name.partition(":")[0] for name in self._stale}:
                value = getattr(snapshot, field_name, None)
                if isinstance(value, dict):
                    setattr(snapshot, field_name, dict(value))
            self._restore(snapshot, self._stale)
            self._snapshot = snapshot
        self._stale.clear()
        return self._snapshot

