#!/usr/bin/env bash
# Start-to-ready time of `./meshchat chat`, the launcher included: from the moment the process is
# started until its `ready` event (JSON) is read, for a chat alone (no tracker, no LAN, a fresh data
# dir, so the time is the peer's own and not a network's). Prints one JSON line per mode: with the
# fast-start archive (AppCDS, the default) and without it (MESHCHAT_CDS=0), runs alternating.
#
#   testkit/scripts/start-time.sh [RUNS]      # default 7 runs per mode
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=${1:-7}
"$ROOT/meshchat" history --help >/dev/null # builds the jar and the archive once, outside the runs

one() { # $1 = MESHCHAT_CDS value; prints ms to ready
  local data start line end
  data=$(mktemp -d)
  start=$(date +%s%N)
  coproc CHAT { MESHCHAT_CDS=$1 exec "$ROOT/meshchat" chat --no-tracker --no-lan --json --nick start --data "$data/p" 2>/dev/null; }
  while IFS= read -r line <&"${CHAT[0]}"; do
    case $line in *'"event":"ready"'*) break ;; esac
  done
  end=$(date +%s%N)
  eval "exec ${CHAT[1]}>&-" # EOF: the chat leaves
  wait "$CHAT_PID" 2>/dev/null || true
  rm -rf "$data"
  echo $(((end - start) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

cds_runs=() plain_runs=()
for ((i = 0; i < runs; i++)); do
  cds_runs+=("$(one 1)")
  plain_runs+=("$(one 0)")
done
load=$(cut -d' ' -f1 /proc/loadavg)
for mode in cds plain; do
  if [ "$mode" = cds ]; then r=("${cds_runs[@]}"); else r=("${plain_runs[@]}"); fi
  p50=$(printf '%s\n' "${r[@]}" | median)
  printf '{"bench":"start","mode":"%s","runs":%d,"p50_ms":%s,"each_ms":[%s],"load":%s}\n' \
    "$mode" "$runs" "$p50" "$(IFS=,; echo "${r[*]}")" "$load"
done
