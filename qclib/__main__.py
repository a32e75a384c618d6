"""``python -m qclib`` runs the ``qc`` command."""

import sys

from qclib.cli.main import main

sys.exit(main())
