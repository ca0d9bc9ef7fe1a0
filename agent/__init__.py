"""Sideman: an AI sideman that plays along with a live musician over OSC.

The package is layered; a module imports only from its own layer and the layers below it, and the pure
layers import no socket, event loop, thread, process or torch (tests/test_layering.py holds both, over
every module, lazy imports included). Layers, bottom to top:

    errors < metrics < settings < config < music < wire < live < model < training < compose < io < app < tools < cli

- `errors` (one base exception, a subclass per layer), `metrics` (counters, histograms), `settings`
  (one typed description per knob a musician turns, read by config, `/agent/set` and the CLI) and
  `config` (typed settings from config.yaml) are the base every layer may use; config needs only
  errors and settings.
- `music/`: notes, parts, chords, chord recognition, MIDI files, lead sheets: what every layer speaks.
- `wire/`: the OSC contract, the composition contract, MQTT payloads; messages are built from music
  (chord symbols, parts), so wire sits on music and below everything that sends or receives.
- `live/`: the runtime's pure core (clock, rings, scheduler, session, fallback, ensemble, and the
  `Generator` interface a chunk is asked of); it speaks wire messages and reads config.
- `model/`: vocabulary, tokens, the network, decoding, and the model generator, which implements
  live's `Generator`: so model sits above live (live never imports torch, the model plugs in).
- `training/`: corpora, examples, training, evaluation, the model benchmark: built on model.
- `compose/`: composition mode; infilling runs the model and its evaluation reads training's corpus
  and split, so compose sits above training.
- `io/`: sockets, MIDI ports, the MQTT client, recording, clock sources, Link, rendering: adapters
  that carry wire messages to and from live; nothing below knows they exist.
- `app` (the composition root: wires io, live, model and compose into a running agent), `tools/`
  (demo, runtime benchmark, simulated DAW: they start an app), and `cli`, the only module that exits
  the process (`sys.exit`), on top.
"""

from __future__ import annotations

__version__ = "0.1.0"
