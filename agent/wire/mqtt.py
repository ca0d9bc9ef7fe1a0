"""MQTT topics and JSON payloads (docs/mqtt.md), checked with the same table as OSC.

A payload is one JSON object whose keys are the argument names of the matching OSC message in
patches/OSC.md (`{"beat": 0, "dur_beats": 4, "symbol": "Am7"}` for `/chord`), or a JSON array of such
objects (several messages in order). A message without arguments takes `{}` or an empty payload. A
variadic argument takes an array (`{"program": [33, 0]}` for `/agent/instruments`). Values go through
`agent.wire.osc.build`, the OSC decoder's own checks: JSON integers count as OSC `i`, other numbers as `f`,
strings as `s`, so range, type and finiteness errors read exactly as they do over OSC, naming the field.

Topics, with `P` the prefix (default `sideman`) and `NAME` the agent's name:

    P/NAME/in/<address>     controls for this agent: P/bass/in/chord, P/bass/in/transport/tempo, ...
    P/all/in/<address>      controls for every agent on the broker
    P/NAME/notes            what the agent plays: array of /note objects (id, beat, pitch, velocity, ...)
    P/NAME/cancel           array of /note/cancel objects ({"id": 7})
    P/NAME/allnotesoff      {}
    P/NAME/status           the /agent/status fields as an object (retained); {"state": "offline"} as will
    P/NAME/error            {"message": ..., } for each bad input (OSC or MQTT)

Also the messages another agent's notes arrive as (`EnsembleIn`) and the `Emit` signature every input
source feeds the input queue with. Pure module: no sockets.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import astuple, dataclass
from typing import Any

from agent.errors import OscError
from agent.wire.osc import (
    INBOUND,
    OUTBOUND,
    AllNotesOff,
    Arg,
    ErrorReply,
    InMessage,
    NoteCancel,
    NoteOut,
    OutMessage,
    Spec,
    Status,
    build,
    spec_of,
)

MAX_PAYLOAD_BYTES = 256 * 1024
MAX_ITEMS = 4096  # messages in one payload (a whole chord track fits)
ALL = "all"  # the agent name that addresses every agent
#: OSC addresses that mean nothing over MQTT, with the reason given to the sender.
NOT_OVER_MQTT = {"/agent/hello": "/agent/hello registers an OSC reply port; over MQTT, subscribe to the "
                                 "agent's topics instead"}


@dataclass(frozen=True, slots=True)
class Topics:
    """Every topic of one agent (see the module docstring)."""

    prefix: str
    name: str

    @property
    def notes(self) -> str:
        return f"{self.prefix}/{self.name}/notes"

    @property
    def cancel(self) -> str:
        return f"{self.prefix}/{self.name}/cancel"

    @property
    def allnotesoff(self) -> str:
        return f"{self.prefix}/{self.name}/allnotesoff"

    @property
    def status(self) -> str:
        return f"{self.prefix}/{self.name}/status"

    @property
    def error(self) -> str:
        return f"{self.prefix}/{self.name}/error"

    def subscriptions(self, ensemble: bool) -> list[str]:
        """Controls for this agent and for all; with `ensemble`, every agent's played notes."""
        own = [f"{self.prefix}/{self.name}/in/#", f"{self.prefix}/{ALL}/in/#"]
        heard = [f"{self.prefix}/+/{kind}" for kind in ("notes", "cancel", "allnotesoff")]
        return own + (heard if ensemble else [])


# ---- other agents' notes (agent.live.ensemble keeps them) -----------------------------------

@dataclass(frozen=True, slots=True)
class EnsembleNotes:
    """Notes another agent (`source`) will play, as it published them."""

    source: str
    notes: tuple[NoteOut, ...]



@dataclass(frozen=True, slots=True)
class EnsembleCancel:
    """Another agent withdrew these notes (its `/note/cancel`)."""

    source: str
    ids: tuple[int, ...]



@dataclass(frozen=True, slots=True)
class EnsembleSilence:
    """Another agent silenced everything (its `/agent/allnotesoff`): its notes still to come are dropped."""

    source: str



EnsembleIn = EnsembleNotes | EnsembleCancel | EnsembleSilence


Decoded = InMessage | EnsembleIn
#: What every input source (UDP, MQTT, MIDI ports, clock sources) hands the agent's input queue: a
#: decoded message, or the error decoding one, and the monotonic time it stands for.
Emit = Callable[[Decoded | OscError, float], None]


def decode(topics: Topics, topic: str, payload: bytes) -> tuple[list[Decoded], list[OscError]]:
    """The messages in one MQTT message, and the errors (each naming the topic and the field)."""
    levels = topic.split("/")
    if len(levels) < 3 or levels[0] != topics.prefix:
        return [], [OscError(f"mqtt {topic}: not a Sideman topic (see docs/mqtt.md)")]
    agent, kind = levels[1], "/".join(levels[2:])
    try:
        if len(levels) >= 4 and levels[2] == "in":
            return _controls(topic, "/" + "/".join(levels[3:]), payload)
        if agent == topics.name:  # our own notes, echoed by the broker
            return [], []
        return [_heard(topic, agent, kind, payload)], []
    except OscError as exc:
        return [], [exc]


def _controls(topic: str, address: str, payload: bytes) -> tuple[list[Decoded], list[OscError]]:
    if address not in INBOUND:
        raise OscError(f"mqtt {topic}: unknown control {address!r} (the OSC addresses of patches/OSC.md "
                       "after in/, e.g. in/chord, in/transport/tempo)")
    if address in NOT_OVER_MQTT:
        raise OscError(f"mqtt {topic}: {NOT_OVER_MQTT[address]}")
    spec = INBOUND[address][0]
    messages: list[Decoded] = []
    errors: list[OscError] = []
    for item in _items(topic, payload):
        try:
            messages.append(_message(topic, spec, item, INBOUND))
        except OscError as exc:
            errors.append(exc)
    return messages, errors


def _heard(topic: str, agent: str, kind: str, payload: bytes) -> EnsembleIn:
    """Another agent's notes, cancellations or all-notes-off (all or nothing: a part is one payload)."""
    if kind == "notes":
        spec = OUTBOUND["/note"][0]
        return EnsembleNotes(agent, tuple(_message(topic, spec, i, OUTBOUND) for i in _items(topic, payload)))
    if kind == "cancel":
        spec = OUTBOUND["/note/cancel"][0]
        cancels = [_message(topic, spec, i, OUTBOUND) for i in _items(topic, payload)]
        return EnsembleCancel(agent, tuple(c.id for c in cancels))
    if kind == "allnotesoff":
        return EnsembleSilence(agent)
    raise OscError(f"mqtt {topic}: unexpected topic (subscribed to notes, cancel and allnotesoff only)")


def _items(topic: str, payload: bytes) -> list[Any]:
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise OscError(f"mqtt {topic}: payload of {len(payload)} bytes, more than {MAX_PAYLOAD_BYTES}")
    try:
        text = payload.decode("utf-8")
        data = json.loads(text) if text.strip() else {}
    except (UnicodeDecodeError, ValueError) as exc:
        raise OscError(f"mqtt {topic}: payload is not JSON ({exc})") from exc
    items = data if isinstance(data, list) else [data]
    if len(items) > MAX_ITEMS:
        raise OscError(f"mqtt {topic}: {len(items)} messages in one payload, more than {MAX_ITEMS}")
    return items


def _message(topic: str, spec: Spec, item: Any, table: dict[str, tuple[Spec, type[Any]]]) -> Any:
    """One JSON object -> the typed message of `spec`, checked by agent.wire.osc.build."""
    where = f"mqtt {topic}"
    names = [arg.name for arg in spec.args]
    if not isinstance(item, dict):
        raise OscError(f"{where}: expected a JSON object with {_fields(names)}, got {json.dumps(item)[:80]}")
    unknown = sorted(set(item) - set(names))
    if unknown:
        raise OscError(f"{where}: unknown field {unknown[0]!r} (expected {_fields(names)})")
    missing = [name for name in names if name not in item]
    if missing:
        raise OscError(f"{where}: missing field {missing[0]!r} (expected {_fields(names)})")
    values = [item[name] for name in names]
    if spec.variadic:
        last = values.pop()
        values += last if isinstance(last, list) else [last]
    tags = "".join(_tag(where, spec.args[min(i, len(names) - 1)], v) for i, v in enumerate(values))
    try:
        return build(spec.address, tags, values, table)
    except OscError as exc:
        raise OscError(f"{where}: {exc}") from exc


def _fields(names: list[str]) -> str:
    return ", ".join(names) if names else "no fields ({})"


def _tag(where: str, arg: Arg, value: Any) -> str:
    """The OSC type a JSON value stands for; anything but numbers and text is an error naming the field."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        wanted = {"s": "text", "ifs": "a number or text"}.get(arg.kind, "a number")
        raise OscError(f"{where}: {arg.name} must be {wanted}, got {json.dumps(value)[:40]}")
    if isinstance(value, str):
        return "s"
    return "i" if isinstance(value, int) else "f"


# ---- out of the agent ----------------------------------------------------------------------------


def as_object(message: OutMessage | InMessage) -> dict[str, Any]:
    """A message as a JSON object keyed by its OSC argument names."""
    spec = spec_of(message)
    values = list(astuple(message))
    if spec.variadic:
        return {spec.args[0].name: list(values[0])}
    return {arg.name: _plain(v) for arg, v in zip(spec.args, values, strict=True)}


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def encode(topics: Topics, messages: list[OutMessage], extra_status: dict[str, Any] | None = None
           ) -> list[tuple[str, bytes, bool]]:
    """(topic, payload, retain) for what the agent sends, in order; consecutive notes (or cancels) share one
    payload, so a chunk of notes is one MQTT message."""
    runs: list[tuple[str, list[dict[str, Any]] | dict[str, Any], bool]] = []
    for message in messages:
        topic, item, retain = _topic_of(topics, message), as_object(message), isinstance(message, Status)
        if isinstance(message, (NoteOut, NoteCancel)):
            last = runs[-1] if runs else None
            if last is not None and last[0] == topic and isinstance(last[1], list):
                last[1].append(item)
            else:
                runs.append((topic, [item], False))
        elif isinstance(message, Status):
            runs.append((topic, item | {"name": topics.name} | (extra_status or {}), retain))
        else:
            runs.append((topic, item, retain))
    return [(topic, _dump(data), retain) for topic, data, retain in runs]


def _topic_of(topics: Topics, message: OutMessage) -> str:
    if isinstance(message, NoteOut):
        return topics.notes
    if isinstance(message, NoteCancel):
        return topics.cancel
    if isinstance(message, AllNotesOff):
        return topics.allnotesoff
    if isinstance(message, Status):
        return topics.status
    assert isinstance(message, ErrorReply), message
    return topics.error


def offline_status() -> bytes:
    """The retained status left on the broker when the agent goes away (its MQTT will)."""
    return _dump({"state": "offline"})


def _dump(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), allow_nan=False).encode()
