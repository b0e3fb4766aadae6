#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Takes the screenshots in data/screenshots/ from the real app under Xvfb, in each language:
#   build-aux/screenshots.sh [BUILDDIR]
# The app runs installed into the checkout's _install/ (as `quitter.sh run` does), with a
# memory settings backend and a private D-Bus session; the About window is opened through the
# app's own D-Bus action, as `gapplication action` would from a desktop.
# For the main window, two real nodes run on loopback (alice's and bob's, with a few posts,
# a follow, a like and a boost between them); the app is signed in to alice's node with a
# token from `quitter-node token`, kept in a private gnome-keyring as the app keeps it.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${1:-$top/_build}
prefix=${QUITTER_PREFIX:-$top/_install}
out="$top/data/screenshots"

for tool in Xvfb import xwininfo gapplication gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || {
    echo "screenshots.sh: $tool is missing (apt-get install xvfb imagemagick x11-utils libglib2.0-bin gnome-keyring libsecret-tools)" >&2
    exit 1
  }
done

meson install -C "$builddir" --quiet
mkdir -p "$out"

nodes=$(mktemp -d "${TMPDIR:-/tmp}/quitter-shots.XXXXXX")
node_pids=()
xvfb_pid=
cleanup() {
  kill $xvfb_pid "${node_pids[@]}" 2>/dev/null || true
  rm -rf "$nodes"
}
trap cleanup EXIT

display=:77
Xvfb "$display" -screen 0 960x680x24 -nolisten tcp &
xvfb_pid=$!
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

# Two nodes on loopback with something to show.
node_bin="$prefix/bin/quitter-node"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_node USER NAME: sets $port to the port it serves on.
start_node() {
  local user=$1 name=$2
  port=$(free_port)
  "$node_bin" init --data-dir "$nodes/$user" --base-url "http://127.0.0.1:$port" \
    --user "$user" --display-name "$name" >/dev/null
  sed -i 's/^allow_private_addresses=.*/allow_private_addresses=true/' "$nodes/$user/node.conf"
  "$node_bin" run --data-dir "$nodes/$user" --port "$port" >"$nodes/$user.log" 2>&1 &
  node_pids+=($!)
  for _ in $(seq 100); do
    grep -q Serving "$nodes/$user.log" && break
    sleep 0.1
  done
}
wait_delivered() {
  for _ in $(seq 100); do
    "$node_bin" status --data-dir "$nodes/$1" | grep -q "^Deliveries waiting: 0" && return
    sleep 0.2
  done
}
start_node alice "Alice Liddell"; alice_port=$port
start_node bob "Bob Hatter"; bob_port=$port
alice="@alice@127.0.0.1:$alice_port"
"$node_bin" follow --data-dir "$nodes/bob" "$alice" >/dev/null
"$node_bin" follow --data-dir "$nodes/alice" "@bob@127.0.0.1:$bob_port" >/dev/null
wait_delivered bob; wait_delivered alice
sleep 2
"$node_bin" post --data-dir "$nodes/bob" "Tea at six in the garden, everyone is welcome. #teaparty" >/dev/null
"$node_bin" post --data-dir "$nodes/alice" --content-warning "Spoilers for the book" \
  "The cat vanishes and only the grin stays behind." >/dev/null
first=$("$node_bin" post --data-dir "$nodes/alice" --language en \
  "Down the rabbit hole today: a small node on my own laptop, federating with the world. \
#fediverse https://example.org/rabbit-hole" | grep -o 'http[^;]*')
wait_delivered alice; wait_delivered bob
sleep 2
"$node_bin" like --data-dir "$nodes/bob" "$first" >/dev/null
"$node_bin" boost --data-dir "$nodes/bob" "$first" >/dev/null
"$node_bin" post --data-dir "$nodes/bob" --in-reply-to "$first" "Welcome, $alice! Curiouser and curiouser." >/dev/null
wait_delivered bob
sleep 2
token=$("$node_bin" token --data-dir "$nodes/alice" --scopes "read write follow push")

shoot_main() {
  local lang=$1
  DISPLAY=$display LANGUAGE=$lang LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory GDK_BACKEND=x11 \
  XDG_DATA_DIRS="$prefix/share:/usr/local/share:/usr/share" \
  HOME="$nodes/home-$lang" XDG_DATA_HOME="$nodes/home-$lang/data" \
  XDG_CONFIG_HOME="$nodes/home-$lang/config" XDG_CACHE_HOME="$nodes/home-$lang/cache" \
  dbus-run-session -- bash -c '
    set -e
    mkdir -p "$XDG_DATA_HOME/quitter"
    printf "screenshots" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    printf "{\"client_id\":\"\",\"client_secret\":\"\",\"access_token\":\"%s\"}" "$5" |
      secret-tool store --label="Quitter: $6" xdg:schema io.github.quitter.Quitter \
        server "$7" account-id 1 handle "$6"
    printf "[accounts]\nactive=%s\n\n[account %s]\nserver=%s\naccount-id=1\nhandle=%s\ndisplay-name=Alice Liddell\n" \
      "$6" "$6" "$7" "$6" > "$XDG_DATA_HOME/quitter/accounts.ini"
    "$1/bin/quitter" & app=$!
    for _ in $(seq 50); do
      xwininfo -display "$2" -root -tree | grep -q "\"Quitter\"" && break
      sleep 0.2
    done
    sleep 3
    import -display "$2" -window root "$3/home-$4.png"
    kill "$app"
  ' shoot "$prefix" "$display" "$out" "$lang" "$token" "$alice" "http://127.0.0.1:$alice_port"
}

for lang in en es sv; do
  shoot "$lang"
  shoot_main "$lang"
  echo "data/screenshots/home-$lang.png"
  echo "data/screenshots/welcome-$lang.png data/screenshots/about-$lang.png"
done
cp "$out/welcome-en.png" "$out/welcome.png"
