"""Entry script of the frozen bundle: the same ``ui.app.main`` as the ``crs-calc`` script."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
