"""Tests of qclib.indicators (one test module per module)."""
