"""Tests of qclib.batch (one test module per module)."""
