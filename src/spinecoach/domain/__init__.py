"""Pure domain: landmarks, geometry, exercise specifications, clinical rules. No I/O."""
