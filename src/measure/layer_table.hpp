#pragma once
// The table `qutibench layers` prints: one line per layer row, its time, rate and theory, and the
// sum of the layers' mean times (to set beside the whole network's L3 compute time).
#include <string>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

std::string layer_rows_table(const std::vector<ResultRow>& rows);

}  // namespace qtb
