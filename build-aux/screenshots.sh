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

for tool in Xvfb import xwininfo xdotool curl gapplication gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || {
    echo "screenshots.sh: $tool is missing (apt-get install xvfb imagemagick x11-utils xdotool curl libglib2.0-bin gnome-keyring libsecret-tools)" >&2
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

# The API id of alice's first post, and of nothing else: the thread to show.
first_id=$(curl -s -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$alice_port/api/v1/accounts/1/statuses?limit=40" |
  python3 -c 'import json,sys; print(next(s["id"] for s in json.load(sys.stdin) if "rabbit hole" in s["content"]))')
bob="@bob@127.0.0.1:$bob_port"

# One session of the real app, signed in to alice's node with the token in a private keyring;
# the app's own node is alice's (run beside it by quitter-node, as a systemd unit would).
cat >"$nodes/session.sh" <<'SESSION'
set -e
prefix=$1 display=$2 out=$3 lang=$4 token=$5 alice=$6 server=$7 first_id=$8 bob=$9 node_dir=${10}
mkdir -p "$XDG_DATA_HOME/quitter" "$XDG_CONFIG_HOME/glib-2.0/settings"
printf "screenshots" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# The daemon forks: wait until it owns the secrets name, or D-Bus would start a second, locked one.
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q true && break
  sleep 0.1
done
printf '{"client_id":"","client_secret":"","access_token":"%s"}' "$token" |
  secret-tool store --label="Quitter: $alice" xdg:schema io.github.quitter.Quitter \
    server "$server" account-id 1 handle "$alice"
printf "[accounts]\nactive=%s\n\n[account %s]\nserver=%s\naccount-id=1\nhandle=%s\ndisplay-name=Alice Liddell\n" \
  "$alice" "$alice" "$server" "$alice" > "$XDG_DATA_HOME/quitter/accounts.ini"
# The app's node folder is alice's: the app finds it served by quitter-node and uses that one.
ln -s "$node_dir" "$XDG_DATA_HOME/quitter/node"
printf "[io/github/quitter/Quitter]\nnode-folder='%s'\n" "$XDG_DATA_HOME/quitter/node" \
  > "$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
action() { gapplication action io.github.quitter.Quitter "$@"; sleep 2; }
# A window of the app by its title, as the app translates it (a dialog or a compose window).
window_titled() {
  local title
  title=$(TEXTDOMAINDIR="$prefix/share/locale" LANGUAGE=$lang gettext -d quitter "$1")
  xwininfo -display "$display" -root -tree | grep -F "\"$title\"" | awk '{ print $1; exit }'
}
shot() { import -display "$display" -window root -crop 960x680+0+0 "$out/$1-$lang.png"; }
shot_window() { import -display "$display" -window "$(window_titled "$2")" "$out/$1-$lang.png"; }

"$prefix/bin/quitter" & app=$!
for _ in $(seq 50); do
  xwininfo -display "$display" -root -tree | grep -q '"Quitter"' && break
  sleep 0.2
done
sleep 3
shot home
action show-notifications "'$alice'"
shot notifications
action open-status "'$first_id'"
sleep 1
shot thread
action open-profile "'$bob'"
sleep 1
shot profile
action compose
case $lang in
  es) text="Té con el Sombrerero a las seis. ¿Quién más viene? #teaparty" ;;
  sv) text="Te med Hattmakaren klockan sex. Vem mer kommer? #teaparty" ;;
  *) text="Tea with the Hatter at six. Who else is coming? #teaparty" ;;
esac
DISPLAY=$display xdotool type --delay 5 "$text"
sleep 1
shot_window compose "New Post"
DISPLAY=$display xdotool key ctrl+w
sleep 1
action node-preferences
shot_window node-preferences "Preferences"
kill "$app"
SESSION

shoot_main() {
  local lang=$1
  DISPLAY=$display LANGUAGE=$lang LC_ALL=C.UTF-8 GSETTINGS_BACKEND=keyfile GDK_BACKEND=x11 \
  XDG_DATA_DIRS="$prefix/share:/usr/local/share:/usr/share" \
  HOME="$nodes/home-$lang" XDG_DATA_HOME="$nodes/home-$lang/data" \
  XDG_CONFIG_HOME="$nodes/home-$lang/config" XDG_CACHE_HOME="$nodes/home-$lang/cache" \
  dbus-run-session -- bash "$nodes/session.sh" "$prefix" "$display" "$out" "$lang" "$token" \
    "$alice" "http://127.0.0.1:$alice_port" "$first_id" "$bob" "$nodes/alice"
}

for lang in en es sv; do
  shoot "$lang"
  shoot_main "$lang"
  for page in home notifications thread profile compose node-preferences; do
    echo "data/screenshots/$page-$lang.png"
  done
  echo "data/screenshots/welcome-$lang.png data/screenshots/about-$lang.png"
done
cp "$out/welcome-en.png" "$out/welcome.png"
