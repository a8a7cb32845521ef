"""Tests of the latex stage."""
