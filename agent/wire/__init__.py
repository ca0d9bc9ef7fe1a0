"""The wire formats: the OSC contract, the composition contract, MQTT payloads. Pure codecs."""
