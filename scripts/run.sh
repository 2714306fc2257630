#!/usr/bin/env bash
# The main job: set up and build; measure this machine into the catalog (host); run the short
# benchmark campaign (data/sweeps/campaign.toml: MLP and CNV at all four pruning scales on the CPU
# backends) into results.db; train the MLP's variants briefly (data/variants/quick-mlp.toml) and
# time them with their measured accuracy (data/sweeps/trained.toml); import the paper's 974 published points beside them; write the L0
# analysis, rooflines, exports and the analyses of the stored rows (Pareto, box statistics,
# orthogonality, pruning speedup, theory vs measurement) to out/, print a summary, and end by
# writing the HTML report out/report.html and printing its path.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
qtb=./build/apps/qutibench/qutibench
db=results.db
mkdir -p out

$qtb platforms --probe
$qtb sweep --config data/sweeps/campaign.toml --db "$db" | tee out/campaign.txt
# Trained variants (MLP on MNIST, every precision; resumed if already made), timed and with their
# measured top-1 (docs/accuracy.md); single-threaded training keeps it deterministic everywhere.
$qtb optimize matrix --config data/variants/quick-mlp.toml | tee out/accuracy.txt
$qtb sweep --config data/sweeps/trained.toml --db "$db" | tee out/trained.txt
$qtb import data/reference/qutibench-web/experimental_data.csv --db "$db"

$qtb analyze --format csv >out/analysis.csv
$qtb analyze --format json >out/analysis.json
$qtb roofline --model all --prune 1 --precision all -o out/roofline.svg
$qtb roofline --platform host --model all --prune all --precision FP32,INT8 -o out/roofline-host.svg
$qtb export --db "$db" --format csv -o out/results.csv
$qtb export --db "$db" --format json -o out/results.json
for analysis in pareto box orthogonality speedup theory; do
  $qtb analyze-results --analysis "$analysis" --source all --db "$db" --format csv >"out/$analysis.csv"
done

echo
echo "== Measured on this machine: MLP, unpruned, batch 1, 1 thread (from $db)"
$qtb results --db "$db" --source ours --topology mlp | awk 'NR == 1 || ($4 == 1 && $9 == 1 && $10 == 1)'
echo
echo "== The paper's published points in $db, per platform"
$qtb results --db "$db" --source paper --format csv | awk -F, 'NR > 1 { n[$6]++ } END { for (p in n) printf "  %-14s %d\n", p, n[p] }' | sort
echo
echo "== Pruning x quantization on this machine (paper Sec. 5.2.6), best fps over deployment points"
$qtb analyze-results --analysis orthogonality --source ours --db "$db" |
  awk 'NR == 1 || $5 == "fps"' | cut -c1-400
echo
echo "results: $db (our rows and the paper's; qutibench results --db $db), out/results.csv,"
echo "  out/results.json, out/campaign.txt, out/accuracy.txt, out/trained.txt, models/quick-mlp/,"
echo "  out/{pareto,box,orthogonality,speedup,theory}.csv,"
echo "  out/analysis.csv, out/analysis.json, out/roofline*.svg"

# The report: every analysis above as one self-contained HTML page (docs/report.md).
report=$($qtb report --db "$db" -o out/report.html)
echo
echo "report: $report"

# The portal: the same rows, analyses and predictions, browsable (docs/portal.md).
echo
echo "portal: $qtb serve --db $db --listen 127.0.0.1:8080   then open http://127.0.0.1:8080/"
