"""Tests of qclib.report (one test module per module)."""
