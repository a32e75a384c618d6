"""Tests of qclib.air (one test module per module)."""
