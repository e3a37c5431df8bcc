#!/usr/bin/env bash
# Runs the demo county's nodes as `renda serve` processes on loopback ports
# and prints where each listens and how to watch a change travel. Called by
# scripts/demo.sh after the build; on its own it needs build/app/renda.
#   RENDA=path       the renda binary (default build/app/renda)
#   RENDA_DATA=DIR   where the demo county lives (default renda-data): DIR/demo-county
#   DEMO_TOWNSHIPS=N how many townships when the county is made (default 15)
#   DEMO_PORT=P      the county office's port; townships take the next ones (default 7420)
#   DEMO_WEB_PORT=W  the county office's web pages (127.0.0.1:W); township N is at
#                    127.0.0.(N+1) on port W+N (default 7480)
#   DEMO_PASSWORD=S  the password of each node's demo web account 管理员 (default renda-demo)
#   DEMO_CHECK=1     make a change on the first township, wait until the county
#                    shows it, print how long it took, stop (for tests and CI)
set -euo pipefail
cd "$(dirname "$0")/.."
RENDA=${RENDA:-build/app/renda}
RENDA=$(realpath "$RENDA")
BASE=${RENDA_DATA:-renda-data}
DIR=$BASE/demo-county
PORT=${DEMO_PORT:-7420}
WEB_PORT=${DEMO_WEB_PORT:-7480}
PASSWORD=${DEMO_PASSWORD:-renda-demo}
ACCOUNT=管理员
if [[ ! -d $DIR/county ]]; then
  echo "Making the demo county in $DIR (once) ..."
  "$RENDA" demo --county --data "$DIR" --townships "${DEMO_TOWNSHIPS:-15}" -q >/dev/null
fi
mkdir -p "$DIR/logs"
pids=()
stop() {
  ((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

# The county office listens on PORT, each township on the next port. No node
# is told of another: they find each other by their beacons (LAN discovery,
# here on this computer's loopback: --discovery loopback) and sync.
nodes=("$DIR/county")
for t in "$DIR"/township-*; do nodes+=("$t"); done
# Each node gets a web account for the demo (web accounts belong to the
# computer, not the network: one per node's folder).
for n in "${nodes[@]}"; do
  if ! "$RENDA" --data "$n" account list 2>/dev/null | grep -q "$ACCOUNT"; then
    RENDA_PASSWORD=$PASSWORD "$RENDA" --data "$n" account add --name "$ACCOUNT" --role admin -q \
      >/dev/null
  fi
done
echo
echo "The demo county's nodes, each a renda serve on this computer:"
i=0
for n in "${nodes[@]}"; do
  name=$(basename "$n")
  listen=127.0.0.1:$((PORT + i))
  # Each node's pages on an address of its own (127.0.0.1, 127.0.0.2, ...: all
  # this computer's loopback), so that a browser keeps one sign-in per node:
  # cookies belong to an address, not to a port.
  web=127.0.0.$((i + 1)):$((WEB_PORT + i))
  args=(--data "$n" serve --listen "$listen" --web "$web" --discovery loopback
        --discovery-port "$((PORT + 1000))" --routine 10 --max-backoff 5)
  "$RENDA" "${args[@]}" >"$DIR/logs/$name.log" 2>&1 &
  pids+=($!)
  printf '  %-24s pages at http://%s/   sync on %s   log: %s\n' "$name" "$web" "$listen" \
    "$DIR/logs/$name.log"
  i=$((i + 1))
done
echo
echo "Open a node's pages in a browser on this computer and sign in as $ACCOUNT,"
echo "password $PASSWORD (the county office: http://127.0.0.1:$WEB_PORT/)."
first=${nodes[1]}
echo
echo "Watch a change travel: in another terminal, add a deputy on $(basename "$first"):"
echo "  $RENDA --data '$first' deputy add --name 测试代表 --level 乡镇级"
echo "and within a few seconds the county office holds it:"
echo "  $RENDA --data '$DIR/county' deputy list | grep 测试代表"
echo "  tail -f '$DIR/logs/county.log'        (one line per sync session)"
echo "  $RENDA --data '$DIR/county' status    (neighbours, last contact, what waits to go)"
echo

# Whether node $1 shows a deputy named $2 (grep -q on the whole output, not a
# pipe: under pipefail an early exit of grep would fail the pipe).
shows() {
  local list
  list=$("$RENDA" --data "$1" deputy list)
  grep -q "$2" <<<"$list"
}

# The status line of an HTTP request to node $1's pages ($2: GET or POST, $3:
# path, $4: a JSON body or nothing), through bash's /dev/tcp: no curl needed.
http_status() {
  local addr=$1 host=${1%:*} port=${1##*:} line
  exec 3<>"/dev/tcp/$host/$port" || return 1
  if [[ -n ${4:-} ]]; then
    printf '%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
      "$2" "$3" "$addr" "$(printf %s "$4" | wc -c)" "$4" >&3
  else
    printf '%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$2" "$3" "$addr" >&3
  fi
  IFS= read -r line <&3 || line=
  exec 3<&-
  printf '%s\n' "${line%$'\r'}"
}

if [[ ${DEMO_CHECK:-0} == 1 ]]; then
  sleep 1
  # Every node's pages answer, and the demo account signs in.
  for ((j = 0; j < ${#nodes[@]}; j++)); do
    web=127.0.0.$((j + 1)):$((WEB_PORT + j))
    for _ in $(seq 1 50); do
      [[ $(http_status "$web" GET / 2>/dev/null) == *" 200 "* ]] && break
      sleep 0.1
    done
    got=$(http_status "$web" GET /)
    [[ $got == *" 200 "* ]] || { echo "$(basename "${nodes[j]}"): http://$web/ answered '$got'" >&2; exit 1; }
    got=$(http_status "$web" POST /api/login "{\"name\":\"$ACCOUNT\",\"password\":\"$PASSWORD\"}")
    [[ $got == *" 200 "* ]] || { echo "$(basename "${nodes[j]}"): signing in answered '$got'" >&2; exit 1; }
  done
  echo "Every node's pages answer at its address, and $ACCOUNT signs in."
  name="演示代表$RANDOM"
  start=$(date +%s%N)
  "$RENDA" --data "$first" deputy add --name "$name" --level 乡镇级 >/dev/null
  for _ in $(seq 1 300); do
    if shows "$DIR/county" "$name"; then
      echo "The county office shows $name after $((($(date +%s%N) - start) / 1000000)) ms."
      # ... and so does every other township, through the county.
      for n in "${nodes[@]}"; do
        for _ in $(seq 1 300); do
          shows "$n" "$name" && break
          sleep 0.1
        done
        shows "$n" "$name" ||
          { echo "$(basename "$n") never received it" >&2; exit 1; }
      done
      echo "Every node shows it after $((($(date +%s%N) - start) / 1000000)) ms."
      exit 0
    fi
    sleep 0.1
  done
  echo "The county office did not receive the change within 30 s; logs in $DIR/logs" >&2
  exit 1
fi
echo "Ctrl-C stops them."
wait
