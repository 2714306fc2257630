#include "platform/probe.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <span>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "platform/probe_kernels.hpp"
#include "platform/probe_memory.hpp"
#include "platform/probe_system.hpp"
#include "platform/probe_timing.hpp"

namespace qtb {
namespace {

using namespace probe_detail;

bool is_supported(const auto& method) {
  return method.supported();
}

std::string method_list(auto methods) {
  std::string names;
  for (const auto& method : methods) {
    if (!method.supported()) continue;
    if (!names.empty()) names += ", ";
    names += method.name;
  }
  return names;
}

// Methods are listed widest first, so the first supported one is the one to use.
template <class Method>
const Method& first_supported(std::span<const Method> methods) {
  return *std::find_if(methods.begin(), methods.end(), is_supported<Method>);
}

struct Fastest {
  double ops = 0;
  std::string method;
};

// Every supported method of a family, the time shared between them: wider is not always faster
// (clock drops, double-pumped units), so the fastest counts. `ops_per_lane` is what one lane
// of one chain does per iteration.
template <class Method, class Inputs>
Fastest fastest_method(std::span<const Method> methods, const Inputs& inputs, double ops_per_lane,
                       int threads, double seconds) {
  const auto supported = std::count_if(methods.begin(), methods.end(), is_supported<Method>);
  Fastest fastest;
  for (const Method& method : methods) {
    if (!method.supported()) continue;
    const auto run = [&](std::uint64_t n) { return static_cast<double>(method.kernel(n, inputs)); };
    const double iterations =
        iterations_per_second(threads, seconds / static_cast<double>(supported), run);
    const double ops = ops_per_lane * method.lanes * method.chains * iterations;
    if (ops > fastest.ops) fastest = {ops, std::string(method.name)};
  }
  return fastest;
}

std::string thread_count_text(int threads) {
  return fmt::format("{} thread{}", threads, threads == 1 ? "" : "s");
}

std::string today_utc() {
  const auto now = std::chrono::system_clock::now();
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(now)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

}  // namespace

HostProbe probe_host(const ProbeOptions& options) {
  // One thread limit everywhere (core/limits.hpp); 0 means all of them.
  if (options.threads != 0) check_threads("probe threads", options.threads);
  if (!(options.seconds_per_measurement > 0) || !std::isfinite(options.seconds_per_measurement)) {
    throw InputError("probe: the time per measurement must be a positive number of seconds");
  }
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };

  HostProbe probe;
  const int cpus = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  probe.threads = options.threads > 0 ? options.threads : cpus;
  probe.cpu_model = host_cpu_model();
  probe.memory_capacity = host_memory_capacity();
  const int threads = probe.threads;
  const double seconds = options.seconds_per_measurement;

  {
    progress(fmt::format("measuring FP32 FMA peak on {} ({}) ...", thread_count_text(threads),
                         method_list(fp32_methods())));
    Fp32Inputs inputs;
    for (int l = 0; l < kMaxFp32Lanes; ++l) {
      // Stays finite and normal forever: |acc| grows to ~2^24 and then stops changing.
      inputs.mul[l] = 1.0f;
      inputs.add[l] = 1.0f + static_cast<float>(l) / 16.0f;
      inputs.init[l] = static_cast<float>(l);
    }
    const Fastest fastest = fastest_method(fp32_methods(), inputs, 2.0, threads, seconds);
    probe.fp32_fma_ops = fastest.ops;
    probe.fp32_method = fastest.method;
  }

  {
    progress(fmt::format("measuring INT8 dot-product peak on {} ({}) ...",
                         thread_count_text(threads), method_list(int8_methods())));
    Int8Inputs inputs;
    for (int i = 0; i < 4 * kMaxInt32Lanes; ++i) {
      inputs.a[i] = static_cast<std::uint8_t>(1 + (i * 7) % 50);
      inputs.b[i] = static_cast<std::int8_t>((i * 13) % 41 - 20);
    }
    // 4 multiply-accumulates per int32 lane.
    const Fastest fastest = fastest_method(int8_methods(), inputs, 2.0 * 4, threads, seconds);
    probe.int8_dot_ops = fastest.ops;
    probe.int8_method = fastest.method;
  }

  // Memory: the widest supported kernels; half the budget each for read and triad.
  {
    const std::size_t bytes = memory_test_bytes(cpus, probe.memory_capacity);
    const ReadMethod& read = first_supported(read_methods());
    progress(fmt::format("measuring memory read bandwidth on {} ({} MiB, {}) ...",
                         thread_count_text(threads), bytes / kMiB, read.name));
    probe.memory_read_bandwidth = measure_read(threads, seconds / 2, bytes, read);

    const TriadMethod& triad = first_supported(triad_methods());
    progress(fmt::format("measuring memory triad bandwidth on {} ({} MiB, {}) ...",
                         thread_count_text(threads), bytes / kMiB, triad.name));
    probe.memory_triad_bandwidth = measure_triad(threads, seconds / 2, bytes, triad);
  }
  return probe;
}

Platform host_platform(const HostProbe& probe) {
  Platform platform;
  platform.name = "host";
  platform.kind = PlatformKind::Cpu;
  platform.description =
      fmt::format("this machine: {}, {} (measured by qutibench platforms --probe)", probe.cpu_model,
                  thread_count_text(probe.threads));
  platform.source = fmt::format(
      "measured by qutibench {} on {} (FP32 {}, INT8 {}, bandwidth: streaming read; STREAM triad "
      "{:.1f} GB/s)",
      QTB_VERSION, today_utc(), probe.fp32_method, probe.int8_method,
      probe.memory_triad_bandwidth / 1e9);
  platform.memory_bandwidth = probe.memory_read_bandwidth;
  platform.memory_capacity = probe.memory_capacity;
  platform.tdp_w = std::nullopt;
  OpMode mode;
  mode.name = "default";
  mode.peak_ops = {{DataType::FP32, probe.fp32_fma_ops}, {DataType::INT8, probe.int8_dot_ops}};
  platform.op_modes = {mode};
  platform.carriers = {{DataType::INT4, DataType::INT8},
                       {DataType::INT2, DataType::INT8},
                       {DataType::INT1, DataType::INT8},
                       {DataType::FP16, DataType::FP32},
                       {DataType::BF16, DataType::FP32}};
  // The lowbit backend runs the narrow types packed (bit-planes), unpacking into INT8 to compute.
  platform.packed_storage = {{"lowbit", {DataType::INT4, DataType::INT2, DataType::INT1}}};
  return platform;
}

}  // namespace qtb
