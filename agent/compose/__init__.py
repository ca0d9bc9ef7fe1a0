"""Composition mode: pieces, infilling, sessions, feedback learning, the service, its CLI and evaluation."""
