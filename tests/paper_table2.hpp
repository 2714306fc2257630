#pragma once
// The paper's Table 2 (hardware_platforms.csv) as rows, each mapped to its catalog platform and
// op mode, for the tests that check the catalog and the roofline against it.
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "test_paths.hpp"

namespace qtb::testing {

struct Table2Row {
  std::string csv_name;
  std::string platform;
  std::string op_mode;
  std::vector<std::string> cells;  // INT2, INT4, INT8, FP16, FP32 [TOP/s], bandwidth [GB/s],
                                   // capacity [GB], power [W]; "na" where the paper has none
};

// The column order of the five peak columns of Table 2.
inline const std::vector<std::string> kTable2PeakColumns = {"INT2", "INT4", "INT8", "FP16", "FP32"};

inline std::vector<Table2Row> read_table2() {
  const std::map<std::string, std::pair<std::string, std::string>> names = {
      {"Ultra96-DPU", {"Ultra96-DPU", "default"}},
      {"ZCU104-DPU", {"ZCU104-DPU", "default"}},
      {"ZCU102-DPU", {"ZCU102-DPU", "default"}},
      {"ZCU104-FINN", {"ZCU104-FINN", "default"}},
      {"ZCU104-BISMO", {"ZCU104-BISMO", "default"}},
      {"TX2 - maxn", {"TX2", "maxn"}},
      {"TX2 - maxp", {"TX2", "maxp"}},
      {"TX2 - maxq", {"TX2", "maxq"}},
      {"EdgeTPU-fast", {"EdgeTPU", "fast"}},
      {"EdgeTPU-slow", {"EdgeTPU", "slow"}},
      {"NCS (MyriadX)", {"NCS2", "default"}},
      {"U96-Quadcore A53-INT8", {"U96-A53", "default"}}};
  std::ifstream in(qtb::test::reference_dir() / "hardware_platforms.csv");
  if (!in) throw std::runtime_error("hardware_platforms.csv is missing");
  std::vector<Table2Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    auto cells = split_list(line);
    if (cells.empty()) continue;
    const auto name = names.find(cells[0]);
    if (name == names.end()) continue;
    if (cells.size() != 9) throw std::runtime_error("unexpected Table 2 row: " + line);
    rows.push_back({cells[0], name->second.first, name->second.second,
                    std::vector<std::string>(cells.begin() + 1, cells.end())});
  }
  if (rows.size() != names.size()) throw std::runtime_error("Table 2 rows missing");
  return rows;
}

}  // namespace qtb::testing
