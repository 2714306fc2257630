#pragma once
// Import of the paper's web-portal CSV (data/reference/qutibench-web/experimental_data.csv): each
// line becomes one ResultRow with our names (platform and op mode split, precision canonical,
// pruning as a fraction, the batch/thread/stream column routed to the platform's sweep parameter).
// The normalisation table is in docs/store.md.
#include <string>
#include <vector>

#include "core/csv_reader.hpp"
#include "measure/result_row.hpp"

namespace qtb {

// The paper's sweep parameter of a platform (Sec. 4.1.4): what batch/thread/stream counts.
enum class SweepParameter { Batch, Threads, Streams };

struct PortalPlatform {
  std::string hw_type;   // the portal's HWType, e.g. "TX2-maxn"
  std::string platform;  // our catalog name (data/platforms/*.toml), e.g. "TX2"
  std::string op_mode;   // "maxn", or "default" for a single-mode platform
  SweepParameter sweep;
};

// Every HWType of the portal file, with its platform, op mode and sweep parameter.
const std::vector<PortalPlatform>& portal_platforms();

// Our names of the portal's topologies (NN_Topology mapped), in the portal's order.
std::vector<std::string> portal_topology_names();

// True when the header is the portal's (it has an HWType column).
bool is_portal_header(const std::vector<std::string>& header);

// All rows, or InputError "FILE: import refused ...: line N: reason; ..." naming every bad line
// (and the missing columns, on line 1).
std::vector<ResultRow> read_portal_csv(const std::vector<CsvRecord>& records,
                                       const std::string& file_name);

}  // namespace qtb
