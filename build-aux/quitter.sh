#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# One script behind the README's two commands, on Debian 12 (as root, or as a user with sudo):
#   build-aux/quitter.sh run    install what is missing, build, install into ./_install, launch
#   build-aux/quitter.sh test   install what is missing, build with --werror, run every test
# It reaches no network but apt, only when a Debian package is missing, and npm, only when the
# interop test's npm packages are missing or their lock changed. Running it twice
# does no work twice.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${QUITTER_BUILDDIR:-$top/_build}
prefix=${QUITTER_PREFIX:-$top/_install}

build_packages=(
  meson ninja-build pkg-config gcc libc6-dev
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev
  libjson-glib-dev libgdk-pixbuf-2.0-dev libsqlite3-dev libsecret-1-dev libgnutls28-dev libxml2-dev
  gettext desktop-file-utils appstream python3 adwaita-icon-theme hicolor-icon-theme groff-base
  fonts-cantarell
)
test_packages=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools systemd python3-mastodon
  python3-gi gir1.2-gdkpixbuf-2.0)

say() { printf 'quitter.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "packages are missing and this is not root, nor is sudo here: run it as root."
  fi
}

install_missing() {
  local missing=()
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

configure_and_build() {
  if [ -f "$builddir/build.ninja" ]; then
    meson configure "$builddir" -Dwerror=true -Dprefix="$prefix" >/dev/null
  else
    meson setup "$builddir" "$top" --werror --prefix="$prefix"
  fi
  meson compile -C "$builddir"
}

run_app() {
  install_missing "${build_packages[@]}"
  configure_and_build
  meson install -C "$builddir" --quiet
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    die "no display: run this from a desktop session (Wayland or X11)."
  fi
  export XDG_DATA_DIRS="$prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
  exec "$prefix/bin/quitter" "$@"
}

# Prints meson's counts as one line, "N passed, M failed[, K skipped]"; fails unless all passed.
summarise() {
  python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {'passed': 0, 'failed': 0, 'skipped': 0}
with open(sys.argv[1], encoding='utf-8') as log:
    for line in log:
        if not line.strip():
            continue
        result = json.loads(line)['result']
        if result in ('OK', 'EXPECTEDFAIL'):
            counts['passed'] += 1
        elif result == 'SKIP':
            counts['skipped'] += 1
        else:
            counts['failed'] += 1
line = f"{counts['passed']} passed, {counts['failed']} failed"
if counts['skipped']:
    line += f", {counts['skipped']} skipped"
print(line)
sys.exit(0 if counts['failed'] == 0 and counts['passed'] > 0 else 1)
PY
}

# The interop test's peer runs on Node.js with npm packages pinned by
# tests/interop/fedify/package-lock.json. npm ci runs only when node_modules is missing or the
# lock changed since it last ran, with its cache in the build folder and $1 as its home.
install_npm_packages() {
  local dir=$top/tests/interop/fedify
  local stamp=$dir/node_modules/.quitter-package-lock.json

  if ! command -v npm >/dev/null; then
    say "npm is missing: the Fedify interop test will be skipped (it needs Node.js 20 or newer, with npm)."
    return 0
  fi
  if [ -d "$dir/node_modules" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    return 0
  fi
  say "installing the Fedify peer's npm packages (npm ci in tests/interop/fedify)"
  if (cd "$dir" && env -i PATH="$PATH" HOME="$1" npm_config_cache="$builddir/npm-cache" \
        npm ci --loglevel=error >/dev/null); then
    cp "$dir/package-lock.json" "$stamp"
  else
    say "npm ci failed in tests/interop/fedify: the Fedify interop test fails (or skips, if node is too old for Fedify)."
  fi
}

# The suite runs in a private D-Bus session with an unlocked gnome-keyring of its own, under
# Xvfb, with a home of its own so that nothing of the user's is read or written.
run_tests() {
  install_missing "${build_packages[@]}" "${test_packages[@]}"
  configure_and_build

  local status=0
  sandbox=$(mktemp -d "${TMPDIR:-/tmp}/quitter-test.XXXXXX")
  trap 'rm -rf "${sandbox:-}"' EXIT
  mkdir -p "$sandbox"/{home,data,config,cache,runtime}
  chmod 0700 "$sandbox/runtime"
  install_npm_packages "$sandbox/home"

  env -i PATH="$PATH" TERM="${TERM:-dumb}" \
    HOME="$sandbox/home" XDG_DATA_HOME="$sandbox/data" XDG_CONFIG_HOME="$sandbox/config" \
    XDG_CACHE_HOME="$sandbox/cache" XDG_RUNTIME_DIR="$sandbox/runtime" \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory \
    NO_AT_BRIDGE=1 GTK_A11Y=none \
    dbus-run-session -- bash -c '
      set -e
      # Creates the login keyring (an empty password would not create it) and leaves it
      # unlocked; then proves that a secret can be stored, read and removed.
      printf "quitter-tests" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
      printf probe | secret-tool store --label="Quitter test probe" quitter-probe 1
      [ "$(secret-tool lookup quitter-probe 1)" = probe ] || {
        echo "quitter.sh: the private gnome-keyring is not usable" >&2; exit 1; }
      secret-tool clear quitter-probe 1
      G_DEBUG=fatal-warnings exec xvfb-run --auto-servernum \
        --server-args="-screen 0 1280x800x24 -nolisten tcp" meson test -C "$1" --print-errorlogs --num-processes 2 "${@:2}"
    ' quitter-tests "$builddir" "$@" || status=$?

  summarise || status=1
  return "$status"
}

case "${1:-}" in
  run) shift; run_app "$@" ;;
  test) shift; run_tests "$@" ;;
  deps) shift; install_missing "${build_packages[@]}" "${test_packages[@]}" "$@" ;;
  *)
    cat >&2 <<USAGE
Usage: build-aux/quitter.sh run [APP-ARGS…]    build, install into _install/ and launch Quitter
       build-aux/quitter.sh test [MESON-TEST-ARGS…]    build with --werror and run every test
       build-aux/quitter.sh deps [PACKAGE…]    only install the missing Debian packages
                                                (those it needs, and any named)
USAGE
    exit 2 ;;
esac
