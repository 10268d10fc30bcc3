"""Safety rules: red-flag screening, symptom stop rules and pain advice (pure, no I/O)."""
