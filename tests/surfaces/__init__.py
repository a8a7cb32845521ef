"""Tests: surfaces."""
