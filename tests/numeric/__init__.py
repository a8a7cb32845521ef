"""Tests: numeric."""
