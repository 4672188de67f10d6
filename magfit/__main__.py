"""``python -m magfit`` runs the ``magfit`` console script."""

import sys

from .cli import main

sys.exit(main())
