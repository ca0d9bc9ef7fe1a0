"""The outside world: the UDP server, MIDI ports, MQTT client, recorder, clock sources, Link, audio rendering."""
