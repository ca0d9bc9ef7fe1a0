"""Music as every layer speaks it: notes, parts and songs (events), chord symbols and ids (chords),
chord recognition and the block-chord matcher (chord_recog), MIDI files (midi_files: tracks, tempo and
meter maps, which part a track plays), lead sheets, and measures of music; the 1/12-beat grid every
tick count is on (events.TICKS_PER_BEAT: the model's tokens, the runtime's chunks, the MIDI loader).

May import: errors, metrics, settings, config (today only errors). Pure: no socket, event loop, thread,
process or torch.
"""
