#!/usr/bin/env bash
# The USB-stick walk-through: installs what is missing, builds renda, and runs
# `renda demo`: a county office and two townships edit records offline and
# exchange bundles (data in ./renda-data/demo). The live demo is scripts/demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
./build/app/renda demo --data "${RENDA_DATA:-renda-data}"
