#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Takes the screenshots in data/screenshots/ from the real app under Xvfb, in each language:
#   build-aux/screenshots.sh [BUILDDIR]
# The app runs installed into the checkout's _install/ (as `quitter.sh run` does), with a
# memory settings backend and a private D-Bus session; the About window is opened through the
# app's own D-Bus action, as `gapplication action` would from a desktop.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${1:-$top/_build}
prefix=${QUITTER_PREFIX:-$top/_install}
out="$top/data/screenshots"

for tool in Xvfb import xwininfo gapplication; do
  command -v "$tool" >/dev/null || {
    echo "screenshots.sh: $tool is missing (apt-get install xvfb imagemagick x11-utils libglib2.0-bin)" >&2
    exit 1
  }
done

meson install -C "$builddir" --quiet
mkdir -p "$out"

display=:77
Xvfb "$display" -screen 0 960x680x24 -nolisten tcp &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
sleep 1

shoot() {
  local lang=$1
  DISPLAY=$display LANGUAGE=$lang LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory GDK_BACKEND=x11 \
  XDG_DATA_DIRS="$prefix/share:/usr/local/share:/usr/share" \
  dbus-run-session -- bash -c '
    set -e
    "$1/bin/quitter" & app=$!
    for _ in $(seq 50); do
      xwininfo -display "$2" -root -tree | grep -q "\"Quitter\"" && break
      sleep 0.2
    done
    sleep 1
    import -display "$2" -window root "$3/welcome-$4.png"
    gapplication action io.github.quitter.Quitter about
    sleep 2
    import -display "$2" -window root "$3/about-$4.png"
    kill "$app"
  ' shoot "$prefix" "$display" "$out" "$lang"
}

for lang in en es sv; do
  shoot "$lang"
  echo "data/screenshots/welcome-$lang.png data/screenshots/about-$lang.png"
done
cp "$out/welcome-en.png" "$out/welcome.png"
