#include "measure/scenario.hpp"

#include <fmt/format.h>

#include <string>

#include "core/error.hpp"

namespace qtb {

std::string_view to_string(Scenario scenario) {
  switch (scenario) {
    case Scenario::SingleStream:
      return "single-stream";
    case Scenario::Offline:
      return "offline";
    case Scenario::MultiStream:
      return "multi-stream";
  }
  return "?";
}

Scenario parse_scenario(std::string_view name) {
  for (Scenario s : {Scenario::SingleStream, Scenario::Offline, Scenario::MultiStream})
    if (name == to_string(s)) return s;
  throw InputError(
      fmt::format("unknown scenario '{}': expected single-stream, offline or multi-stream", name));
}

Scenario default_scenario(std::int64_t batch, std::int64_t streams) {
  if (streams > 1) return Scenario::MultiStream;
  return batch == 1 ? Scenario::SingleStream : Scenario::Offline;
}

void check_scenario(Scenario scenario, std::int64_t batch, std::int64_t streams) {
  if (scenario == Scenario::SingleStream && batch != 1)
    throw InputError(fmt::format(
        "single-stream sends one input per query, got batch {}: use --scenario offline", batch));
  if (scenario != Scenario::MultiStream && streams != 1)
    throw InputError(fmt::format("{} runs one stream, got {}: use --scenario multi-stream",
                                 to_string(scenario), streams));
}

}  // namespace qtb
