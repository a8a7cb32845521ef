"""Stage 4, engine: exact checks at concrete sizes — values over leaves and opaque atoms,
the zero test, identities step by step, and worked numbers."""
