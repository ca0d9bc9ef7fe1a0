"""The outside world: the UDP server, MIDI ports, the MQTT client, the recorder, clock sources and
Ableton Link, audio rendering, and the connections that start them for a running agent.

May import: errors, metrics, settings, config, music, wire, live, model, training, compose (today it uses
no more than live). The recorder is pure (it is handed messages and writes files; no socket, loop or
thread).
"""
