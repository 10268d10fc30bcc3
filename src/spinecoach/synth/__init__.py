"""Synthetic video generator: a shaded human figure with exact ground truth."""
