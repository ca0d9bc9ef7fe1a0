"""Commands that drive a real agent: the demo, the runtime benchmark, the simulated DAW they both use.

May import: errors, metrics, settings, config, music, wire, live, model, training, compose, io, app (a tool starts an
agent); only agent.cli is above.
"""
