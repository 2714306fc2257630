#pragma once
// Power meters (DESIGN.md PowerMeter): a meter measures the energy spent between begin() and end().
// Implementations: RAPL counters in /sys/class/powercap, an external meter's log file (CSV of
// timestamp, watts), and none. A meter never estimates: if it cannot measure an interval it says
// so (an empty reading with the reason), and the row's power fields stay empty.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace qtb {

struct PowerReading {
  double seconds = 0;  // length of the interval
  double joules = 0;   // energy over the interval
  double watts() const { return seconds > 0 ? joules / seconds : 0; }
};

class PowerMeter {
 public:
  virtual ~PowerMeter() = default;
  // The row's power_source: "rapl", "csv", "none".
  virtual std::string source() const = 0;
  // What exactly is measured, e.g. "RAPL package-0 + dram" or "log meter.csv".
  virtual std::string description() const = 0;
  virtual void begin() = 0;
  // The energy since begin(); empty with `why` set when the interval could not be measured.
  virtual std::optional<PowerReading> end(std::string& why) = 0;
};

class NoPowerMeter final : public PowerMeter {
 public:
  std::string source() const override { return "none"; }
  std::string description() const override { return "no power meter"; }
  void begin() override {}
  std::optional<PowerReading> end(std::string& why) override {
    why = "no power meter";
    return std::nullopt;
  }
};

// RAPL energy counters under `root` (default /sys/class/powercap): every top-level package domain
// (intel-rapl:N, name "package-N") and its "dram" subdomain where present. Counters wrap at
// max_energy_range_uj; one wrap per domain per interval is handled (at the ~100-300 W of a server
// package that allows several minutes; the harness's intervals are far shorter).
// Throws InputError when no readable domain exists.
std::unique_ptr<PowerMeter> make_rapl_meter(
    const std::filesystem::path& root = "/sys/class/powercap");

// An external meter's log: a CSV of "timestamp,watts" rows (Unix seconds, as USB meters write;
// a header line is allowed), read when end() is called so the meter can keep appending during the
// run. Energy is the integral of the samples over [begin, end] (trapezoids, linear interpolation
// at the ends); the log must cover the whole interval. Throws InputError for a missing file.
std::unique_ptr<PowerMeter> make_csv_log_meter(const std::filesystem::path& log);

// "auto" (RAPL when readable, else none), "rapl", "none" or "csv:FILE". InputError otherwise.
std::unique_ptr<PowerMeter> make_power_meter(std::string_view spec);

// Mean power over `seconds` of doing nothing: the idle power the run's power is compared with.
std::optional<PowerReading> measure_idle_power(PowerMeter& meter, double seconds, std::string& why);

}  // namespace qtb
