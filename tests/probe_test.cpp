// The host probe: every kernel's arithmetic against a scalar model, the probe's figures for sanity
// (units and arithmetic, not speed), and the catalog entry built from a probe.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "platform/probe.hpp"
#include "platform/probe_kernels.hpp"
#include "platform/probe_system.hpp"

namespace qtb::probe_detail {

// gtest prints a parameter with these (found by ADL) in test listings and ctest's test names;
// without them a method shows as its bytes.
void PrintTo(const Fp32Method& method, std::ostream* out) {
  *out << method.name;
}
void PrintTo(const Int8Method& method, std::ostream* out) {
  *out << method.name;
}
void PrintTo(const ReadMethod& method, std::ostream* out) {
  *out << method.name;
}
void PrintTo(const TriadMethod& method, std::ostream* out) {
  *out << method.name;
}

}  // namespace qtb::probe_detail

namespace qtb {
namespace {

using namespace probe_detail;

std::string test_name(std::string_view method_name) {
  std::string name;
  for (char ch : method_name) {
    name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  }
  return name;
}

// Names the parameterised tests after the method ("avx512f fma" -> "avx512f_fma").
struct MethodTestName {
  template <class Method>
  std::string operator()(const ::testing::TestParamInfo<Method>& param) const {
    return test_name(param.param.name);
  }
};
inline constexpr MethodTestName method_test_name;

// ---- FP32 kernels -------------------------------------------------------------------------------

// Inputs for which every intermediate is a small integer or half-integer, so fused (FMA) and
// unfused (scalar) arithmetic agree exactly: multipliers of +1 and -1, small addends.
Fp32Inputs exact_fp32_inputs() {
  Fp32Inputs inputs;
  for (int l = 0; l < kMaxFp32Lanes; ++l) {
    inputs.mul[l] = l % 3 == 0 ? -1.0f : 1.0f;
    inputs.add[l] = static_cast<float>(l + 1);
    inputs.init[l] = 0.5f * static_cast<float>(l);
  }
  return inputs;
}

TEST(ProbeFp32Model, MatchesClosedForm) {
  Fp32Inputs inputs = exact_fp32_inputs();
  // Lane 0: mul -1, add 1, init 0: acc alternates k -> 1 - k -> k; lane 1: mul 1, add 2, init 0.5.
  // 3 iterations, 2 chains: lane 0 ends at 1 - k, lane 1 at 0.5 + k + 6.
  const double expected = (1.0 + 6.5) + (0.0 + 7.5);
  EXPECT_EQ(fp32_model(3, 2, 2, inputs), expected);
  EXPECT_EQ(fp32_model(0, 2, 2, inputs), 0.0 + 0.5 + 1.0 + 1.5);
}

class ProbeFp32Kernel : public ::testing::TestWithParam<Fp32Method> {};

TEST_P(ProbeFp32Kernel, AgreesWithScalarModelExactly) {
  const Fp32Method& method = GetParam();
  if (!method.supported()) GTEST_SKIP() << method.name << " is not supported by this CPU";
  ASSERT_GE(method.lanes, 1);
  ASSERT_LE(method.lanes, kMaxFp32Lanes);
  ASSERT_GE(method.chains, 1);
  const Fp32Inputs inputs = exact_fp32_inputs();
  // Odd and even counts, so the sign-flipping lanes are checked in both phases.
  for (std::uint64_t iterations : {0u, 1u, 2u, 777u, 1000u}) {
    EXPECT_EQ(method.kernel(iterations, inputs),
              fp32_model(iterations, method.lanes, method.chains, inputs))
        << method.name << ", " << iterations << " iterations";
  }
}

TEST_P(ProbeFp32Kernel, RoundsLikeTheModelWithinTolerance) {
  // Inexact inputs: the FMA methods round once per step and the model twice, so they may differ
  // by a few ulps per step; 1e-4 relative over 200 steps from values near 1 is ample.
  const Fp32Method& method = GetParam();
  if (!method.supported()) GTEST_SKIP() << method.name << " is not supported by this CPU";
  Fp32Inputs inputs;
  for (int l = 0; l < kMaxFp32Lanes; ++l) {
    inputs.mul[l] = 0.999f - 0.001f * static_cast<float>(l);
    inputs.add[l] = 0.1f + 0.01f * static_cast<float>(l);
    inputs.init[l] = 0.3f * static_cast<float>(l);
  }
  const double model = fp32_model(200, method.lanes, method.chains, inputs);
  EXPECT_NEAR(method.kernel(200, inputs), model, 1e-4 * std::abs(model)) << method.name;
}

INSTANTIATE_TEST_SUITE_P(Methods, ProbeFp32Kernel, ::testing::ValuesIn(fp32_methods()),
                         method_test_name);

TEST(ProbeFp32Kernel, ScalarIsOneLaneAndAlwaysSupported) {
  const auto methods = fp32_methods();
  ASSERT_FALSE(methods.empty());
  EXPECT_EQ(methods.back().name, "scalar");
  EXPECT_EQ(methods.back().lanes, 1);
  EXPECT_TRUE(methods.back().supported());
}

// ---- INT8 kernels -------------------------------------------------------------------------------

// a in [0, 100], b in [-100, 100]: every vpmaddubsw pair sum is within int16 (|.| <= 20000).
Int8Inputs small_int8_inputs() {
  Int8Inputs inputs;
  for (int i = 0; i < 4 * kMaxInt32Lanes; ++i) {
    inputs.a[i] = static_cast<std::uint8_t>((i * 37 + 11) % 101);
    inputs.b[i] = static_cast<std::int8_t>((i * 53 + 7) % 201 - 100);
  }
  return inputs;
}

TEST(ProbeInt8Model, MatchesClosedForm) {
  Int8Inputs inputs;
  for (int i = 0; i < 8; ++i) {
    inputs.a[i] = static_cast<std::uint8_t>(200 + i);  // above 127: must be read as unsigned
    inputs.b[i] = static_cast<std::int8_t>(i % 2 == 0 ? -3 : 5);
  }
  // Lane 0: 200*-3 + 201*5 + 202*-3 + 203*5 = 814; lane 1: 204*-3 + 205*5 + 206*-3 + 207*5 = 830.
  // 10 iterations, 3 chains (start k): sum = 3 * 10 * (814 + 830) + 2 * (0 + 1 + 2).
  EXPECT_EQ(int8_model(10, 2, 3, inputs), 3 * 10 * (814 + 830) + 2 * 3);
}

TEST(ProbeInt8Model, WrapsModulo2To32) {
  Int8Inputs inputs;
  inputs.a[0] = 255;
  inputs.b[0] = 127;  // 32385 per iteration
  // 70000 iterations: 2266950000 wraps to 2266950000 - 2^32.
  EXPECT_EQ(int8_model(70000, 1, 1, inputs), 2266950000LL - 4294967296LL);
}

class ProbeInt8Kernel : public ::testing::TestWithParam<Int8Method> {};

TEST_P(ProbeInt8Kernel, AgreesWithScalarModel) {
  const Int8Method& method = GetParam();
  if (!method.supported()) GTEST_SKIP() << method.name << " is not supported by this CPU";
  ASSERT_GE(method.lanes, 1);
  ASSERT_LE(method.lanes, kMaxInt32Lanes);
  ASSERT_GE(method.chains, 1);
  const Int8Inputs inputs = small_int8_inputs();
  for (std::uint64_t iterations : {0u, 1u, 3u, 1000u, 12345u}) {
    EXPECT_EQ(method.kernel(iterations, inputs),
              int8_model(iterations, method.lanes, method.chains, inputs))
        << method.name << ", " << iterations << " iterations";
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, ProbeInt8Kernel, ::testing::ValuesIn(int8_methods()),
                         method_test_name);

TEST(ProbeInt8Kernel, VnniWrapsLikeTheModel) {
  // vpdpbusd has no saturation: with extreme inputs (pair sums far outside int16, 64515 per lane
  // and iteration) it must agree with the model, wrapping modulo 2^32 after ~33000 iterations.
  Int8Inputs inputs;
  for (int i = 0; i < 4 * kMaxInt32Lanes; ++i) {
    inputs.a[i] = 255;
    inputs.b[i] = static_cast<std::int8_t>(i % 4 == 3 ? -128 : 127);
  }
  int tested = 0;
  for (const Int8Method& method : int8_methods()) {
    if (method.name.find("vnni") == std::string_view::npos || !method.supported()) continue;
    ++tested;
    EXPECT_EQ(method.kernel(100000, inputs),
              int8_model(100000, method.lanes, method.chains, inputs))
        << method.name;
  }
  if (tested == 0) GTEST_SKIP() << "no VNNI method on this CPU";
}

// ---- memory kernels -----------------------------------------------------------------------------

class ProbeReadKernel : public ::testing::TestWithParam<ReadMethod> {};

TEST_P(ProbeReadKernel, SumsLikeAPlainLoop) {
  const ReadMethod& method = GetParam();
  if (!method.supported()) GTEST_SKIP() << method.name << " is not supported by this CPU";
  std::vector<std::uint64_t> data(1000 + 64 + 1);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = i * 0x9e3779b97f4a7c15ULL;
  // Lengths below, at and past the vector blocks, from aligned and unaligned starts.
  for (std::size_t offset : {0u, 1u, 3u}) {
    for (std::size_t count : {0u, 1u, 7u, 31u, 32u, 63u, 64u, 65u, 129u, 1000u}) {
      std::uint64_t expected = 0;
      for (std::size_t i = 0; i < count; ++i) expected += data[offset + i];
      EXPECT_EQ(method.kernel(data.data() + offset, count), expected)
          << method.name << ", offset " << offset << ", count " << count;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, ProbeReadKernel, ::testing::ValuesIn(read_methods()),
                         method_test_name);

class ProbeTriadKernel : public ::testing::TestWithParam<TriadMethod> {};

TEST_P(ProbeTriadKernel, ComputesTriadExactly) {
  const TriadMethod& method = GetParam();
  if (!method.supported()) GTEST_SKIP() << method.name << " is not supported by this CPU";
  // Small integers: b + s*c is exact however it is rounded.
  for (std::size_t count : {0u, 1u, 15u, 16u, 33u, 100u, 1001u}) {
    std::vector<double> a(count + 1, -7.0), b(count), c(count);
    for (std::size_t i = 0; i < count; ++i) {
      b[i] = static_cast<double>(i % 17);
      c[i] = static_cast<double>(i % 5) - 2.0;
    }
    method.kernel(a.data(), b.data(), c.data(), 3.0, count);
    for (std::size_t i = 0; i < count; ++i) {
      ASSERT_EQ(a[i], b[i] + 3.0 * c[i]) << method.name << ", count " << count << ", i " << i;
    }
    EXPECT_EQ(a[count], -7.0) << method.name << " wrote past the end";
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, ProbeTriadKernel, ::testing::ValuesIn(triad_methods()),
                         method_test_name);

// ---- host facts ---------------------------------------------------------------------------------

TEST(ProbeHostFacts, ParsesCpuinfo) {
  EXPECT_EQ(parse_cpu_model("processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                            "model name\t: AMD EPYC 9654 96-Core Processor  \n"
                            "processor\t: 1\nmodel name\t: other\n"),
            "AMD EPYC 9654 96-Core Processor");
  EXPECT_EQ(parse_cpu_model("processor\t: 0\nBogoMIPS\t: 50.00\n"), "unknown");
  EXPECT_EQ(parse_cpu_model(""), "unknown");
}

TEST(ProbeHostFacts, ParsesMeminfo) {
  EXPECT_EQ(parse_mem_total("MemTotal:       24576000 kB\nMemFree:  1 kB\n"), 24576000.0 * 1024);
  EXPECT_EQ(parse_mem_total("MemFree:  1 kB\n"), 0.0);
  EXPECT_EQ(parse_mem_total("MemTotal: lots\n"), 0.0);
}

TEST(ProbeHostFacts, ParsesSysfsLists) {
  EXPECT_EQ(parse_cpu_list_count("0-7,64-71\n"), 16);
  EXPECT_EQ(parse_cpu_list_count("3"), 1);
  EXPECT_EQ(parse_cpu_list_count("0,2,4-5"), 4);
  EXPECT_EQ(parse_cpu_list_count("5-3"), 0);
  EXPECT_EQ(parse_cpu_list_count(""), 0);
  EXPECT_EQ(parse_cache_size("32768K\n"), std::size_t{32} << 20);
  EXPECT_EQ(parse_cache_size("2M"), std::size_t{2} << 20);
  EXPECT_EQ(parse_cache_size("512"), std::size_t{512});
  EXPECT_EQ(parse_cache_size("big"), std::size_t{0});
}

// ---- probe_host ---------------------------------------------------------------------------------

TEST(ProbeHost, ShortSingleThreadedProbeGivesSaneFigures) {
  ProbeOptions options;
  options.threads = 1;
  options.seconds_per_measurement = 0.05;
  std::vector<std::string> messages;
  options.progress = [&](const std::string& line) { messages.push_back(line); };
  const HostProbe probe = probe_host(options);

  EXPECT_EQ(probe.threads, 1);
  EXPECT_FALSE(probe.cpu_model.empty());
  for (double figure : {probe.fp32_fma_ops, probe.int8_dot_ops, probe.memory_read_bandwidth,
                        probe.memory_triad_bandwidth}) {
    EXPECT_TRUE(std::isfinite(figure));
    EXPECT_GT(figure, 0.0);
  }
  // Loose bounds that only catch broken arithmetic or units (any CPU of this century passes).
  EXPECT_GE(probe.fp32_fma_ops, 1e9);
  EXPECT_GE(probe.int8_dot_ops, 1e9);
  EXPECT_GE(probe.memory_read_bandwidth, 1e8);
  EXPECT_GE(probe.memory_triad_bandwidth, 1e8);

  // The methods reported are supported methods of their families.
  auto supported_name = [](auto methods, const std::string& name) {
    for (const auto& method : methods) {
      if (method.name == name) return method.supported();
    }
    return false;
  };
  EXPECT_TRUE(supported_name(fp32_methods(), probe.fp32_method)) << probe.fp32_method;
  EXPECT_TRUE(supported_name(int8_methods(), probe.int8_method)) << probe.int8_method;

#if defined(__linux__)
  EXPECT_GT(probe.memory_capacity, 1e8);
#endif
  ASSERT_EQ(messages.size(), 4u);
  for (const auto& message : messages) EXPECT_FALSE(message.empty());
  EXPECT_NE(messages[0].find("FP32"), std::string::npos);
  EXPECT_NE(messages[1].find("INT8"), std::string::npos);
}

TEST(ProbeHost, RejectsBadOptions) {
  ProbeOptions negative_threads;
  negative_threads.threads = -1;
  EXPECT_THROW(probe_host(negative_threads), InputError);
  ProbeOptions zero_time;
  zero_time.seconds_per_measurement = 0;
  EXPECT_THROW(probe_host(zero_time), InputError);
  ProbeOptions nan_time;
  nan_time.seconds_per_measurement = std::nan("");
  EXPECT_THROW(probe_host(nan_time), InputError);
}

// ---- host_platform ------------------------------------------------------------------------------

TEST(HostPlatform, MapsEveryField) {
  HostProbe probe;
  probe.cpu_model = "Test CPU 9000";
  probe.threads = 12;
  probe.fp32_fma_ops = 1.5e12;
  probe.fp32_method = "avx2 fma";
  probe.int8_dot_ops = 6.25e12;
  probe.int8_method = "avx2 vpmaddubsw";
  probe.memory_read_bandwidth = 80e9;
  probe.memory_triad_bandwidth = 60e9;
  probe.memory_capacity = 64.0 * (1u << 30);

  const Platform platform = host_platform(probe);
  EXPECT_EQ(platform.name, "host");
  EXPECT_EQ(platform.kind, PlatformKind::Cpu);
  EXPECT_EQ(platform.description,
            "this machine: Test CPU 9000, 12 threads (measured by qutibench platforms --probe)");
  EXPECT_TRUE(platform.source.starts_with("measured by qutibench ")) << platform.source;
  EXPECT_NE(platform.source.find("avx2 fma"), std::string::npos) << platform.source;
  EXPECT_NE(platform.source.find("avx2 vpmaddubsw"), std::string::npos) << platform.source;
  EXPECT_NE(platform.source.find("60.0 GB/s"), std::string::npos) << platform.source;
  EXPECT_EQ(platform.memory_bandwidth, 80e9);
  EXPECT_EQ(platform.memory_capacity, 64.0 * (1u << 30));
  EXPECT_FALSE(platform.tdp_w.has_value());

  ASSERT_EQ(platform.op_modes.size(), 1u);
  EXPECT_EQ(platform.op_modes[0].name, "default");
  const std::map<DataType, double> peaks = {{DataType::FP32, 1.5e12}, {DataType::INT8, 6.25e12}};
  EXPECT_EQ(platform.op_modes[0].peak_ops, peaks);
  EXPECT_EQ(platform.find_op_mode("default"), &platform.op_modes[0]);

  const std::map<DataType, DataType> carriers = {{DataType::INT4, DataType::INT8},
                                                 {DataType::INT2, DataType::INT8},
                                                 {DataType::INT1, DataType::INT8},
                                                 {DataType::FP16, DataType::FP32},
                                                 {DataType::BF16, DataType::FP32}};
  EXPECT_EQ(platform.carriers, carriers);
  EXPECT_TRUE(platform.file.empty());
}

}  // namespace
}  // namespace qtb
