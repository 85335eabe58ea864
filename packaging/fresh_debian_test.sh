#!/bin/sh
# `make deb-fresh-test`: install the .deb on a FRESH minimal Debian 12 (debootstrap minbase in
# a chroot, nothing of this machine's libraries), so apt-get must pull in every dependency the
# package declares; then run the installed program's self-test and --verify-install, change a
# rule file (must be named, exit 1) and remove the package (nothing may be left).
# Needs root, debootstrap and Debian's package mirror; about 3-4 minutes. Not part of CI.
set -eu
DEB=$(ls dist/crs-calc_*.deb | tail -n 1)
ROOT=${CHROOT:-build/fresh-debian}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null 2>&1 || apt-get install -y -qq debootstrap >/dev/null
if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
  rm -rf "$ROOT"
  debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >/dev/null
fi
cp "$DEB" "$ROOT/tmp/crs-calc.deb"
mount --bind /proc "$ROOT/proc"
trap 'umount "$ROOT/proc"' EXIT
chroot "$ROOT" sh -eu -c '
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  before=$(dpkg -l | grep -c "^ii")
  apt-get install -y -qq ./tmp/crs-calc.deb >/tmp/install.log 2>&1 || { cat /tmp/install.log; exit 1; }
  echo "fresh-debian: apt-get install pulled in $(( $(dpkg -l | grep -c "^ii") - before - 1 )) packages besides crs-calc"
  QT_QPA_PLATFORM=offscreen CRS_CALC_HOME=/tmp/home /usr/bin/crs-calc --self-test | tail -n 1
  /usr/bin/crs-calc --verify-install
  sed -i "s/800/900/" /opt/crs-calc/_internal/calculator/rulebook/data/dosing.toml
  if /usr/bin/crs-calc --verify-install; then echo "fresh-debian: FAIL a changed rule file passed"; exit 1; fi
  dpkg -r crs-calc >/dev/null
  if [ -e /opt/crs-calc ] || [ -e /usr/bin/crs-calc ]; then echo "fresh-debian: FAIL files left"; exit 1; fi
  echo "fresh-debian: removed, nothing left behind"
'
