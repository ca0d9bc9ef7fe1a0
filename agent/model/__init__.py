"""The model: the vocabulary (vocab), music to items to tokens, the one tokenisation training,
composition and the live generator share (tokens), interleaving by arrival (anticipation), the
transformer (network), JEP-AGA's encoders that condition it in composition (jepa), the numpy decode
engine (engine), sampling, checkpoints, where the model file is (paths: one search order for every
command, torch-free), and the live model generator (live).

May import: errors, metrics, settings, config, music, wire, live. vocab, tokens and anticipation are pure
(no socket, event loop, thread, process or torch); torch lives in network, jepa, engine, sampling,
checkpoint, live.
"""
