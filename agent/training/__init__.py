"""Training the model: corpora (datasets: POP909, Nottingham, any MIDI), training examples (examples),
the training loop (train) and its options, held-out evaluation (evaluate), the generation benchmark
(bench_model), and the chord recogniser's accuracy on POP909 (chord_accuracy).

May import: errors, metrics, settings, config, music, wire, live, model.
"""
