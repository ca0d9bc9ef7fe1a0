"""The live runtime's pure core: the song clock, ring buffers and the chord track, the scheduler, the
session state machine, the fallback generator, the other agents' notes (ensemble), and the `Generator`
interface the scheduler asks for chunks (the model plugs in from agent.model.live).

May import: errors, metrics, settings, config, music, wire. Pure: no socket, event loop, thread, process
or torch; time comes from an injected clock, so tests run it with a fake one.
"""
