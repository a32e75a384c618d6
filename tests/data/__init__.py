"""Tests of qclib.data (one test module per module)."""
