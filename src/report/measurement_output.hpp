#pragma once
// The human-readable account of one measured point, as `qutibench run` prints it.
#include <string>

#include "measure/result_row.hpp"

namespace qtb {

std::string format_measurement(const ResultRow& row);

}  // namespace qtb
