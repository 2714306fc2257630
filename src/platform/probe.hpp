#pragma once
// Measures the machine the tool runs on, so it can sit in the catalog beside the paper's platforms
// (`qutibench platforms --probe`). Every figure is measured with all hardware threads, in a few
// seconds; nothing is taken from a data sheet.
#include <functional>
#include <string>

#include "platform/platform.hpp"

namespace qtb {

struct ProbeOptions {
  int threads = 0;                       // 0 = std::thread::hardware_concurrency()
  double seconds_per_measurement = 0.5;  // each of the three figures is measured this long
  // Progress messages for a human ("measuring FP32 FMA peak ..."); may be empty.
  std::function<void(const std::string&)> progress;
};

struct HostProbe {
  std::string cpu_model;              // from /proc/cpuinfo, "unknown" if absent
  int threads = 0;                    // threads used for every measurement
  double fp32_fma_ops = 0;            // ops/s (2 per FMA lane), best method
  std::string fp32_method;            // e.g. "avx512f fma", "avx2 fma", "scalar"
  double int8_dot_ops = 0;            // ops/s (2 per 8-bit multiply-accumulate), best method
  std::string int8_method;            // e.g. "avx512 vnni vpdpbusd", "avx2 vpmaddubsw", "scalar"
  double memory_read_bandwidth = 0;   // bytes/s, streaming reads of a buffer >> last-level cache
  double memory_triad_bandwidth = 0;  // bytes/s, STREAM triad convention (3 arrays counted)
  double memory_capacity = 0;         // bytes, MemTotal
};

HostProbe probe_host(const ProbeOptions& options = {});

// The catalog entry for the host: name "host", kind cpu, one op mode "default" with FP32 and INT8
// peaks; INT4/INT2/INT1 run in the INT8 carrier and FP16/BF16 in FP32 (values exactly
// representable), but the lowbit backend keeps INT4/INT2/INT1 packed in memory (packed_storage).
// Bandwidth is the measured read bandwidth (inference streams weights in).
Platform host_platform(const HostProbe& probe);

}  // namespace qtb
