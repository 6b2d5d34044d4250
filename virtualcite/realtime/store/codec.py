"""A generic codec between state dataclasses and JSON-compatible values.

Driven by `dataclasses.fields` and the type hints, so it keeps working when the core adds a
field: on decode, unknown keys are ignored and missing fields take their defaults, which is
what lets a new release load the state an older release wrote into Redis (and an older one
survive a rollback). Converters are compiled once per type (`functools.cache`), because the
Redis store encodes every entity on every mutation to find what changed.

Every converter builds new containers: an encoded value never shares a list or a dict with
the object it came from, so a snapshot cannot be corrupted by later in-place mutations.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Generic, TypeVar

from virtualcite.realtime.store.errors import StateCorrupt

S = TypeVar("S")
Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def _is_union(origin: Any) -> bool:
    return origin is typing.Union or origin is types.UnionType


@cache
def encoder_for(tp: Any) -> Converter:
    """Return a function turning a value of type `tp` into a JSON-compatible value."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any or tp in (str, int, float, bool, type(None)) or origin is typing.Literal:
        return _identity
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        # A StrEnum (or IntEnum) member already is a JSON string (number), equal to its
        # value: kept as is, it spares the `.value` lookup that dominated encoding time.
        return _identity if issubclass(tp, (str, int)) else _enum_value
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_encoder(tp)
    if _is_union(origin):
        return _union_converter(tp, args, encoder_for)
    if origin in (list, tuple, set, frozenset):
        item = encoder_for(args[0]) if args else _identity
        if origin in (set, frozenset):
            # Sorted so that equal sets encode equally: the Redis store diffs encoded values.
            return lambda value: sorted(item(x) for x in value)
        if item is _identity:
            return list
        return lambda value: [item(x) for x in value]
    if origin is dict:
        key, item = _key_encoder(args[0]), encoder_for(args[1])
        if key is _identity and item is _identity:
            return dict
        return lambda value: {key(k): item(v) for k, v in value.items()}
    raise TypeError(f"the state codec cannot encode values of type {tp!r}")


@cache
def decoder_for(tp: Any) -> Converter:
    """Return a function turning a JSON-compatible value back into a value of type `tp`."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any or tp in (str, int, bool, type(None)) or origin is typing.Literal:
        return _identity
    if tp is float:
        # JSON keeps 1.0 as 1.0, but a hand-written or older value may hold an int.
        return float
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if _is_union(origin):
        return _union_converter(tp, args, decoder_for)
    if origin in (list, tuple, set, frozenset):
        item = decoder_for(args[0]) if args else _identity
        container: Callable[[Any], Any] = origin
        if item is _identity:
            return container
        return lambda value: container(item(x) for x in value)
    if origin is dict:
        key, item = _key_decoder(args[0]), decoder_for(args[1])
        if key is _identity and item is _identity:
            return dict
        return lambda value: {key(k): item(v) for k, v in value.items()}
    raise TypeError(f"the state codec cannot decode values of type {tp!r}")


def _key_encoder(tp: Any) -> Converter:
    """JSON object keys are strings: an int key goes out through `str`."""
    if tp is int:
        return str
    return encoder_for(tp)


def _key_decoder(tp: Any) -> Converter:
    """JSON object keys are strings: an int key comes back through `int`."""
    if tp is int:
        return int
    return decoder_for(tp)


def _union_converter(tp: Any, args: tuple[Any, ...], make: Callable[[Any], Converter]) -> Converter:
    """`X | None` is converted as X except for None; other unions only of plain JSON types."""
    members = [arg for arg in args if arg is not type(None)]
    if len(members) == 1:
        convert = make(members[0])
        if convert is _identity:
            return _identity
        return lambda value: None if value is None else convert(value)
    if all(make(member) is _identity for member in members):
        return _identity
    raise TypeError(f"the state codec cannot tell the members of {tp!r} apart")


def _dataclass_encoder(cls: type) -> Converter:
    """Generate `def encode(obj): return {"a": obj.a, "b": _c1(obj.b), ...}` for `cls`.

    Generated like `dataclasses` generates `__init__`: measured 2.5 times faster than a loop
    over the fields (0.66 µs against 1.6 µs per ticket), and the Redis store and the memory
    store's change tracking encode every entity of the desk on every mutation.
    """
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {}
    items = []
    for index, field in enumerate(dataclasses.fields(cls)):
        if not field.name.isidentifier():
            raise TypeError(f"unexpected field name {field.name!r} in {cls!r}")
        convert = encoder_for(hints[field.name])
        if convert is _identity:
            items.append(f"{field.name!r}: obj.{field.name}")
        else:
            namespace[f"_c{index}"] = convert
            items.append(f"{field.name!r}: _c{index}(obj.{field.name})")
    source = "def encode(obj):\n    return {" + ", ".join(items) + "}\n"
    # Bandit B102 (exec): the source is built from this dataclass's own field names, each
    # checked to be an identifier above; no input reaches it.
    exec(source, namespace)  # nosec B102
    encode: Converter = namespace["encode"]
    return encode


def _dataclass_decoder(cls: type) -> Converter:
    hints = typing.get_type_hints(cls)
    fields = [
        (field.name, decoder_for(hints[field.name]), field.init)
        for field in dataclasses.fields(cls)
    ]

    def decode(data: Mapping[str, Any]) -> Any:
        # Missing keys are left out so the dataclass applies its defaults; unknown keys
        # (written by a newer release) are ignored.
        kwargs = {
            name: convert(data[name]) for name, convert, init in fields if init and name in data
        }
        obj = cls(**kwargs)
        for name, convert, init in fields:
            if not init and name in data:
                object.__setattr__(obj, name, convert(data[name]))
        return obj

    return decode


class Codec(Generic[S]):
    """Encode and decode one state class; decoding failures become `StateCorrupt`."""

    def __init__(self, cls: type[S]) -> None:
        self.cls = cls
        self._encode = encoder_for(typing.cast(Any, cls))
        self._decode = decoder_for(typing.cast(Any, cls))

    def encode(self, obj: S) -> dict[str, Any]:
        """Return `obj` as a JSON-compatible dict sharing no container with `obj`."""
        encoded: dict[str, Any] = self._encode(obj)
        return encoded

    def decode(self, data: Mapping[str, Any]) -> S:
        """Rebuild an object from `encode`'s output, defaults filling any missing field."""
        return typing.cast(S, decode_as(self._decode, data, self.cls))


def decode_as(convert: Converter, data: Any, tp: Any) -> Any:
    """Run a decoder, turning any failure into `StateCorrupt` naming the type."""
    try:
        return convert(data)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise StateCorrupt(f"stored data does not decode as {tp!r}: {error}") from error
