#!/usr/bin/env bash
# Screenshots of the main pages with the demo county's data (docs/screenshots/):
# makes the demo county in DEMO_DIR if it is not there yet, then photographs
# the pages of its county office and first township in Chromium.
#
#   bash scripts/screenshots.sh [DEMO_DIR]     (default renda-data/demo-county)
#
# RENDA (default build/app/renda) is the binary; needs Chromium and
# node_modules as the browser tests do.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=${1:-renda-data/demo-county}
export RENDA_BIN=${RENDA:-$PWD/build/app/renda}
if [ ! -d "$demo/county" ]; then
  "$RENDA_BIN" demo --county --data "$demo"
fi
node tests/browser/screenshots.mjs "$demo" docs/screenshots
