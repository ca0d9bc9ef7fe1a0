"""Commands that drive a real agent: the demo, the runtime benchmarks (bench, feel, soak) and the agent
process they measure (agent_process), the simulated DAW they use, doctor, roll.

May import: errors, metrics, settings, config, music, wire, live, model, training, compose, io, app (a
tool starts an agent); only agent.cli is above.
"""
