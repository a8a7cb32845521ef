"""Tests: corpus."""
