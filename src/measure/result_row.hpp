#pragma once
// One result row (DESIGN.md "Results"): a measured or predicted point, or one of the paper's
// published points after import. Every figure the tool did not obtain stays empty (nullopt); it is
// never filled with a guess. Column names are the snake_case names of DESIGN.md, used unchanged in
// JSON, CSV and the database.
#include <cstdint>
#include <optional>
#include <string>

namespace qtb {

// Latency of one query (a batch), in milliseconds.
struct LatencyStats {
  std::optional<double> mean, p50, p90, p95, p99, p999, min, max, stddev;
};

struct ResultRow {
  // The variant.
  std::string topology;
  double prune = 1.0;     // fraction of channels kept
  std::string precision;  // canonical name: FP32, FP16, BF16, INT8, WxAy
  std::string dataset;    // the task: mnist, fashion-mnist, cifar10, imagenet

  // The deployment.
  std::string platform;
  std::string backend;  // empty for imported rows whose engine the source does not name
  std::string op_mode;  // "default" where a platform has a single mode
  std::int64_t batch = 1;
  std::int64_t threads = 1;
  std::int64_t streams = 1;
  std::string scenario;  // single-stream, offline, multi-stream; empty when unknown
  std::string level;     // L0 (predicted), L1, L2, L3

  // Performance.
  std::optional<double> fps_compute, fps_system;
  LatencyStats latency_compute_ms, latency_system_ms;
  std::int64_t samples = 0;          // timed queries behind the statistics (0 when unknown)
  std::optional<double> duration_s;  // timed wall time

  // Power and energy; power_source says where they came from: rapl, csv, reported, none.
  std::optional<double> power_base_w, power_idle_w, power_full_w, energy_per_input_j;
  std::string power_source = "none";

  // Accuracy; accuracy_source is measured, reported or empty (no accuracy).
  std::optional<double> top1, top5;  // percent
  std::string accuracy_source;
  std::optional<std::int64_t> accuracy_samples;  // test-set size behind a measured accuracy
  std::string accuracy_reference;                // what a reported accuracy cites

  // Theory beside the measurement.
  std::optional<double> gops_per_input;  // ops of one input, in units of 1e9
  std::optional<double> predicted_fps;   // L0 roofline prediction for this platform, labelled

  // Validity of a measurement.
  bool valid = true;
  std::string invalid_reason;

  // What ran.
  std::string method;                             // the kernels, e.g. "oneDNN u8s8 (avx512 vnni)"
  std::string notes;                              // e.g. "seeded random weights (seed 1)"
  std::optional<std::int64_t> weight_bytes;       // compiled model's packed weights
  std::optional<std::int64_t> peak_memory_bytes;  // process peak resident set

  // Provenance.
  std::string source;  // ours or paper
  std::string host;
  std::string cpu_model;
  std::string tool_version;
  std::string git_commit;
  std::string created_at;  // ISO 8601 UTC
  std::string command_line;
  std::string contributor;

  // Layer rows (levels L1 and L2): the step of the compiled model timed alone, its graph nodes
  // ("conv1+bn1+relu1") and their kinds, and the theory of that layer alone: ops and bytes of one
  // input (weights over the batch plus its activations in and out, all from DRAM), their OI and
  // which roof bounds it on the host's catalog entry (predicted_fps is then the layer's own
  // roofline rate). gops_measured: layer_ops x fps_compute / 1e9. Empty for whole networks.
  std::string layer;
  std::string layer_type;
  std::optional<double> layer_ops, layer_bytes, layer_oi;
  std::string roofline_bound;  // compute, memory, or empty
  std::optional<double> gops_measured;
};

}  // namespace qtb
