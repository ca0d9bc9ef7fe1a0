"""Sideman: an AI sideman that plays along with a live musician over OSC."""

from __future__ import annotations

__version__ = "0.1.0"
