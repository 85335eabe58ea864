#!/bin/sh
# Install the system libraries Qt needs when this machine lacks them (Debian/Ubuntu).
#   sh tools/ensure-qt-libs.sh PY            what `make test` needs (offscreen, no display)
#   sh tools/ensure-qt-libs.sh PY window     what `make run` needs: the xcb platform too
# The probe (tools/qt_libs.py) asks ldd which libraries Qt's plugins cannot find and maps
# them to packages; Qt's own message names only the first one it trips on.
PY="$1"
MODE="${2:-offscreen}"
HERE=$(dirname "$0")

starts_offscreen() {
  QT_QPA_PLATFORM=offscreen "$PY" -c "from PySide6.QtWidgets import QApplication; QApplication([])" >/dev/null 2>&1
}

install() {
  echo "Installing the system packages Qt needs: $*"
  if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Not root and no sudo: please install them (apt-get install $*), then run make again."; exit 1; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get on this machine: install the packages that provide the libraries above, then run make again."; exit 1; fi
  # apt's own chatter (debconf, progress) is shown only if the install fails.
  if ! out=$($SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq 2>&1 && \
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" 2>&1); then
    echo "$out"; echo "apt-get could not install: $*"; exit 1
  fi
}

PKGS=$("$PY" "$HERE/qt_libs.py" "$MODE")
case $? in
  0) ;;
  1) install $PKGS ;;
  *) [ -n "$PKGS" ] && install $PKGS; exit 1 ;;
esac
# Text needs at least one font; a minimal image may have none.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list 2>/dev/null | head -n 1)" ]; then
  echo "No fonts installed: text would not show."
  install fonts-dejavu-core
fi
if [ "$MODE" = "window" ]; then
  PKGS=$("$PY" "$HERE/qt_libs.py" window 2>/dev/null) \
    || { echo "A window still cannot start: missing $PKGS (see: ldd on PySide6's plugins/platforms/libqxcb.so)"; exit 1; }
  exit 0
fi
starts_offscreen && exit 0
# Libraries Qt opens at run time (not linked, so not in ldd's answer).
FALLBACK="libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 fonts-dejavu-core"
echo "Qt still cannot start offscreen."
install $FALLBACK
starts_offscreen || { echo "Qt still cannot start; see: QT_QPA_PLATFORM=offscreen $PY -c 'from PySide6.QtWidgets import QApplication; QApplication([])'"; exit 1; }
