"""Tests of the notes stage."""
