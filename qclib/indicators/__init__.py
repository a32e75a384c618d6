"""Stage 2, the indicator maths: pure functions over pandas, no I/O.

Modules: :mod:`~qclib.indicators.change` (year-on-year and since-base change),
:mod:`~qclib.indicators.trajectory` (plan paths), :mod:`~qclib.indicators.progress`
(distance-to-target categories), :mod:`~qclib.indicators.attainment` (target status),
:mod:`~qclib.indicators.trend` (Theil–Sen / Mann–Kendall),
:mod:`~qclib.indicators.consistency` (published changes checked),
:mod:`~qclib.indicators.scorecard` (one row per target, built from the above).

May import: the base modules and :mod:`qclib.data`'s constants only; never a
file, the clock or the environment.
"""
