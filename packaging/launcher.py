"""Entry script of the frozen bundle: the same ``ui.shell.app.main`` as the ``crs-calc`` script."""

import sys

from ui.shell.app import main

if __name__ == "__main__":
    sys.exit(main())
