#pragma once
// The format of an external meter's log and the energy it implies over an interval (the CSV power
// meter's arithmetic, apart so tests can check it with hand-computed integrals).
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace qtb {

struct PowerSample {
  double time_s = 0;  // Unix seconds
  double watts = 0;
};

// "timestamp,watts" rows, optionally a non-numeric header first; blank lines skipped. Samples must
// be in time order. Throws InputError "NAME:LINE: ..." for a malformed row.
std::vector<PowerSample> parse_power_log(std::istream& in, const std::string& name);

// Joules between t0 and t1: trapezoids over the samples, the power at t0 and t1 interpolated
// linearly. Empty (with `why`) when the samples do not cover [t0, t1].
std::optional<double> integrate_power(const std::vector<PowerSample>& samples, double t0, double t1,
                                      std::string& why);

}  // namespace qtb
