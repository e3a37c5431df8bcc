#!/usr/bin/env bash
# Installs the Debian 12 packages renda needs to build and test, and the web
# pages' npm packages (npm ci). Safe to re-run: it does nothing when
# everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(build-essential cmake pkg-config capnproto libcapnp-dev libsodium-dev liblmdb-dev
      lmdb-utils catch2 clang libclang-rt-14-dev python3 libxlsxwriter-dev libzstd-dev
      golang-github-flynn-noise-dev  # Noise test vectors (vectors.txt), no Go needed
      chromium fonts-noto-cjk)       # the browser tests (ctest -L browser)
# npm ci fetches the web pages' libraries, embedded at build time. A machine
# whose Node.js came from elsewhere (NodeSource's package carries npm and
# conflicts with Debian's npm) keeps its own: Debian's only when there is no npm.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The pages' libraries (package-lock.json), when node_modules is missing or
# older than the lockfile: the build embeds them into the binary.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
