#!/usr/bin/env bash
# The live demo: installs what is missing, builds renda, makes the demo county
# once (./renda-data/demo-county: the county office and 15 townships, each a
# node of its own), and runs each of them as `renda serve` on this computer's
# loopback ports. They find each other and sync by themselves; a change made
# on any of them reaches the others within seconds. Ctrl-C stops them all.
# (The USB-stick walk-through with bundles: bash scripts/demo-bundles.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
exec bash scripts/live-demo.sh
