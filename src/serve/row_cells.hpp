#pragma once
// How the portal shows one stored row: the /rows table's columns and cells, the sort orders it
// accepts, the row's provenance and the command that reproduces it.
#include <string>
#include <string_view>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb::serve {

// id, topology, prune, precision, platform, backend, op_mode, batch, threads, streams, level,
// source, valid, fps_compute, latency_ms, top1.
const std::vector<std::string>& row_table_columns();
std::vector<std::string> row_table_cells(const ResultRow& row);

struct RowOrder {
  std::string column;  // empty: the order rows were stored in
  bool descending = false;
};
// "" (stored order), a column of row_table_columns(), or it with a leading '-' (descending);
// InputError otherwise.
RowOrder parse_row_order(std::string_view sort);
// Stable: rows equal in the column keep their stored order.
void sort_rows(std::vector<std::size_t>& indices, const std::vector<ResultRow>& rows,
               const RowOrder& order);

std::vector<std::vector<std::string>> provenance_cells(const ResultRow& row);
// The command line stored with the row, or the `qutibench run` that measures the same point; for
// a row the paper reported, the `analyze` that predicts it (it was measured elsewhere).
std::string reproduce_command(const ResultRow& row);

}  // namespace qtb::serve
