#!/usr/bin/env bash
# The main job: set up and build, measure this machine into the catalog (host), then analyse the
# whole design space (every topology x pruning scale x precision on every platform) and draw its
# roofline. Outputs land in out/.
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
echo "wrote out/analysis.csv, out/analysis.json, out/roofline.svg, out/roofline-host.svg"
