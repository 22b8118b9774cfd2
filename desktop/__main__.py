"""``python -m desktop``: same as the ``comptoir`` command."""

import sys

from desktop.app import main

sys.exit(main())
