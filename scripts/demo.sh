#!/usr/bin/env bash
# Installs what is missing, builds renda, and runs the demo: a county office and
# two townships edit records offline and exchange bundles (data in ./renda-data/demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
./build/app/renda demo --data "${RENDA_DATA:-renda-data}"
