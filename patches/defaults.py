"""The values every generated patch shares (Pd abstraction, Max for Live device), read from where they live.

Ports come from config.yaml (`net.listen_port` is where a patch sends, `net.send_port` where it listens),
the contract version from agent/wire/osc.py, so a patch generated after either changes follows it. The
rest is the patches' own: how late a note may be and still play, how often the playhead is reported.
The generators put the repository root on sys.path before importing this (they run as scripts).
"""

from __future__ import annotations

from agent.config import load_config
from agent.wire.osc import CONTRACT_VERSION

_CONFIG = load_config()

#: Where a patch sends (the agent's `net.listen_port`, 9000 shipped).
AGENT_PORT: int = _CONFIG.net.listen_port
#: Where a patch listens (the agent's `net.send_port`, 9001 shipped); each patch says it with /agent/hello.
LISTEN_PORT: int = _CONFIG.net.send_port
#: The agent sends a chunk's notes at least this long before it starts (`timing.safety_ms`, 100 shipped):
#: quoted in the help texts as what a patch can expect.
SAFETY_MS: float = _CONFIG.timing.safety_ms
#: The OSC contract version the patches speak (patches/OSC.md).
CONTRACT: int = CONTRACT_VERSION

#: A note arriving later than this (ms past its beat) is dropped and counted; one less late plays at once.
#: 50 ms: about where a late note stops sounding like a loose one and starts sounding like a mistake.
LATE_MS = 50
#: How often a playing patch reports /playhead (ms): the agent smooths these with its own clock.
PLAYHEAD_INTERVAL_MS = 10
#: Live's ticks per quarter-note beat ([when], [transport]); Pd's transport counts beats directly.
TICKS_PER_BEAT = 480
