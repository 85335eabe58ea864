#!/bin/sh
# What `make deb` needs on the build host, installed only when missing (as root or with sudo):
# - dpkg-dev (dpkg-shlibdeps derives Depends), patchelf (build-host RUNPATHs), lintian;
# - the shared libraries the bundled Qt links against but the host may lack: dpkg-shlibdeps
#   must resolve every one to a Debian package. They are found with the libraries' own
#   check (ldd on the bundle's ELF files: "not found"), never from a typed list.
set -u
BUNDLE="${1:-dist/crs-calc}"
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
need=""
command -v dpkg-shlibdeps >/dev/null 2>&1 || need="$need dpkg-dev"
command -v patchelf >/dev/null 2>&1 || need="$need patchelf"
command -v lintian >/dev/null 2>&1 || need="$need lintian"
# sonames the bundle needs that neither the bundle nor the host has
missing=$(find "$BUNDLE" -type f -name '*.so*' -exec ldd {} + 2>/dev/null \
  | awk '/not found/ {print $1}' | sort -u)
libs=""
for so in $missing; do
  [ -e "$BUNDLE/_internal/$so" ] && continue
  # Debian's package for a soname: libxcb-icccm.so.4 -> libxcb-icccm4, libfoo-1.so.3 -> libfoo-1-3
  base=$(echo "$so" | sed -E 's/\.so\.([0-9]+).*$/ \1/')
  name=${base% *}; num=${base#* }
  case "$name" in *[0-9]) pkg="$name-$num" ;; *) pkg="$name$num" ;; esac
  libs="$libs $(echo "$pkg" | tr 'A-Z_' 'a-z-')"
done
need="$need$libs"
[ -z "$need" ] && exit 0
echo "make deb: installing what the package build needs:$need"
if [ "$SUDO" = "none" ]; then echo "Not root and no sudo: please install:$need"; exit 1; fi
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq $need >/dev/null
