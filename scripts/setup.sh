#!/usr/bin/env bash
# Installs the Debian packages qutibench builds with (skipped when all are present) and builds it
# into build/ with CMake + Ninja. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ git
  libcli11-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev
  libdnnl-dev libgemmlowp-dev
  libsqlite3-dev libssl-dev  # result store; libssl-dev for libcrypto's SHA-256 (dedup key)
  libgtest-dev libgmock-dev libbenchmark-dev
  libxml2-utils  # xmllint: the SVG tests validate the charts they render
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQTB_WERROR=ON >/dev/null
cmake --build build
