"""hubflow: shared plumbing (settings, database, email, entry points) beside the domain."""
