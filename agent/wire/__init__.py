"""The wire formats: the OSC contract held to patches/OSC.md and its one encoder (osc), the composition
contract on the same codec (compose_osc), MQTT topics and payloads, the ensemble messages and the `Emit`
signature of every input source (mqtt). Bytes and JSON to typed messages and back; no sockets.

May import: errors, metrics, settings, config, music. Pure: no socket, event loop, thread, process or
torch.
"""
