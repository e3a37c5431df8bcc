#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Layering check: every #include must follow the module edges in style.md.
#   core/     no storage/, net/, app/, no LMDB, no sockets
#   storage/  no net/, app/, no sockets
#   net/      no storage/, app/, no LMDB (it syncs against core::ChangeSource)
# Usage: check_layering.sh <repo root>    exit 1 and list violations if any
#        check_layering.sh --self-test    plant each kind of violation in a temp
#                                         tree and fail unless every one is caught
set -euo pipefail

sockets='sys/socket\.h|netinet/[a-z_]+\.h|arpa/inet\.h|netdb\.h|sys/un\.h'
lmdb='lmdb\.h|lmdb\+\+\.h'

# forbidden <dir> <regex over the include target>
rules() {
  echo "core|(storage|net|app)/.*|${lmdb}|${sockets}"
  echo "storage|(net|app)/.*|${sockets}"
  echo "net|(storage|app)/.*|${lmdb}"
}

check_tree() {
  local root=$1 bad=0 line dir pattern hits
  while IFS= read -r line; do
    dir=${line%%|*}
    pattern=${line#*|}
    [[ -d "$root/$dir" ]] || continue
    hits=$(grep -rnE --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.cc' \
             --include='*.c' --include='*.c++' \
             "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"](${pattern})[>\"]" \
             "$root/$dir" || true)
    if [[ -n "$hits" ]]; then
      echo "layering: $dir/ includes what it must not:" >&2
      echo "$hits" | sed "s|^$root/|  |" >&2
      bad=1
    fi
  done < <(rules)
  return $bad
}

self_test() {
  local tmp
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064  # expand now: $tmp is local
  trap "rm -rf '$tmp'" EXIT
  mkdir -p "$tmp/core" "$tmp/storage" "$tmp/net" "$tmp/app"
  cat > "$tmp/core/ok.h" <<'EOF'
#pragma once
#include <capnp/message.h>
#include "core/status.h"
// #include "storage/commented_out.h" is only a comment
EOF
  echo '#include "core/ok.h"' > "$tmp/storage/ok.cpp"
  echo '#include <lmdb.h>' >> "$tmp/storage/ok.cpp"
  echo '#include "core/source.h"' > "$tmp/net/ok.cpp"
  echo '#include <sys/socket.h>' >> "$tmp/net/ok.cpp"
  printf '#include "storage/a.h"\n#include "net/b.h"\n' > "$tmp/app/ok.cpp"
  if ! check_tree "$tmp" 2>/dev/null; then
    echo "self-test: a clean tree was reported as violating" >&2
    return 1
  fi
  local cases=(
    'core/x.cpp|#include "storage/record_store.h"'
    'core/x.h|#include "net/session.h"'
    'core/x.cpp|#include "app/config.h"'
    'core/x.cpp|#include <lmdb.h>'
    'core/x.cpp|  #  include <sys/socket.h>'
    'core/x.cpp|#include <netinet/in.h>'
    'core/x.cpp|#include <arpa/inet.h>'
    'net/x.cpp|#include "storage/txn.h"'
    'net/x.h|#include <app/cmd_sync.h>'
    'net/x.cpp|#include <lmdb.h>'
    'storage/x.cpp|#include "net/transport.h"'
    'storage/x.cpp|#include "app/config.h"'
  )
  local c file text missed=0
  for c in "${cases[@]}"; do
    file=${c%%|*}
    text=${c#*|}
    echo "$text" > "$tmp/$file"
    if check_tree "$tmp" 2>/dev/null; then
      echo "self-test: missed '$text' in $file" >&2
      missed=1
    fi
    rm -f "$tmp/$file"
  done
  [[ $missed == 0 ]] && echo "layering self-test: all ${#cases[@]} planted violations caught"
  return $missed
}

case "${1:-}" in
  --self-test) self_test ;;
  "") echo "usage: $0 <repo root> | --self-test" >&2; exit 2 ;;
  *)
    check_tree "$1"
    echo "layering: ok"
    ;;
esac
