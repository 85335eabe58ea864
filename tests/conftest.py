"""Test-wide setup, done here at import, before anything imports Qt or reads a path.

- The Qt platform is chosen once: offscreen.
- The whole session gets its own home folder: HOME and every XDG_* folder point into a
  fresh temporary directory, so platformdirs, QStandardPaths, fontconfig and any app
  started as a subprocess never read or write the user's real home
  (``~/.config/crs-calc``, ``~/.local/share/crs-calc``). UI tests additionally put the
  app's own files in a per-test folder (``CRS_CALC_HOME``, tests/ui/conftest.py).
"""

import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: The user's real home, for the test that checks nothing is written there.
REAL_HOME = Path(os.path.expanduser("~")).resolve()

TEST_HOME = Path(tempfile.mkdtemp(prefix="crs-calc-test-home-")).resolve()
_FOLDERS = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_STATE_HOME": ".local/state",
    "XDG_CACHE_HOME": ".cache",
    "XDG_RUNTIME_DIR": "runtime",
}
os.environ["HOME"] = str(TEST_HOME)
for _name, _relative in _FOLDERS.items():
    _folder = TEST_HOME / _relative
    _folder.mkdir(parents=True, exist_ok=True)
    os.environ[_name] = str(_folder)
# Qt refuses (and warns about) a runtime folder others can read.
(TEST_HOME / "runtime").chmod(0o700)
os.environ.pop("CRS_CALC_HOME", None)


def pytest_unconfigure() -> None:
    shutil.rmtree(TEST_HOME, ignore_errors=True)
