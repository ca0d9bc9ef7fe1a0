"""Corpora, training examples, training, evaluation and the model benchmark."""
