"""Test-wide setup. The Qt platform is chosen once, here, before anything imports Qt."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
