// An external power meter's log file.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"
#include "measure/power_log.hpp"
#include "measure/power_meter.hpp"

namespace qtb {
namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class CsvLogMeter final : public PowerMeter {
 public:
  explicit CsvLogMeter(std::filesystem::path log) : log_(std::move(log)) {}
  std::string source() const override { return "csv"; }
  std::string description() const override { return "meter log " + log_.string(); }
  void begin() override { start_ = unix_now(); }
  std::optional<PowerReading> end(std::string& why) override {
    const double stop = unix_now();
    std::ifstream in(log_);
    if (!in) {
      why = "cannot read the meter log " + log_.string();
      return std::nullopt;
    }
    try {
      const auto samples = parse_power_log(in, log_.string());
      const auto joules = integrate_power(samples, start_, stop, why);
      if (!joules) return std::nullopt;
      return PowerReading{stop - start_, *joules};
    } catch (const InputError& e) {
      why = e.what();
      return std::nullopt;
    }
  }

 private:
  std::filesystem::path log_;
  double start_ = 0;
};

}  // namespace

std::unique_ptr<PowerMeter> make_csv_log_meter(const std::filesystem::path& log) {
  if (!std::filesystem::is_regular_file(log))
    throw InputError("power meter log " + log.string() + " does not exist");
  return std::make_unique<CsvLogMeter>(log);
}

}  // namespace qtb
