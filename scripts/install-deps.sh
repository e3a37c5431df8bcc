#!/usr/bin/env bash
# Installs the Debian 12 packages renda needs to build and test. Safe to re-run:
# it does nothing when everything is already there.
set -euo pipefail
pkgs=(build-essential cmake pkg-config capnproto libcapnp-dev libsodium-dev liblmdb-dev
      lmdb-utils catch2 clang libclang-rt-14-dev python3 libxlsxwriter-dev libzstd-dev
      golang-github-flynn-noise-dev)  # the last: Noise test vectors (vectors.txt), no Go needed
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
