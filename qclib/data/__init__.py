"""Stage 1, what is known: the target catalog, observations, validation, data entry.

Modules: :mod:`~qclib.data.catalog` (targets and indicators from ``params/``),
:mod:`~qclib.data.observations` (CSV/Excel figures, validated),
:mod:`~qclib.data.validate` (row checks, the one observation-column list),
:mod:`~qclib.data.template` (the Excel entry sheet),
:mod:`~qclib.data.yamlio` (YAML with line numbers).

May import: the base modules (``qclib.constants``, ``qclib.exceptions``,
``qclib.paths``, ``qclib.atomic``, ``qclib._numbers``) only.
"""
