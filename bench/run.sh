#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
#   bench/run.sh [BUILDDIR]      (default: ./_build of the source tree)
#
# Builds what it needs, then measures the node against the targets of its performance issue,
# each figure beside a baseline measured in this same run, one line per figure:
#
#   actor GET, WebFinger GET   requests/s of `quitter-node run` under wrk, as a ratio to a bare
#                              SoupServer that serves the same bytes          (>= 0.7x)
#   inbox                      signed deliveries accepted (202) per second    (>= 1,000/s)
#   fan-out                    one post to 10,000 followers on 1,000 hosts    (< 30 s)
#   RSS                        of `quitter-node run`, idle and under load     (idle < 20 MiB)
#   client timeline            the app's timeline model fed 50,000 streamed posts: its size
#                              stays at its bound, RSS growth per 1,000 posts once 10,000
#                              were fed (< 64 KiB), and the time to take one post then, as a
#                              ratio to the time once 100 were fed                (<= 2x)
#   client scroll              frames/s of the app's timeline view scrolling through 5,000
#                              posts under Xvfb, as a ratio to the same view over 50 (>= 0.8x)
#
# PASS or MISS is printed beside each figure; the exit status is 0 either way (it is a
# benchmark, not a test), and non-zero only when something could not be built or started.
# Nothing listens beyond loopback. Takes under a minute once built.
#
# Knobs (environment): BENCH_WRK_SECONDS (5), BENCH_INBOX_COUNT (2000), BENCH_INBOX_WARMUP
# (500), BENCH_INBOX_CONCURRENCY (32), BENCH_FANOUT_HOSTS (1000), BENCH_FANOUT_PER_HOST (10),
# BENCH_CLIENT_POSTS (50000).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${1:-$top/_build}
wrk_seconds=${BENCH_WRK_SECONDS:-5}
inbox_count=${BENCH_INBOX_COUNT:-2000}
inbox_warmup=${BENCH_INBOX_WARMUP:-500}
inbox_concurrency=${BENCH_INBOX_CONCURRENCY:-32}
fanout_hosts=${BENCH_FANOUT_HOSTS:-1000}
fanout_per_host=${BENCH_FANOUT_PER_HOST:-10}
client_posts=${BENCH_CLIENT_POSTS:-50000}

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- What it needs -------------------------------------------------------------------------

build() {
  # The packages are listed once, in build-aux/quitter.sh; wrk is what the bench adds.
  "$top/build-aux/quitter.sh" deps wrk
  if [ ! -f "$builddir/build.ninja" ]; then
    say "configuring $builddir"
    meson setup "$builddir" "$top" >/dev/null
  fi
  # Only what is run here: a half-done change elsewhere in the tree does not stop the bench.
  ninja -C "$builddir" src/node/quitter-node bench/bare-server bench/inbox-flood bench/fanout \
    bench/client-timeline bench/client-scroll >/dev/null || die "the build failed: run: ninja -C $builddir"
}

build

node_exe=$builddir/src/node/quitter-node
bare_exe=$builddir/bench/bare-server
flood_exe=$builddir/bench/inbox-flood
fanout_exe=$builddir/bench/fanout
client_timeline_exe=$builddir/bench/client-timeline
client_scroll_exe=$builddir/bench/client-scroll

# --- Processes of this run, ended by their ids --------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/quitter-bench.XXXXXX")
pids=()

# Ends a process of this run and forgets its id, which may then be reused.
stop() {
  local pid=$1 kept=()
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for other in "${pids[@]}"; do
    [ "$other" = "$pid" ] || kept+=("$other")
  done
  pids=("${kept[@]}")
}

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# A loopback port nothing answers on (the node's base URL must name its port before it runs),
# below the ephemeral range so that no outgoing connection takes it meanwhile.
pick_port() {
  local port low
  low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  for _ in $(seq 50); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port found on 127.0.0.1"
}

# Waits until something accepts connections on PORT of 127.0.0.1, while PID runs.
wait_for_port() {
  local port=$1 pid=$2 log=$3
  for _ in $(seq 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "a process of the bench stopped early"; }
    sleep 0.05
  done
  cat "$log" >&2
  die "nothing listens on port $port"
}

# Waits until FILE has a line starting with PATTERN; prints the rest of that line.
wait_for_line() {
  local file=$1 pattern=$2 pid=$3
  for _ in $(seq 200); do
    if grep -q "^$pattern" "$file" 2>/dev/null; then
      sed -n "s|^$pattern||p" "$file" | head -n1
      return
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$file" >&2; die "a process of the bench stopped early"; }
    sleep 0.05
  done
  cat "$file" >&2
  die "timed out waiting for $pattern in $file"
}

# `name=value` lines of a bench program's output.
value() { sed -n "s/^$2=//p" "$1" | head -n1; }

kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
status_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# verdict VALUE OP LIMIT: PASS when VALUE OP LIMIT holds (OP is >= or <).
verdict() {
  awk -v v="$1" -v op="$2" -v l="$3" \
    'BEGIN { ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 < l + 0)
             print (ok && v ~ /^[0-9.]+$/) ? "PASS" : "MISS" }'
}

# --- The node under test -----------------------------------------------------------------

port=$(pick_port)
base=http://127.0.0.1:$port
"$node_exe" init --data-dir "$work/node" --base-url "$base" --user alice >/dev/null
conf=$work/node/node.conf
set_conf() {
  if grep -q "^$1=" "$conf"; then
    sed -i "s|^$1=.*|$1=$2|" "$conf"
  else
    echo "$1=$2" >>"$conf"
  fi
}
set_conf port "$port"
set_conf allow_private_addresses true  # the inbox benchmark's sender lives on loopback
set_conf inbox_rate_limit 0            # one sender, thousands of deliveries

"$node_exe" run --data-dir "$work/node" >"$work/node.log" 2>&1 &
node_pid=$!
pids+=("$node_pid")
wait_for_port "$port" "$node_pid" "$work/node.log"
sleep 1
rss_idle=$(status_kib "$node_pid" VmRSS)

webfinger_query="resource=acct%3Aalice%40127.0.0.1%3A$port"
"$bare_exe" --from "$base" --actor-path /users/alice --webfinger-query "$webfinger_query" \
  >"$work/bare.out" 2>&1 &
bare_pid=$!
pids+=("$bare_pid")
bare=$(wait_for_line "$work/bare.out" "url=" "$bare_pid")

# --- GET: the node, then the bare SoupServer, one under load at a time ---------------------

# wrk_rps URL [HEADER]: requests/s; warns when answers were not 2xx.
wrk_rps() {
  local out
  out=$(wrk -t2 -c32 -d"${wrk_seconds}s" ${2:+-H "$2"} "$1")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    say "wrk against $1: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | tr '\n' ';')"
  fi
  awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out"
}

accept='Accept: application/activity+json'
say "GET actor and WebFinger, ${wrk_seconds} s each against the node and the bare server"
actor_node=$(wrk_rps "$base/users/alice" "$accept")
actor_bare=$(wrk_rps "$bare/users/alice" "$accept")
webfinger_node=$(wrk_rps "$base/.well-known/webfinger?$webfinger_query")
webfinger_bare=$(wrk_rps "$bare/.well-known/webfinger?$webfinger_query")
rss_get=$(status_kib "$node_pid" VmRSS)
stop "$bare_pid"

# --- Inbox: signed deliveries, key cached ----------------------------------------------------

say "inbox: $inbox_warmup + $inbox_count signed deliveries, $inbox_concurrency in flight"
"$flood_exe" --inbox "$base/users/alice/inbox" --count "$inbox_count" --warmup "$inbox_warmup" \
  --concurrency "$inbox_concurrency" --db "$work/node/node.db" >"$work/flood.out" \
  2>"$work/flood.err" || { cat "$work/flood.err" >&2; die "inbox-flood failed"; }
rss_flood=$(status_kib "$node_pid" VmRSS)
rss_peak=$(status_kib "$node_pid" VmHWM)
stop "$node_pid"

# --- Fan-out: one post to followers on many hosts --------------------------------------------

say "fan-out: $((fanout_hosts * fanout_per_host)) followers on $fanout_hosts hosts"
"$fanout_exe" --dir "$work" --hosts "$fanout_hosts" --followers-per-host "$fanout_per_host" \
  >"$work/fanout.out" 2>"$work/fanout.err" || { cat "$work/fanout.err" >&2; die "fanout failed"; }

# --- The client's timeline model: a long stream of posts ----------------------------------

say "client timeline: $client_posts streamed posts into the app's timeline model"
"$client_timeline_exe" --posts "$client_posts" >"$work/client.out" 2>"$work/client.err" ||
  { cat "$work/client.err" >&2; die "client-timeline failed"; }

say "client scroll: the timeline view through 5,000 posts, then through 50, under Xvfb"
GSETTINGS_BACKEND=memory xvfb-run --auto-servernum "$client_scroll_exe" >"$work/scroll.out" \
  2>"$work/scroll.err" || { cat "$work/scroll.err" >&2; die "client-scroll failed"; }

# --- The figures ---------------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "" }'; }
actor_ratio=$(ratio "$actor_node" "$actor_bare")
webfinger_ratio=$(ratio "$webfinger_node" "$webfinger_bare")

accepted=$(value "$work/flood.out" accepted)
inbox_rate=$(value "$work/flood.out" accepted_per_second)
fanout_seconds=$(value "$work/fanout.out" seconds)

echo
printf 'actor GET: %s req/s, %sx bare SoupServer (%s req/s)  %s (>= 0.7x)\n' \
  "$actor_node" "$actor_ratio" "$actor_bare" "$(verdict "$actor_ratio" '>=' 0.7)"
printf 'WebFinger GET: %s req/s, %sx bare SoupServer (%s req/s)  %s (>= 0.7x)\n' \
  "$webfinger_node" "$webfinger_ratio" "$webfinger_bare" "$(verdict "$webfinger_ratio" '>=' 0.7)"
printf 'inbox: %s signed deliveries accepted/s (%s of %s answered 202 in %s s, %s in flight; latency p50 %s ms, p99 %s ms; all processed %s s after the first was sent; the %s sent before them to the new node: %s/s)  %s (>= 1000/s)\n' \
  "$inbox_rate" "$accepted" "$(value "$work/flood.out" sent)" \
  "$(value "$work/flood.out" seconds)" "$inbox_concurrency" \
  "$(value "$work/flood.out" latency_p50_ms)" "$(value "$work/flood.out" latency_p99_ms)" \
  "$(value "$work/flood.out" processed_seconds)" "$inbox_warmup" \
  "$(value "$work/flood.out" warmup_accepted_per_second)" "$(verdict "$inbox_rate" '>=' 1000)"
printf 'fan-out: %s s for one post to %s followers on %s hosts: %s deliveries at %s/s (RSA-2048 signing alone, one core: %s/s); %s arrived at %s distinct hosts, the first after %s ms  %s (< 30 s)\n' \
  "$fanout_seconds" "$(value "$work/fanout.out" followers)" "$(value "$work/fanout.out" hosts)" \
  "$(value "$work/fanout.out" inboxes)" "$(value "$work/fanout.out" deliveries_per_second)" \
  "$(value "$work/flood.out" signed_per_second)" \
  "$(value "$work/fanout.out" arrivals)" "$(value "$work/fanout.out" distinct_hosts)" \
  "$(value "$work/fanout.out" first_arrival_ms)" \
  "$(verdict "$fanout_seconds" '<' 30)"
printf 'RSS idle: %s MiB  %s (< 20 MiB)\n' "$(kib_to_mib "$rss_idle")" \
  "$(verdict "$(kib_to_mib "$rss_idle")" '<' 20)"
printf 'RSS under load: %s MiB after the GET load, %s MiB after the inbox flood, peak %s MiB\n' \
  "$(kib_to_mib "$rss_get")" "$(kib_to_mib "$rss_flood")" "$(kib_to_mib "$rss_peak")"
client_growth=$(value "$work/client.out" rss_growth_per_1000_kib)
client_ratio=$(value "$work/client.out" insert_ratio)
printf 'client timeline size: at most %s items while %s posts streamed in (bound %s)  %s (= bound)\n' \
  "$(value "$work/client.out" max_n_items)" "$(value "$work/client.out" posts)" \
  "$(value "$work/client.out" max_items)" \
  "$( [ "$(value "$work/client.out" max_n_items)" = "$(value "$work/client.out" max_items)" ] \
      && echo PASS || echo MISS)"
printf 'client timeline memory: %s KiB RSS per 1,000 posts after the first 10,000 (%s MiB then, %s MiB at the end)  %s (< 64 KiB)\n' \
  "$client_growth" "$(kib_to_mib "$(value "$work/client.out" rss_10000_kib)")" \
  "$(kib_to_mib "$(value "$work/client.out" rss_end_kib)")" \
  "$(awk -v g="$client_growth" 'BEGIN { print (g < 64) ? "PASS" : "MISS" }')"
printf 'client timeline insert: %sx the time per post once 10,000 were fed (%s us) against once 100 were (%s us); without the bound %sx at 10,000 items  %s (<= 2x)\n' \
  "$client_ratio" "$(value "$work/client.out" insert_at_10000_us)" \
  "$(value "$work/client.out" insert_at_100_us)" \
  "$(value "$work/client.out" unbounded_insert_ratio)" \
  "$(verdict "$client_ratio" '<' 2.0001)"
printf 'client scroll: %s frames/s through %s posts, %sx the %s frames/s through %s (Xvfb, software drawing)  %s (>= 0.8x)\n' \
  "$(value "$work/scroll.out" many_fps)" "$(value "$work/scroll.out" many_rows)" \
  "$(value "$work/scroll.out" fps_ratio)" "$(value "$work/scroll.out" few_fps)" \
  "$(value "$work/scroll.out" few_rows)" "$(verdict "$(value "$work/scroll.out" fps_ratio)" '>=' 0.8)"
exit 0
