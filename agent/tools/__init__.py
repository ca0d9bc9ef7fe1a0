"""Commands that drive a real agent: the demo, the runtime benchmark, the simulated DAW."""
