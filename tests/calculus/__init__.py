"""Tests of the calculus stage."""
