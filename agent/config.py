"""Typed runtime configuration: frozen dataclasses loaded once from `config.yaml`.

Every field carries its unit and allowed range: a musician's knob (temperature, delta1, parts, a part's
octave, ...) is a `Setting` of agent/settings.py, shared with `/agent/set` and the CLI (`_s(name)` takes
its default and check from there); any other field keeps its range in its metadata (`_f(default, lo,
hi)`). The loader checks types and ranges and names the offending key (`timing.lead_ms: expected a finite
number, got 'soon'`). Unknown keys are errors too, so a typo never silently falls back to a default.
Command-line overrides (`--set timing.lead_ms=120`) go through the same checks.

Pure module: no sockets, no torch.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agent.errors import ConfigError
from agent.settings import PART_SETTINGS, SETTINGS, TEMPO_BPM, Range, Setting, SettingError

#: The config file shipped at the top of the repository (used when `--config` is not given).
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "config.yaml"

#: Where song position and tempo come from (config `clock.source`, `sideman run --clock`).
CLOCK_SOURCES: tuple[str, ...] = ("osc", "link", "internal")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _f(default: Any, lo: float | None = None, hi: float | None = None) -> Any:
    """A dataclass field with an allowed range [lo, hi] kept in its metadata."""
    return field(default=default, metadata={} if lo is None or hi is None else {"range": Range(lo, hi)})


def _s(setting: Setting) -> Any:
    """The field of a musician's knob: default and check from its Setting (agent/settings.py)."""
    return field(default=setting.default, metadata={"setting": setting})


@dataclass(frozen=True, slots=True)
class NetConfig:
    """Where the agent listens and where it sends (OSC over UDP)."""

    listen_host: str = "127.0.0.1"  # interface to bind; another one only by explicit configuration
    listen_port: int = _f(9000, 0, 65535)  # 0 = any free port (tests)
    send_host: str = "127.0.0.1"
    send_port: int = _f(9001, 1, 65535)
    max_reply_targets: int = _f(8, 1, 64)  # ports registered with /agent/hello kept, oldest evicted
    recv_buffer_bytes: int = _f(4 * 1024 * 1024, 65536, 64 * 1024 * 1024)  # socket receive buffer


@dataclass(frozen=True, slots=True)
class TimingConfig:
    """The runtime's timing, the one timing type of the live path (agent/live/scheduler.py owns it;
    `/agent/set` changes the four knobs among it). A checkpoint records a different thing, what the model
    was trained to hear (`agent.model.anticipation.TimingSettings`: delta1, the human delays); this
    timing must fit inside that one (`agent.model.live.timing_problem`, `agent.live.timing.plan`)."""

    delta1_beats: float = _s(SETTINGS["delta1"])  # how far ahead chords are shown to the generator
    delta2_beats: float = _s(SETTINGS["delta2"])  # chunk length; 0 = chosen per tempo to meet reaction_ms
    lead_ms: float = _s(SETTINGS["lead_ms"])  # a chunk is asked for this long before it starts (compute time)
    reaction_ms: float = _s(SETTINGS["reaction_ms"])  # the longest a human note may wait to be heard
    safety_ms: float = _f(40.0, 1.0, 2000.0)  # a chunk's notes are sent at least this long before it starts
    preroll_beats: float = _f(1.0, 0.0, 8.0)  # while stopped, this much is generated and sent before play
    default_tempo_bpm: float = _f(120.0, TEMPO_BPM.lo, TEMPO_BPM.hi)  # until the DAW sends /transport/tempo
    jump_threshold_beats: float = _f(0.5, 0.01, 64.0)  # playhead error beyond this is a seek/loop
    drift_time_constant_s: float = _f(0.1, 0.001, 10.0)  # small playhead errors are corrected with this time constant
    history_beats: float = _f(32.0, 1.0, 1024.0)  # recent human/own notes shown to the generator
    playhead_timeout_s: float = _f(1.0, 0.1, 60.0)  # no /playhead this long while playing: planning pauses


@dataclass(frozen=True, slots=True)
class SamplingConfig:
    """Initial sampling knobs (changed live with /agent/set)."""

    temperature: float = _s(SETTINGS["temperature"])
    top_p: float = _s(SETTINGS["top_p"])
    guidance: float = _s(SETTINGS["guidance"])  # chord-tone logit bonus in nats; <0 plays outside
    seed: int | None = _s(SETTINGS["seed"])
    # how busy every part plays, 0..1; -1 = the model's own choice, which on a plain lead sheet is the
    # sparse block-chord comping of the Nottingham half of the data (1.2-1.9 notes a beat): 0.6 asks for
    # the density of a pop accompaniment (2-3.5 notes a beat for comp and bass, `sideman bench --feel`)
    activity: float = _s(SETTINGS["activity"])
    style: str = _s(SETTINGS["style"])  # pop, folk or auto (the model's guess)
    control_guidance: float = _s(SETTINGS["control_guidance"])  # how firmly activity and style are followed


@dataclass(frozen=True, slots=True)
class PartOutput:
    """How one agent part reaches the DAW: General MIDI program and MIDI channel (1-16)."""

    program: int = _f(0, 0, 127)
    channel: int = _f(2, 1, 16)
    octave: int = _s(PART_SETTINGS["octave"])  # register: played this many octaves up (down if negative)
    velocity_scale: float = _s(PART_SETTINGS["velocity"])  # dynamics: velocities scaled by this (kept in 1..127)
    activity: float = _s(PART_SETTINGS["activity"])  # this part's activity 0..1; -1 = follow sampling.activity


@dataclass(frozen=True, slots=True)
class PartsConfig:
    """Which parts the agent plays at start, and each part's program and channel."""

    play: tuple[str, ...] = _s(SETTINGS["parts"])  # subset of lead, counter, comp, bass
    human_channel: int = _f(1, 1, 16)  # the channel the human plays on (for the demo's MIDI file)
    lead: PartOutput = PartOutput(program=65, channel=4)  # alto sax
    counter: PartOutput = PartOutput(program=48, channel=5)  # string ensemble
    comp: PartOutput = PartOutput(program=0, channel=2)  # acoustic grand piano
    bass: PartOutput = PartOutput(program=33, channel=3)  # electric bass (finger)

    def output(self, name: str) -> PartOutput:
        """The program and channel of the part called `name` (one of PART_NAMES)."""
        return typing.cast(PartOutput, getattr(self, name))


@dataclass(frozen=True, slots=True)
class RuntimeConfig:
    """Capacities and rates of the running agent; all bounded so a long set never grows memory."""

    queue_size: int = _f(4096, 16, 1_000_000)  # decoded input messages waiting; beyond it drops are counted
    human_capacity: int = _f(512, 16, 65536)  # human notes kept
    own_capacity: int = _f(512, 16, 65536)  # the agent's sent notes kept
    chord_capacity: int = _f(1024, 16, 65536)  # chord spans kept
    status_interval_s: float = _f(1.0, 0.05, 60.0)  # /agent/status heartbeat period
    error_replies_per_s: float = _f(20.0, 0.1, 10000.0)  # /agent/error replies and error logs, burst 2x
    max_note_beats: float = _f(16.0, 0.125, 256.0)  # longer generated notes are shortened to this
    shutdown_timeout_s: float = _f(2.0, 0.1, 60.0)  # wait this long for the worker at shutdown


@dataclass(frozen=True, slots=True)
class MqttConfig:
    """The optional MQTT bridge (docs/mqtt.md): publish what the agent plays, take controls and other agents' parts."""

    enabled: bool = False  # off unless asked for (`sideman run --mqtt HOST:PORT`)
    host: str = "127.0.0.1"  # the broker
    port: int = _f(1883, 1, 65535)
    name: str = "sideman"  # this agent's name in its topics; letters, digits, '-' and '_', not "all"
    topic_prefix: str = "sideman"  # first level of every topic
    username: str | None = None
    password: str | None = None
    tls: bool = False  # connect with TLS (the broker's port is then usually 8883)
    tls_ca_file: str | None = None  # CA certificates to trust (None: the system's)
    tls_cert_file: str | None = None  # client certificate, for brokers that require one
    tls_key_file: str | None = None
    tls_insecure: bool = False  # skip the host name check (self-signed test brokers only)
    qos: int = _f(0, 0, 2)  # MQTT quality of service of publications and subscriptions
    keepalive_s: int = _f(10, 2, 3600)  # ping period; a dead broker is noticed within about 1.5x this
    ensemble: bool = True  # hear the other agents' notes (topic `<prefix>/+/notes`) as context
    publish_queue_size: int = _f(1024, 16, 1_000_000)  # messages waiting for the broker; beyond it drops are counted
    reconnect_min_s: float = _f(0.2, 0.01, 60.0)  # first retry after the broker went away; doubles per failure
    reconnect_max_s: float = _f(5.0, 0.05, 600.0)  # longest wait between retries


@dataclass(frozen=True, slots=True)
class MidiConfig:
    """MIDI ports besides OSC: the human's notes from an input port, the agent's notes to an output port."""

    input_port: str | None = None  # port name (needs the `midi` extra, python-rtmidi); "virtual:NAME" creates one
    output_port: str | None = None
    input_channel: int = _f(0, 0, 16)  # take notes from this channel only, 1..16; 0 = every channel
    output_latency_ms: float = _f(0.0, 0.0, 500.0)  # send this much early, for a synth's own output latency


@dataclass(frozen=True, slots=True)
class RecordConfig:
    """Recording each take (play to stop) as a MIDI file: the human, the chords and the agent's parts."""

    folder: str | None = None  # where takes are written; None = no recording (`sideman run --record DIR`)
    flush_interval_s: float = _f(10.0, 0.5, 3600.0)  # the take in progress is rewritten this often (crash safety)
    max_take_notes: int = _f(200_000, 100, 10_000_000)  # a longer take continues in a new file


@dataclass(frozen=True, slots=True)
class ClockSourceConfig:
    """Where song position and tempo come from: the patch's /playhead, an Ableton Link session, or free running."""

    source: str = "osc"  # osc (the patch's /playhead), link (Ableton Link; `link` extra, GPL), internal
    report_interval_s: float = _f(0.02, 0.005, 0.5)  # link/internal: how often the position is read
    link_quantum_beats: float = _f(4.0, 1.0, 64.0)  # link: beats per phase cycle shared with the session
    link_start_stop: bool = False  # link: follow the session's play/stop (start/stop sync); false = always playing


@dataclass(frozen=True, slots=True)
class Config:
    """Everything `sideman run` needs. `model_path` None means the fallback generator only."""

    model_path: str | None = "default"  # "default" = the shipped model; agent/model/paths.py resolves it
    net: NetConfig = NetConfig()
    timing: TimingConfig = TimingConfig()
    sampling: SamplingConfig = SamplingConfig()
    parts: PartsConfig = PartsConfig()
    runtime: RuntimeConfig = RuntimeConfig()
    mqtt: MqttConfig = MqttConfig()
    midi: MidiConfig = MidiConfig()
    record: RecordConfig = RecordConfig()
    clock: ClockSourceConfig = ClockSourceConfig()


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _check(key: str, value: Any, meta: typing.Mapping[str, Any]) -> Any:
    """`value` checked against the field's Setting or Range (ConfigError naming `key`), normalised."""
    try:
        if "setting" in meta:
            return meta["setting"].check(value)
        if "range" in meta:
            meta["range"].check(value, whole=isinstance(value, int))
    except SettingError as exc:
        raise ConfigError(f"{key}: {exc}") from exc
    return value


def _convert(key: str, tp: Any, value: Any, meta: typing.Mapping[str, Any]) -> Any:
    """Check `value` against the annotated type `tp` (and range) and return it in that type."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return _check(key, None, meta)
        inner = [t for t in options if t is not type(None)]
        return _convert(key, inner[0], value, meta)
    if _is_dataclass_type(tp):  # mappings are merged by _merge; anything else is wrong here
        raise ConfigError(f"{key}: expected a mapping of {tp.__name__} settings, got {value!r}")
    if origin is tuple:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        items = tuple(_convert(f"{key}[{i}]", typing.get_args(tp)[0], v, {}) for i, v in enumerate(value))
        return _check(key, items, meta)
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected an integer, got {value!r}")
        return _check(key, value, meta)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(f"{key}: expected a finite number, got {value!r}")
        return _check(key, float(value), meta)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return _check(key, value, meta)
    raise ConfigError(f"{key}: unsupported setting type {tp!r}")  # a bug in this module, named


def _validate(config: Any, prefix: str) -> None:
    """Cross-field checks that a single field's range cannot express."""
    if isinstance(config, MqttConfig):
        if not _NAME.fullmatch(config.name) or config.name == "all":
            raise ConfigError(f"{prefix}.name: {config.name!r} is not a usable agent name (letters, digits, '-' "
                              "and '_', at most 64, and not 'all')")
        if not config.topic_prefix or any(c in config.topic_prefix for c in "+#"):
            raise ConfigError(f"{prefix}.topic_prefix: {config.topic_prefix!r} must be non-empty, without + or #")
        if config.reconnect_max_s < config.reconnect_min_s:
            raise ConfigError(f"{prefix}.reconnect_max_s: {config.reconnect_max_s} is below reconnect_min_s")
    if isinstance(config, ClockSourceConfig) and config.source not in CLOCK_SOURCES:
        raise ConfigError(f"{prefix}.source: unknown clock source {config.source!r} "
                          f"(known: {', '.join(CLOCK_SOURCES)})")


def load_config(path: Path | None = None) -> Config:
    """Read `path` (default: the repository's config.yaml; built-in defaults if it is missing)."""
    if path is None:
        if not DEFAULT_CONFIG_PATH.exists():
            return Config()
        path = DEFAULT_CONFIG_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read it ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path}: not valid YAML ({exc})") from exc
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: expected a mapping of settings at the top level")
    return typing.cast(Config, _merge(Config(), data, ""))


def parse_override(text: str) -> tuple[str, Any]:
    """Split `section.key=value` and read the value as YAML (`1.5`, `null`, `[comp, bass]`)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override {text!r}: expected section.key=value, e.g. timing.lead_ms=120")
    try:
        return key.strip(), yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ConfigError(f"override {text!r}: cannot read the value ({exc})") from exc


def override(config: Config, key: str, value: Any) -> Config:
    """A copy of `config` with the dotted `key` set to `value`, checked like the config file."""
    parts = key.split(".")
    data: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        data = {part: data}
    return typing.cast(Config, _merge(config, data, ""))


def _merge(obj: Any, data: dict[str, Any], prefix: str) -> Any:
    """A copy of dataclass `obj` with the settings in `data` checked and applied (nested mappings merge)."""
    hints = typing.get_type_hints(type(obj))
    fields = {f.name: f for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}.{name}" if prefix else name
        if name not in fields:
            raise ConfigError(f"{key}: unknown setting (known: {', '.join(fields)})")
        current = getattr(obj, name)
        if dataclasses.is_dataclass(current) and isinstance(value, dict):
            changes[name] = _merge(current, value, key)
        else:
            changes[name] = _convert(key, hints[name], value, fields[name].metadata)
    updated = dataclasses.replace(obj, **changes)
    _validate(updated, prefix)
    return updated
