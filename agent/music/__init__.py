"""Musical events, chords, chord recognition, lead sheets and measures of music. Pure: no I/O, no torch."""
