"""Stage 4, the batch: planning and running the report notebooks, the manifest, the index.

Modules: :mod:`~qclib.batch.runner` (plan and run reports with papermill),
:mod:`~qclib.batch.manifest` (what was built from what),
:mod:`~qclib.batch.index` (the index page).

May import: every lower stage.
"""
