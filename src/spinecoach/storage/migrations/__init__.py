"""Alembic migrations of the spinecoach database (run by :mod:`spinecoach.storage.migrate`)."""
