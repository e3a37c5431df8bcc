#!/usr/bin/env bash
# Times a web API endpoint on a node: starts `renda serve` on the node's folder
# (web interface on a free loopback port, no sync listener, no discovery),
# signs in with a throwaway admin account, asks for PATH once (the first
# answer loads the report data) and then N times more, and prints the first
# time and the median, minimum and maximum of the others (curl's time to the
# first byte of the answer, on loopback: the server's time plus well under a
# millisecond).
#
#   scripts/web-timing.sh NODE_DIR PATH [N]
#   RENDA_NOW_MS=1795140000000 scripts/web-timing.sh renda-data/demo-county/county /api/dashboard 50
#
# RENDA (default build/app/renda) is the binary. The account `web-timing` is
# added to the node's web-accounts file and removed again.
set -euo pipefail
dir=${1:?usage: web-timing.sh NODE_DIR PATH [N]}
path=${2:?usage: web-timing.sh NODE_DIR PATH [N]}
n=${3:-30}
renda=${RENDA:-build/app/renda}
work=$(mktemp -d)
pass="web-timing-$RANDOM-$RANDOM"
RENDA_PASSWORD=$pass "$renda" --data "$dir" account add --name web-timing --role admin >/dev/null
"$renda" --data "$dir" serve --listen off --discovery off --web 127.0.0.1:0 2>"$work/log" &
serve=$!
cleanup() {
  kill "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true
  "$renda" --data "$dir" account remove --name web-timing >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
port=
for _ in $(seq 100); do
  port=$(sed -n 's|.*web at http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/log" >&2; echo "renda serve did not start" >&2; exit 1; }
base=http://127.0.0.1:$port
curl -sf -c "$work/cookies" -H 'Content-Type: application/json' \
  -d "{\"name\":\"web-timing\",\"password\":\"$pass\"}" "$base/api/login" >/dev/null
once() { curl -sf -b "$work/cookies" -o /dev/null -w '%{time_starttransfer}\n' "$base$path"; }
first=$(once)
for _ in $(seq "$n"); do once; done | sort -g >"$work/times"
awk -v first="$first" -v path="$path" '{ t[NR] = $1 * 1000 } END {
  m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
  printf "%s: first %.1f ms; then %d requests: median %.1f ms, min %.1f ms, max %.1f ms\n",
    path, first * 1000, NR, m, t[1], t[NR] }' "$work/times"
