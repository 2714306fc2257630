#pragma once
// How queries are issued (after MLPerf LoadGen's scenarios):
//   single-stream  one query of one input at a time, the next sent when the previous answered;
//                  the figure of merit is the latency (p90 in LoadGen);
//   offline        batches of `batch` inputs back to back: throughput;
//   multi-stream   `streams` independent requesters at once, each with its own compiled model
//                  instance and its own queries of `batch` inputs: throughput under concurrency
//                  and the latency each requester sees.
#include <cstdint>
#include <string_view>

namespace qtb {

enum class Scenario { SingleStream, Offline, MultiStream };

std::string_view to_string(Scenario scenario);
// "single-stream", "offline", "multi-stream"; InputError otherwise.
Scenario parse_scenario(std::string_view name);
// The scenario a deployment implies when none is named: multi-stream for streams > 1,
// single-stream for batch 1, offline otherwise.
Scenario default_scenario(std::int64_t batch, std::int64_t streams);
// InputError when the scenario contradicts the deployment (single-stream with batch > 1, ...).
void check_scenario(Scenario scenario, std::int64_t batch, std::int64_t streams);

}  // namespace qtb
