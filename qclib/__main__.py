"""``python -m qclib`` runs the ``qc`` command."""
import sys

from .cli import main

sys.exit(main())
