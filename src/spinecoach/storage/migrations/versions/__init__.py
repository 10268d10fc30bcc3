"""Migration revisions, oldest first by their ``rev_NNNN`` prefix."""
