"""Tests of qclib.cli (one test module per module)."""
