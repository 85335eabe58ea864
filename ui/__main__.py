"""``python -m ui``: start the desktop app."""

import sys

from ui.shell.app import main

sys.exit(main())
