"""The other agents' parts, heard over MQTT, as context for this agent's generator.

Several agents (one per instrument) share one broker and one timeline (the same DAW, or an Ableton
Link session). Each publishes the notes it plays; every other agent takes them as context the way it
takes the human's notes: they join `GenerationContext.human` once their onset is at or before the
playhead (so a note announced a beat ahead is heard when it sounds, never earlier, exactly like a
human note). The model was trained with one human part as its controls; another agent's part is
treated as more of the same. That is the simplest honest design: nothing the model never saw.

These notes enter through their own message types (`agent.wire.mqtt.EnsembleIn`), never through `/note`, and only the agent's own
notes are published: a note heard from another agent is never sent on, so there is no echo loop.

Withdrawn plans are followed too: another agent's `/note/cancel` drops a note that has not started
(and ends one that has), its `/agent/allnotesoff` drops all its notes still to come. The buffer is
bounded (oldest evicted, counted). Pure module.
"""

from __future__ import annotations

from agent.music.events import Note, Part
from agent.wire.mqtt import EnsembleCancel, EnsembleNotes, EnsembleSilence

_MIN_BEATS = 1.0 / 64  # a note ended at once still lasts this long


class EnsembleBuffer:
    """The other agents' recent and announced notes, keyed by (source, note id); bounded."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._notes: dict[tuple[str, int], Note] = {}  # insertion order = arrival order
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._notes)

    def add(self, message: EnsembleNotes) -> None:
        for note in message.notes:
            key = (message.source, note.id)
            self._notes.pop(key, None)  # a reused id (the other agent restarted) replaces the old note
            self._notes[key] = Note(note.beat, note.dur_beats, note.pitch, note.velocity, Part.HUMAN)
        while len(self._notes) > self.capacity:
            del self._notes[next(iter(self._notes))]
            self.evicted += 1

    def cancel(self, message: EnsembleCancel, now_beat: float) -> None:
        for note_id in message.ids:
            self._end((message.source, note_id), now_beat)

    def silence(self, message: EnsembleSilence, now_beat: float) -> None:
        for key in [k for k in self._notes if k[0] == message.source]:
            self._end(key, now_beat)

    def _end(self, key: tuple[str, int], now_beat: float) -> None:
        """A note that has not started is dropped; one that is sounding ends now."""
        note = self._notes.get(key)
        if note is None:
            return
        if note.beat > now_beat:
            del self._notes[key]
        elif note.end_beat > now_beat:
            self._notes[key] = Note(note.beat, max(now_beat - note.beat, _MIN_BEATS), note.pitch, note.velocity,
                                    note.part)

    def clear(self) -> None:
        self._notes.clear()

    def window(self, lo_beat: float, hi_beat: float) -> tuple[Note, ...]:
        """Notes with lo_beat <= onset <= hi_beat (what has been heard by hi_beat), oldest onset first."""
        return tuple(sorted((n for n in self._notes.values() if lo_beat <= n.beat <= hi_beat),
                            key=lambda n: (n.beat, n.pitch)))
