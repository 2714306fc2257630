#!/usr/bin/env bash
# The main job: set up and build, measure this machine into the catalog (host), analyse the whole
# design space (every topology x pruning scale x precision on every platform), draw its roofline,
# and measure a few deployment points of the MLP on this CPU. Outputs land in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
qtb=./build/apps/qutibench/qutibench
mkdir -p out

$qtb platforms --probe
$qtb analyze --format csv >out/analysis.csv
$qtb analyze --format json >out/analysis.json
$qtb roofline --model all --prune 1 --precision all -o out/roofline.svg
$qtb roofline --platform host --model all --prune all --precision FP32,INT8 -o out/roofline-host.svg

echo
echo "== L0 predictions on this machine (host), unpruned variants"
$qtb analyze --platform host --prune 1 --precision FP32,INT8,W4A4
echo
echo "== Measured on this machine: the unpruned MLP at batch 1 (compute path, seeded random weights)"
for point in "onednn INT8" "lowbit W2A2" "lowbit W1A1"; do
  set -- $point
  $qtb run --model mlp --prune 1 --precision "$2" --backend "$1" --batch 1 --seconds 1 |
    tee "out/run-mlp-$1-$2.txt" | grep -E "^mlp|fps_compute"
done
echo
echo "wrote out/analysis.csv, out/analysis.json, out/roofline.svg, out/roofline-host.svg, out/run-*.txt"
