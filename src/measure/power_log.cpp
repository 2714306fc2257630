#include "measure/power_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "core/text.hpp"

namespace qtb {
namespace {

std::optional<double> parse_double(std::string_view text) {
  text = trim(text);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

double interpolate(const PowerSample& a, const PowerSample& b, double t) {
  if (b.time_s == a.time_s) return a.watts;
  return a.watts + (b.watts - a.watts) * (t - a.time_s) / (b.time_s - a.time_s);
}

}  // namespace

std::vector<PowerSample> parse_power_log(std::istream& in, const std::string& name) {
  std::vector<PowerSample> samples;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (trim(line).empty()) continue;
    const auto comma = line.find(',');
    const auto time = comma == std::string::npos
                          ? std::nullopt
                          : parse_double(std::string_view(line).substr(0, comma));
    const auto watts = comma == std::string::npos
                           ? std::nullopt
                           : parse_double(std::string_view(line).substr(comma + 1));
    if (!time || !watts) {
      if (samples.empty() && number == 1) continue;  // a header
      throw InputError(
          fmt::format("{}:{}: expected 'timestamp,watts', got '{}'", name, number, line));
    }
    if (*watts < 0) throw InputError(fmt::format("{}:{}: negative power {}", name, number, *watts));
    if (!samples.empty() && *time < samples.back().time_s)
      throw InputError(
          fmt::format("{}:{}: timestamp {} is earlier than the line before", name, number, *time));
    samples.push_back({*time, *watts});
  }
  return samples;
}

std::optional<double> integrate_power(const std::vector<PowerSample>& samples, double t0, double t1,
                                      std::string& why) {
  if (samples.size() < 2 || samples.front().time_s > t0 || samples.back().time_s < t1) {
    why = samples.empty() ? "the meter log has no samples"
                          : fmt::format(
                                "the meter log covers [{:.3f}, {:.3f}], not the run's "
                                "[{:.3f}, {:.3f}]",
                                samples.front().time_s, samples.back().time_s, t0, t1);
    return std::nullopt;
  }
  double joules = 0;
  for (std::size_t i = 0; i + 1 < samples.size(); ++i) {
    const PowerSample& a = samples[i];
    const PowerSample& b = samples[i + 1];
    const double from = std::max(a.time_s, t0);
    const double to = std::min(b.time_s, t1);
    if (to <= from) continue;
    joules += (interpolate(a, b, from) + interpolate(a, b, to)) / 2 * (to - from);
  }
  return joules;
}

}  // namespace qtb
