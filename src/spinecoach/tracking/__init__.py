"""Per-exercise state machines: phases, reps, holds, faults, cues; streaming and batch."""
