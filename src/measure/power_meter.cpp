#include "measure/power_meter.hpp"

#include <thread>

#include "core/error.hpp"

namespace qtb {

std::unique_ptr<PowerMeter> make_power_meter(std::string_view spec) {
  if (spec == "none") return std::make_unique<NoPowerMeter>();
  if (spec == "rapl") return make_rapl_meter();
  if (spec == "auto") {
    try {
      return make_rapl_meter();
    } catch (const InputError&) {
      return std::make_unique<NoPowerMeter>();
    }
  }
  if (spec.starts_with("csv:")) return make_csv_log_meter(std::string(spec.substr(4)));
  throw InputError("unknown power meter '" + std::string(spec) +
                   "': expected auto, rapl, none or csv:FILE");
}

std::optional<PowerReading> measure_idle_power(PowerMeter& meter, double seconds,
                                               std::string& why) {
  meter.begin();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return meter.end(why);
}

}  // namespace qtb
