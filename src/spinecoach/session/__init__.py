"""The session layer: ports, the analysis run, sessions, check-ins, stop rules, progression."""
