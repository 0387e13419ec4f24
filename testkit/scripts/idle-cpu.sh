#!/usr/bin/env bash
# Idle CPU of one chat peer with 3 links (docs/benchmarks.md, "Idle CPU"): a tracker and four
# `chat --json` peers on loopback, LAN discovery on as users get it, nobody typing. Once the
# measured peer has 3 links it settles, then utime+stime of its JVM are read from /proc/PID/stat
# twice, WINDOW seconds apart. Prints one JSON line; with THREADS=1 also, on stderr, the CPU time
# of each thread over the window (from two jstack dumps), to find what wakes up.
# Usage: testkit/scripts/idle-cpu.sh [WINDOW_S=60] [SETTLE_S=30]
# Extra JVM flags for the peers go in JAVA_OPTS, as for ./meshchat.
set -euo pipefail
window=${1:-60}
settle=${2:-30}
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=$(mktemp -d /tmp/meshchat-idle-cpu.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  exec 3>&- || true
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$root/meshchat" tracker --port "$port" >"$work/tracker.out" 2>&1 &
pids+=($!)
# every peer's stdin is one FIFO this script holds open and never writes: an idle person
mkfifo "$work/stdin"
exec 3<>"$work/stdin"
for n in p0 p1 p2 p3; do
  "$root/meshchat" chat --json --nick "$n" --room "idle-$$" --tracker "127.0.0.1:$port" \
    --data "$work/$n" <"$work/stdin" >"$work/$n.out" 2>"$work/$n.err" &
  pids+=($!)
done
pid=${pids[1]} # p0: the launcher execs java, so this is its JVM

deadline=$((SECONDS + 180))
until [ "$(grep -c '"event":"peer-up"' "$work/p0.out" 2>/dev/null || true)" -ge 3 ]; do
  [ $SECONDS -lt $deadline ] || { echo "meshchat: p0 did not get 3 links in 180 s" >&2; exit 1; }
  sleep 1
done
sleep "$settle"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
threads() {
  [ "${THREADS:-0}" = 1 ] || return 0
  jstack "$pid" >"$work/jstack$1" 2>/dev/null || true
  for t in /proc/"$pid"/task/*; do # wake-ups: each time a thread blocked and was woken again
    printf '%s\t%s\n' "$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status")" "$(cat "$t/comm")"
  done >"$work/wakeups$1" 2>/dev/null || true
}
threads 0
t0=$(ticks "$pid")
sleep "$window"
t1=$(ticks "$pid")
threads 1
if [ "${THREADS:-0}" = 1 ]; then
  python3 - "$work/jstack0" "$work/jstack1" >&2 <<'PY'
import re, sys
def cpu(path):
    out = {}
    for line in open(path):
        m = re.match(r'"(.*?)".*?cpu=([0-9.]+)ms', line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out
a, b = cpu(sys.argv[1]), cpu(sys.argv[2])
for name, ms in sorted(((n, b[n] - a.get(n, 0.0)) for n in b), key=lambda x: -x[1])[:12]:
    print(f"{ms:9.1f} ms CPU  {name}")
PY
  python3 - "$work/wakeups0" "$work/wakeups1" "$window" >&2 <<'PY'
import sys
def load(path):
    out = {}
    for line in open(path):
        n, _, name = line.rstrip("\n").partition("\t")
        if n:
            out[name] = out.get(name, 0) + int(n)
    return out
a, b, w = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
for name, n in sorted(((n, b[n] - a.get(n, 0)) for n in b), key=lambda x: -x[1])[:8]:
    print(f"{n / w:9.1f} wake-ups/s  {name}")
PY
fi
hz=$(getconf CLK_TCK)
links=$(( $(grep -c '"event":"peer-up"' "$work/p0.out") - $(grep -c '"event":"peer-down"' "$work/p0.out" || true) ))
load=$(cut -d' ' -f1 /proc/loadavg)
awk -v d=$((t1 - t0)) -v hz="$hz" -v w="$window" -v links="$links" -v load="$load" \
  -v opts="${JAVA_OPTS:-}" 'BEGIN {
  printf "{\"bench\":\"idle-cpu\",\"window_s\":%d,\"ticks\":%d,\"clk_tck\":%d,\"links\":%d,", w, d, hz, links
  printf "\"core_percent\":%.2f,\"load\":%s,\"java_opts\":\"%s\"}\n", 100 * d / hz / w, load, opts
}'
