"""Stage 3, the report: what the notebooks show.

Modules: :mod:`~qclib.report.tables` (report tables from the scorecard),
:mod:`~qclib.report.narrative` (generated Chinese text),
:mod:`~qclib.report.charts` (matplotlib figures),
:mod:`~qclib.report.style` (colours, units, the CJK font: shared by charts and tables).

May import: base, :mod:`qclib.data`, :mod:`qclib.indicators`, :mod:`qclib.air`.
``charts`` and ``tables`` may both use ``style``; neither imports the other.
"""
