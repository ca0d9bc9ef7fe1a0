"""Composition mode: pieces read from MIDI (piece), infilling (infill), sessions with versions (session,
store), learning from marks (feedback; jepa: JEP-AGA's prediction and its interaction learner), the
JEP-AGA training stage (stage), the simulated user, the OSC service and its endpoint (service,
endpoint), the command line (cli, options) and the evaluation with its report (evaluate, report).

May import: errors, metrics, settings, config, music, wire, live, model, training.
"""
