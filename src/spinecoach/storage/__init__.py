"""Storage adapter: SQLAlchemy tables, the repository, Alembic migrations."""
