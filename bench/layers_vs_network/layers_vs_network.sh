#!/usr/bin/env bash
# The sum of the L1 layer times beside the whole network's L3 compute time, per point, as the
# markdown table of docs/performance.md. Both come from the same binary on the same machine, one
# thread; nothing is stored (--no-store). The machine's load is printed with the table: on a shared
# machine every figure moves with it.
#
#   bench/layers_vs_network/layers_vs_network.sh [QUTIBENCH] > table.md
#
# Each point: `run` (L3: mean compute latency of a query) and `layers --level L1` (the mean of each
# layer alone, summed). ratio = layers sum / L3: below 1, the layers alone are faster than inside
# the network (cold data between layers, per-step overhead); above 1, the network overlaps or
# shares work the layers repeat.
set -euo pipefail
QTB=${1:-build/apps/qutibench/qutibench}
HARNESS="--warmup-seconds 0.1 --min-seconds ${MIN_SECONDS:-0.5} --min-queries ${MIN_QUERIES:-20} --threads 1 --no-store --power none"

# topology batch backend precision
POINTS=(
  "mlp 1 onednn FP32" "mlp 1 onednn INT8" "mlp 1 lowbit W1A1" "mlp 1 lowbit W2A2"
  "mlp 256 onednn FP32" "mlp 256 onednn INT8" "mlp 256 lowbit W1A1" "mlp 256 lowbit W2A2"
  "cnv 1 onednn FP32" "cnv 1 onednn INT8" "cnv 1 lowbit W1A1" "cnv 1 lowbit W2A2"
  "cnv 16 onednn FP32" "cnv 16 onednn INT8" "cnv 16 lowbit W1A1" "cnv 16 lowbit W2A2"
  "resnet50 1 onednn FP32" "resnet50 1 onednn INT8" "resnet50 1 lowbit W2A2"
  "mobilenet_v1 1 onednn FP32" "mobilenet_v1 1 onednn INT8" "mobilenet_v1 1 lowbit W2A2"
)
[[ -n "${ONLY:-}" ]] && POINTS=("$ONLY")

echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo
echo "| topology | batch | backend | precision | layers | L1 sum ms | L3 ms | ratio |"
echo "|---|---:|---|---|---:|---:|---:|---:|"
for point in "${POINTS[@]}"; do
  read -r topology batch backend precision <<<"$point"
  args="--model $topology --batch $batch --backend $backend --precision $precision $HARNESS"
  if ! l3=$($QTB run $args --format json 2>/tmp/layers_vs_network.err |
    jq -r '.rows[0].latency_compute_ms.mean'); then
    echo "| $topology | $batch | $backend | $precision | refused: $(tail -1 /tmp/layers_vs_network.err) | | | |"
    continue
  fi
  layers=$($QTB layers $args --level L1 --format json 2>/dev/null)
  count=$(jq '.rows | length' <<<"$layers")
  sum=$(jq '[.rows[].latency_compute_ms.mean] | add' <<<"$layers")
  printf '| %s | %s | %s | %s | %s | %.4f | %.4f | %.2f |\n' "$topology" "$batch" "$backend" \
    "$precision" "$count" "$sum" "$l3" "$(jq -n "$sum / $l3")"
done
echo
echo "load after: $(uptime | sed 's/.*load average/load average/')"
