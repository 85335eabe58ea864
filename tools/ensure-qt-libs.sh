#!/bin/sh
# Qt's offscreen and xcb platforms need a few shared libraries that a minimal
# Debian/Ubuntu image may lack. Try Qt first; install only what is missing.
PY="$1"
probe() {
  QT_QPA_PLATFORM=offscreen "$PY" -c "from PySide6.QtWidgets import QApplication; QApplication([])" >/dev/null 2>&1
}
probe && exit 0
echo "Qt cannot start: installing the system libraries it needs (libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0)."
PKGS="libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0 libxcb-cursor0 fonts-dejavu-core"
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "Not root and no sudo: please install: $PKGS"; exit 1; fi
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq $PKGS >/dev/null
probe || { echo "Qt still cannot start; see: QT_QPA_PLATFORM=offscreen $PY -c 'from PySide6.QtWidgets import QApplication; QApplication([])'"; exit 1; }
