#pragma once
// Our own CSV form of result rows: one column per store column (store/result_columns.hpp, with
// latencies flattened as latency_compute_ms_mean, ..._p50, ...), numbers written so that they
// read back bit for bit, empty cells for missing figures. export writes it, import reads it back.
#include <string>
#include <vector>

#include "core/csv_reader.hpp"
#include "measure/result_row.hpp"

namespace qtb {

std::string rows_to_csv(const std::vector<ResultRow>& rows);

// True when the header names our columns (it has topology and platform).
bool is_rows_csv_header(const std::vector<std::string>& header);

// All rows or InputError naming every bad line. Unknown columns are refused (a typo must not
// vanish); absent columns keep ResultRow's defaults, so files of older versions still import.
std::vector<ResultRow> read_rows_csv(const std::vector<CsvRecord>& records,
                                     const std::string& file_name);

}  // namespace qtb
