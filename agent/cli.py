"""The `sideman` command: the only place that exits the process.

Each subcommand is one function decorated with `@subcommand(name, help)`: it receives its argparse
parser, adds its options, and returns the handler `(args) -> exit code`. Import heavy modules (torch,
the model) inside the handler so `sideman run --help` stays fast. To add `train`:

    @subcommand("train", "train the model")
    def _train(parser: argparse.ArgumentParser) -> Handler:
        parser.add_argument("--steps", type=int, default=1000)
        def handle(args: argparse.Namespace) -> int:
            from agent.training import train
            ...
            return 0
        return handle
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from agent.config import CLOCK_SOURCES, Config, load_config, override, parse_override
from agent.errors import ConfigError, SidemanError
from agent.model.paths import resolve_model

log = logging.getLogger("sideman")

Handler = Callable[[argparse.Namespace], int]
Configure = Callable[[argparse.ArgumentParser], Handler]
_SUBCOMMANDS: list[tuple[str, str, Configure]] = []


def subcommand(name: str, help_text: str) -> Callable[[Configure], Configure]:
    """Register a subcommand (see the module docstring)."""

    def register(configure: Configure) -> Configure:
        _SUBCOMMANDS.append((name, help_text, configure))
        return configure

    return register


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """--config FILE and repeatable --set section.key=value (checked like the config file)."""
    parser.add_argument("--config", type=Path, default=None, help="config file (default: the repository's config.yaml)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config key, e.g. --set timing.lead_ms=120 (repeatable)")


def load_with_overrides(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    for text in args.overrides:
        config = override(config, *parse_override(text))
    return config


def host_port(text: str, option: str) -> tuple[str, int]:
    """`HOST:PORT` (or `:PORT` for 127.0.0.1) checked; ConfigError names the option."""
    host, sep, port_text = text.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ConfigError(f"{option} {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9000")
    return host.strip("[]") or "127.0.0.1", int(port_text)


def apply_net_options(config: Config, args: argparse.Namespace) -> Config:
    """--listen, --send and --model on top of the config (`--model none` = fallback only)."""
    if getattr(args, "listen", None):
        host, port = host_port(args.listen, "--listen")
        config = override(config, "net", {"listen_host": host, "listen_port": port})
    if getattr(args, "send", None):
        host, port = host_port(args.send, "--send")
        config = override(config, "net", {"send_host": host, "send_port": max(1, port)})
    model = getattr(args, "model", None)
    if model is not None:
        path = resolve_model(model)  # ConfigError names a missing file
        config = override(config, "model_path", None if path is None else str(path))
    return config


def add_agent_options(parser: argparse.ArgumentParser) -> None:
    add_config_options(parser)
    parser.add_argument("--listen", metavar="HOST:PORT", help="where the agent listens (default 127.0.0.1:9000)")
    parser.add_argument("--send", metavar="HOST:PORT", help="where notes go (default 127.0.0.1:9001)")
    parser.add_argument("--model", metavar="PATH|none",
                        help="model checkpoint, or none for the fallback only (default: the shipped model)")


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """The outer connections of `sideman run` (docs/connections.md); each also has a config key."""
    parser.add_argument("--mqtt", metavar="HOST:PORT", help="connect to this MQTT broker (mqtt.enabled/host/port)")
    parser.add_argument("--name", help="this agent's name in MQTT topics and recordings (mqtt.name)")
    parser.add_argument("--midi-in", metavar="PORT", help="take the human's notes from this MIDI input port")
    parser.add_argument("--midi-out", metavar="PORT", help="play the agent's notes on this MIDI output port")
    parser.add_argument("--record", metavar="DIR", help="record each take as a MIDI file in DIR (record.folder)")
    parser.add_argument("--clock", choices=CLOCK_SOURCES, help="where position and tempo come from (clock.source)")


def apply_connection_options(config: Config, args: argparse.Namespace) -> Config:
    """--mqtt, --name, --midi-in, --midi-out, --record and --clock on top of the config."""
    if args.mqtt:
        host, port = host_port(args.mqtt, "--mqtt")
        config = override(config, "mqtt", {"enabled": True, "host": host, "port": max(1, port)})
    for value, key in ((args.name, "mqtt.name"), (args.midi_in, "midi.input_port"),
                       (args.midi_out, "midi.output_port"), (args.record, "record.folder"),
                       (args.clock, "clock.source")):
        if value is not None:
            config = override(config, key, value)
    return config


@subcommand("run", "start the agent: listen for the DAW patch and play along")
def _run(parser: argparse.ArgumentParser) -> Handler:
    add_agent_options(parser)
    add_connection_options(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.app import Agent, make_generator
        from agent.io.interrupts import on_interrupt

        config = apply_connection_options(apply_net_options(load_with_overrides(args), args), args)
        agent = Agent(config, make_generator(config))

        async def serve() -> None:
            stop = asyncio.Event()

            def on_signal() -> None:
                if stop.is_set():  # a second Ctrl-C while shutting down: the musician means it
                    log.warning("second interrupt: exiting now")
                    logging.shutdown()
                    os._exit(130)
                log.info("shutting down (Ctrl-C again to force)")
                stop.set()

            on_interrupt(asyncio.get_running_loop(), on_signal)  # also where there are no POSIX signals
            await agent.run(stop)

        asyncio.run(serve())
        if agent.worker_busy.is_set():  # all-notes-off went out; do not wait for a stuck model to return
            log.warning("the generator is still running: exiting without waiting for it")
            logging.shutdown()
            os._exit(0)
        return 0

    return handle


@subcommand("demo", "play a built-in lead sheet against the agent over loopback OSC; write a MIDI file")
def _demo(parser: argparse.ArgumentParser) -> Handler:
    add_agent_options(parser)
    parser.add_argument("--bpm", type=float, default=120.0, help="tempo (default 120)")
    parser.add_argument("--bars", type=int, default=24, help="bars to play (default 24)")
    parser.add_argument("--out", type=Path, default=Path("out/demo.mid"), help="MIDI file to write")

    def handle(args: argparse.Namespace) -> int:
        from agent.tools import demo

        config = apply_net_options(load_with_overrides(args), args)
        print(demo.run_demo(config, args.bpm, args.bars, args.out))
        return 0

    return handle


@subcommand("bench", "benchmark the agent over loopback OSC in real time (prints timing figures)")
def _bench(parser: argparse.ArgumentParser) -> Handler:
    add_config_options(parser)
    parser.add_argument("--model", metavar="PATH|none", default=None, help="model checkpoint, or none")
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes of music per tempo (default 5)")
    parser.add_argument("--bpm", type=float, action="append", help="tempo, repeatable (default 120 and 180)")
    parser.add_argument("--flood", action="store_true", help="also flood the agent with 10,000 messages/s")
    parser.add_argument("--flood-rate", type=int, default=10_000, help="flood messages per second")
    parser.add_argument("--flood-seconds", type=float, default=10.0, help="flood duration in seconds")
    parser.add_argument("--feel", action="store_true",
                        help="the feel benchmark instead: play from stop, loops, reaction, density, activity")
    parser.add_argument("--data", type=Path, default=None,
                        help="with --feel: compare onset and duration profiles with held-out real parts from here")
    parser.add_argument("--cache", type=Path, default=None, help="with --data: parsed-corpus cache file")
    parser.add_argument("--soak", type=float, metavar="MINUTES", default=None,
                        help="a long session instead (seeks, loops, chord edits, part changes, floods): lateness, "
                             "memory, file handles, threads and tasks (agent/tools/soak.py)")
    parser.add_argument("--soak-bpm", type=float, default=180.0, help="tempo of the soak session (default 180)")
    parser.add_argument("--flood-every", type=float, default=5.0, metavar="MINUTES",
                        help="with --soak: minutes between floods (default 5)")
    parser.add_argument("--sample-s", type=float, default=10.0, help="with --soak: seconds between resource samples")

    def handle(args: argparse.Namespace) -> int:
        from agent.tools import bench

        config = load_with_overrides(args)  # check the config before spending minutes
        if args.soak is not None:
            from agent.tools import soak

            text, passed = soak.run_soak(args)
            print(text, flush=True)
            return 0 if passed else 1
        if args.feel:
            from agent.tools import feel

            print(feel.run_feel(args, config), flush=True)
            return 0
        print(bench.run_bench(args), flush=True)
        return 0

    return handle


@subcommand("roll", "draw a take (MIDI file) as a piano roll PNG: human, chords, each part")
def _roll(parser: argparse.ArgumentParser) -> Handler:
    parser.add_argument("midi", type=Path, metavar="FILE.mid", help="the MIDI file (a demo take, a --record take)")
    parser.add_argument("--out", type=Path, default=None, help="PNG to write (default: FILE.png)")
    parser.add_argument("--title", default=None, help="title above the roll")
    parser.add_argument("--beats", type=float, default=None, help="draw only the first BEATS beats")

    def handle(args: argparse.Namespace) -> int:
        from agent.tools.roll import render_roll

        out = render_roll(args.midi, args.out or args.midi.with_suffix(".png"), args.title, args.beats)
        print(f"wrote {out}")
        return 0

    return handle


@subcommand("doctor", "check that everything is in place to play: Python, torch, model, ports, OSC, Pd, patches")
def _doctor(parser: argparse.ArgumentParser) -> Handler:
    add_agent_options(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.tools import doctor

        text, code = doctor.run(apply_net_options(load_with_overrides(args), args))
        print(text, flush=True)
        return code

    return handle


@subcommand("render", "turn a recording (MIDI file) into audio with fluidsynth and a General MIDI soundfont")
def _render(parser: argparse.ArgumentParser) -> Handler:
    parser.add_argument("midi", type=Path, metavar="FILE.mid", help="the MIDI file (e.g. a take from --record)")
    parser.add_argument("--soundfont", type=Path, metavar="SF2", help="soundfont (default: the system's GM one)")
    parser.add_argument("--out", type=Path, metavar="FILE.wav", help="WAV file to write (default: FILE.wav)")
    parser.add_argument("--rate", type=int, default=44100, help="sample rate in Hz (default 44100)")

    def handle(args: argparse.Namespace) -> int:
        from agent.io import render

        print(render.render(args.midi, args.out, args.soundfont, args.rate))
        return 0

    return handle


@subcommand("train", "build examples from a folder of MIDI and train the model (resumes from --out)")
def _train(parser: argparse.ArgumentParser) -> Handler:
    from agent.training.options import add_train_arguments  # torch-free: torch loads in the handler

    add_train_arguments(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.training import train

        return train.run_from_args(args)

    return handle


@subcommand("eval", "evaluate a checkpoint on held-out songs: loss, chord tones, density, piano rolls")
def _eval(parser: argparse.ArgumentParser) -> Handler:
    from agent.training.options import add_eval_arguments

    add_eval_arguments(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.training import evaluate

        return evaluate.run_from_args(args)

    return handle


@subcommand("groove", "how the model accompanies, offline: density, rhythm vs real parts, activity knob, listening")
def _groove(parser: argparse.ArgumentParser) -> Handler:
    add_config_options(parser)
    parser.add_argument("--model", metavar="PATH", default=None, help="model checkpoint (default: the shipped one)")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="folder with pop909/, nottingham/")
    parser.add_argument("--cache", type=Path, default=None, help="parsed-corpus cache file")
    parser.add_argument("--bpm", type=float, default=120.0, help="tempo the runtime's plan is made for (default 120)")
    parser.add_argument("--bars", type=int, default=8, help="bars of each lead sheet (default 8)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per lead sheet (default 3)")
    parser.add_argument("--segments", type=int, default=20, help="listening segments per corpus (default 20)")

    def handle(args: argparse.Namespace) -> int:
        from agent.live.generator import SamplingParams
        from agent.model.checkpoint import load_checkpoint
        from agent.model.engine import limit_threads
        from agent.model.live import ModelGenerator
        from agent.model.paths import model_file
        from agent.training import groove
        from agent.training.datasets import load_corpus
        from agent.training.train import split

        config = load_with_overrides(args)
        limit_threads(1)
        model, trained, _info = load_checkpoint(model_file(args.model, config.model_path))
        _, held = split(load_corpus(args.data, cache=args.cache))
        params = SamplingParams(**dataclasses.asdict(config.sampling))
        print(groove.run(args, ModelGenerator(model, trained), params, config.sampling.activity, held), flush=True)
        return 0

    return handle


@subcommand("bench-model", "generation speed of a checkpoint in the live setting, cached vs no cache")
def _bench_model(parser: argparse.ArgumentParser) -> Handler:
    from agent.training.options import add_bench_model_arguments

    add_bench_model_arguments(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.training import bench_model

        return bench_model.run(args)

    return handle


@subcommand("infill", "composition: fill bars of MIDI tracks from the music around them (writes a session)")
def _infill(parser: argparse.ArgumentParser) -> Handler:
    from agent.compose.cli import add_infill_arguments  # torch-free: torch loads in the handler

    add_infill_arguments(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.compose.cli import run_infill

        return run_infill(args)

    return handle


@subcommand("regenerate", "composition: rewrite marked bars of a session, learning from the marks; undo, restore")
def _regenerate(parser: argparse.ArgumentParser) -> Handler:
    from agent.compose.cli import add_regenerate_arguments

    add_regenerate_arguments(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.compose.cli import run_regenerate

        return run_regenerate(args)

    return handle


@subcommand("train-compose", "JEP-AGA stage: add the encoders to a trained generator and teach it to use them")
def _train_compose(parser: argparse.ArgumentParser) -> Handler:
    from agent.compose.options import add_train_compose_arguments

    add_train_compose_arguments(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.compose import stage

        return stage.run_from_args(args)

    return handle


@subcommand("compose-eval", "evaluate composition mode on held-out songs: infill overlaps, simulated user")
def _compose_eval(parser: argparse.ArgumentParser) -> Handler:
    from agent.compose.options import add_compose_eval_arguments

    add_compose_eval_arguments(parser)

    def handle(args: argparse.Namespace) -> int:
        from agent.compose import evaluate as compose_eval

        return compose_eval.run(args)

    return handle


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sideman", description="Sideman: an AI sideman that plays along over OSC.")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text, configure in _SUBCOMMANDS:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=configure(sub))
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `sideman` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    try:
        code = args.handler(args)
    except SidemanError as exc:
        log.error("%s", exc)
        code = 2
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
