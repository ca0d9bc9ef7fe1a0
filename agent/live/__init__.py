"""The live runtime's pure core: clock, buffers, scheduler, session state machine, fallback, ensemble."""
