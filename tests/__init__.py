"""gradproof's tests."""
