"""One base exception, one subclass per layer (STYLE.md: errors name the value and what was allowed)."""

from __future__ import annotations


class SidemanError(Exception):
    """Base class of every error Sideman raises on purpose."""


class ConfigError(SidemanError):
    """A config file or command-line override is wrong (unknown key, wrong type, out of range)."""


class OscError(SidemanError):
    """An OSC packet could not be decoded or does not match the contract in patches/OSC.md."""


class ChordError(SidemanError):
    """A chord symbol could not be parsed."""


class DataError(SidemanError):
    """A MIDI file or annotation file is missing, broken or unusable."""


class ModelError(SidemanError):
    """A checkpoint is missing, corrupt, or does not match the runtime's settings."""


class CompositionError(SidemanError):
    """A composition request (infill, regenerate, undo) names bars, tracks or rounds that do not exist."""


class MidiError(SidemanError):
    """A MIDI port cannot be opened (no backend, unknown name), or a recording cannot be written or rendered."""


class LinkError(SidemanError):
    """The Ableton Link clock source was asked for but cannot run (the optional `link` extra is missing)."""
