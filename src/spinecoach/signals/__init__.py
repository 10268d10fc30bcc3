"""Signal processing: visibility gating to NaN, gap filling, smoothing (batch and streaming)."""
