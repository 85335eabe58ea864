#!/bin/sh
# The Debian tools `make deb` needs on the build host, installed only when missing (as root
# or with sudo): dpkg-dev (dpkg-shlibdeps derives Depends), patchelf (build-host RUNPATHs),
# lintian. The libraries the bundled Qt links against come from
# `tools/ensure-qt-libs.sh PY window` (the Makefile runs it first): dpkg-shlibdeps must
# resolve every one of them to a Debian package on this machine.
set -u
need=""
command -v dpkg-shlibdeps >/dev/null 2>&1 || need="$need dpkg-dev"
command -v patchelf >/dev/null 2>&1 || need="$need patchelf"
command -v lintian >/dev/null 2>&1 || need="$need lintian"
[ -z "$need" ] && exit 0
echo "make deb: installing the package build tools:$need"
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "Not root and no sudo: please install:$need"; exit 1; fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
