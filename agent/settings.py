"""One typed description per setting a musician turns: kind, range, unit, default, help.

Every knob that can be set in more than one place is described here once, and every place reads it:

- config loading (agent/config.py): the `sampling`, `timing` and `parts` fields named below take their
  default and their check from their `Setting` (`_s`);
- `/agent/set` (agent/live/session.py): the name, the value read off the wire (`from_wire`), and where it
  lands (the config key says: `sampling.*` the sampling knobs, `timing.*` the timing, `parts.play` the
  parts, and a per-part setting the part's output);
- the CLI: `sideman infill`, `regenerate`, `eval` and `compose-eval` take `--temperature`, `--top-p`,
  `--guidance` (and `--seed`) with the default, range and help given here (`add_option`);
- patches/OSC.md's `/agent/set` table is `markdown_rows()`, held equal by tests/test_settings.py.

Adding a setting is one line in SETTINGS (a `choice` setting: `Setting("style", "sampling.style",
"choice", "auto", "...", choices=("pop", "folk", "auto"))`), plus the field it fills (in SamplingParams,
and `style: str = _s(SETTINGS["style"])` in agent/config.py's SamplingConfig); `/agent/set` then routes it
by its config section with no change, and `python -m agent.settings` prints the doc table to paste.

There is one range checker, `Range.check`: config fields that are not musician's knobs keep a bare
`Range`, and the OSC codec checks its arguments with it too; one reader of numbers off the wire,
`read_number` (the codec's and `/agent/set`'s). Pure module: no sockets, no torch.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from typing import Any, Literal

#: The agent's parts, by name (config `parts.play`, OSC `/agent/set parts`, `<part>.<setting>`).
PART_NAMES: tuple[str, ...] = ("lead", "counter", "comp", "bass")

Kind = Literal["float", "int", "choice", "names"]


class SettingError(ValueError):
    """A value a setting does not take; the message names the value and what is allowed (not the key:
    callers prefix it with where the value came from, `sampling.temperature: ...`, `/agent/set seed: ...`)."""


def _num(value: float) -> str:
    """A number as a musician reads it: 2147483647, 0.25, 1e+09 only past what an int shows."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else f"{value:g}"


def read_number(value: float | str, whole: bool = False) -> float:
    """A value off the wire (OSC, MQTT JSON, `/agent/set`) as a number, int when `whole`; SettingError says
    why it is none (`must be a whole number, got 60.5`). The OSC codec and `Setting.from_wire` read with it."""
    if isinstance(value, str):
        raise SettingError(f"must be a number, got the text {value!r}")
    if not math.isfinite(value):
        raise SettingError(f"must be a finite number, got {value}")
    if whole:
        if value != int(value):
            raise SettingError(f"must be a whole number, got {_num(value)}")
        return int(value)
    return float(value)


@dataclass(frozen=True, slots=True)
class Range:
    """Allowed values [lo, hi], or (lo, hi] with `lo_open`; whole numbers are written `lo..hi`."""

    lo: float
    hi: float
    lo_open: bool = False

    def describe(self, whole: bool = False) -> str:
        if whole:
            return f"{_num(self.lo)}..{_num(self.hi)}"
        return f"{'(' if self.lo_open else '['}{_num(self.lo)}, {_num(self.hi)}]"

    def contains(self, value: float) -> bool:
        return (value > self.lo if self.lo_open else value >= self.lo) and value <= self.hi

    def check(self, value: float, whole: bool = False) -> None:
        """The one range checker: SettingError `"<value> is out of range <range>"` when outside."""
        if not self.contains(value):
            raise SettingError(f"{_num(value)} is out of range {self.describe(whole)}")


#: Tempos the agent follows, bpm: OSC `/transport/tempo`, config `timing.default_tempo_bpm`, Link's reports.
TEMPO_BPM = Range(10.0, 1000.0)


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its `/agent/set` name, its config key, its kind, default, range, unit and help.

    `off` is a value outside the range that means "not set" (activity -1: the model's own choice);
    `nullable` allows None (seed: fresh randomness), written -1 or `none` on the wire.
    """

    name: str  # the /agent/set name (a per-part setting: `<part>.<name>`); the CLI option `--name`
    key: str  # the config key, `section.field` (a per-part setting: the field of `parts.<part>`)
    kind: Kind
    default: Any
    help: str
    lo: float | None = None
    hi: float | None = None
    unit: str = ""  # beats, ms, nats, ... ("" for a plain number)
    lo_open: bool = False
    off: float | None = None
    off_help: str = ""  # what `off` means
    nullable: bool = False
    choices: tuple[str, ...] = ()  # `choice`: the values; `names`: the names a list may hold
    item: str = "name"  # `names`: what one name is called in errors ("part")

    @property
    def range(self) -> Range | None:
        return None if self.lo is None or self.hi is None else Range(self.lo, self.hi, self.lo_open)

    @property
    def field(self) -> str:
        """The field the setting fills (the last part of its config key)."""
        return self.key.rpartition(".")[2]

    def check(self, value: Any) -> Any:
        """`value` (already of the setting's Python type, as config loading reads it) checked and
        normalised; SettingError says what is wrong."""
        if value is None and self.nullable:
            return None
        if self.kind == "names":
            return self._names(value)
        if self.kind == "choice":
            if value not in self.choices:
                raise SettingError(f"{value!r} is not one of {', '.join(self.choices)}")
            return value
        if self.off is not None and value == self.off:
            return type(self.default)(value)
        bounds = self.range
        if bounds is not None and not bounds.contains(value):
            if self.off is not None:
                raise SettingError(f"{_num(value)} is neither {_num(self.off)} ({self.off_help}) nor in "
                                   f"{bounds.describe()}")
            bounds.check(value)
        return value

    def _names(self, value: Any) -> tuple[str, ...]:
        words = [w for w in value.replace(" ", ",").split(",") if w.strip()] if isinstance(value, str) else value
        names = tuple(str(w).strip().lower() for w in words)
        if names == ("none",):
            return ()
        for name in names:
            if name not in self.choices:
                raise SettingError(f"unknown {self.item} {name!r} (known: {', '.join(self.choices)})")
        return tuple(dict.fromkeys(names))

    def from_wire(self, value: float | str) -> Any:
        """An `/agent/set` value (OSC `i`, `f` or `s`) in the setting's type, checked (TypeError for the
        wrong type, SettingError for a value out of range)."""
        if self.kind in ("choice", "names"):
            if not isinstance(value, str):
                example = ",".join(self.default) if self.kind == "names" else self.default
                raise TypeError(f"must be text such as \"{example}\", got {value!r}")
            return self.check(value)
        if self.nullable and (value == -1 or (isinstance(value, str) and value.strip().lower() == "none")):
            return None
        return self.check(read_number(value, whole=self.kind == "int"))

    def from_text(self, text: str) -> Any:
        """A command-line value in the setting's type, checked; argparse reports the error."""
        try:
            if self.kind in ("choice", "names"):
                return self.check(text)
            if self.nullable and text.strip().lower() == "none":
                return None
            return self.check(int(text) if self.kind == "int" else float(text))
        except ValueError as exc:  # SettingError, or int()/float() of something that is no number
            raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from exc

    def describe_value(self) -> str:
        """The value column of patches/OSC.md's `/agent/set` table: OSC type, unit, range."""
        if self.kind == "names":
            return f"s, e.g. `{','.join(self.default)}`; `none` = silent"
        if self.kind == "choice":
            return "s, one of " + ", ".join(f"`{c}`" for c in self.choices)
        text = ("i" if self.kind == "int" else "f") + (f" {self.unit}" if self.unit else "")
        if self.range is not None:
            text += f" in {self.range.describe()}"
        if self.off is not None:
            text += f", or {_num(self.off)}"
        if self.nullable:
            text += ", or -1 or `none`"
        return text

    def describe_default(self) -> str:
        if self.default is None:
            return "`none`"
        if isinstance(self.default, tuple):
            return f"`{','.join(self.default)}`"
        return f"`{_num(self.default)}`" if isinstance(self.default, float | int) else f"`{self.default}`"


#: Styles of accompaniment the model tells apart (named in its header, `agent.model.vocab.STYLE_MODE`):
#: "pop" is POP909's piano (3.4 notes a beat, syncopated, short notes), "folk" Nottingham's block chords
#: held for the bar (1.2 notes a beat, 88% on the beat). The knob's third value, "auto", names none and
#: lets the model guess from the music, which on a plain lead sheet is mostly "folk".
STYLES: tuple[str, ...] = ("pop", "folk")

_ACTIVITY_HELP = ("how busy every part plays, within the style (pop: 0.1 about a note a beat for comp + bass, 0.9 "
                  "three or more; 0.6 = the style's typical); -1 = the model's own choice")

#: The settings of `/agent/set <name>`, in the order patches/OSC.md lists them.
SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("temperature", "sampling.temperature", "float", 0.9,
            "sampling temperature (below 1, takes keep their style more often: docs/model.md)", 0.0, 2.0,
            lo_open=True),
    Setting("top_p", "sampling.top_p", "float", 0.95, "nucleus mass kept", 0.0, 1.0, lo_open=True),
    Setting("guidance", "sampling.guidance", "float", 2.0,
            "inside/outside: bonus for chord tones; 0 off, below 0 plays outside", -5.0, 5.0, "nats", lo_open=True),
    Setting("seed", "sampling.seed", "int", None, "fixed seed, or fresh randomness", 0, 2**31 - 1, nullable=True),
    Setting("activity", "sampling.activity", "float", 0.6, _ACTIVITY_HELP, 0.0, 1.0, off=-1.0,
            off_help="the model's own choice"),
    Setting("style", "sampling.style", "choice", "pop",
            "the style of accompaniment: `pop` (POP909's piano: busy, syncopated, short notes), `folk` "
            "(Nottingham's block chords held for the bar), `auto` (the model guesses from the music; on a lead "
            "sheet mostly `folk`)", choices=(*STYLES, "auto")),
    Setting("control_guidance", "sampling.control_guidance", "float", 2.0,
            "how firmly the model follows the activity and style knobs: classifier-free guidance on them "
            "(1 = as trained, 0 = ignores them; not 1 costs a second reading of the music, about half a model more)", 0.0, 4.0),
    Setting("delta1", "timing.delta1_beats", "float", 4.0, "how far ahead the generator sees chords",
            0.0, 32.0, "beats"),
    Setting("delta2", "timing.delta2_beats", "float", 0.0,
            "chunk length (generation interval); 0 = chosen per tempo to hear the player within `reaction_ms`",
            0.0, 8.0, "beats"),
    Setting("lead_ms", "timing.lead_ms", "float", 80.0,
            "how early a chunk is asked for (the model's time to play it)", 10.0, 4000.0, "ms"),
    Setting("reaction_ms", "timing.reaction_ms", "float", 250.0,
            "the longest a human note may wait before the agent can react to it", 50.0, 4000.0, "ms"),
    Setting("parts", "parts.play", "names", ("comp", "bass"), "the parts the agent plays",
            choices=PART_NAMES, item="part"),
)}

#: The settings of `/agent/set <part>.<name>` (one per part: `comp.octave`), fields of config `parts.<part>`.
PART_SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("activity", "activity", "float", -1.0, "the same for one part (-1: follow `activity`)", 0.0, 1.0,
            off=-1.0, off_help="follow activity"),
    Setting("octave", "octave", "int", 0, "register: play this part whole octaves up or down", -3, 3),
    Setting("velocity", "velocity_scale", "float", 1.0, "dynamics: scale this part's velocities (kept in 1..127)",
            0.25, 2.0),
)}


def markdown_rows() -> list[str]:
    """patches/OSC.md's `/agent/set` table (header included), one row per setting."""
    rows = ["| name | value | default | config key | meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS.values():
        rows.append(f"| `{s.name}` | {s.describe_value()} | {s.describe_default()} | `{s.key}` | {s.help} |")
    for s in PART_SETTINGS.values():
        names = ", ".join(f"`{part}.{s.name}`" for part in PART_NAMES)
        key = f"`parts.<part>.{s.key}`"
        rows.append(f"| {names} | {s.describe_value()} | {s.describe_default()} | {key} | {s.help} |")
    return rows


def add_option(parser: argparse.ArgumentParser, name: str, default: Any = None, flag: str | None = None) -> None:
    """`--<name>` (underscores as dashes) on `parser`, typed, ranged and explained by SETTINGS[name];
    its default is the setting's unless `default` is given."""
    s = SETTINGS[name]
    bounds = f" in {s.range.describe()}" if s.range is not None else ""
    unit = f" {s.unit}" if s.unit else ""
    parser.add_argument(flag or "--" + name.replace("_", "-"), type=s.from_text,
                        default=s.default if default is None else default,
                        help=f"{s.help}:{unit}{bounds} (default: %(default)s)")


if __name__ == "__main__":  # patches/OSC.md's /agent/set table, to paste after adding a setting
    print("\n".join("  " + row for row in markdown_rows()))
