#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# LAN discovery end to end: two `renda serve` nodes of one county, each in its
# own network namespace, joined by a veth pair (10.231.N.1 and .2, /24, with a
# broadcast address), no neighbour configured. They must find each other by
# the beacon alone and converge on the same digest after a change on one.
# Meanwhile the office node of another county serves on the same segment and
# the same discovery port: both nodes log its beacons as not authenticating;
# and a beacon of node A captured on the segment and sent to B again is
# logged as a replay.
#
# Usage: netns_discovery.sh <renda binary>
# Exit 0 pass, 1 fail, 77 skipped (not root, no `ip netns`, no python3, or a
# renda without `serve`). Everything it creates is removed on exit.
set -euo pipefail

RENDA=${1:?usage: $0 <renda binary>}
TIMEOUT_S=${RENDA_NETNS_TIMEOUT_S:-60}
SYNC_PORT=7420
OTHER_PORT=7430
BEACON_PORT=7421

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "no ip (iproute2)"
command -v python3 >/dev/null || skip "no python3 (captures and replays a beacon)"
"$RENDA" serve --help >/dev/null 2>&1 || skip "this renda has no serve command"

id=$$
subnet=10.231.$((id % 250)).
nsA=renda-disc-a-$id nsB=renda-disc-b-$id
vethA=rdA$id vethB=rdB$id
tmp=$(mktemp -d)
pids=()

cleanup() {
  local rc=$?
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$nsA" 2>/dev/null || true
  ip netns del "$nsB" 2>/dev/null || true
  ip link del "$vethA" 2>/dev/null || true
  if [[ $rc != 0 && $rc != 77 ]]; then
    for f in "$tmp"/*.log; do
      [[ -f $f ]] || continue
      echo "--- $(basename "$f")"
      tail -n 40 "$f"
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

ip netns add "$nsA" 2>/dev/null || skip "ip netns add failed (no network namespaces here)"
ip netns add "$nsB" || fail "ip netns add $nsB"
ip link add "$vethA" type veth peer name "$vethB" || skip "cannot create a veth pair"
ip link set "$vethA" netns "$nsA"
ip link set "$vethB" netns "$nsB"
ip -n "$nsA" addr add "${subnet}1/24" brd + dev "$vethA"
ip -n "$nsB" addr add "${subnet}2/24" brd + dev "$vethB"
for ns in "$nsA" "$nsB"; do ip -n "$ns" link set lo up; done
ip -n "$nsA" link set "$vethA" up
ip -n "$nsB" link set "$vethB" up

r() { "$RENDA" --data "$tmp/$1" "${@:2}"; }
nodeKey() { sed -n 's/.*Node key: \([0-9a-f]\{64\}\).*/\1/p' | head -n 1; }

# A county office and two townships (A and B), and another county's office.
r county county init --name 示范县 >"$tmp/setup.log"
for node in a b; do
  key=$(r "$node" init | nodeKey)
  [[ -n $key ]] || fail "renda init printed no node key"
  township=$([[ $node == a ]] && echo 城关镇 || echo 东风乡)
  r county enroll --node "$key" --township "$township" -o "$tmp/enroll-$node" >>"$tmp/setup.log"
  r "$node" join "$tmp/enroll-$node" >>"$tmp/setup.log"
done
r other county init --name 别县 >>"$tmp/setup.log"

serveIn() {  # namespace, node, listen port, log
  ip netns exec "$1" "$RENDA" --data "$tmp/$2" serve --listen "0.0.0.0:$3" \
    --discovery on --discovery-port "$BEACON_PORT" 2>"$tmp/$4" >/dev/null &
  pids+=($!)
}
serveIn "$nsA" a "$SYNC_PORT" serve-a.log
serveIn "$nsB" b "$SYNC_PORT" serve-b.log
serveIn "$nsB" other "$OTHER_PORT" serve-other.log

# A change on A, made by a separate CLI process while A serves.
r a deputy add --name 测试代表 >>"$tmp/setup.log"

# A has the new deputy and B does not, so equal digests mean it reached B (and
# B's own enrollment reached A).
deadline=$((SECONDS + TIMEOUT_S))
until [[ $(r a digest) == "$(r b digest)" ]]; do
  ((SECONDS < deadline)) || fail "A and B did not reach the same digest within ${TIMEOUT_S}s"
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || fail "a renda serve exited"; done
  sleep 1
done
echo "converged by the beacon alone in about ${SECONDS}s"
grep -qE "session (to|from) ${subnet//./\\.}[12]:" "$tmp/serve-a.log" "$tmp/serve-b.log" ||
  fail "no session between ${subnet}1 and ${subnet}2 in the logs"

# The other county's beacons: on the segment, ignored by both.
for node in a b; do
  grep -iqE 'beacon.*(authenticat|another county)' "$tmp/serve-$node.log" ||
    fail "serve $node logged no ignored beacon of another county"
done
! grep -qE "session (to|from) ${subnet//./\\.}[12]:" "$tmp/serve-other.log" ||
  fail "the other county's node had a session with this county's nodes"

# Replay: capture one of A's beacons in A's namespace (A hears its own
# broadcast), then send it to B's segment again after B has heard it. Sent
# as a broadcast: B's namespace has two sockets on the port (B's and the
# other county's), and a unicast datagram would reach only one of them.
replays_before=$(grep -ciE 'beacon.*replay' "$tmp/serve-b.log" || true)
ip netns exec "$nsA" python3 - "$BEACON_PORT" "${subnet}1" "${subnet}255" <<'EOF' ||
import socket, sys, time
port, mine, peer = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("0.0.0.0", port))
s.settimeout(30)
while True:
    data, (src, _) = s.recvfrom(2048)
    if src == mine:
        break
time.sleep(1)  # B has had it by now
s.sendto(data, (peer, port))
EOF
  fail "could not capture and replay a beacon of A"
deadline=$((SECONDS + 10))
until (($(grep -ciE 'beacon.*replay' "$tmp/serve-b.log" || true) > replays_before)); do
  ((SECONDS < deadline)) || fail "serve b logged no replayed beacon"
  sleep 0.5
done
echo "PASS: discovery, convergence, another county's and a replayed beacon ignored"
